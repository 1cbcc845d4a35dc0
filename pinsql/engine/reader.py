"""API responses → Arrow tables, parsed and converted inside DuckDB.

Response bodies go to DuckDB as the text that came off the wire, never as
Python objects. While paging, only the bookmark is read from each body (a
look at its last member, see :func:`fast_bookmark`). When a scan's calls are
done (or, for a follower's large answers, as each arrives), one DuckDB
statement per batch parses all its bodies with ``from_json``
(a structure built from the table's schema, so only the columns the query
reads are materialised), converts every column to its SQL type, applies the
endpoint's residual condition and returns a list of row structs per body,
which Arrow flattens into columns. One statement for many bodies matters:
DuckDB spends a millisecond or two binding such a statement, more than
parsing a page. Small batches are decoded and converted in Python instead
(:mod:`pinsql.engine.pyconvert`), to the same table.

Conversion rules (the same for every table and for values taken from request
parameters):

* A JSON number or boolean read as VARCHAR becomes its JSON text (ids sent as
  numbers stay exact); an object or array read as VARCHAR or JSON becomes
  compact JSON text.
* A value that does not fit its column's type becomes NULL, like ``TRY_CAST``
  (``""`` for a number, say).
* ISO-8601 timestamps with an offset are converted to UTC; unix seconds and
  milliseconds become timestamps; timestamps are naive UTC inside DuckDB.

Responses that are not a list of rows (organic analytics, top pins) go through
their Python extractor in :mod:`pinsql.engine.shapes` first; its rows are then
read the same way, so every table follows the same rules.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from pinsql import jsonbody
from pinsql.catalog import BASIC_SHAPES, Column, Endpoint, Table
from pinsql.engine import pyconvert, shapes
from pinsql.engine.convert import arrow_schema, null_arrays
from pinsql.exceptions import OperationalError

#: Unix time → timestamp; NULL beyond what a timestamp holds (about 290,000 years either way).
_EPOCH = "CASE WHEN abs({{0}}) < {limit} THEN make_timestamp(CAST(round({{0}} * {scale}) AS BIGINT)) END"

#: How each column type is read from the JSON, then turned into its SQL type
#: (``{}`` is the value read).
_JSON_TYPES: dict[tuple[str, str | None], tuple[str, str]] = {
    ("VARCHAR", None): ("VARCHAR", "{}"),
    ("JSON", None): ("JSON", "{}"),
    ("BIGINT", None): ("BIGINT", "{}"),
    ("DOUBLE", None): ("DOUBLE", "{}"),
    ("BOOLEAN", None): ("BOOLEAN", "{}"),
    ("TIMESTAMP", None): ("VARCHAR", "CAST(TRY_CAST({} AS TIMESTAMPTZ) AS TIMESTAMP)"),
    ("TIMESTAMP", "iso8601"): ("VARCHAR", "CAST(TRY_CAST({} AS TIMESTAMPTZ) AS TIMESTAMP)"),
    ("TIMESTAMP", "unix_seconds"): ("DOUBLE", _EPOCH.format(scale="1000000", limit="9e12")),
    ("TIMESTAMP", "unix_ms"): ("DOUBLE", _EPOCH.format(scale="1000", limit="9e15")),
    ("DATE", None): ("VARCHAR", "TRY_CAST({} AS DATE)"),
    ("DATE", "date"): ("VARCHAR", "TRY_CAST({} AS DATE)"),
    ("DATE", "unix_seconds"): ("DOUBLE", "CAST(" + _EPOCH.format(scale="1000000", limit="9e12") + " AS DATE)"),
    ("DATE", "unix_ms"): ("DOUBLE", "CAST(" + _EPOCH.format(scale="1000", limit="9e15") + " AS DATE)"),
}

#: The per-request value that fills a TOTAL analytics row's missing date.
WINDOW_START = "__window_start"


def _json_type(column: Column) -> tuple[str, str]:
    key = (column.type, column.format or None)
    if key not in _JSON_TYPES:
        key = (column.type, None)
    return _JSON_TYPES[key]


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def _sql_path(struct: str, path: str) -> str:
    """``x."media"."images"``: a dotted JSON path as a struct field reference."""
    return struct + "." + ".".join(_ident(k) for k in path.split("."))


def _nest(shape: dict, path: str, leaf: str) -> None:
    keys = path.split(".")
    for k in keys[:-1]:
        shape = shape.setdefault(k, {})
    shape[keys[-1]] = leaf


def _field_indices(shape: dict, path: str) -> list[int]:
    """Positions of a dotted path's keys in the nested structure (= the struct's field order)."""
    out = []
    for key in path.split("."):
        out.append(list(shape).index(key))
        shape = shape[key]
    return out


def _wrap(shape: Any, dotted: str | None) -> Any:
    for key in reversed((dotted or "").split(".")) if dotted else ():
        shape = {key: shape}
    return shape


#: Bodies up to this size are decoded in Python at once (exact row count, cheap).
SMALL_BODY = 32 * 1024
#: A batch is decoded and converted in Python (see pyconvert) while its cells
#: (rows x columns read, a JSON column counting as six: its text is written again
#: and checked) and its bytes still to decode fit one budget together:
#: ``cells / SMALL_CELLS + bytes / SMALL_BYTES <= 1``. Measured on the emulator's
#: campaigns, ad groups and pins: DuckDB's from_json statement costs 3-5 ms before
#: the first row, then parses about 3 ns a byte and converts a cell at 0.13 µs;
#: Python's ``json.loads`` takes 7-13 ns a byte whatever the query reads, and a cell
#: 0.15-0.3 µs. 18 pages of ad groups (3.6 MB) read for their ids: Python 53-62 ms,
#: DuckDB 10-14 ms; three 140 KB pages of campaigns: Python 3 ms, DuckDB 7 ms.
SMALL_CELLS = 10_000
SMALL_BYTES = 512 * 1024

#: A last page is decoded on arrival when its scan's batch looks this close to the Python budget.
EARLY_SLACK = 1.25

#: ``early`` reads take bodies of at least this size at once (and small ones, decoded on arrival).
EARLY_BYTES = 512 * 1024

_OPENS_LIST = re.compile(rb"\s*\[")
_LAST_BOOKMARK = re.compile(rb'"bookmark"\s*:\s*(null|"(?:[^"\\]|\\.)*")\s*}\s*\Z')


def fast_bookmark(content: bytes) -> tuple[bool, str | None]:
    """``(True, bookmark)`` when ``"bookmark"`` is the last member of the top-level object, else ``(False, None)``.

    Only the top-level object's last member can be followed by a single ``}``
    and the end of the body; an unescaped ``"bookmark"`` cannot occur inside a
    string. Pinterest and the emulator put the bookmark last; any other layout
    falls back to decoding the body. (The batch read checks the bookmark again
    when the rows sit under a ``rows_path`` or the body does not name ``"items"``.)
    """
    at = content.rfind(b'"bookmark"')
    match = _LAST_BOOKMARK.match(content, at) if at >= 0 else None
    if match is None:
        return False, None
    raw = match.group(1)
    return True, None if raw == b"null" else (str(json.loads(raw)) or None)


class RawPage:
    """One response, kept as it came until the scan's batch read; ``count`` None: not known yet.

    ``content``: the body's bytes (None when ``rows`` came from a Python extractor).
    ``rows``: the rows when they were decoded in Python anyway (small bodies, custom
    shapes), with ``values``, the request's parameter values.
    """

    __slots__ = ("bookmark", "content", "count", "info", "rows", "values")

    def __init__(self, content: bytes | None, info: str | None, bookmark: str | None, count: int | None,
                 rows: list | None = None, values: Mapping[str, Any] | None = None) -> None:
        self.content = content
        self.info = info
        self.bookmark = bookmark
        self.count = count
        self.rows = rows
        self.values = values or {}

    def json_bytes(self) -> bytes:
        """The JSON DuckDB reads: made only when the batch goes to DuckDB."""
        return self.content if self.content is not None else json.dumps(self.rows, default=str).encode()

    def __len__(self) -> int:  # the client's row counter: unknown counts are added after the batch read
        return self.count or 0

    def __bool__(self) -> bool:  # the client's empty-page guard
        return self.count != 0


class ResponseReader:
    """Reads one endpoint's responses into Arrow tables with ``columns`` (all of ``needed`` filled).

    ``needed``: the columns the query reads; the others come back as NULL
    columns without being parsed. ``window_column``: the DATE column that TOTAL
    analytics rows leave empty (filled with the window's first day).
    """

    def __init__(
        self,
        table: Table,
        endpoint: Endpoint,
        columns: Sequence[Column],
        duck: duckdb.DuckDBPyConnection,
        *,
        needed: set[str] | None = None,
        window_column: str | None = None,
    ) -> None:
        self.table = table
        self.endpoint = endpoint
        self.columns = list(columns)
        self.schema = arrow_schema(self.columns)
        self._duck = duck
        self.native = endpoint.shape in BASIC_SHAPES  # else rows come from a Python extractor
        read = [c for c in self.columns if needed is None or c.name in needed]
        item_shape: dict = {}
        info_shape: dict = {}
        for c in read:
            jtype = _json_type(c)[0]
            if c.from_param is not None:
                info_shape[c.from_param] = jtype
            else:
                _nest(item_shape, c.path or c.name, jtype)
                if c.name == window_column:
                    info_shape[WINDOW_START] = "VARCHAR"
        self._row_cost = sum(6 if c.type == "JSON" else 1 for c in read) or 1
        conditions = ["x IS NOT NULL"]
        self._residual = {name: (table.column(name), want) for name, want in endpoint.residual.items()}
        self._window = (window_column, WINDOW_START) if window_column in {c.name for c in read} else None
        for col, want in self._residual.values():
            _nest(item_shape, col.path or col.name, _json_type(col)[0])
            conditions.append(f"{_sql_path('x', col.path or col.name)} = {_literal(want)}")
        # A key every row has once, counted in the raw bytes to foresee a batch's rows cheaply
        # (nested keys of the same name only raise the count, which errs towards DuckDB).
        self._row_key = json.dumps(next(iter(item_shape))).encode() + b":" if item_shape else None
        if not item_shape:  # no column is read from the rows: still count them
            item_shape = {"__pinsql_none": "VARCHAR"}
        self._info_keys = tuple(info_shape)
        # Where each read column comes from in the result: a field of x (the row) or of i
        # (the request's parameters), or, for types converted in SQL, an output column.
        # Few projections on purpose: DuckDB spends about 0.1 ms binding each one.
        self._sources: dict[str, tuple[str, Any]] = {}
        converted = []
        for c in read:
            convert = _json_type(c)[1]
            struct, shape, path = ("i", info_shape, c.from_param) if c.from_param is not None else ("x", item_shape, c.path or c.name)
            if convert == "{}":
                self._sources[c.name] = (struct, _field_indices(shape, path))
                continue
            value = convert.format(_sql_path(struct, path))
            if c.name == window_column and c.from_param is None:
                value = f"COALESCE({value}, {convert.format(_sql_path('i', WINDOW_START))})"
            name = f"c{len(converted)}"
            converted.append(f"{value} AS {name}")
            self._sources[c.name] = (name, None)
        info = f"from_json(info, {_literal(json.dumps(info_shape))})" if info_shape else "NULL"
        rows_expr, _bookmark, shape = self._locate(item_shape)
        self._rows_sql = (
            f"SELECT {', '.join(['x', 'i', 'b', *converted])} FROM (SELECT unnest({rows_expr}) AS x, i, b FROM "
            f"(SELECT from_json(body, {_literal(json.dumps(shape))}) AS j, {info} AS i, b FROM __pinsql_bodies)) "
            f"WHERE {' AND '.join(conditions)}"
        )
        # Per body: its bookmark, its row count, whether the rows are where the shape says
        # (elements read as BOOLEAN: nothing of them is materialised).
        rows_expr, bookmark, shape = self._locate("BOOLEAN")
        self._meta_sql = (
            f"SELECT CAST({bookmark} AS VARCHAR) AS bookmark, len({rows_expr}) AS n, {rows_expr} IS NULL AS missing "
            f"FROM (SELECT from_json(body, {_literal(json.dumps(shape))}) AS j FROM __pinsql_bodies)"
        )

    def _locate(self, item: Any) -> tuple[str, str, Any]:
        """Where the rows and the bookmark are in a body of this endpoint: (rows, bookmark, from_json structure)."""
        endpoint = self.endpoint
        path = (endpoint.rows_path or "") if self.native else ""
        base = "j" + "".join("." + _ident(k) for k in path.split(".") if k)
        if endpoint.shape == "paged":
            return base + ".items", base + ".bookmark", _wrap({"items": [item], "bookmark": "VARCHAR"}, path)
        if endpoint.shape == "items":
            return base + ".items", "NULL", _wrap({"items": [item]}, path)
        if endpoint.shape == "object":
            return f"[{base}]", "NULL", _wrap(item, path)
        return base, "NULL", _wrap([item], path)  # "array", and the rows of a Python extractor

    # -- while fetching ----------------------------------------------------------

    def decoder(self, info: Mapping[str, Any], window_start: str | None = None, *,
                immediate: bool = False, early: bool = False, batch: int = 0) -> Callable[[bytes], Any]:
        """The client's ``decode`` for one request's bodies.

        Paged endpoints get ``(items, bookmark)``; others get ``items``. ``items`` is a
        :class:`RawPage` (read later, with the scan's other bodies, by :meth:`read`), or with
        ``immediate`` an Arrow table (when paging stops after a number of rows, they must be
        counted page by page). ``early``: an Arrow table when reading the body alone costs
        little more than in the batch (a follower's answers, which arrive while the
        thread that reads batches still waits for its source). ``batch``: how many requests
        the scan makes; a last page is decoded on arrival when that many bodies like it (times
        the request's pages) would be read in Python anyway (:meth:`_python_batch`), so that
        only the last answer's decoding is left once the calls are done.
        """
        values = {k: info.get(k) for k in self._info_keys if k != WINDOW_START}
        if WINDOW_START in self._info_keys:
            values[WINDOW_START] = window_start
        info_json = json.dumps(values, default=str) if self._info_keys else None
        paged = self.endpoint.shape == "paged"
        pages_seen = [0]  # this request's pages so far: a long list's last page says its batch is large

        def decode(content: bytes) -> Any:
            pages_seen[0] += 1
            bookmark: str | None = None
            count: int | None = None
            rows: list | None = None
            body: bytes | None = content
            if not self.native:
                rows = shapes.extractor(self.endpoint.shape)(jsonbody.loads(content), self.endpoint)
                body, count = None, len(rows)
            elif paged:
                known, bookmark = fast_bookmark(content)
                if not known or len(content) <= SMALL_BODY or (bookmark is None and self._python_batch(content, batch * pages_seen[0])):
                    bookmark, rows = self._decoded_page(content)
                    count = len(rows)
            elif len(content) <= SMALL_BODY:
                rows = self._decoded_rows(content)
            page = RawPage(body, info_json, bookmark, count, rows, values)
            items: Any = self._read([page]) if immediate or (early and self._worth_reading_alone(page)) else page
            return (items, bookmark) if paged else items

        return decode

    def _python_batch(self, content: bytes, bodies: int) -> bool:
        """Whether ``bodies`` bodies like ``content`` about fit the Python read's budget (see SMALL_CELLS).

        A quarter over still counts: the last of a list's chunks is usually smaller (600 ids are
        250 + 250 + 100). A wrong guess costs one decoding that DuckDB's read then repeats."""
        nbytes = len(content) * bodies
        if not bodies or self._row_key is None or self._budget(0, nbytes) > EARLY_SLACK:
            return False  # the bytes alone rule it out: no counting (a 97-board fan-out's pages)
        return self._budget(content.count(self._row_key) * bodies, nbytes) <= EARLY_SLACK

    def _budget(self, rows: float, nbytes: float) -> float:
        """The share of the Python read's budget that ``rows`` rows in ``nbytes`` bytes still to
        decode take (see SMALL_CELLS): 1 is all of it."""
        return rows * self._row_cost / SMALL_CELLS + nbytes / SMALL_BYTES

    def _worth_reading_alone(self, page: RawPage) -> bool:
        """For ``early`` reads: a body costs about as much read alone as in a batch when it is
        large (DuckDB's statement cost spread over many rows) or already decoded (small).
        In between, ``json.loads`` per body costs more than DuckDB parsing the batch."""
        return page.content is None or page.rows is not None or len(page.content) >= EARLY_BYTES

    def _decoded_page(self, content: bytes) -> tuple[str | None, list]:
        body = self._unwrapped(content)
        if not isinstance(body, dict) or not isinstance(body.get("items"), list):
            raise self._no_rows()
        bookmark = body.get("bookmark")
        return (str(bookmark) if bookmark else None), body["items"]

    def _decoded_rows(self, content: bytes) -> list | None:
        """The rows of a small non-paged body (None: leave the odd layouts to DuckDB and its errors)."""
        body = self._unwrapped(content)
        shape = self.endpoint.shape
        if shape == "object":
            return [body] if isinstance(body, dict) else None
        if shape == "items":
            body = body.get("items") if isinstance(body, dict) else None
        return body if isinstance(body, list) else None

    def _unwrapped(self, content: bytes) -> Any:
        # ValueError from json.loads: the client retries a damaged body
        return shapes.dig(jsonbody.loads(content), self.endpoint.rows_path)

    def _no_rows(self) -> OperationalError:
        return OperationalError(
            f"GET {self.endpoint.path}: the API's answer has no list of rows where the {self.endpoint.shape!r} "
            "response shape puts it; stopped instead of returning partial results.")

    # -- after fetching ------------------------------------------------------------

    def read(self, pages: Sequence[RawPage]) -> pa.Table:
        """All rows of ``pages``, in order, as one Arrow table of ``columns``.

        A body that is not JSON fails the statement here: its call is over and cannot be
        retried (while fetching, the same ValueError makes the client retry the call).
        """
        try:
            return self._read(pages)
        except ValueError as e:
            raise OperationalError(
                f"GET {self.endpoint.path}: the API's answer is not valid JSON ({e}); stopped instead of "
                "returning partial results. Try again; if it persists, the API is having trouble.") from None

    def _read(self, pages: Sequence[RawPage]) -> pa.Table:
        if not pages:
            return self.schema.empty_table()
        table = self.python_read(pages)
        return table if table is not None else self.duckdb_read(pages)

    def python_read(self, pages: Sequence[RawPage]) -> pa.Table | None:
        """The same table converted in Python, for small batches with unambiguous values; else None."""
        if not self._decode_small(pages):
            return None
        return pyconvert.convert(self.schema, self.columns, set(self._sources),
                                 [(p.rows or [], p.values) for p in pages], self._residual, self._window)

    def _decode_small(self, pages: Sequence[RawPage]) -> bool:
        """Decode the bodies not decoded yet while the batch looks small enough for Python.

        The rows are foreseen by counting a row key in the bytes, then estimated from each
        decoded body's rows per byte, so a large batch rarely costs a wasted ``json.loads``.
        False: leave it to DuckDB.
        """
        rows = sum(len(p.rows) for p in pages if p.rows is not None)
        pending = [p for p in pages if p.rows is None]
        left = sum(len(p.content or b"") for p in pending)
        # the bytes count in full: json.loads parses every pending body, whatever is read
        decoding = left
        if self._budget(0, decoding) > 1:
            return False  # too many bytes whatever the rows: do not even count them
        foreseen = sum((p.content or b"").count(self._row_key) for p in pending) if self._row_key else 0
        if self._budget(rows + foreseen, decoding) > 1:
            return False
        for page in pending:
            content = page.content or b""
            try:
                if self.endpoint.shape == "paged":
                    bookmark, decoded = self._decoded_page(content)
                    if bookmark != page.bookmark:
                        return False  # the DuckDB read re-checks it and reports it
                else:
                    decoded = self._decoded_rows(content)
            except (ValueError, OperationalError):
                return False  # odd or damaged bodies: the DuckDB read reports them
            if decoded is None:
                return False
            page.rows, page.count = decoded, len(decoded)
            rows += len(decoded)
            left -= len(content)
            if self._budget(rows + left * len(decoded) / max(len(content), 1), decoding) > 1:
                return False
        return True

    def duckdb_read(self, pages: Sequence[RawPage]) -> pa.Table:
        """The pages' rows, parsed and converted by DuckDB."""
        if not pages:
            return self.schema.empty_table()
        try:
            # bytes to Arrow binary, then one UTF-8 check in Arrow: a tenth of the cost of making str objects
            bodies = pa.array([p.json_bytes() for p in pages], pa.binary()).cast(pa.string())
        except pa.ArrowInvalid as e:
            raise ValueError(f"the response is not UTF-8 text: {e}") from None
        source = pa.table({"body": bodies, "info": pa.array([p.info for p in pages], pa.string()),
                           "b": pa.array(range(len(pages)), pa.int32())})
        uncounted = any(p.count is None for p in pages)
        check = uncounted and not self._plain_rows(pages)
        cursor = self._duck.cursor()  # its own cursor (and registration): scans may be read on worker threads
        try:
            cursor.register("__pinsql_bodies", source)
            meta = to_arrow(cursor.sql(self._meta_sql)) if check else None
            rows = to_arrow(cursor.sql(self._rows_sql))
        except duckdb.InvalidInputException as e:  # malformed JSON
            raise ValueError(f"invalid JSON in the response: {e}") from None
        finally:
            cursor.close()
        if uncounted and meta is None and self.endpoint.shape == "paged":  # rows per body, for the client's counter
            counted = pc.value_counts(rows.column("b")).flatten() if rows.num_rows else [pa.array([]), pa.array([])]
            kept = dict(zip(counted[0].to_pylist(), counted[1].to_pylist()))
            for n, page in enumerate(pages):
                if page.count is None:
                    page.count = kept.get(n, 0)
        if meta is not None:
            if any(meta.column("missing").to_pylist()):
                raise self._no_rows()
            counts = meta.column("n").to_pylist()
            bookmarks = meta.column("bookmark").to_pylist()
            for page, n, bookmark in zip(pages, counts, bookmarks):
                if self.endpoint.shape == "paged" and (bookmark or None) != page.bookmark:
                    raise OperationalError(
                        f"GET {self.endpoint.path}: a page's bookmark was misread while paging; stopped instead of "
                        "returning rows that may be wrong. Please report this response layout.")
                page.count = n
        return self._table(rows)

    def _plain_rows(self, pages: Sequence[RawPage]) -> bool:
        """Whether the batch needs no second statement to check where its rows are.

        An object is its own row; a body that opens with ``[`` is the row list of the
        "array" shape (or invalid JSON, which the read reports); a paged or "items" body
        that names ``"items"`` has its list (a paged body left undecoded had its bookmark
        read as the body's last member, so that needs no second look either). Rows nested
        under a path, or bodies without the key, get the full check.
        """
        shape = self.endpoint.shape
        if shape == "object":
            return True
        bodies = [p.content for p in pages]
        if self.endpoint.rows_path or any(b is None for b in bodies):
            return False
        if shape == "array":
            return all(_OPENS_LIST.match(b) for b in bodies if b is not None)
        return shape in ("paged", "items") and all(b'"items"' in b for b in bodies if b is not None)

    def _table(self, rows: pa.Table) -> pa.Table:
        n = rows.num_rows
        arrays = []
        nulls = null_arrays(n)
        for c, f in zip(self.columns, self.schema):
            source = self._sources.get(c.name)
            if source is None:
                arrays.append(nulls(f.type))
                continue
            name, indices = source
            arr = rows.column(name) if indices is None else pc.struct_field(rows.column(name), indices)
            arrays.append(arr if arr.type == f.type else arr.cast(f.type))
        return pa.Table.from_arrays(arrays, schema=self.schema)


def to_arrow(rel: Any) -> pa.Table:
    """A DuckDB relation's rows as an Arrow table."""
    return rel.to_arrow_table()


__all__ = ["RawPage", "ResponseReader", "fast_bookmark", "to_arrow"]
