"""Predicates: turn sqlglot conjuncts on one table reference into pushable constraints.

A :class:`Constraint` says what a WHERE clause allows for one column: a set of
values (from ``=`` and ``IN``), a range (from ``>``, ``>=``, ``<``, ``<=``,
``BETWEEN``), or nothing at all (a contradiction). Constraints only narrow what
is fetched; DuckDB evaluates every predicate again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from sqlglot import exp


class NotPushable(Exception):
    """A value or predicate the planner cannot use (it is simply re-checked locally)."""


class NeverMatches(NotPushable):
    """A value no row's column can equal (``1.5`` for a BIGINT column, as DuckDB compares them)."""


@dataclass(frozen=True)
class Constraint:
    values: frozenset | None = None  # allowed values (None: any)
    low: Any = None  # inclusive lower bound (ranges are widened to whole days/values)
    high: Any = None  # inclusive upper bound
    empty: bool = False  # the predicates contradict each other

    def with_values(self, values: Iterable[Any]) -> Constraint:
        new = frozenset(values)
        merged = new if self.values is None else (self.values & new)
        return replace(self, values=merged, empty=self.empty or not merged)

    def with_low(self, low: Any) -> Constraint:
        low = low if self.low is None else max(self.low, low)
        return replace(self, low=low)._check()

    def with_high(self, high: Any) -> Constraint:
        high = high if self.high is None else min(self.high, high)
        return replace(self, high=high)._check()

    def _check(self) -> Constraint:
        if self.low is not None and self.high is not None and self.low > self.high:
            return replace(self, empty=True)
        return self

    def union(self, other: Constraint) -> Constraint | None:
        """What either constraint allows (None: anything)."""
        if self.empty:
            return other
        if other.empty:
            return self
        values = None if self.values is None or other.values is None else self.values | other.values
        low = None if self.low is None or other.low is None else min(self.low, other.low)
        high = None if self.high is None or other.high is None else max(self.high, other.high)
        if values is None and low is None and high is None:
            return None
        return Constraint(values=values, low=low, high=high)

    def bounds(self) -> tuple[Any, Any]:
        """(low, high) including what the value set implies."""
        low, high = self.low, self.high
        if self.values:
            vmin, vmax = min(self.values), max(self.values)
            low = vmin if low is None else max(low, vmin)
            high = vmax if high is None else min(high, vmax)
        return low, high


def flatten_and(node: exp.Expression | None) -> list[exp.Expression]:
    if node is None:
        return []
    if isinstance(node, exp.Where):
        node = node.this
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.And):
        return flatten_and(node.left) + flatten_and(node.right)
    return [node]


_TYPED_LITERALS = tuple(
    getattr(exp, name)
    for name in ("TsOrDsToDate", "TsOrDsToTimestamp", "Date", "TimeStrToTime", "DateStrToDate", "StrToDate")
    if isinstance(getattr(exp, name, None), type)
)


def _flatten_or(node: exp.Expression) -> list[exp.Expression]:
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.Or):
        return _flatten_or(node.left) + _flatten_or(node.right)
    return [node]


def literal_value(node: exp.Expression) -> Any:
    """The Python value of a constant node (string, number, boolean, typed literal)."""
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.Literal):
        if node.is_string:
            return node.this
        text = node.this
        try:
            return int(text)
        except ValueError:
            return float(text)
    if isinstance(node, exp.Boolean):
        return bool(node.this)
    if isinstance(node, exp.Neg):
        v = literal_value(node.this)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return -v
    if isinstance(node, (exp.Cast, exp.TryCast)):
        return literal_value(node.this)
    # DATE '...', TIMESTAMP '...' and friends parse into one-argument functions
    if isinstance(node, _TYPED_LITERALS):
        return literal_value(node.this)
    if isinstance(node, _TEMPORAL_NODES) or _clock_function(node):
        return temporal_value(node)
    raise NotPushable(f"not a constant: {node.sql()}")


_TEMPORAL_NODES = tuple(
    t for t in (exp.CurrentDate, exp.CurrentTimestamp, exp.Add, exp.Sub, getattr(exp, "DateAdd", None),
                getattr(exp, "DateSub", None)) if isinstance(t, type)
)
_CLOCK_NAMES = {"now", "today", "current_date", "current_timestamp", "get_current_timestamp"}
_DAYS_PER_UNIT = {"DAY": 1, "DAYS": 1, "WEEK": 7, "WEEKS": 7}
_SECONDS_PER_UNIT = {"HOUR": 3600, "HOURS": 3600, "MINUTE": 60, "MINUTES": 60, "SECOND": 1, "SECONDS": 1}


def _clock_function(node: exp.Expression) -> bool:
    return isinstance(node, exp.Anonymous) and str(node.this).lower() in _CLOCK_NAMES and not node.expressions


def utc_now() -> dt.datetime:
    """The statement's clock: the engine's DuckDB session runs in UTC too (see session.py)."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def temporal_value(node: exp.Expression) -> dt.date | dt.datetime:
    """The date or timestamp of a constant date expression: ``current_date - 7``,
    ``now() - INTERVAL 3 HOUR``, ``DATE '2026-01-01' + INTERVAL 1 WEEK``, casts of those."""
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.CurrentDate) or (_clock_function(node) and str(node.this).lower() in ("today", "current_date")):
        return utc_now().date()
    if isinstance(node, exp.CurrentTimestamp) or _clock_function(node):
        return utc_now()
    if isinstance(node, (exp.Cast, exp.TryCast)) and node.to.is_type("date", "timestamp", "timestampntz", "timestamptz", "datetime"):
        inner = node.this
        value = temporal_value(inner) if isinstance(inner, (*_TEMPORAL_NODES, exp.Cast, exp.Anonymous)) else literal_value(inner)
        if node.to.is_type("date"):
            return to_date(value)
        if isinstance(value, dt.datetime):
            return value
        try:
            return dt.datetime.fromisoformat(str(value))
        except ValueError:
            raise NotPushable(f"not a timestamp: {value!r}") from None
    if isinstance(node, _TYPED_LITERALS):
        return to_date(literal_value(node.this))
    if isinstance(node, (exp.Add, exp.Sub)) or type(node).__name__ in ("DateAdd", "DateSub"):
        sign = -1 if isinstance(node, exp.Sub) or type(node).__name__ == "DateSub" else 1
        base = temporal_value(node.this)
        return base + sign * _duration(node.expression, node.args.get("unit"))
    raise NotPushable(f"not a constant date: {node.sql()}")


def _duration(node: exp.Expression, unit: exp.Expression | None = None) -> dt.timedelta:
    """``7`` (days), ``INTERVAL 2 DAY``, ``INTERVAL '3 hours'``; months and years are not fixed lengths."""
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.Interval):
        amount, name = node.this, (node.unit.name if node.unit is not None else "")
        text = str(literal_value(amount)).strip()
        if not name and " " in text:  # INTERVAL '3 days'
            text, name = text.split(None, 1)
        try:
            number = float(text)
        except ValueError:
            raise NotPushable(f"interval {node.sql()}") from None
    else:
        number, name = literal_value(node), (unit.name if unit is not None else "DAY")
        if isinstance(number, bool) or not isinstance(number, (int, float)):
            raise NotPushable(f"not a number of days: {node.sql()}")
    name = name.upper()
    if name in _DAYS_PER_UNIT:
        return dt.timedelta(days=number * _DAYS_PER_UNIT[name])
    if name in _SECONDS_PER_UNIT:
        return dt.timedelta(seconds=number * _SECONDS_PER_UNIT[name])
    raise NotPushable(f"interval unit {name or '?'}")


def coerce(value: Any, sql_type: str) -> Any:
    """Convert a literal to the Python value the API filter expects for a column type."""
    if value is None:
        raise NotPushable("NULL")
    if sql_type in ("VARCHAR", "JSON"):
        if isinstance(value, bool):
            raise NotPushable("boolean vs text")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value)
    if sql_type == "BIGINT":
        if isinstance(value, bool):
            raise NotPushable("boolean vs number")
        try:
            f = float(value)
        except (TypeError, ValueError):
            raise NotPushable(f"not a number: {value!r}") from None
        if not f.is_integer():
            raise NeverMatches("fractional value for an integer column")
        return int(f)
    if sql_type == "BOOLEAN":
        if isinstance(value, bool):
            return value
        raise NotPushable("not a boolean")
    if sql_type in ("DATE", "TIMESTAMP"):
        return to_date(value)
    raise NotPushable(f"type {sql_type}")


def to_date(value: Any) -> dt.date:
    """The calendar day (UTC) of a date/timestamp literal."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise NotPushable(f"not a date: {value!r}") from None


def _column_side(node: exp.Expression, alias: str) -> exp.Column | None:
    """The column of ``alias`` a comparison side refers to (through casts), or None."""
    while isinstance(node, (exp.Paren, exp.Cast, exp.TryCast)):
        node = node.this
    if isinstance(node, exp.Column) and node.table == alias:
        return node
    return None


def _is_cast(node: exp.Expression) -> bool:
    while isinstance(node, exp.Paren):
        node = node.this
    return isinstance(node, (exp.Cast, exp.TryCast))


_FLIP = {exp.GT: exp.LT, exp.GTE: exp.LTE, exp.LT: exp.GT, exp.LTE: exp.GTE, exp.EQ: exp.EQ}


def conjunct_constraint(conj: exp.Expression, alias: str, column_types: dict[str, str]) -> tuple[str, str, Constraint]:
    """(column, op, constraint) for one conjunct on ``alias``; raises NotPushable.

    op is ``eq``, ``in`` or ``range``.
    """
    while isinstance(conj, exp.Paren):
        conj = conj.this
    if isinstance(conj, exp.Or):  # a = 1 OR a IN (2, 3) on one column: a value list
        parts = [conjunct_constraint(d, alias, column_types) for d in _flatten_or(conj)]
        cols = {p[0] for p in parts}
        if len(cols) != 1 or any(p[1] not in ("eq", "in") for p in parts):
            raise NotPushable("OR across columns or ranges")
        values: set = set()
        for p in parts:
            values |= p[2].values or set()
        return cols.pop(), "in", Constraint().with_values(values)
    if isinstance(conj, exp.In):
        if conj.args.get("query") is not None or conj.args.get("unnest") is not None or conj.args.get("field") is not None:
            raise NotPushable("IN with a subquery")
        col = _column_side(conj.this, alias)
        if col is None or _is_cast(conj.this):
            raise NotPushable("IN on an expression")
        ctype = column_types[col.name]
        items = conj.expressions
        if ctype in ("VARCHAR", "JSON") and all(type(v) is exp.Literal and v.args.get("is_string") for v in items):
            # the common long list (ids pasted from a spreadsheet): text as it is, no per-item dispatch
            return col.name, "in", Constraint().with_values([v.this for v in items])
        values = []
        for v in items:
            try:
                values.append(coerce(literal_value(v), ctype))
            except NeverMatches:
                continue  # an IN list item no value can equal: the others still count
        return col.name, "in", Constraint().with_values(values)
    if isinstance(conj, exp.Between):
        col = _column_side(conj.this, alias)
        if col is None:
            raise NotPushable("BETWEEN on an expression")
        ctype = column_types[col.name]
        if ctype not in ("DATE", "TIMESTAMP"):
            raise NotPushable("ranges are pushed on dates only")
        low = coerce(literal_value(conj.args["low"]), ctype)
        high = coerce(literal_value(conj.args["high"]), ctype)
        return col.name, "range", Constraint().with_low(low).with_high(high)
    kind = type(conj)
    if kind not in _FLIP:
        raise NotPushable(f"operator {kind.__name__}")
    left, right = conj.this, conj.expression
    col = _column_side(left, alias)
    other = right
    if col is None:
        col = _column_side(right, alias)
        other = left
        kind = _FLIP[kind]
        col_node = right
    else:
        col_node = left
    if col is None:
        raise NotPushable("no column of this table")
    ctype = column_types[col.name]
    if kind is exp.EQ and _is_cast(col_node) and ctype not in ("DATE", "TIMESTAMP"):
        raise NotPushable("equality on a cast")
    try:
        value = coerce(literal_value(other), ctype)
    except NeverMatches:
        if kind is not exp.EQ:
            raise
        return col.name, "eq", Constraint().with_values([])
    if kind is exp.EQ:
        if ctype == "TIMESTAMP":  # a day is a superset of one instant
            return col.name, "range", Constraint().with_low(value).with_high(value)
        return col.name, "eq", Constraint().with_values([value])
    if ctype not in ("DATE", "TIMESTAMP"):
        raise NotPushable("ranges are pushed on dates only")
    # Bounds are widened to whole days: the API works in days, DuckDB re-checks.
    if kind in (exp.GT, exp.GTE):
        return col.name, "range", Constraint().with_low(value)
    return col.name, "range", Constraint().with_high(value)
