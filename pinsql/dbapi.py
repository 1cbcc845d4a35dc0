"""PEP 249 (DB-API 2.0) connection and cursor.

A cursor's result is one Arrow table; ``fetchone``/``fetchmany``/``fetchall``
are row views over it (converted a batch at a time), ``fetch_arrow_table`` and
``fetch_record_batch`` hand it out as Arrow. Values are plain Python objects:
str, int, float, bool, ``datetime.date``, ``datetime.datetime`` (tz-aware,
UTC, for TIMESTAMP), None; JSON columns are str.
"""

from __future__ import annotations

import logging
import weakref
from collections import namedtuple
from collections.abc import Iterator, Sequence
from typing import Any

import pyarrow as pa

from pinsql import exceptions as _exc
from pinsql.catalog import Catalog, load_catalog
from pinsql.engine.planner import Scan
from pinsql.engine.session import Engine
from pinsql.exceptions import InterfaceError, NotSupportedError, ProgrammingError
from pinsql.types import type_code

log = logging.getLogger("pinsql.dbapi")

#: One ``Cursor.description`` entry (PEP 249's seven fields).
Column = namedtuple("Column", ["name", "type_code", "display_size", "internal_size", "precision", "scale", "null_ok"])

#: Rows converted from Arrow to tuples at a time while fetching.
_CHUNK = 1024


def _counter_calls(client: Any) -> int:
    counters = getattr(client, "counters", None)
    if counters is None:
        return 0
    snap = counters.snapshot() if hasattr(counters, "snapshot") else dict(counters)
    return int(snap.get("calls", 0))


class Connection:
    """A connection to Pinterest through one API client and one local DuckDB engine."""

    Warning = _exc.Warning
    Error = _exc.Error
    InterfaceError = _exc.InterfaceError
    DatabaseError = _exc.DatabaseError
    DataError = _exc.DataError
    OperationalError = _exc.OperationalError
    IntegrityError = _exc.IntegrityError
    InternalError = _exc.InternalError
    ProgrammingError = _exc.ProgrammingError
    NotSupportedError = _exc.NotSupportedError

    def __init__(self, client: Any, catalog: Catalog | None = None, properties: Any = None) -> None:
        self.client = client
        self.properties = properties
        self._catalog = catalog or load_catalog()
        self._engine = Engine(client, self._catalog)
        self._closed = False
        self._cursors: weakref.WeakSet[Cursor] = weakref.WeakSet()  # closed with the connection

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        base = getattr(self.properties, "base_url", None)
        return f"<pinsql.Connection {state}{' ' + base if base else ''}>"

    # -- PEP 249 ------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection and its cursors. Idempotent (SQLAlchemy's pool closes twice)."""
        if self._closed:
            return
        self._closed = True
        for c in list(self._cursors):
            c._closed = True
        self._cursors.clear()
        self._engine.close()
        close = getattr(self.client, "close", None)
        if close is not None:
            close()

    def commit(self) -> None:
        """No-op: Pinterest tables are read-only and local tables autocommit."""
        self._check_open()

    def rollback(self) -> None:
        """No-op: there is no transaction to roll back."""
        self._check_open()

    def cursor(self) -> Cursor:
        self._check_open()
        cur = Cursor(self)
        self._cursors.add(cur)
        return cur

    def __enter__(self) -> Connection:  # noqa: PYI034 - typing.Self needs Python 3.11
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- extras -------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def catalog(self) -> Catalog:
        return self._catalog

    @property
    def api_calls(self) -> dict:
        """The client's counters: calls, pages, retries, rate-limit waits... since the connection opened."""
        counters = getattr(self.client, "counters", None)
        if counters is None:
            return {}
        return counters.snapshot() if hasattr(counters, "snapshot") else dict(counters)

    counters = api_calls

    def clear_cache(self) -> None:
        """Forget the API answers kept for reuse (CacheTTL) and the memoised parent lists: the next queries read afresh."""
        cache = getattr(self.client, "cache", None)
        if cache is not None:
            cache.clear()
        self._engine.memo.clear()

    def test(self) -> Any:
        """A cheap end-to-end check (who is signed in, which ad account): see ``pinsql.client.test_connection``."""
        self._check_open()
        from pinsql.client import test_connection

        return test_connection(self.client)

    def execute(self, operation: str, parameters: Sequence[Any] | None = None) -> Cursor:
        """Shortcut: a new cursor that has executed ``operation``."""
        cur = self.cursor()
        cur.execute(operation, parameters)
        return cur

    def _check_open(self) -> None:
        if self._closed:
            raise InterfaceError("the connection is closed")


class Cursor:
    """A PEP 249 cursor.

    ``arraysize`` defaults to 1 as PEP 249 says; raise it for bulk ``fetchmany()``.
    ``rowcount`` is the number of rows of a result set (known: the result is
    materialised as Arrow before execute returns), the affected rows for
    INSERT/UPDATE/DELETE on local tables, and -1 otherwise.
    """

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.arraysize = 1
        self.lastrowid = None
        self._closed = False
        self._reset()

    def _reset(self) -> None:
        self._table: pa.Table | None = None
        self._type_names: list[str] | None = None
        self._description: list[Column] | None = None
        self._rowcount = -1
        self._pos = 0
        self._buffer: list[tuple] = []
        self._buffer_start = 0
        self.api_calls = 0
        self.query_plan: list[Scan] = []

    # -- state ----------------------------------------------------------------------

    @property
    def description(self) -> list[Column] | None:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def arrow_schema(self) -> pa.Schema | None:
        return self._table.schema if self._table is not None else None

    def close(self) -> None:
        self._closed = True
        self._table = None
        self._buffer = []

    def __enter__(self) -> Cursor:  # noqa: PYI034 - typing.Self needs Python 3.11
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check(self) -> None:
        if self._closed:
            raise InterfaceError("the cursor is closed")
        if self.connection.closed:
            raise InterfaceError("the connection is closed")

    def _check_result(self) -> pa.Table:
        self._check()
        if self._table is None:
            raise ProgrammingError("no result set: call execute() with a query that returns rows first")
        return self._table

    # -- execution --------------------------------------------------------------------

    def execute(self, operation: str, parameters: Sequence[Any] | None = None) -> Cursor:
        self._check()
        self._reset()
        client = self.connection.client
        before = _counter_calls(client)
        try:
            result = self.connection._engine.execute(operation, parameters)
        finally:
            self.api_calls = _counter_calls(client) - before
        self.query_plan = result.scans
        self._rowcount = result.rowcount
        if result.table is not None:
            self._table = result.table
            names = result.type_names or [None] * result.table.num_columns
            self._description = [
                Column(f.name, type_code(n, f.type), None, None, None, None, True)
                for f, n in zip(result.table.schema, names)
            ]
        return self

    def executemany(self, operation: str, seq_of_parameters: Sequence[Sequence[Any]]) -> Cursor:
        """Run a DML statement once per parameter set (rowcount: the total); SELECT is refused."""
        self._check()
        head = operation.lstrip().split(None, 1)[0].upper() if operation.strip() else ""
        if head in ("SELECT", "WITH", "EXPLAIN", "SHOW", "DESCRIBE", "VALUES", "FROM", "TABLE"):
            raise NotSupportedError("executemany() is for INSERT/UPDATE/DELETE; run a SELECT with execute()")
        total = 0
        known = True
        calls = 0
        for params in seq_of_parameters:
            self.execute(operation, params)
            calls += self.api_calls
            if self._rowcount < 0:
                known = False
            else:
                total += self._rowcount
        self._rowcount = total if known else -1
        self.api_calls = calls
        self._table = None
        self._description = None
        return self

    def setinputsizes(self, sizes: Any) -> None:
        """No-op (PEP 249)."""

    def setoutputsize(self, size: Any, column: int | None = None) -> None:
        """No-op (PEP 249)."""

    # -- fetching ---------------------------------------------------------------------

    def _rows(self, n: int) -> list[tuple]:
        table = self._check_result()
        out: list[tuple] = []
        while len(out) < n and self._pos < table.num_rows:
            offset = self._pos - self._buffer_start
            if offset >= len(self._buffer):
                self._buffer_start = self._pos
                chunk = table.slice(self._pos, _CHUNK)
                cols = [c.to_pylist() for c in chunk.columns]
                self._buffer = list(zip(*cols)) if cols else [()] * chunk.num_rows
                offset = 0
            take = self._buffer[offset : offset + (n - len(out))]
            out.extend(take)
            self._pos += len(take)
        return out

    def fetchone(self) -> tuple | None:
        rows = self._rows(1)
        return rows[0] if rows else None

    def fetchmany(self, size: int | None = None) -> list[tuple]:
        n = self.arraysize if size is None else size
        if n < 0:
            raise ProgrammingError("fetchmany() size must be >= 0")
        return self._rows(n)

    def fetchall(self) -> list[tuple]:
        table = self._check_result()
        return self._rows(table.num_rows - self._pos)

    def __iter__(self) -> Iterator[tuple]:
        return self

    def __next__(self) -> tuple:
        row = self.fetchone()
        if row is None:
            raise StopIteration
        return row

    # -- Arrow ------------------------------------------------------------------------

    def fetch_arrow_table(self) -> pa.Table:
        """The rows not fetched yet, as one Arrow table."""
        table = self._check_result()
        rest = table.slice(self._pos)
        self._pos = table.num_rows
        return rest

    def fetch_record_batch(self, rows_per_batch: int = 1_000_000) -> pa.RecordBatchReader:
        """The rows not fetched yet, as a RecordBatchReader of up to ``rows_per_batch`` rows per batch."""
        if rows_per_batch < 1:
            raise ProgrammingError("rows_per_batch must be >= 1")
        rest = self.fetch_arrow_table()
        return pa.RecordBatchReader.from_batches(rest.schema, rest.to_batches(max_chunksize=rows_per_batch))

    def fetch_df(self) -> Any:
        """The rows not fetched yet as a pandas DataFrame (needs pandas)."""
        return self.fetch_arrow_table().to_pandas()


def connect(conn_str: str | None = None, **kwargs: Any) -> Connection:
    """Open a connection.

    ``conn_str`` is a ``Key=Value;...`` connection string; keyword arguments
    add or override properties (see ``pinsql.properties``). ``connection=NAME``
    (or ``Connection=NAME`` in the string) starts from a connection saved with
    ``pinsql connection add``; the other properties override it. ``client=``
    passes a ready API client instead (tests, embedding).
    """
    client = kwargs.pop("client", None)
    catalog = kwargs.pop("catalog", None)
    props = None
    conn_str, kwargs = _apply_named_connection(conn_str, kwargs)
    if client is None:
        from pinsql.client import ApiClient
        from pinsql.properties import parse_properties

        props = parse_properties(conn_str, **kwargs)
        client = ApiClient(props)
    elif conn_str or kwargs:
        raise InterfaceError("pass either connection properties or client=, not both")
    return Connection(client, catalog, props)


def _apply_named_connection(conn_str: str | None, kwargs: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """Layer a saved connection under the given properties: saved < conn_str < kwargs."""
    from pinsql.properties import split_connection_string

    given = split_connection_string(conn_str) if conn_str else {}
    name = None
    for layer in (given, kwargs):
        for key in [k for k in layer if k.strip().lower() == "connection"]:
            name = layer.pop(key)
    if not name:
        return conn_str, kwargs
    from pinsql.connections import load_connection, merge_properties

    return None, merge_properties(load_connection(str(name)), given, kwargs)
