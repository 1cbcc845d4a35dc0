"""SQL types: the catalog's type names as SQLAlchemy types, and back.

The catalog (``schemas/*.yaml``) declares one of seven SQL types per column.
Reflection turns them into SQLAlchemy type *instances*; ``ischema_names``
reads type names that DuckDB reports (session temp tables, cursor
descriptions) back into types.
"""

from __future__ import annotations

import datetime
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
    """JSON values. pinsql returns them already decoded (dict, list, scalars).

    SQLAlchemy's JSON type would ``json.loads`` every value; pinsql's cursor
    hands over Python objects, so only strings (e.g. from a temp table's
    VARCHAR cast) are decoded here.
    """

    def result_processor(self, dialect: Any, coltype: Any):
        def process(value: Any) -> Any:
            if isinstance(value, (str, bytes, bytearray)):
                return json.loads(value)
            return value

        return process


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
    error: reflection must not fail on a temp table with a nested column.
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
