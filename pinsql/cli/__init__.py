"""The ``pinsql`` command line: demo, query, shell, tables, describe, login, test, connection, emulator.

``main(argv)`` runs it and returns the exit code; it imports the command
modules on first use so that importing ``pinsql.cli`` stays cheap. Named
connections live in :mod:`pinsql.connections`, shared with ``pinsql.connect``
and the SQLAlchemy dialect.
"""

from __future__ import annotations

from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); returns the exit code."""
    from .app import main as run

    return run(argv)


__all__ = ["main"]
