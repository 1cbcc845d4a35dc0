"""The Arrow side of the column types: schemas and empty tables.

Values are converted from JSON in DuckDB (see :mod:`pinsql.engine.reader`);
this module only says which Arrow type holds each SQL type. JSON columns are
Arrow strings tagged with the ``arrow.json`` extension name, which DuckDB
reads back as its JSON type.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pyarrow as pa

from pinsql.catalog import Column

TS = pa.timestamp("us")

ARROW_TYPES: dict[str, pa.DataType] = {
    "VARCHAR": pa.string(),
    "JSON": pa.string(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "TIMESTAMP": TS,
    "DATE": pa.date32(),
}

_JSON_FIELD = {b"ARROW:extension:name": b"arrow.json", b"ARROW:extension:metadata": b""}


def arrow_field(column: Column) -> pa.Field:
    return pa.field(column.name, ARROW_TYPES[column.type], metadata=_JSON_FIELD if column.type == "JSON" else None)


def arrow_schema(columns: Sequence[Column]) -> pa.Schema:
    return pa.schema([arrow_field(c) for c in columns])


def empty_table(columns: Sequence[Column]) -> pa.Table:
    return arrow_schema(columns).empty_table()


def null_arrays(n: int) -> Callable[[pa.DataType], pa.Array]:
    """All-NULL arrays of ``n`` rows, one per type and shared: the columns a statement does not
    read are NULL, and an analytics table has 176 of them (3 ms to allocate one by one)."""
    made: dict[pa.DataType, pa.Array] = {}

    def nulls(t: pa.DataType) -> pa.Array:
        if t not in made:
            made[t] = pa.nulls(n, t)
        return made[t]

    return nulls


__all__ = ["ARROW_TYPES", "arrow_field", "arrow_schema", "empty_table", "null_arrays"]
