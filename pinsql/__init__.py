"""pinsql: SQL over the Pinterest API v5.

DB-API 2.0 (PEP 249)::

    import pinsql
    with pinsql.connect("OAuthAccessToken=...;AdAccountId=...") as conn:
        cur = conn.cursor()
        cur.execute("SELECT id, name FROM campaigns WHERE status = ?", ["ACTIVE"])
        cur.fetchall()

``paramstyle`` is ``qmark``: parameters are bound into the parsed statement as
literal nodes, never pasted into SQL text.

``threadsafety`` is 1: threads may share the module but not connections. A
connection owns one DuckDB connection, result cursors and a parent-list cache
that are not guarded for concurrent statements (the API client itself runs
requests on a worker pool, so one statement is already parallel inside).
"""

from __future__ import annotations

from pinsql.dbapi import Connection, Cursor, connect
from pinsql.exceptions import (
    DatabaseError,
    DataError,
    Error,
    IntegrityError,
    InterfaceError,
    InternalError,
    NotSupportedError,
    OperationalError,
    ProgrammingError,
    Warning,
)
from pinsql.types import (
    BINARY,
    DATETIME,
    NUMBER,
    ROWID,
    STRING,
    Binary,
    Date,
    DateFromTicks,
    Time,
    TimeFromTicks,
    Timestamp,
    TimestampFromTicks,
)

__version__ = "0.1.0"

apilevel = "2.0"
threadsafety = 1
paramstyle = "qmark"

__all__ = [
    "BINARY",
    "DATETIME",
    "NUMBER",
    "ROWID",
    "STRING",
    "Binary",
    "Connection",
    "Cursor",
    "DataError",
    "DatabaseError",
    "Date",
    "DateFromTicks",
    "Error",
    "IntegrityError",
    "InterfaceError",
    "InternalError",
    "NotSupportedError",
    "OperationalError",
    "ProgrammingError",
    "Time",
    "TimeFromTicks",
    "Timestamp",
    "TimestampFromTicks",
    "Warning",
    "apilevel",
    "connect",
    "paramstyle",
    "threadsafety",
]
