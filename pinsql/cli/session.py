"""From the global connection options to an open connection.

Exactly one source of properties is used: ``--emulator`` (an in-process
emulator), ``--connection NAME`` (a saved connection), ``--dsn`` (a connection
string), or, when none is given, the connection named by ``$PINSQL_CONNECTION``
or saved as ``default``, else only the ``PINTEREST_*`` environment variables.
``--property KEY=VALUE`` options apply on top of any of them and win.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from pinsql import connections
from pinsql.exceptions import InterfaceError

log = logging.getLogger("pinsql.cli")

DEFAULT_CONNECTION = "default"


class UsageError(Exception):
    """Wrong use of the command line (exit code 2)."""


def parse_property_options(items: list[str] | None) -> dict[str, str]:
    """``["PageSize=50", "AdAccountId=1"]`` → dict; a missing ``=`` is a usage error."""
    props: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UsageError(f"--property expects KEY=VALUE, got {item!r}")
        props = connections.merge_properties(props, {key: value.strip()})
    return props


class Session:
    """Owns what the global options ask for: maybe an emulator, and one lazily opened connection."""

    def __init__(self, args: Any) -> None:
        self.connection_name: str | None = getattr(args, "connection", None)
        self.dsn: str | None = getattr(args, "dsn", None)
        self.use_emulator: bool = bool(getattr(args, "emulator", False))
        self.emulator_size: str = getattr(args, "emulator_size", None) or "small"
        seed = getattr(args, "emulator_seed", None)
        self.emulator_seed: int = 7 if seed is None else seed
        self.overrides = parse_property_options(getattr(args, "property", None))
        given = [n for n, v in (("--connection", self.connection_name), ("--dsn", self.dsn), ("--emulator", self.use_emulator)) if v]
        if len(given) > 1:
            raise UsageError(f"use only one of {' and '.join(given)}")
        self.emulator: Any = None
        self._conn: Any = None

    # -- properties ---------------------------------------------------------

    def describe(self) -> str:
        """Where the properties come from, for messages."""
        if self.use_emulator:
            return "the built-in emulator"
        name = self._effective_connection_name()
        if name:
            return f"connection {name!r}"
        if self.dsn:
            return "the --dsn connection string"
        return "the --property options" if self.overrides else "the PINTEREST_* environment variables"

    def _effective_connection_name(self) -> str | None:
        if self.connection_name:
            return self.connection_name
        if self.dsn or self.use_emulator:
            return None
        env = os.environ.get("PINSQL_CONNECTION")
        if env:
            return env
        try:
            if DEFAULT_CONNECTION in connections.list_connections():
                return DEFAULT_CONNECTION
        except InterfaceError:
            return None
        return None

    def start_emulator(self) -> Any:
        if self.emulator is None:
            from pinsql.emulator import Emulator

            log.debug("starting the emulator (size %s, seed %s)", self.emulator_size, self.emulator_seed)
            emu = Emulator(seed=self.emulator_seed, size=self.emulator_size)
            emu.start()
            self.emulator = emu
        return self.emulator

    def properties(self) -> tuple[str | None, dict[str, str]]:
        """``(connection string or None, properties)`` to pass to ``pinsql.connect``."""
        if self.use_emulator:
            base = {k: str(v) for k, v in self.start_emulator().connection_properties().items()}
            return None, connections.merge_properties(base, self.overrides)
        name = self._effective_connection_name()
        if name:
            return None, connections.merge_properties(connections.load_connection(name), self.overrides)
        return self.dsn, dict(self.overrides)

    # -- connection ---------------------------------------------------------

    def connect(self) -> Any:
        """The session's connection, opened on first use."""
        if self._conn is None:
            import pinsql

            dsn, props = self.properties()
            self._conn = pinsql.connect(dsn, **props) if dsn else pinsql.connect(**props)
        return self._conn

    @property
    def connected(self) -> Any:
        return self._conn

    def close(self) -> None:
        conn, self._conn = self._conn, None
        try:
            if conn is not None:
                conn.close()
        finally:
            emu, self.emulator = self.emulator, None
            if emu is not None:
                emu.stop()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
