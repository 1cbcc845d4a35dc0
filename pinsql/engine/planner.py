"""The planner: SQL tree → one :class:`Scan` per catalog table reference.

Passes, each usable alone:

1. :func:`analyze` - qualify a copy of the tree with sqlglot (schema from the
   catalog), push predicates and projections down through subqueries and CTEs
   with sqlglot's optimizer rules, then split the predicates per table
   reference into :class:`~pinsql.engine.predicates.Constraint` objects, note
   equi-join keys between references, used columns and a pushable LIMIT.
2. :func:`choose_access` - for one reference, match the constraints against
   every endpoint's filters and pick the endpoint with the fewest estimated
   calls (get-by-id, id lists chunked at ``max_values``, parent keys, fan-out
   over the parent table, the connection's ad account, date windows).
3. :func:`plan` - all references, including semi-join pushdown: keys read by
   one scan narrow another (``campaign_id IN (ids of the filtered campaigns)``),
   from joins, ``col IN (subquery)`` and ``col = (scalar subquery)``.

Values an endpoint would reject (outside its enum ``values`` or its spec
``pattern``, such as ``id = 'x'`` for a digits-only id) match no row and are
never sent; when none is left, the scan makes no call.

Pushdown only decides what is fetched: DuckDB applies every predicate again.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import math
from dataclasses import dataclass, field, replace

from sqlglot import exp
from sqlglot.optimizer.qualify import qualify
from sqlglot.optimizer.scope import Scope, traverse_scope
from sqlglot.schema import MappingSchema

from pinsql.catalog import Endpoint, Filter, Table
from pinsql.engine import passthrough
from pinsql.engine.predicates import (
    Constraint,
    NotPushable,
    coerce,
    conjunct_constraint,
    flatten_and,
    literal_value,
)
from pinsql.engine.inlists import marked_lists, marker_names
from pinsql.engine.reach import reachable_columns, reads_unnamed
from pinsql.engine.references import TableRef
from pinsql.exceptions import DataError, ProgrammingError

log = logging.getLogger("pinsql.engine.planner")

#: Calls assumed for an unknown fan-out (rows of a parent list) when comparing plans.
UNKNOWN_FANOUT = 20
#: Pages assumed for a list read without an id filter or LIMIT (at least one, often more).
UNKNOWN_PAGES = 2


# --------------------------------------------------------------------------
# Pass 1: analysis


@dataclass
class JoinKey:
    column: str  # column of this reference
    other: str  # the other reference's id
    other_column: str
    other_alias: str = ""
    #: keys expected from the other side (for cost estimates)
    est_keys: int = 0
    #: Subquery keys: DuckDB SQL over the source's relation giving (a superset of)
    #: the keys the subquery yields. None: every distinct value of the source
    #: column among rows passing the source's own WHERE conjuncts.
    query: str | None = None
    #: Most keys the subquery yields (1 for a scalar subquery, n for LIMIT n), if known.
    max_keys: int | None = None
    #: The keys of part of the source's rows are the keys that part yields (no aggregate,
    #: window, grouping or LIMIT): they can be taken page by page as the source is read.
    row_wise: bool = True
    #: The source columns ``query`` can reach (see reach.reachable_columns; None: any).
    query_columns: set[str] | None = None
    #: The subquery itself, for keys Arrow can take without DuckDB (see passthrough.key_values).
    select: exp.Select | None = field(default=None, compare=False, repr=False)


@dataclass
class RefInfo:
    """What the query says about one table reference."""

    ref: TableRef
    constraints: dict[str, Constraint] = field(default_factory=dict)
    #: (column, op) of every conjunct turned into a constraint
    pushed: list[tuple[str, str]] = field(default_factory=list)
    #: False when some conjunct on this reference could not become a constraint
    all_pushed: bool = True
    #: columns of this reference in conjuncts that could not become constraints
    unpushed: set[str] = field(default_factory=set)
    #: conjuncts on this reference alone (qualified with its alias), for semi-join keys
    local_conjuncts: list[exp.Expression] = field(default_factory=list)
    join_keys: list[JoinKey] = field(default_factory=list)
    #: columns the query reads (None: all)
    columns: set[str] | None = None
    limit: int | None = None
    #: ORDER BY <column> [DESC] when the LIMIT was pushed under an ordering
    order: tuple[str, bool] | None = None
    occurrences: int = 0


def _schema_for(refs: list[TableRef], extra: dict[str, dict[str, str]]) -> MappingSchema | dict[str, dict[str, str]]:
    if not extra:  # the common case: only Pinterest tables, whose schema sqlglot normalizes once
        return _catalog_schema(tuple((r.id, tuple((c.name, c.type) for c in r.table.columns)) for r in refs))
    schema = {r.id: {c.name: c.type.replace("JSON", "VARCHAR") for c in r.table.columns} for r in refs}
    schema.update(extra)
    return schema


@functools.lru_cache(maxsize=256)
def _catalog_schema(refs: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]) -> MappingSchema:
    """sqlglot's schema of these references ((id, ((column, type), ...)), ...): building one
    normalizes every column name, about 0.5 ms for a 31-column table, on every statement
    otherwise. Only read by qualify."""
    return MappingSchema({ref_id: {name: kind.replace("JSON", "VARCHAR") for name, kind in columns}
                          for ref_id, columns in refs}, dialect="duckdb")


#: IN lists of literals at least this long are left out while the tree is copied and qualified.
_LONG_LIST = 32


def _qualified_copy(tree: exp.Expression, schema: MappingSchema | dict) -> exp.Expression | None:
    """A copy of the tree with every column qualified by its source (None: no pushdown).

    Long IN lists of literals are swapped for one marker each while the tree is
    copied and qualified, then made anew: a deep copy costs about 5 µs a node and
    qualify walks every node several times, while a literal made from its text and
    kind costs under 1 µs. That is most of the planning of a 600-id ``IN (...)``.
    """
    lists = [n for n in tree.find_all(exp.In) if len(n.args.get("expressions") or ()) >= _LONG_LIST
             and all(type(v) is exp.Literal for v in n.expressions)]
    saved = [n.args["expressions"] for n in lists]
    markers: dict[str, list[exp.Expression]] = {}
    names = marker_names()
    try:
        for n, values in zip(lists, saved):
            marker = next(names)
            markers[marker] = values
            n.args["expressions"] = [exp.Literal.string(marker)]
        copy = tree.copy()
    finally:
        for n, values in zip(lists, saved):
            n.args["expressions"] = values
    try:
        copy = qualify(copy, schema=schema, dialect="duckdb", validate_qualify_columns=True, quote_identifiers=False)
    except Exception as e:  # noqa: BLE001 - analysis is best effort; DuckDB validates the SQL
        log.debug("qualify failed, no pushdown: %s", e)
        return None
    found = marked_lists(copy, markers)
    for n, values in found:
        n.set("expressions", [exp.Literal(this=v.this, is_string=v.is_string) for v in values])
    if len(found) != len(lists):  # not expected: qualify keeps literals; never plan with a marker in place
        log.debug("IN lists not found again after qualify: no pushdown")
        return None
    return copy


def _strip(node: exp.Expression) -> exp.Expression:
    while isinstance(node, exp.Paren):
        node = node.this
    return node


def _plain_column(node: exp.Expression) -> bool:
    node = _strip(node)
    while isinstance(node, (exp.Cast, exp.TryCast)):
        node = _strip(node.this)
    return isinstance(node, exp.Column)


def _constant(node: exp.Expression) -> bool:
    try:
        literal_value(node)
        return True
    except NotPushable:
        return False


def _strict_simple(conj: exp.Expression) -> bool:
    """``column <op> constant`` shapes: false for NULL columns, so they can move below joins and subqueries."""
    conj = _strip(conj)
    if isinstance(conj, (exp.EQ, exp.GT, exp.GTE, exp.LT, exp.LTE)):
        a, b = conj.this, conj.expression
        return (_plain_column(a) and _constant(b)) or (_plain_column(b) and _constant(a))
    if isinstance(conj, exp.In):
        return (
            conj.args.get("query") is None and conj.args.get("unnest") is None and _plain_column(conj.this)
            and all(_constant(v) for v in conj.expressions)
        )
    if isinstance(conj, exp.Between):
        return _plain_column(conj.this) and _constant(conj.args["low"]) and _constant(conj.args["high"])
    if isinstance(conj, exp.Or):
        return _strict_simple(conj.left) and _strict_simple(conj.right) and len({c.name for c in conj.find_all(exp.Column)}) == 1
    return False


def _accepts_predicates(select: exp.Expression) -> bool:
    """Can a filter on this subquery's output be applied to its input rows instead?"""
    if not isinstance(select, exp.Select):
        return False
    if select.args.get("limit") or select.args.get("offset") or select.args.get("qualify"):
        return False
    return not any(isinstance(n, exp.Window) for e in select.expressions for n in e.walk())


def _translate(conj: exp.Expression, alias: str, target: exp.Select, names: list[str]) -> exp.Expression | None:
    """Rewrite a predicate on ``alias``'s output columns into one on ``target``'s own sources."""
    group = target.args.get("group")
    group_keys = list(group.expressions) if group else None
    replacements: dict[str, exp.Expression] = {}
    for col in conj.find_all(exp.Column):
        if col.table != alias or col.name not in names:
            return None
        i = names.index(col.name)
        if i >= len(target.expressions):
            return None
        expr = target.expressions[i].unalias()
        if not _plain_column(expr) or expr.find(exp.AggFunc) is not None:
            return None
        if group_keys is not None and not any(expr == k for k in group_keys):
            return None
        replacements[col.name] = expr
    return conj.copy().transform(
        lambda n: replacements[n.name].copy() if isinstance(n, exp.Column) and n.table == alias and n.name in replacements else n
    )


_SET_OPERATION = getattr(exp, "SetOperation", exp.Union)


def _branches(scope: Scope, scopes: list[Scope]) -> list[Scope]:
    """The SELECT scopes producing a derived table's rows (the branches of a UNION)."""
    if isinstance(scope.expression, exp.Select):
        return [scope]
    if not isinstance(scope.expression, _SET_OPERATION):
        return []
    out: list[Scope] = []
    for s in scopes:
        if s.parent is scope and any(s.expression is side for side in (scope.expression.this, scope.expression.expression)):
            out.extend(_branches(s, scopes))
    return out


def _in_subquery_key(conj: exp.Expression, alias: str, scopes: list[Scope], infos: dict) -> JoinKey | None:
    """A semi-join key source from an uncorrelated subquery over one catalog table.

    ``alias.col IN (SELECT t.k FROM <catalog table> t ...)``, or
    ``alias.col = (SELECT t.k ...)`` whose scalar subquery yields at most one key.
    """
    conj = _strip(conj)
    if isinstance(conj, exp.In):
        column, query, scalar = conj.this, conj.args.get("query"), False
    elif isinstance(conj, exp.EQ):
        column, query = conj.this, conj.expression
        if isinstance(_strip(column), exp.Subquery):
            column, query = query, column
        column, query, scalar = _strip(column), _strip(query), True
        if not isinstance(query, exp.Subquery):
            return None
    else:
        return None
    if not isinstance(column, exp.Column) or column.table != alias or query is None:
        return None
    select = query.this if isinstance(query, exp.Subquery) else query
    if not isinstance(select, exp.Select) or len(select.expressions) != 1:
        return None
    scope = next((sc for sc in scopes if sc.expression is select), None)
    if scope is None or scope.external_columns:
        return None
    col = select.expressions[0].unalias()
    if not isinstance(col, exp.Column):
        return None
    src = scope.selected_sources.get(col.table)
    if src is None or not isinstance(src[1], exp.Table) or src[1].name not in infos:
        return None
    key = JoinKey(column.name, src[1].name, col.name, col.table, query=_key_query(select, src[1].name),
                  select=select)
    key.max_keys = 1 if scalar else _limit_value(select)
    key.row_wise = _row_wise(select)
    if key.query is not None:
        key.query_columns = reachable_columns(select)
    return key


def _row_wise(select: exp.Select) -> bool:
    """Whether each source row alone decides the keys it yields."""
    if any(select.args.get(k) for k in ("group", "having", "qualify", "limit", "offset")):
        return False
    distinct = select.args.get("distinct")
    if distinct is not None and distinct.args.get("on") is not None:
        return False
    return select.find(exp.AggFunc, exp.Window) is None


#: Functions whose value changes between two evaluations: a subquery using one
#: must not be run twice (once for keys, once in the query).
_VOLATILE = {"random", "rand", "uuid", "gen_random_uuid", "setseed", "nextval", "now", "current_timestamp"}


def _volatile(node: exp.Expression) -> bool:
    for n in node.find_all(exp.Func):  # sqlglot's walk, not a Python test of every literal
        if isinstance(n, (exp.Rand, exp.CurrentTimestamp)):
            return True
        if isinstance(n, exp.Func):
            name = str(n.this) if isinstance(n, exp.Anonymous) else n.sql_name()
            if name.lower() in _VOLATILE:
                return True
    return False


def _key_query(select: exp.Select, source: str) -> str | None:
    """SQL giving every key the subquery can yield, over the source relation alone (None: not possible).

    The result must contain whatever DuckDB later computes for the subquery,
    so ``ORDER BY ... LIMIT n`` keeps every row ranked within the first n
    (ties included: DuckDB may break them either way).
    """
    tables = list(select.find_all(exp.Table))
    if len(tables) != 1 or tables[0].name != source:
        return None
    if any(s is not select for s in select.find_all(exp.Select)):
        return None
    if _volatile(select):
        return None
    q = select.copy()
    limit = _limit_value(q)
    order = q.args.get("order")
    if q.args.get("limit") is None and q.args.get("offset") is None:
        return q.sql("duckdb")
    q.set("limit", None)
    q.set("offset", None)
    if limit is None or order is None:
        return q.sql("duckdb")  # no order to rank by: any row may be picked
    q.set("order", None)
    # ORDER BY may name a projection alias, which the window cannot see: use the expression
    aliases = {e.alias: e.unalias() for e in q.expressions if e.alias}
    order = order.transform(
        lambda n: aliases[n.name].copy() if isinstance(n, exp.Column) and not n.table and n.name in aliases else n
    )
    name = q.expressions[0].alias_or_name
    rank = exp.alias_(exp.Window(this=exp.Anonymous(this="dense_rank"), order=order.copy()), "__pinsql_rank")
    q.select(rank, copy=False)
    return f"SELECT {exp.to_identifier(name).sql('duckdb')} FROM ({q.sql('duckdb')}) WHERE __pinsql_rank <= {limit}"


def _referenced(select: exp.Select, needed: set[str] | None, alias: str) -> set[str] | None:
    """Columns of ``alias`` the scope reads: in its needed projections and in every other clause."""
    if any(isinstance(e, exp.Star) for e in select.expressions) or reads_unnamed(select):
        return None  # columns chosen by a pattern or the whole row: read them all
    parts: list[exp.Expression] = [
        e for e in select.expressions if needed is None or e.alias_or_name in needed
    ]
    for key in ("where", "joins", "group", "having", "order", "qualify", "distinct"):
        v = select.args.get(key)
        if v is None:
            continue
        parts.extend(v if isinstance(v, list) else [v])
    return {c.name for part in parts for c in part.find_all(exp.Column) if c.table == alias}


def _has_agg_or_window(select: exp.Select) -> bool:
    for e in select.expressions:
        for node in e.walk():
            if isinstance(node, (exp.AggFunc, exp.Window)):
                return True
    return False


def _order_column(select: exp.Select, node: exp.Expression) -> exp.Column | None:
    """The table column an ORDER BY key stands for (through a projection alias)."""
    if isinstance(node, exp.Column) and not node.table:
        for proj in select.expressions:
            if proj.alias_or_name == node.name:
                node = proj.unalias()
                break
    return node if isinstance(node, exp.Column) and node.table else None


def _limit_value(select: exp.Select) -> int | None:
    lim = select.args.get("limit")
    if lim is None:
        return None
    node = lim.args.get("expression") if isinstance(lim, exp.Limit) else None
    if node is None:
        node = lim.this if isinstance(lim, exp.Limit) else None
    try:
        n = int(node.this) if isinstance(node, exp.Literal) and not node.is_string else None
    except (TypeError, ValueError):
        n = None
    if n is None:
        return None
    off = select.args.get("offset")
    if off is not None:
        onode = off.args.get("expression") if isinstance(off, exp.Offset) else None
        if isinstance(onode, exp.Literal) and not onode.is_string:
            n += int(onode.this)
        else:
            return None
    return n


def analyze(tree: exp.Expression, refs: list[TableRef], extra_schema: dict[str, dict[str, str]] | None = None,
            projection: passthrough.Projection | None = None) -> dict[str, RefInfo]:
    """Pass 1: what the statement says about each catalog reference.

    Scopes are visited outside in. Simple predicates (``column <op> constant``)
    on a derived table or a CTE used once move into it when that is safe (no
    LIMIT, window or QUALIFY inside; group keys only below GROUP BY), so do a
    LIMIT with nothing else between it and the subquery, and the set of
    columns the outer query reads. ``projection``: ``passthrough.projection(tree, refs)`` when
    the caller has it already (None: looked for here).
    """
    infos = {r.id: RefInfo(ref=r) for r in refs}
    if not refs:
        return infos
    plain = _plain_projection(tree, refs, projection)
    if plain is not None:
        return {plain.ref.id: plain}
    work = _qualified_copy(tree, _schema_for(refs, extra_schema or {}))
    scopes: list[Scope] = []
    if work is not None:
        try:
            scopes = list(traverse_scope(work))
        except Exception as e:  # noqa: BLE001
            log.debug("scope analysis failed, no pushdown: %s", e)
            scopes = []
    if not scopes:
        for info in infos.values():
            info.all_pushed = False
        return infos
    uses: dict[int, int] = {}
    for sc in scopes:
        for _node, src in sc.selected_sources.values():
            if isinstance(src, Scope):
                uses[id(src)] = uses.get(id(src), 0) + 1
    inherited: dict[int, list[exp.Expression]] = {}
    inherited_limit: dict[int, int] = {}
    needed: dict[int, set[str] | None] = {}
    seen: dict[str, list[RefInfo]] = {}
    for scope in reversed(scopes):  # parents before children
        select = scope.expression
        if not isinstance(select, exp.Select):
            if id(scope) in needed or id(scope) in inherited:  # a UNION: hand its inputs to the branches
                names = list(select.named_selects)
                for branch in _branches(scope, scopes):
                    bnames = list(branch.expression.named_selects)
                    need = needed.get(id(scope))
                    needed[id(branch)] = None if need is None else {bnames[names.index(n)] for n in need if n in names and names.index(n) < len(bnames)}
            continue
        sources = scope.selected_sources
        where_conj = flatten_and(select.args.get("where")) + inherited.get(id(scope), [])
        joins = select.args.get("joins") or []
        inner_on: list[exp.Expression] = []
        own_on: dict[str, list[exp.Expression]] = {}
        for j in joins:
            side = (j.side or "").upper()
            kind = (j.kind or "").upper()
            on = flatten_and(j.args.get("on"))
            if not side and kind in ("", "INNER", "CROSS"):
                inner_on.extend(on)
            elif side == "LEFT" or kind == "SEMI":
                own_on.setdefault(j.alias_or_name, []).extend(on)
        single = len(sources) == 1 and not joins
        plain_scope = (
            single
            and not select.args.get("group")
            and not select.args.get("having")
            and not select.args.get("distinct")
            and not select.args.get("qualify")
            and not _has_agg_or_window(select)
        )
        limit = _limit_value(select)
        if limit is None and not select.args.get("limit") and not select.args.get("offset"):
            limit = inherited_limit.get(id(scope))
        scope_need = needed.get(id(scope))
        catalog_aliases: dict[str, str] = {}
        for alias, (_node, src) in sources.items():
            if isinstance(src, exp.Table) and src.name in infos:
                catalog_aliases[alias] = src.name
        for alias, (_node, src) in sources.items():
            if not isinstance(src, Scope):
                continue
            # a derived table or CTE: pass down columns, simple predicates and LIMIT
            ref_cols = _referenced(select, scope_need, alias)
            prev = needed.get(id(src), set())
            needed[id(src)] = None if ref_cols is None or prev is None else prev | ref_cols
            if uses.get(id(src), 0) != 1:
                continue
            conj = where_conj + inner_on + own_on.get(alias, [])
            mine = [c for c in conj if {x.table for x in c.find_all(exp.Column)} == {alias} and c.find(exp.Select) is None]
            moved = 0
            out_names = list(src.expression.named_selects)
            for c in mine:
                if not _strict_simple(c):
                    continue
                targets = _branches(src, scopes)
                translated = []
                for t in targets:
                    if not _accepts_predicates(t.expression):
                        translated = []
                        break
                    names = out_names if t is src else list(t.expression.named_selects)
                    tc = _translate(c, alias, t.expression, names)
                    if tc is None:
                        translated = []
                        break
                    translated.append((t, tc))
                if translated:
                    moved += 1
                    for t, tc in translated:
                        inherited.setdefault(id(t), []).append(tc)
            if (
                limit is not None and plain_scope and moved == len(conj) and select.args.get("order") is None
                and isinstance(src.expression, exp.Select) and not src.expression.args.get("limit")
            ):
                inherited_limit[id(src)] = limit
        if not catalog_aliases:
            continue
        for alias, ref_id in catalog_aliases.items():
            base = infos[ref_id]
            info = RefInfo(ref=base.ref, occurrences=1)
            types = {c.name: c.type for c in base.ref.table.columns}
            conjuncts = where_conj + inner_on + own_on.get(alias, [])
            for conj in conjuncts:
                mine = {c.name for c in conj.find_all(exp.Column) if c.table == alias}
                if conj.find(exp.Select) is not None:
                    info.all_pushed = False
                    info.unpushed |= mine
                    key = _in_subquery_key(conj, alias, scopes, infos)
                    if key is not None:
                        info.join_keys.append(key)
                    continue
                tables = {c.table for c in conj.find_all(exp.Column)}
                if not tables:
                    if isinstance(conj, exp.Boolean) and conj.this:
                        continue
                    if isinstance(conj, exp.Boolean):
                        info.constraints["__never__"] = Constraint(empty=True)  # WHERE FALSE
                        continue
                    info.all_pushed = False
                    continue
                if tables == {alias}:
                    if not _volatile(conj):  # evaluated again for semi-join keys: must give the same rows
                        info.local_conjuncts.append(conj)
                    try:
                        col, op, cons = conjunct_constraint(conj, alias, types)
                    except (NotPushable, KeyError):
                        info.all_pushed = False
                        info.unpushed |= mine
                        continue
                    prev_c = info.constraints.get(col)
                    if prev_c is not None:
                        cons = _intersect(prev_c, cons)
                    info.constraints[col] = cons
                    info.pushed.append((col, op))
                    continue
                info.all_pushed = False
                info.unpushed |= mine  # compared with another table's columns: any value may match
                if isinstance(conj, exp.EQ) and isinstance(conj.this, exp.Column) and isinstance(conj.expression, exp.Column):
                    a, b = conj.this, conj.expression
                    if b.table == alias:
                        a, b = b, a
                    if a.table == alias and b.table in catalog_aliases and b.table != alias:
                        info.join_keys.append(JoinKey(a.name, catalog_aliases[b.table], b.name, b.table))
            info.columns = _referenced(select, scope_need, alias)
            # LIMIT pushdown: a single-source scope with nothing that needs more rows
            if limit is not None and plain_scope and info.all_pushed:
                order = select.args.get("order")
                if order is None:
                    info.limit = limit
                else:
                    keys = order.expressions
                    key = _order_column(select, keys[0].this) if len(keys) == 1 else None
                    if key is not None and key.table == alias:
                        info.limit = limit
                        info.order = (key.name, bool(keys[0].args.get("desc")))
            seen.setdefault(ref_id, []).append(info)
    for ref_id, occ in seen.items():
        infos[ref_id] = _merge(occ) if len(occ) > 1 else occ[0]
    for ref_id, info in infos.items():
        if ref_id not in seen:  # the reference was not found in any scope: read it all
            info.all_pushed = False
    return infos


#: Column types whose ``=`` / ``IN`` literals the plain-projection path turns into constraints.
_PLAIN_TYPES = {"VARCHAR", "BIGINT"}


def _plain_projection(tree: exp.Expression, refs: list[TableRef],
                      p: passthrough.Projection | None = None) -> RefInfo | None:
    """Pass 1 for a plain projection of one table (``passthrough.projection``: plain columns, a WHERE
    of ``column = literal`` / ``column IN (literals)``, a constant LIMIT/OFFSET), read off the tree
    without qualifying a copy or walking scopes: what ``analyze`` finds for it, about 3 ms sooner
    for 600 ids (tests compare the two on many statements). None: not such a statement.
    """
    if p is None:
        p = passthrough.projection(tree, refs)
    if p is None:
        return None
    ref = refs[0]
    types = {c.name: c.type for c in ref.table.columns}
    if any(types[column] not in _PLAIN_TYPES for column, _ in p.filters):
        return None
    where = tree.args.get("where")
    parts = flatten_and(where.this) if where is not None else []
    info = RefInfo(ref=ref, occurrences=1)
    for part, (column, values) in zip(parts, p.filters):
        op = "eq" if isinstance(part, exp.EQ) else "in"
        ctype = types[column]
        cons = Constraint().with_values(values if ctype == "VARCHAR" else [coerce(v, ctype) for v in values])
        prev = info.constraints.get(column)
        info.constraints[column] = cons if prev is None else _intersect(prev, cons)
        info.pushed.append((column, op))
    # as qualify expands them: a star is every column of the table
    info.columns = set(types if p.columns is None else p.columns) | {column for column, _ in p.filters}
    if p.limit is not None:
        info.limit = _limit_value(tree)  # type: ignore[arg-type]
    return info


def _intersect(a: Constraint, b: Constraint) -> Constraint:
    out = a
    if b.empty:
        return Constraint(empty=True)
    if b.values is not None:
        out = out.with_values(b.values)
    if b.low is not None:
        out = out.with_low(b.low)
    if b.high is not None:
        out = out.with_high(b.high)
    return out


def _merge(occurrences: list[RefInfo]) -> RefInfo:
    """One reference reached from several places (an inlined CTE): allow what any of them allows."""
    first = occurrences[0]
    out = RefInfo(ref=first.ref, occurrences=len(occurrences), all_pushed=False)
    out.unpushed = set().union(*(o.unpushed for o in occurrences))
    cols = [set(first.constraints)]
    for o in occurrences[1:]:
        cols.append(set(o.constraints))
    for col in set.intersection(*cols):
        merged: Constraint | None = first.constraints[col]
        for o in occurrences[1:]:
            merged = merged.union(o.constraints[col]) if merged is not None else None
        if merged is not None:
            out.constraints[col] = merged
    if any(o.columns is None for o in occurrences):
        out.columns = None
    else:
        out.columns = set().union(*(o.columns for o in occurrences))
    return out


# --------------------------------------------------------------------------
# Pass 2: access paths


@dataclass
class Binding:
    """Where the values of one endpoint filter come from."""

    filter: Filter
    kind: str  # values | connection | parent | semijoin | default | range
    values: tuple = ()  # values/default
    parent: tuple[str, str] | None = None  # (table, column) for fan-out
    source: JoinKey | None = None  # semi-join key source
    windows: tuple[tuple[dt.date, dt.date], ...] = ()


@dataclass
class Scan:
    """How one table reference is read: the endpoint and where every parameter comes from."""

    ref: TableRef
    endpoint: Endpoint
    bindings: list[Binding]
    columns: list[str]  # columns the scan must produce (all of the table's)
    metrics: list[str] = field(default_factory=list)
    limit: int | None = None
    order: tuple[str, bool] | None = None
    empty: bool = False  # contradiction: no call at all
    reason: str = ""  # why empty
    depends_on: list[str] = field(default_factory=list)
    estimate: float = 1.0
    estimate_text: str = "1"
    #: the WHERE conjuncts on this reference alone (for semi-join key extraction)
    local_conjuncts: list[exp.Expression] = field(default_factory=list)
    #: columns the statement reads (None: all); the others are not parsed from the responses
    needed: set[str] | None = None

    @property
    def table(self) -> Table:
        return self.ref.table

    def describe_params(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for b in self.bindings:
            name = b.filter.path_param or b.filter.param or f"{b.filter.start_param}/{b.filter.end_param}"
            if b.kind == "values":
                vals = list(b.values)
                out[name] = ", ".join(map(str, vals[:5])) + (f", ... ({len(vals)} values)" if len(vals) > 5 else "")
            elif b.kind == "connection":
                out[name] = "(the connection's ad account)"
            elif b.kind == "parent":
                out[name] = f"(each {b.parent[0]}.{b.parent[1]})"
            elif b.kind == "semijoin":
                out[name] = f"(the {b.source.other_alias}.{b.source.other_column} values read by the joined scan)"
            elif b.kind == "default":
                out[name] = str(b.values[0])
            elif b.kind == "range":
                out[name] = "; ".join(f"{s.isoformat()}..{e.isoformat()}" for s, e in b.windows)
        if self.endpoint.metrics_param and self.metrics:
            out[self.endpoint.metrics_param] = ",".join(self.metrics)
        if self.limit is not None and self.endpoint.shape == "paged":
            out["page_size"] = str(min(self.limit, self.endpoint.page_size_max))
        return out


def utc_today() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()


def date_windows(f: Filter, cons: Constraint | None, today: dt.date, table: str) -> list[tuple[dt.date, dt.date]]:
    """The fewest legal [start, end] windows covering the query's dates (empty list: no dates)."""
    low, high = cons.bounds() if cons is not None else (None, None)
    earliest = today - dt.timedelta(days=f.max_lookback_days) if f.max_lookback_days else None
    if low is None and high is None:
        days = f.default_days or f.max_span_days or 30
        low, high = today - dt.timedelta(days=days - 1), today
    elif low is None:
        low = earliest if earliest is not None else high - dt.timedelta(days=(f.default_days or 30) - 1)
        if earliest is not None and high < earliest:
            low = high  # reported below: the whole range is older than the API serves
    if high is None or high > today:
        high = today
    if earliest is not None and low < earliest:
        raise DataError(
            f"{table}.{f.column} starts on {low.isoformat()}, but the API serves only the last {f.max_lookback_days} days: "
            f"the earliest allowed date is {earliest.isoformat()} (add WHERE {f.column} >= '{earliest.isoformat()}')"
        )
    if low > high:
        return []
    span = f.max_span_days or 10**6
    out = []
    start = low
    while start <= high:
        end = min(high, start + dt.timedelta(days=span))  # the API allows end_date - start_date <= span
        out.append((start, end))
        start = end + dt.timedelta(days=1)
    return out


@functools.lru_cache(maxsize=32)
def _allowed_values(f: Filter, values: frozenset) -> tuple:
    """The values the API accepts for the filter (enum, pattern): any other value matches no row.
    Cached: each endpoint that takes the filter asks (600 ids are 600 pattern checks)."""
    return tuple(f.allowed(sorted(values, key=str)))


def _default(f: Filter, today: dt.date):
    """The value sent for a filter the query leaves open."""
    if f.default_days_ago is not None:
        return today - dt.timedelta(days=f.default_days_ago)
    return f.default


def _check_lookback(f: Filter, values: list, today: dt.date, table: str) -> None:
    """Date values older than the API serves fail with a message saying which dates work."""
    if not f.max_lookback_days:
        return
    earliest = today - dt.timedelta(days=f.max_lookback_days)
    old = [v for v in values if isinstance(v, dt.date) and v < earliest]
    if old:
        raise DataError(
            f"{table}.{f.column} = {min(old).isoformat()} is older than the API serves (the last "
            f"{f.max_lookback_days} days): the earliest allowed date is {earliest.isoformat()}"
        )


def _op_ok(f: Filter, n: int) -> bool:
    return ("in" in f.ops) if n > 1 else ("eq" in f.ops or "in" in f.ops)


class Unusable(Exception):
    pass


def _bind_endpoint(info: RefInfo, e: Endpoint, joins: dict[str, JoinKey], today: dt.date) -> tuple[list[Binding], float, str, int]:
    """Bindings for one endpoint, its estimated calls (number and text) and how many constraints it uses."""
    table = info.ref.table
    bindings: list[Binding] = []
    calls = 1.0
    text_parts: list[str] = []
    used = 0
    fanout_note = ""
    for f in e.filters:
        cons = info.constraints.get(f.column)
        if f.start_param:  # date range
            if cons is None and not f.required:
                continue
            gran = info.constraints.get("granularity")
            if gran is not None and gran.values == frozenset({"HOUR"}) and f.max_span_days:
                # hourly analytics: the API serves 8 days back, 3 days per call
                f = replace(f, max_span_days=min(f.max_span_days, 3), max_lookback_days=min(f.max_lookback_days or 8, 8),
                            default_days=min(f.default_days or 3, 3))
            if cons is None and f.column in info.unpushed and f.max_lookback_days:
                # WHERE limits the dates in a way the planner cannot read: fetch every day
                # the API serves rather than the default window, so no day is missed.
                cons = Constraint(low=today - dt.timedelta(days=f.max_lookback_days), high=today)
            windows = date_windows(f, cons, today, table.name)
            bindings.append(Binding(f, "range", windows=tuple(windows)))
            if not windows:
                return bindings, 0, "0", used + 1
            calls *= len(windows)
            if len(windows) > 1:
                text_parts.append(f"{len(windows)} date windows")
            used += cons is not None
            continue
        has_values = cons is not None and cons.values is not None
        if has_values:
            vals = _allowed_values(f, cons.values)
            _check_lookback(f, vals, today, table.name)
            if not vals:
                return [Binding(f, "values", values=())], 0, "0", used + 1
            if not _op_ok(f, len(vals)) and f.path_param is None and "eq" not in f.ops:
                raise Unusable
            per_call = 1 if (f.path_param or "in" not in f.ops) else max(f.max_values, 1)
            chunks = math.ceil(len(vals) / per_call)
            calls *= chunks
            if chunks > 1:
                text_parts.append(f"{chunks} calls for {len(vals)} {f.column} values")
            bindings.append(Binding(f, "values", values=tuple(vals)))
            used += 1
            continue
        needed = f.path_param is not None or f.required
        parent = table.parents.get(f.column)
        key = joins.get(f.column)
        if key is not None and (needed or f.max_values > 1) and (f.path_param is None or needed):
            bindings.append(Binding(f, "semijoin", source=key))
            per = 1 if f.path_param else max(f.max_values, 1)
            text_parts.append(f"{key.other_alias}.{key.other_column} values" + (f" / {per} per call" if per > 1 else ": one call each"))
            calls *= max(1, math.ceil((key.est_keys or UNKNOWN_FANOUT) / per))
            used += 1
            continue
        if not needed:
            if f.has_default:
                bindings.append(Binding(f, "default", values=(_default(f, today),)))
            continue
        if parent is not None and parent.default == "connection":
            bindings.append(Binding(f, "connection"))
            continue
        if parent is not None and parent.table:
            bindings.append(Binding(f, "parent", parent=(parent.table, parent.column or "id")))
            per = 1 if f.path_param else max(f.max_values, 1)
            calls *= UNKNOWN_FANOUT / per if f.path_param else 1
            fanout_note = f"1 + N per {parent.table.rstrip('s')}" if f.path_param else f"1 + ceil(N {parent.table} / {per})"
            continue
        if f.has_default:
            bindings.append(Binding(f, "default", values=(_default(f, today),)))
            continue
        raise Unusable
    listed = e.shape == "paged" and not any(b.kind in ("values", "semijoin") for b in bindings)
    if listed and info.limit is None:
        calls *= UNKNOWN_PAGES  # for comparisons only: the text says "+1 per further page"
    if fanout_note:
        text = fanout_note
    else:
        shown = calls / UNKNOWN_PAGES if listed and info.limit is None else calls
        text = str(int(shown)) if shown == int(shown) else f"{shown:g}"
    if e.shape == "paged":
        text += " (+1 per further page)"
    if text_parts:
        text += " [" + "; ".join(text_parts) + "]"
    return bindings, calls, text, used


def choose_access(info: RefInfo, joins: dict[str, JoinKey] | None = None, today: dt.date | None = None) -> Scan:
    """Pass 2: the cheapest endpoint for one reference (ties: more constraints used, declaration order)."""
    table = info.ref.table
    today = today or utc_today()
    joins = joins or {}
    for col, cons in info.constraints.items():
        if cons.empty:
            what = "the WHERE clause is always false" if col == "__never__" else f"no {col} value can meet the conditions on it"
            return Scan(info.ref, table.endpoints[0], [], table.column_names, empty=True, estimate=0, estimate_text="0",
                        reason=what)
    best = None
    errors = []
    for order, e in enumerate(table.endpoints):
        try:
            bindings, calls, text, used = _bind_endpoint(info, e, joins, today)
        except Unusable:
            continue
        except DataError as err:
            errors.append(err)
            continue
        rank = (calls, -used, order)
        if best is None or rank < best[0]:
            best = (rank, e, bindings, calls, text)
    if best is None:
        if errors:
            raise errors[0]
        raise ProgrammingError(missing_filter_message(table))
    _, e, bindings, calls, text = best
    scan = Scan(info.ref, e, bindings, table.column_names, estimate=calls, estimate_text=text,
                local_conjuncts=list(info.local_conjuncts))
    if info.columns is not None:
        conjunct_columns = {c.name for conj in info.local_conjuncts for c in conj.find_all(exp.Column)}
        scan.needed = (set(info.columns) | conjunct_columns) & set(table.column_names)
    if calls == 0:
        scan.empty = True
        scan.reason = "a filter value is outside what the API allows, or the date range is empty"
    scan.depends_on = sorted({b.source.other for b in bindings if b.kind == "semijoin"})
    metric_cols = [c for c in table.columns if c.metric]
    if e.metrics_param and metric_cols:
        wanted = [c.metric for c in metric_cols if info.columns is None or c.name in info.columns]
        scan.metrics = wanted or [metric_cols[0].metric]
    # LIMIT: only when every predicate is applied exactly by this endpoint
    if info.limit is not None and _exact(info, e, bindings):
        if info.order is None:
            scan.limit = info.limit
        elif e.order is not None and e.order.column == info.order[0]:
            scan.limit = info.limit
            scan.order = info.order
    return scan


def _exact(info: RefInfo, e: Endpoint, bindings: list[Binding]) -> bool:
    if not info.all_pushed or e.residual:
        return False
    bound = {b.filter.column: b for b in bindings}
    for col, op in info.pushed:
        b = bound.get(col)
        if b is None or b.kind != "values" or not b.filter.exact:
            return False
    return True


def missing_filter_message(table: Table) -> str:
    """Which WHERE clause to add when no endpoint can be called."""
    needs: list[Filter] = []
    for e in table.endpoints:
        for f in e.filters:
            if (f.required or f.path_param) and f.column not in table.parents and not f.has_default and not f.start_param:
                needs.append(f)
    if not needs:
        key = table.primary_key[0] if table.primary_key else "id"
        return f"{table.name} cannot be read without a filter: add WHERE {key} = '...' or {key} IN (...)"
    f = needs[0]
    col = f.column
    clause = f"add WHERE {col} = '...' or {col} IN (...)"
    fk = next((fk for fk in table.foreign_keys if col in fk.columns), None)
    if fk is not None:
        ref = fk.ref_columns[fk.columns.index(col)]
        return (
            f"{table.name} needs a value for {col} (the {fk.table} to read): {clause}, "
            f"or join {fk.table} ON {table.name}.{col} = {fk.table}.{ref} with a filter on {fk.table}"
        )
    allowed = f" (one of {', '.join(map(str, f.values))})" if f.values else ""
    return f"{table.name} needs a value for {col}: {clause}{allowed}"


# --------------------------------------------------------------------------
# Pass 3: all references, semi-joins


def plan(infos: dict[str, RefInfo], today: dt.date | None = None) -> list[Scan]:
    """Plan every reference; semi-join keys flow from already planned, filtered scans."""
    today = today or utc_today()
    planned: dict[str, Scan] = {}
    deps: dict[str, set[str]] = {}

    def depends(a: str, b: str) -> bool:  # does a (transitively) depend on b?
        stack, seen = [a], set()
        while stack:
            x = stack.pop()
            if x == b:
                return True
            if x in seen:
                continue
            seen.add(x)
            stack.extend(deps.get(x, ()))
        return False

    # Key sources first: a reference that needs keys from a join (or can take a
    # subquery's few keys) waits for their source. Otherwise references with
    # their own filters first: they are the best key sources.
    def wanted(r: str) -> set[str]:  # key sources this reference would rather wait for
        info = infos[r]
        return {k.other for k in info.join_keys if k.other in infos and k.other != r
                and (_needs(info, k.column) or k.max_keys is not None)}

    def rank(r: str) -> tuple:
        return (bool(wanted(r)), -len(infos[r].constraints), list(infos).index(r))

    pending = sorted(infos, key=rank)
    while pending:
        # the best reference whose wanted sources are planned (any, when they wait on each other)
        ref_id = next((r for r in pending if wanted(r) <= set(planned)), pending[0])
        pending.remove(ref_id)
        info = infos[ref_id]
        joins: dict[str, JoinKey] = {}
        for key in info.join_keys:
            src = infos.get(key.other)
            if src is None or key.other not in planned or depends(key.other, ref_id):
                continue
            if planned[key.other].empty or src.constraints or _needs(info, key.column) or key.max_keys is not None:
                known = src.constraints.get(key.other_column)
                key.est_keys = len(known.values) if known is not None and known.values is not None else UNKNOWN_FANOUT
                if key.max_keys is not None:
                    key.est_keys = min(key.est_keys, key.max_keys)
                joins.setdefault(key.column, key)
        scan = choose_access(info, joins, today)
        planned[ref_id] = scan
        deps[ref_id] = set(scan.depends_on)
    return [planned[r] for r in infos]


def _needs(info: RefInfo, column: str) -> bool:
    """Whether the reference cannot be read without values for ``column``.

    True only when no endpoint of the table can run without it: a table with a
    plain list besides its filtered one (ad_groups, pins) does not need keys,
    so keys from an unfiltered join partner are not worth their calls there.
    """
    if column in info.constraints:
        return False
    table = info.ref.table
    return not any(_runs_without(info, e, column) for e in table.endpoints)


def _runs_without(info: RefInfo, e: Endpoint, column: str) -> bool:
    """Whether endpoint ``e`` can be called with no value for ``column`` (and no join keys at all)."""
    table = info.ref.table
    for f in e.filters:
        if not (f.required or f.path_param):
            continue
        if f.column == column:
            parent = table.parents.get(column)
            if parent is None or parent.default != "connection":
                return False
            continue
        if f.column in info.constraints or f.has_default:
            continue
        parent = table.parents.get(f.column)
        if parent is None or not (parent.table or parent.default):
            return False
    return True


def plan_statement(tree: exp.Expression, refs: list[TableRef], extra_schema: dict | None = None,
                   today: dt.date | None = None, projection: passthrough.Projection | None = None) -> list[Scan]:
    return plan(analyze(tree, refs, extra_schema, projection), today)


__all__ = ["Binding", "JoinKey", "RefInfo", "Scan", "analyze", "choose_access", "date_windows", "plan", "plan_statement"]
