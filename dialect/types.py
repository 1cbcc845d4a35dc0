"""SQL types: the catalog's type names as SQLAlchemy types, and back.

The catalog (``schemas/*.yaml``) declares one of seven SQL types per column.
Reflection turns them into SQLAlchemy type *instances*; ``ischema_names``
reads type names that DuckDB reports (session tables, cursor
descriptions) back into types.
"""

from __future__ import annotations

import datetime
import decimal
import json
from typing import Any

from sqlalchemy import types as sqltypes

# SQLAlchemy 1.4 has no DOUBLE type; 2.x does. Both compile to "DOUBLE" here.
if hasattr(sqltypes, "DOUBLE"):
    DOUBLE = sqltypes.DOUBLE
else:  # pragma: no cover - SQLAlchemy 1.4 only

    class DOUBLE(sqltypes.Float):  # type: ignore[no-redef]
        __visit_name__ = "DOUBLE"


class JSON(sqltypes.JSON):
    """JSON values, decoded into dict, list and scalars.

    pinsql's cursor returns JSON columns as JSON text, which is decoded here;
    a value that is already a Python object (a driver handing decoded JSON)
    passes through instead of failing as SQLAlchemy's own JSON type would.
    """

    def result_processor(self, dialect: Any, coltype: Any):
        def process(value: Any) -> Any:
            if isinstance(value, (str, bytes, bytearray)):
                return json.loads(value)
            return value

        return process


class _JSONPathFormat:
    """Binds a JSON index or path as the JSONPath text DuckDB's json_extract takes."""

    def _format_value(self, value: Any) -> str:
        raise NotImplementedError

    def bind_processor(self, dialect: Any):
        string = self.string_bind_processor(dialect)  # type: ignore[attr-defined]

        def process(value: Any) -> Any:
            value = self._format_value(value)
            return string(value) if string else value

        return process

    def literal_processor(self, dialect: Any):
        string = self.string_literal_processor(dialect)  # type: ignore[attr-defined]

        def process(value: Any) -> str:
            value = self._format_value(value)
            return string(value) if string else value

        return process


def _path_step(elem: Any) -> str:
    return f"[{elem}]" if isinstance(elem, int) else '."' + str(elem).replace('"', '\\"') + '"'


class JSONIndexType(_JSONPathFormat, sqltypes.JSON.JSONIndexType):
    """``col["key"]`` / ``col[0]`` -> ``$."key"`` / ``$[0]``."""

    def _format_value(self, value: Any) -> str:
        return "$" + _path_step(value)


class JSONPathType(_JSONPathFormat, sqltypes.JSON.JSONPathType):
    """``col[("a", 0, "b")]`` -> ``$."a"[0]."b"``."""

    def _format_value(self, value: Any) -> str:
        return "$" + "".join(_path_step(elem) for elem in value)


class DateTime(sqltypes.DateTime):
    """Timestamps: pinsql returns UTC-aware datetimes (every Pinterest time is UTC).

    A column declared without ``timezone=True`` (a session table's naive
    TIMESTAMP) gets naive UTC datetimes back, as SQLAlchemy promises.
    """

    def result_processor(self, dialect: Any, coltype: Any):
        if self.timezone:
            return None

        def process(value: Any) -> Any:
            if isinstance(value, datetime.datetime) and value.tzinfo is not None:
                return value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
            return value

        return process


class Numeric(sqltypes.Numeric):
    """Decimals. DuckDB returns DECIMAL values as Decimal, but some DECIMAL
    arithmetic (division) as DOUBLE: those floats become Decimal again when the
    expression is typed Numeric(asdecimal=True)."""

    def result_processor(self, dialect: Any, coltype: Any):
        if not self.asdecimal:
            return super().result_processor(dialect, coltype)
        scale = self._effective_decimal_return_scale

        def process(value: Any) -> Any:
            if isinstance(value, float):
                return decimal.Decimal(f"{value:.{scale}f}" if scale is not None else repr(value))
            return value

        return process


def timestamp() -> sqltypes.TIMESTAMP:
    """Catalog timestamps are instants: tz-aware UTC datetimes."""
    return sqltypes.TIMESTAMP(timezone=True)


#: Catalog type name -> factory of the SQLAlchemy type instance reflection returns.
CATALOG_TYPES: dict[str, Any] = {
    "VARCHAR": sqltypes.VARCHAR,
    "BIGINT": sqltypes.BIGINT,
    "DOUBLE": DOUBLE,
    "BOOLEAN": sqltypes.BOOLEAN,
    "TIMESTAMP": timestamp,
    "DATE": sqltypes.DATE,
    "JSON": JSON,
}


def catalog_type(name: str) -> sqltypes.TypeEngine:
    """SQLAlchemy type instance for a catalog type name (``BIGINT`` -> ``BIGINT()``)."""
    try:
        return CATALOG_TYPES[name.upper()]()
    except KeyError:
        raise ValueError(f"unknown catalog type {name!r}; expected one of {sorted(CATALOG_TYPES)}") from None


#: Type names as DuckDB (and pinsql's cursor descriptions) spell them.
ischema_names: dict[str, Any] = {
    "VARCHAR": sqltypes.VARCHAR,
    "TEXT": sqltypes.VARCHAR,
    "STRING": sqltypes.VARCHAR,
    "CHAR": sqltypes.CHAR,
    "UUID": sqltypes.VARCHAR,
    "BIGINT": sqltypes.BIGINT,
    "HUGEINT": sqltypes.BIGINT,
    "UBIGINT": sqltypes.BIGINT,
    "INTEGER": sqltypes.INTEGER,
    "INT": sqltypes.INTEGER,
    "UINTEGER": sqltypes.BIGINT,
    "SMALLINT": sqltypes.SMALLINT,
    "USMALLINT": sqltypes.INTEGER,
    "TINYINT": sqltypes.SMALLINT,
    "UTINYINT": sqltypes.SMALLINT,
    "DOUBLE": DOUBLE,
    "FLOAT": sqltypes.FLOAT,
    "REAL": sqltypes.REAL,
    "DECIMAL": sqltypes.DECIMAL,
    "NUMERIC": sqltypes.NUMERIC,
    "BOOLEAN": sqltypes.BOOLEAN,
    "DATE": sqltypes.DATE,
    "TIME": sqltypes.TIME,
    "TIMESTAMP": sqltypes.TIMESTAMP,
    "TIMESTAMP WITH TIME ZONE": timestamp,
    "TIMESTAMPTZ": timestamp,
    "INTERVAL": sqltypes.Interval,
    "BLOB": sqltypes.LargeBinary,
    "JSON": JSON,
}


def type_from_name(name: str) -> sqltypes.TypeEngine:
    """Best SQLAlchemy type for a DuckDB type name such as ``DECIMAL(18,3)``.

    Unknown names (structs, lists, maps) become ``NullType`` rather than an
    error: reflection must not fail on a session table with a nested column.
    """
    base = name.upper().split("(")[0].strip()
    factory = ischema_names.get(base)
    if factory is None:
        return sqltypes.NullType()
    if base in ("DECIMAL", "NUMERIC") and "(" in name:
        try:
            precision, scale = (int(p) for p in name[name.index("(") + 1 : name.rindex(")")].split(","))
            return sqltypes.DECIMAL(precision, scale)
        except ValueError:
            pass
    return factory()
