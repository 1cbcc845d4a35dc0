"""Small batches of decoded rows → Arrow in Python, exactly as the DuckDB read would make them.

DuckDB spends several milliseconds binding a ``from_json`` statement, which is
most of the cost of a query that returns a handful of rows. For small batches
the engine converts the already decoded rows here instead, but only values
whose conversion is unambiguous: text for VARCHAR, integers for BIGINT,
booleans for BOOLEAN, numbers for DOUBLE, plain ISO-8601 timestamps and
dates, integer unix times, and JSON values without floats or control
characters (whose text the two JSON writers spell differently). Anything else
(an id sent as a float, ``"yes"`` for a boolean, ...) makes :func:`convert`
return None and the batch goes through DuckDB, so both paths give the same
table. ``tests/engine/test_reader.py`` checks that they do, table by table.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa

from pinsql.catalog import Column
from pinsql.engine.convert import TS, null_arrays
from pinsql.engine.shapes import values_at

_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:Z|[+-]\d{2}:\d{2})?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: In JSON text as Python writes it: a string, an escaped control character (the
#: two writers escape those differently), and outside strings a float (1.5, 1e+21,
#: NaN, Infinity; DuckDB may spell it otherwise). An escaped backslash before one of
#: the letters (``"C:\\new"``) matches too, harmlessly: that batch just goes to DuckDB.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_ESCAPED_CONTROL = re.compile(r"\\[bfnrtu]")
_FLOAT = re.compile(r"\d[.eE]|[NI]")
_json_text = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


class Unclean(Exception):
    """A value whose conversion the DuckDB read alone defines."""


def _timestamp(v: str) -> dt.datetime:
    if _TIMESTAMP.fullmatch(v) is None:
        raise Unclean
    d = dt.datetime.fromisoformat(v.replace("Z", "+00:00"))
    return d.astimezone(dt.timezone.utc).replace(tzinfo=None) if d.tzinfo else d


def _date(v: str) -> dt.date:
    if _DATE.fullmatch(v) is None:
        raise Unclean
    return dt.date.fromisoformat(v)


def _only(values: list, *types: type) -> list:
    for v in values:
        if v is not None and type(v) not in types:
            raise Unclean
    return values


def _epoch(values: list, unit: str) -> pa.Array:
    return pa.array(_only(values, int), pa.int64()).cast(pa.timestamp(unit)).cast(TS)


def to_array(column: Column, values: list) -> pa.Array:
    """One column from raw JSON values (raises Unclean, ValueError or an Arrow error when it cannot)."""
    t, fmt = column.type, column.format
    if t == "VARCHAR":
        return pa.array([v if v is None or type(v) is str else str(v) for v in _only(values, str, int)], pa.string())
    if t == "BIGINT":
        return pa.array(_only(values, int), pa.int64())
    if t == "DOUBLE":
        return pa.array(_only(values, int, float), pa.float64())
    if t == "BOOLEAN":
        return pa.array(_only(values, bool), pa.bool_())
    if t == "JSON":
        texts = [None if v is None else _json_text(v) for v in values]
        joined = "\n".join(x for x in texts if x is not None)
        if _ESCAPED_CONTROL.search(joined) or _FLOAT.search(_STRING.sub("", joined)):
            raise Unclean
        return pa.array(texts, pa.string())
    if fmt in ("unix_seconds", "unix_ms"):
        stamps = _epoch(values, "s" if fmt == "unix_seconds" else "ms")
        return stamps.cast(pa.date32()) if t == "DATE" else stamps
    _only(values, str)
    if t == "DATE":
        return pa.array([None if v is None else _date(v) for v in values], pa.date32())
    return pa.array([None if v is None else _timestamp(v) for v in values], TS)


def convert(
    schema: pa.Schema,
    columns: Sequence[Column],
    read: set[str],
    batches: Sequence[tuple[list, Mapping[str, Any]]],
    residual: Mapping[str, tuple[Column, Any]],
    window: tuple[str, str] | None,
) -> pa.Table | None:
    """The Arrow table of ``batches`` (rows, request values) or None when DuckDB must convert them.

    ``read``: columns to fill (others are NULL); ``residual``: column name →
    (column, required value); ``window``: (DATE column, key of the request
    value that fills its gaps).
    """
    try:
        rows: list[dict] = []
        infos: list[Mapping[str, Any]] = []
        for batch, info in batches:
            for row in batch:
                if row is None:
                    continue
                if not isinstance(row, dict):
                    raise Unclean
                rows.append(row)
                infos.append(info)
        for c, want in residual.values():  # rows the endpoint serves beyond the table (other users' pins)
            keep = [v == want for v in to_array(c, values_at(rows, c.path or c.name)).to_pylist()]
            rows = [r for r, k in zip(rows, keep) if k]
            infos = [i for i, k in zip(infos, keep) if k]
        n = len(rows)
        arrays = []
        nulls = null_arrays(n)
        for c, f in zip(columns, schema):
            if c.name not in read:
                arrays.append(nulls(f.type))
                continue
            if c.from_param is not None:
                values = [i.get(c.from_param) for i in infos]
            else:
                values = values_at(rows, c.path or c.name)
                if window is not None and c.name == window[0]:
                    values = [i.get(window[1]) if v is None else v for v, i in zip(values, infos)]
            arrays.append(to_array(c, values))
        return pa.Table.from_arrays(arrays, schema=schema)
    except (Unclean, ValueError, TypeError, OverflowError, pa.ArrowException):
        return None


__all__ = ["convert", "to_array"]
