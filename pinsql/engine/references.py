"""Resolve the table references of a statement and rewrite them to internal names.

Every reference to a catalog table (``campaigns``, ``pinterest.campaigns``,
``main.Campaigns``) becomes a reference to an internal DuckDB relation
``__pinsql_<n>`` that keeps the original alias (or the table name as alias), so
column references such as ``campaigns.id`` still resolve. One relation per
reference: the same table read twice may be read with different filters.
CTE names shadow catalog tables; session-local DuckDB tables are left alone;
``information_schema.tables``/``columns`` (also ``pinsql_catalog.*``) are
served from the catalog.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from pinsql.catalog import Catalog, Table, suggest
from pinsql.exceptions import ProgrammingError

INTERNAL_PREFIX = "__pinsql_"
CATALOG_SCHEMAS = ("pinterest", "main")
INFO_SCHEMAS = ("information_schema", "pinsql_catalog")
INFO_TABLES = ("tables", "columns")


@dataclass
class TableRef:
    """One reference to a catalog table in the statement."""

    id: str  # internal relation name
    table: Table
    alias: str  # the name columns are qualified with
    node: exp.Table  # the (rewritten) node in the executed tree


def is_plain_table(node: exp.Table) -> bool:
    return isinstance(node.this, exp.Identifier)


def resolve(
    tree: exp.Expression,
    catalog: Catalog,
    local_tables: set[str],
    skip: set[int] = frozenset(),  # ids of nodes not to treat as reads (DDL/DML targets)
) -> tuple[list[TableRef], set[str]]:
    """Rewrite catalog and info-schema references in place.

    Returns the catalog references and the names of info tables used
    (``tables``/``columns``).
    """
    # One walk for the three kinds of node: each walk visits every literal of a long IN list.
    found: dict[type, list] = {exp.CTE: [], exp.Table: [], exp.Column: []}
    for node in tree.find_all(*found):
        for kind, nodes in found.items():
            if isinstance(node, kind):
                nodes.append(node)
                break
    ctes = {cte.alias_or_name.lower() for cte in found[exp.CTE]}
    refs: list[TableRef] = []
    info_used: set[str] = set()
    for node in found[exp.Table]:
        if id(node) in skip or not is_plain_table(node):
            continue
        name = node.name.lower()
        db = (node.db or "").lower()
        if node.catalog:
            continue  # three-part names are DuckDB's business
        if db in INFO_SCHEMAS and name in INFO_TABLES:
            info_used.add(name)
            alias = node.alias or name
            node.set("this", exp.to_identifier(f"{INTERNAL_PREFIX}info_{name}"))
            node.set("db", None)
            node.set("alias", exp.TableAlias(this=exp.to_identifier(alias)))
            continue
        if db and db not in CATALOG_SCHEMAS:
            continue  # temp.x, information_schema.x, pg_catalog.x: DuckDB's own
        if not db and name in ctes:
            continue
        if name in local_tables:
            continue
        table = catalog.get(name)
        if table is None:
            candidates = list(catalog.tables) + sorted(local_tables)
            raise ProgrammingError(f"unknown table {node.name!r}{suggest(name, candidates)}; SHOW TABLES lists every table")
        ref_id = f"{INTERNAL_PREFIX}{len(refs)}"
        alias = node.alias or node.name
        node.set("this", exp.to_identifier(ref_id))
        node.set("db", None)
        node.set("alias", exp.TableAlias(this=exp.to_identifier(alias)))
        refs.append(TableRef(id=ref_id, table=table, alias=alias, node=node))
    # Columns qualified with the schema (pinterest.campaigns.id) lose the schema part.
    for col in found[exp.Column]:
        if col.args.get("db") is not None and (col.db or "").lower() in CATALOG_SCHEMAS:
            col.set("db", None)
            col.set("catalog", None)
    return refs, info_used
