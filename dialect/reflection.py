"""Reflection answers from the static catalog: no API call, no database round trip.

Each function returns exactly the structure SQLAlchemy's ``Inspector``
expects from the matching ``Dialect.get_*`` method. The dialect decides
which schema names mean "the catalog" and delegates here.
"""

from __future__ import annotations

from typing import Any

from pinsql.catalog import Catalog, Table, load_catalog

from .types import catalog_type


def catalog() -> Catalog:
    return load_catalog()


def find_table(name: str) -> Table | None:
    """The catalog table named ``name`` (case-insensitive), or None. Cheap for any string."""
    if not isinstance(name, str) or len(name) > 128:
        return None  # pandas probes has_table() with whole SQL statements
    return catalog().get(name)


def table_names() -> list[str]:
    return [t.name for t in catalog()]


def columns(table: Table) -> list[dict[str, Any]]:
    key = set(table.primary_key)
    return [
        {
            "name": c.name,
            "type": catalog_type(c.type),
            "nullable": c.nullable and c.name not in key,
            "default": None,
            "autoincrement": False,
            "comment": c.description,
        }
        for c in table.columns
    ]


def pk_constraint(table: Table) -> dict[str, Any]:
    return {"name": None, "constrained_columns": list(table.primary_key)}


def foreign_keys(table: Table, referred_schema: str | None) -> list[dict[str, Any]]:
    """Child -> parent links declared in the schema files (e.g. board_pins.board_id -> boards.id)."""
    return [
        {
            "name": None,
            "constrained_columns": list(fk.columns),
            "referred_schema": referred_schema,
            "referred_table": fk.table,
            "referred_columns": list(fk.ref_columns),
            "options": {},
        }
        for fk in table.foreign_keys
    ]


def table_comment(table: Table) -> dict[str, Any]:
    return {"text": table.description}
