"""JSON rows → Arrow tables, one column at a time.

Each column is one list comprehension over the row dicts with a getter for its
JSON path, then one ``pa.array`` call with the column's type; timestamps are
converted with vectorised casts (unix seconds/milliseconds through int64,
ISO-8601 strings through Arrow's string → timestamp cast). Timestamps are UTC
and kept naive inside DuckDB; the cursor labels them UTC on the way out.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from pinsql.catalog import Column, Table

TS = pa.timestamp("us")

#: JSON columns are re-serialised compactly, keeping non-ASCII text as is; one
#: encoder for all values (json.dumps with options builds a new one per call).
_json_text = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode

ARROW_TYPES: dict[str, pa.DataType] = {
    "VARCHAR": pa.string(),
    "JSON": pa.string(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "TIMESTAMP": TS,
    "DATE": pa.date32(),
}


def arrow_schema(columns: Sequence[Column]) -> pa.Schema:
    return pa.schema([pa.field(c.name, ARROW_TYPES[c.type]) for c in columns])


def getter(path: str) -> Callable[[dict], Any]:
    """A fast getter for a dotted JSON path."""
    keys = path.split(".")
    if len(keys) == 1:
        key = keys[0]
        return lambda row: row.get(key)

    def get(row: dict) -> Any:
        value: Any = row
        for k in keys:
            if not isinstance(value, dict):
                return None
            value = value.get(k)
        return value

    return get


def _strings(values: list) -> pa.Array:
    try:
        return pa.array(values, pa.string())
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        # ids sometimes arrive as JSON numbers: coerce to text
        return pa.array([v if v is None or isinstance(v, str) else _text(v) for v in values], pa.string())


def _text(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (dict, list)):
        return _json_text(v)
    return str(v)


def _ints(values: list) -> pa.Array:
    try:
        return pa.array(values, pa.int64())
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, OverflowError):
        return pa.array([None if v is None or v == "" else int(float(v)) for v in values], pa.int64())


def _floats(values: list) -> pa.Array:
    try:
        return pa.array(values, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        return pa.array([None if v is None or v == "" else float(v) for v in values], pa.float64())


def _bools(values: list) -> pa.Array:
    try:
        return pa.array(values, pa.bool_())
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        return pa.array([None if v is None else str(v).lower() in ("true", "1") for v in values], pa.bool_())


def _epoch(values: list, unit: str) -> pa.Array:
    try:
        arr = pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        arr = _floats(values)
    if pa.types.is_integer(arr.type):
        return arr.cast(pa.int64()).cast(pa.timestamp(unit)).cast(TS)
    if pa.types.is_null(arr.type):
        return pa.nulls(len(arr), TS)
    if not pa.types.is_floating(arr.type):  # numbers sent as text
        arr = _floats(values)
    scale = 1_000_000 if unit == "s" else 1_000
    micros = pc.multiply(arr.cast(pa.float64()), scale)
    return pc.round(micros).cast(pa.int64()).cast(TS)


def _iso(values: list) -> pa.Array:
    arr = _strings(values)
    for target in (TS, pa.timestamp("us", tz="UTC")):
        try:
            return arr.cast(target).cast(TS)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            continue
    out = []
    for v in values:
        if v is None or v == "":
            out.append(None)
            continue
        d = dt.datetime.fromisoformat(str(v).replace("Z", "+00:00"))
        if d.tzinfo is not None:
            d = d.astimezone(dt.timezone.utc).replace(tzinfo=None)
        out.append(d)
    return pa.array(out, TS)


def _dates(values: list, fmt: str | None) -> pa.Array:
    if fmt in ("unix_seconds", "unix_ms"):
        return _epoch(values, "s" if fmt == "unix_seconds" else "ms").cast(pa.date32())
    arr = _strings(values)
    try:
        return arr.cast(pa.date32())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return _iso(values).cast(pa.date32())


def to_array(column: Column, values: list) -> pa.Array:
    """One Arrow array of the column's type from raw JSON values."""
    t = column.type
    if t == "VARCHAR":
        return _strings(values)
    if t == "JSON":
        return pa.array([None if v is None else _json_text(v) for v in values], pa.string())
    if t == "BIGINT":
        return _ints(values)
    if t == "DOUBLE":
        return _floats(values)
    if t == "BOOLEAN":
        return _bools(values)
    if t == "DATE":
        return _dates(values, column.format)
    if t == "TIMESTAMP":
        if column.format in ("unix_seconds", "unix_ms"):
            return _epoch(values, "s" if column.format == "unix_seconds" else "ms")
        return _iso(values)
    raise TypeError(f"unknown column type {t}")


def rows_to_table(table: Table, columns: Sequence[Column], rows: list, params: list[dict] | None = None) -> pa.Table:
    """Build the Arrow table of ``columns`` from row dicts.

    ``params`` (same length as ``rows``) holds the request parameters that
    produced each row, for ``from_param`` columns; None when no column needs it.
    """
    arrays = []
    for c in columns:
        if c.from_param is not None:
            key = c.from_param
            raw = [p.get(key) for p in params] if params is not None else [None] * len(rows)
        else:
            path = c.path or c.name
            if "." in path:
                get = getter(path)
                raw = [get(r) for r in rows]
            else:
                raw = [r.get(path) for r in rows] if rows else []
        arrays.append(to_array(c, raw))
    return pa.Table.from_arrays(arrays, schema=arrow_schema(columns))


def empty_table(columns: Sequence[Column]) -> pa.Table:
    return arrow_schema(columns).empty_table()


__all__ = ["ARROW_TYPES", "arrow_schema", "empty_table", "getter", "rows_to_table", "to_array"]
