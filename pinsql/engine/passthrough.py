"""Statements whose answer is the scanned table itself: no DuckDB run after the calls.

``SELECT * FROM board_pins`` (or a list of plain columns of one Pinterest table, with
a LIMIT/OFFSET of constants and nothing else) leaves DuckDB nothing to do but copy
the scanned rows into its vectors and back out to Arrow: 20-25 ms for 22,000 pins.
Such a statement takes its columns straight from the scan's Arrow table instead,
named and typed as DuckDB bound them before the calls (``Engine._bind_empty``).
Anything else, a WHERE clause included (every predicate is checked again locally,
whatever the API did), runs in DuckDB as usual.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
from sqlglot import exp

from pinsql.engine.references import TableRef

#: The only parts such a SELECT may have (``from`` is ``from_`` in newer sqlglot).
_PARTS = {"expressions", "from", "from_", "limit", "offset"}


@dataclass(frozen=True)
class Projection:
    """Which columns of the one scanned table the statement returns, and which rows."""

    ref: TableRef
    columns: list[str] | None  # table column names in output order; None for ``*``
    offset: int
    limit: int | None


def projection(tree: exp.Expression, refs: list[TableRef]) -> Projection | None:
    """The projection ``tree`` is, or None when DuckDB has work to do."""
    if not isinstance(tree, exp.Select) or len(refs) != 1:
        return None
    if any(value for key, value in tree.args.items() if key not in _PARTS):
        return None
    ref = refs[0]
    source = tree.args.get("from_") or tree.args.get("from")
    if source is None or source.this is not ref.node:
        return None
    limit, offset = _constant(tree.args.get("limit")), _constant(tree.args.get("offset"))
    if limit is False or offset is False:
        return None
    items = tree.expressions
    if len(items) == 1 and isinstance(items[0], exp.Star):
        if any(items[0].args.values()):  # * EXCLUDE / REPLACE / RENAME
            return None
        return Projection(ref, None, offset or 0, limit)
    by_name = {c.name.lower(): c.name for c in ref.table.columns}
    columns: list[str] = []
    for item in items:
        col = item.this if isinstance(item, exp.Alias) else item
        if not isinstance(col, exp.Column) or not isinstance(col.this, exp.Identifier):
            return None
        if col.table and col.table.lower() != ref.alias.lower():
            return None
        name = by_name.get(col.name.lower())
        if name is None:
            return None
        columns.append(name)
    return Projection(ref, columns, offset or 0, limit)


def _constant(node: exp.Expression | None) -> int | None | bool:
    """A LIMIT/OFFSET's non-negative integer; None when absent; False when it is anything else."""
    if node is None:
        return None
    value = node.args.get("expression") if isinstance(node, (exp.Limit, exp.Offset)) else node
    if isinstance(value, exp.Literal) and value.is_int and int(value.this) >= 0:
        return int(value.this)
    return False


def answer(p: Projection, table: pa.Table, names: list[str]) -> pa.Table | None:
    """The projection's rows from the scanned ``table``, with DuckDB's output ``names``
    (None when they do not line up, which DuckDB then sorts out)."""
    columns = p.columns if p.columns is not None else table.column_names
    if len(columns) != len(names):
        return None
    stop = len(table) if p.limit is None else min(len(table), p.offset + p.limit)
    rows = table.slice(p.offset, max(0, stop - p.offset))
    fields = [pa.field(name, rows.schema.field(c).type) for c, name in zip(columns, names)]  # no JSON tag
    return pa.Table.from_arrays([rows.column(c) for c in columns], schema=pa.schema(fields))


__all__ = ["Projection", "answer", "projection"]
