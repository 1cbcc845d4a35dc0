"""Catalog tables queryable with SQL, built from the catalog alone (no API call).

``information_schema.tables`` / ``information_schema.columns`` (also reachable
as ``pinsql_catalog.tables`` / ``pinsql_catalog.columns``), and the rows of
``SHOW TABLES`` and ``DESCRIBE <table>``.
"""

from __future__ import annotations

import functools

import pyarrow as pa

from pinsql.catalog import Catalog, Table

SCHEMA_NAME = "pinterest"


def _pushdown(table: Table, column: str) -> str:
    ops: list[str] = []
    for e in table.endpoints:
        f = e.filter_for(column)
        if f is None:
            continue
        if f.path_param:
            ops.append("eq")
        ops.extend(f.ops)
    return ", ".join(dict.fromkeys(ops))


def _required(table: Table, column: str) -> bool:
    """The query must give values for this column in WHERE (no parent, default or default window)."""
    found = [e.filter_for(column) for e in table.endpoints]
    return (
        bool(found)
        and all(
            f is not None and (f.required or bool(f.path_param)) and not f.has_default and not f.default_days
            for f in found
        )
        and column not in table.parents
    )


@functools.lru_cache(maxsize=8)
def tables_table(catalog: Catalog) -> pa.Table:
    ts = list(catalog)
    return pa.table(
        {
            "table_catalog": ["pinsql"] * len(ts),
            "table_schema": [SCHEMA_NAME] * len(ts),
            "table_name": [t.name for t in ts],
            "table_type": ["BASE TABLE"] * len(ts),
            "table_group": [t.group for t in ts],
            "table_kind": [t.kind for t in ts],
            "description": [t.description for t in ts],
            "primary_key": [", ".join(t.primary_key) for t in ts],
            "scopes": [", ".join(t.scopes) for t in ts],
            "rate_limit_categories": [", ".join(t.rate_limit_categories) for t in ts],
            "sandbox": [t.sandbox for t in ts],
        }
    )


@functools.lru_cache(maxsize=8)
def columns_table(catalog: Catalog) -> pa.Table:
    rows = [(t, i, c) for t in catalog for i, c in enumerate(t.columns, start=1)]
    return pa.table(
        {
            "table_catalog": ["pinsql"] * len(rows),
            "table_schema": [SCHEMA_NAME] * len(rows),
            "table_name": [t.name for t, _, _ in rows],
            "column_name": [c.name for _, _, c in rows],
            "ordinal_position": pa.array([i for _, i, _ in rows], pa.int64()),
            "data_type": [c.type for _, _, c in rows],
            "is_nullable": ["YES" if c.nullable else "NO" for _, _, c in rows],
            "description": [c.description for _, _, c in rows],
            "is_primary_key": [c.name in t.primary_key for t, _, c in rows],
            "pushdown": [_pushdown(t, c.name) for t, _, c in rows],
            "required_filter": [_required(t, c.name) for t, _, c in rows],
        }
    )


def show_tables(catalog: Catalog, local: list[str]) -> pa.Table:
    names = [t.name for t in catalog] + sorted(local)
    kinds = ["pinterest"] * len(catalog) + ["local"] * len(local)
    descs = [t.description for t in catalog] + ["session-local table"] * len(local)
    return pa.table({"name": names, "kind": kinds, "description": descs})


def describe(table: Table) -> pa.Table:
    cols = table.columns
    return pa.table(
        {
            "column_name": [c.name for c in cols],
            "column_type": [c.type for c in cols],
            "null": ["YES" if c.nullable else "NO" for c in cols],
            "key": ["PRI" if c.name in table.primary_key else None for c in cols],
            "pushdown": [_pushdown(table, c.name) or None for c in cols],
            "description": [c.description for c in cols],
        }
    )
