"""The ``pinsql`` command line: demo, query, shell, tables, describe, login, test, connection, emulator.

``main(argv)`` runs it and returns the exit code. ``load_connection(name)``
returns a saved connection's properties for ``pinsql.connect(**props)``.
Both import their modules on first use, so ``pinsql.cli.connections`` stays
cheap to import for ``pinsql.connect(connection=...)``.
"""

from __future__ import annotations

from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); returns the exit code."""
    from .app import main as run

    return run(argv)


def load_connection(name: str) -> dict[str, str]:
    """The properties saved under ``name`` (see :mod:`pinsql.cli.connections`)."""
    from .connections import load_connection as load

    return load(name)


__all__ = ["main", "load_connection"]
