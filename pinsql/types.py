"""PEP 249 type objects and constructors, and the type codes pinsql reports.

``Cursor.description`` reports each column's type as an upper-case SQL type
name (``VARCHAR``, ``BIGINT``, ``TIMESTAMP``, ...). The PEP 249 type objects
are sets of such names whose ``==`` tests membership, so both
``type_code == "BIGINT"`` and ``type_code == NUMBER`` work.
"""

from __future__ import annotations

import datetime as _dt
import time as _time

import pyarrow as pa


class DBAPITypeObject(frozenset):
    """A set of type names that compares equal to each of its members."""

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            return other.upper() in self
        return frozenset.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = frozenset.__hash__


STRING = DBAPITypeObject({"VARCHAR", "CHAR", "TEXT", "STRING", "JSON", "UUID", "ENUM"})
BINARY = DBAPITypeObject({"BLOB", "BINARY", "VARBINARY", "BYTEA"})
NUMBER = DBAPITypeObject(
    {"BIGINT", "INTEGER", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT", "UINTEGER", "USMALLINT", "UTINYINT",
     "DOUBLE", "FLOAT", "REAL", "DECIMAL"}
)
DATETIME = DBAPITypeObject({"DATE", "TIME", "TIMESTAMP", "INTERVAL"})
#: Pinterest ids are VARCHAR: no column is a row id.
ROWID = DBAPITypeObject()

Date = _dt.date
Time = _dt.time
Timestamp = _dt.datetime


def DateFromTicks(ticks: float) -> _dt.date:
    return Date(*_time.localtime(ticks)[:3])


def TimeFromTicks(ticks: float) -> _dt.time:
    return Time(*_time.localtime(ticks)[3:6])


def TimestampFromTicks(ticks: float) -> _dt.datetime:
    return Timestamp(*_time.localtime(ticks)[:6])


def Binary(value: bytes | bytearray | memoryview | str) -> bytes:
    """Bytes for a BLOB parameter (``str`` is encoded as UTF-8)."""
    if isinstance(value, str):
        return value.encode("utf-8")
    return bytes(value)


def type_code(duckdb_type: str | None, arrow_type: pa.DataType | None = None) -> str:
    """The upper-case type name for ``description`` (DuckDB's name, simplified).

    Timestamps are UTC whatever their DuckDB flavour, so every timestamp kind is
    reported as ``TIMESTAMP``; ``DECIMAL(18,3)`` becomes ``DECIMAL``.
    """
    if duckdb_type:
        name = str(duckdb_type).upper()
        if name.startswith("TIMESTAMP"):
            return "TIMESTAMP"
        if name.startswith("DECIMAL"):
            return "DECIMAL"
        if name.endswith("[]"):
            return "LIST"
        for prefix in ("STRUCT", "MAP", "UNION"):
            if name.startswith(prefix):
                return prefix
        return name
    return arrow_type_name(arrow_type) if arrow_type is not None else "VARCHAR"


def arrow_type_name(t: pa.DataType) -> str:
    """Type name for an Arrow type (used when DuckDB did not say)."""
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "VARCHAR"
    if pa.types.is_boolean(t):
        return "BOOLEAN"
    if pa.types.is_integer(t):
        return {8: "TINYINT", 16: "SMALLINT", 32: "INTEGER"}.get(t.bit_width, "BIGINT")
    if pa.types.is_floating(t):
        return "DOUBLE" if t.bit_width == 64 else "FLOAT"
    if pa.types.is_decimal(t):
        return "DECIMAL"
    if pa.types.is_timestamp(t):
        return "TIMESTAMP"
    if pa.types.is_date(t):
        return "DATE"
    if pa.types.is_time(t):
        return "TIME"
    if pa.types.is_binary(t) or pa.types.is_large_binary(t):
        return "BLOB"
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return "LIST"
    if pa.types.is_struct(t):
        return "STRUCT"
    return str(t).upper()


__all__ = [
    "BINARY",
    "DATETIME",
    "NUMBER",
    "ROWID",
    "STRING",
    "Binary",
    "DBAPITypeObject",
    "Date",
    "DateFromTicks",
    "Time",
    "TimeFromTicks",
    "Timestamp",
    "TimestampFromTicks",
]
