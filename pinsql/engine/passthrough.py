"""Statements whose answer is the scanned table itself: no DuckDB run after the calls.

``SELECT * FROM board_pins`` (or a list of plain columns of one Pinterest table, with
a LIMIT/OFFSET of constants) leaves DuckDB nothing to do but copy the scanned rows
into its vectors and back out to Arrow: 20-25 ms for 22,000 pins. Such a statement
takes its columns straight from the scan's Arrow table instead, named and typed as
DuckDB binds such a statement (an alias, else the table's column name; the column's
type), with no DuckDB statement at all: a test compares both on every table.

A WHERE clause may come along when it is an AND of ``column = literal`` and
``column IN (literals)`` with text literals on a VARCHAR column or integers on an
integer column: the filters the API takes (ids, parent keys, statuses). Every
predicate is still checked again locally, whatever the API did, by Arrow's
``is_in``, which means exactly what DuckDB's comparison means for those types
(NULL never matches). Registering the table and running DuckDB cost 4-5 ms for
600 campaigns by id, the filter a tenth of a millisecond. Anything else runs in
DuckDB as usual.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc
from sqlglot import exp

from pinsql.engine.predicates import flatten_and
from pinsql.engine.references import TableRef

if TYPE_CHECKING:
    from pinsql.engine.planner import JoinKey, Scan

#: The only parts such a SELECT may have (``from`` is ``from_`` in newer sqlglot).
_PARTS = {"expressions", "from", "from_", "limit", "offset", "where"}

#: Column types whose comparison with a literal Arrow does as DuckDB does, and the literals allowed.
_TEXT_TYPES = {"VARCHAR"}
_INT_TYPES = {"BIGINT", "INTEGER", "SMALLINT", "TINYINT"}
_INT64 = (-(2**63), 2**63 - 1)


@dataclass(frozen=True)
class Projection:
    """Which columns of the one scanned table the statement returns, and which rows."""

    ref: TableRef
    columns: list[str] | None  # table column names in output order; None for ``*``
    offset: int
    limit: int | None
    #: WHERE as (table column, values): each column's value must be one of its values.
    filters: tuple[tuple[str, tuple], ...] = ()
    #: The result's column names and DuckDB type names, as DuckDB binds them: an alias as
    #: written, else the table's own column name (``SELECT ID`` gives ``id``), with its type.
    names: tuple[str, ...] = ()
    types: tuple[str, ...] = ()


def projection(tree: exp.Expression, refs: list[TableRef]) -> Projection | None:
    """The projection ``tree`` is, or None when DuckDB has work to do."""
    if not isinstance(tree, exp.Select) or len(refs) != 1:
        return None
    source = tree.args.get("from_") or tree.args.get("from")
    if source is None or source.this is not refs[0].node:
        return None
    return _projection(tree, refs[0])


def _projection(tree: exp.Select, ref: TableRef) -> Projection | None:
    """``projection`` of a SELECT known to read ``ref`` alone."""
    if any(value for key, value in tree.args.items() if key not in _PARTS):
        return None
    limit, offset = _constant(tree.args.get("limit")), _constant(tree.args.get("offset"))
    if limit is False or offset is False:
        return None
    by_name = {c.name.lower(): c for c in ref.table.columns}
    items = tree.expressions
    columns: list[str] | None = None
    if len(items) == 1 and isinstance(items[0], exp.Star):
        if any(items[0].args.values()):  # * EXCLUDE / REPLACE / RENAME
            return None
        names = [c.name for c in ref.table.columns]
        types = [c.type for c in ref.table.columns]
    else:
        columns, names, types = [], [], []
        for item in items:
            name = _column(item.this if isinstance(item, exp.Alias) else item, ref, by_name)
            if name is None:
                return None
            columns.append(name)
            names.append(item.alias if isinstance(item, exp.Alias) else name)
            types.append(by_name[name.lower()].type)
    where = tree.args.get("where")
    filters = _filters(flatten_and(where.this), ref, by_name, _aliases(items)) if where is not None else ()
    if filters is None:
        return None
    return Projection(ref, columns, offset or 0, limit, filters, tuple(names), tuple(types))


def _column(node: exp.Expression, ref: TableRef, by_name: dict) -> str | None:
    """The table column a plain column reference names, else None."""
    if not isinstance(node, exp.Column) or not isinstance(node.this, exp.Identifier):
        return None
    if node.table and node.table.lower() != ref.alias.lower():
        return None
    column = by_name.get(node.name.lower())
    return column.name if column is not None else None


def _aliases(items: list[exp.Expression]) -> set[str]:
    return {item.alias.lower() for item in items if isinstance(item, exp.Alias)}


def _filters(parts: Iterable[exp.Expression], ref: TableRef, by_name: dict,
             aliases: set[str]) -> tuple[tuple[str, tuple], ...] | None:
    """AND-ed ``parts`` as (column, values) pairs, or None when Arrow cannot check them as DuckDB would."""
    out: list[tuple[str, tuple]] = []
    for part in parts:
        if isinstance(part, exp.EQ):
            column, values = part.this, [part.expression]
            if not isinstance(column, exp.Column):
                column, values = part.expression, [part.this]
        elif isinstance(part, exp.In) and not any(part.args.get(k) for k in ("query", "unnest", "field")):
            column, values = part.this, part.expressions
        else:
            return None
        name = _column(column, ref, by_name)
        if name is None or name.lower() in aliases:  # a select alias of that name would be ambiguous
            return None
        kept = _literals(values, by_name[name.lower()].type.upper())
        if kept is None:
            return None
        out.append((name, kept))
    return tuple(out)


def _literals(values: list[exp.Expression], column_type: str) -> tuple | None:
    """The Python values of ``values`` when all are literals of the column's kind, else None."""
    if not values:
        return None
    if column_type in _TEXT_TYPES:
        if all(isinstance(v, exp.Literal) and v.is_string for v in values):
            return tuple(v.this for v in values)
        return None
    if column_type in _INT_TYPES:
        ints = tuple(_int(v) for v in values)
        return ints if all(i is not None and _INT64[0] <= i <= _INT64[1] for i in ints) else None
    return None


def _int(node: exp.Expression) -> int | None:
    """An integer literal's value (``-5`` parses as the negation of ``5``)."""
    if isinstance(node, exp.Neg):
        value = _int(node.this)
        return -value if value is not None and not isinstance(node.this, exp.Neg) else None
    return int(node.this) if isinstance(node, exp.Literal) and node.is_int else None


def _constant(node: exp.Expression | None) -> int | None | bool:
    """A LIMIT/OFFSET's non-negative integer; None when absent; False when it is anything else."""
    if node is None:
        return None
    value = node.args.get("expression") if isinstance(node, (exp.Limit, exp.Offset)) else node
    if isinstance(value, exp.Literal) and value.is_int and int(value.this) >= 0:
        return int(value.this)
    return False


def answer(p: Projection, table: pa.Table) -> pa.Table | None:
    """The projection's rows from the scanned ``table`` (None when its columns are not the ones
    planned, which DuckDB then sorts out)."""
    columns = p.columns if p.columns is not None else table.column_names
    if len(columns) != len(p.names):
        return None
    if p.filters:
        table = _filtered(table, p.filters)
        if table is None:
            return None
    stop = len(table) if p.limit is None else min(len(table), p.offset + p.limit)
    rows = table.slice(p.offset, max(0, stop - p.offset))
    fields = [pa.field(name, rows.schema.field(c).type) for c, name in zip(columns, p.names)]  # no JSON tag
    return pa.Table.from_arrays([rows.column(c) for c in columns], schema=pa.schema(fields))


def _filtered(table: pa.Table, filters: tuple[tuple[str, tuple], ...]) -> pa.Table | None:
    """The rows of ``table`` that pass every filter (None when a column is not of the kind planned)."""
    mask = None
    for name, values in filters:
        column = table.column(name)
        kind = column.type
        text = pa.types.is_string(kind) or pa.types.is_large_string(kind)
        if not (text and isinstance(values[0], str) or pa.types.is_integer(kind) and isinstance(values[0], int)):
            return None
        try:
            keep = pc.is_in(column, value_set=pa.array(values, type=kind if text else pa.int64()))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
            return None
        mask = keep if mask is None else pc.and_(mask, keep)
    return table.filter(mask)


def key_values(key: JoinKey, scan: Scan, table: pa.Table) -> list | None:
    """Semi-join keys from a source scan's rows, taken by Arrow: the distinct non-NULL values of
    the key column among the rows that pass the source's filters, first seen first.

    For ``IN (SELECT k FROM t WHERE ...)`` the subquery must be a projection of one column
    (as above, without LIMIT/OFFSET); for a join, the source's own WHERE conjuncts must be
    filters Arrow checks as DuckDB would. The key column must hold text or integers, whose
    Python values are DuckDB's. None: leave it to DuckDB, which runs a statement for it
    (about 2 ms, once per page of a source read page by page).
    """
    ref = scan.ref
    if key.select is not None:
        if key.query is None:
            return None
        p = _projection(key.select, ref) if _reads_only(key.select, ref) else None
        if p is None or p.columns is None or len(p.columns) != 1 or p.limit is not None or p.offset:
            return None
        column, filters = p.columns[0], p.filters
    elif key.query is None:
        by_name = {c.name.lower(): c for c in ref.table.columns}
        filters = _filters(scan.local_conjuncts, ref, by_name, set())
        column = key.other_column
        if filters is None or column.lower() not in by_name:
            return None
        column = by_name[column.lower()].name
    else:
        return None
    if column not in table.column_names:
        return None
    kind = table.schema.field(column).type
    if not (pa.types.is_string(kind) or pa.types.is_integer(kind)):
        return None
    if filters:
        table = _filtered(table, filters)
        if table is None:
            return None
    return [v for v in pc.unique(table.column(column)).to_pylist() if v is not None]


def _reads_only(select: exp.Select, ref: TableRef) -> bool:
    """Whether the planner's copy of a subquery reads ``ref`` alone, under its alias."""
    source = select.args.get("from_") or select.args.get("from")
    if source is None or not isinstance(source.this, exp.Table) or select.args.get("joins"):
        return False
    return source.this.alias_or_name.lower() == ref.alias.lower()


__all__ = ["Projection", "answer", "key_values", "projection"]
