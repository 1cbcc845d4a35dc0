"""Long ``IN (...)`` lists of literals go to DuckDB as one list parameter.

DuckDB binds each literal of an ``IN`` list on its own: 600 pasted ids cost it
about 15 ms per statement, and pinsql runs a statement twice (bound before any
call, then run). ``x IN (SELECT unnest($1::VARCHAR[]))`` with the values as a
parameter binds in about 2 ms and means the same, NULLs included. The planner
still sees the literals: the tree is changed only while its SQL is generated.
"""

from __future__ import annotations

from typing import Any

import sqlglot
from sqlglot import exp

#: Lists at least this long are passed as a parameter.
MIN_LITERALS = 64


def _list_type(values: list[exp.Expression]) -> str | None:
    """The DuckDB list type for literals that are all text or all integers (else None: keep them)."""
    if not all(isinstance(v, exp.Literal) for v in values):
        return None
    if all(v.is_string for v in values):
        return "VARCHAR"
    if all(v.is_int for v in values):
        return "BIGINT"
    return None


def sql_with_list_parameters(tree: exp.Expression) -> tuple[str, list[Any]]:
    """DuckDB SQL for ``tree`` and the parameters it needs (the long IN lists, in ``$n`` order)."""
    swapped: list[tuple[exp.In, Any]] = []
    params: list[Any] = []
    try:
        for node in tree.find_all(exp.In):
            values = node.expressions
            if len(values) < MIN_LITERALS or node.args.get("query") is not None:
                continue
            kind = _list_type(values)
            if kind is None:
                continue
            params.append([v.this if kind == "VARCHAR" else int(v.this) for v in values])
            select = sqlglot.parse_one(f"SELECT unnest(CAST(${len(params)} AS {kind}[]))", dialect="duckdb")
            swapped.append((node, node.args["expressions"]))
            node.set("expressions", None)
            node.set("query", select.subquery())
        return tree.sql("duckdb"), params
    finally:
        for node, values in swapped:
            node.set("query", None)
            node.set("expressions", values)


__all__ = ["MIN_LITERALS", "sql_with_list_parameters"]
