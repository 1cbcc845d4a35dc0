"""The data model: tables loaded from the declarative files in ``schemas/``.

One YAML file describes one table: its columns (name, SQL type, JSON path,
description), the endpoints that can produce its rows, which WHERE predicates
each endpoint can apply (pushdown), where missing path parameters come from
(fan-out over a parent table, or the connection's ad account), and facts for
users and tools (primary key, foreign keys, scopes, rate-limit category,
sandbox support). ``docs/schema-format.md`` documents every key; this module
turns the files into immutable objects and validates them, so a typo in a
schema fails loudly at load time rather than at query time.

Nothing here talks to the network: SQLAlchemy reflection, ``information_schema``
and the docs generator read the catalog alone.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

#: SQL types a column may declare, and what they mean on the wire.
SQL_TYPES = ("VARCHAR", "BIGINT", "DOUBLE", "BOOLEAN", "TIMESTAMP", "DATE", "JSON")

#: How a TIMESTAMP/DATE column is encoded in the JSON.
TIME_FORMATS = ("unix_seconds", "unix_ms", "iso8601", "date")

#: Response shapes an endpoint may have.
#: paged  - ``{"items": [...], "bookmark": ...}``, follow bookmarks
#: items  - ``{"items": [...]}`` with no paging
#: array  - a plain JSON array of rows
#: object - one JSON object, one row
#: Any other value names a custom row extractor in ``pinsql.engine.shapes``
#: (for responses such as organic analytics' map of daily metrics).
BASIC_SHAPES = ("paged", "items", "array", "object")

#: Predicate kinds a filter can apply on the API side.
FILTER_OPS = ("eq", "in", "range")

GROUPS = ("organic", "ads", "catalogs", "analytics")


class SchemaError(ValueError):
    """A schema file is malformed. The message names the file and the key."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    #: Dotted JSON path of the value inside one response row (``owner.username``).
    #: None when the value does not come from the row (see ``from_param``).
    path: str | None = None
    #: Encoding of TIMESTAMP/DATE values in the JSON.
    format: str | None = None
    #: The column's value is the request parameter (query or path) of this
    #: name that produced the row: parent keys such as ``ad_account_id`` and
    #: analytics settings such as ``granularity``.
    from_param: str | None = None
    #: Analytics only: the metric name sent in the API's ``columns`` list.
    #: Set for metric columns so the planner requests only projected metrics.
    metric: str | None = None
    nullable: bool = True


@dataclass(frozen=True)
class Filter:
    """One predicate an endpoint can apply, on one column."""

    column: str
    #: Query parameter name (for ``eq``/``in``; for ``range`` see start/end).
    param: str | None = None
    #: Path parameter name: one call per value.
    path_param: str | None = None
    ops: tuple[str, ...] = ("eq", "in")
    #: Most values in one call (chunk IN lists above it). 1 = one call per value.
    max_values: int = 1
    #: How a multi-valued query parameter is sent: ``repeat`` (key=a&key=b,
    #: the OpenAPI default) or ``csv`` (one comma-separated value).
    style: str = "repeat"
    #: Whether the API applies the predicate exactly as SQL would. Inexact
    #: filters still narrow the call; rows are always re-checked locally.
    exact: bool = True
    #: The endpoint cannot be called without a value for this filter. Values
    #: then come from the table's ``parents`` (fan-out) or the error says
    #: which WHERE clause to add.
    required: bool = False
    #: Value sent when the query gives none (analytics settings). The column
    #: shows the value that was sent.
    default: Any = None
    #: Date-valued parameters: when the query gives none, send the UTC date this
    #: many days before today (0 = today) instead of a fixed ``default``.
    default_days_ago: int | None = None
    #: Allowed values (enums): a predicate outside them matches nothing.
    values: tuple[Any, ...] | None = None
    #: The regular expression the API enforces on each value (the spec's
    #: ``pattern``, e.g. ``^\d+$`` for ids): a value it rejects matches no
    #: row, so it is never sent.
    pattern: str | None = None
    #: Range filters (dates): the query parameters bounding the range.
    start_param: str | None = None
    end_param: str | None = None
    #: Date-range limits of the API, in days.
    max_span_days: int | None = None
    max_lookback_days: int | None = None
    #: Window used when a required date range is not given in WHERE.
    default_days: int | None = None

    @property
    def has_default(self) -> bool:
        return self.default is not None or self.default_days_ago is not None

    def allows(self, value: Any) -> bool:
        """Whether the API accepts ``value`` for this filter (enum values and pattern)."""
        return bool(self.allowed([value]))

    def allowed(self, values: Iterable[Any]) -> list[Any]:
        """The values the API accepts for this filter, in their order (one regex lookup for all)."""
        out = [v for v in values if v in self.values] if self.values is not None else list(values)
        if self.pattern is not None:
            search = spec_regex(self.pattern).search
            out = [v for v in out if search(str(v).lower() if isinstance(v, bool) else str(v)) is not None]
        return out


@functools.lru_cache(maxsize=64)
def spec_regex(pattern: str) -> re.Pattern:
    r"""Compile an OpenAPI (ECMAScript) ``pattern`` for Python's ``re``.

    Two differences matter for the patterns the spec uses: ``\d`` means ASCII
    digits only, and ``$`` matches only at the very end (Python's also matches
    before a final newline, which would let ``"1\n"`` through).
    """
    out: list[str] = []
    escaped = in_class = False
    for ch in pattern:
        if escaped:
            out.append(ch)
            escaped = False
        elif ch == "\\":
            out.append(ch)
            escaped = True
        elif in_class:
            out.append(ch)
            in_class = ch != "]"
        elif ch == "[":
            out.append(ch)
            in_class = True
        else:
            out.append(r"\Z" if ch == "$" else ch)
    return re.compile("".join(out), re.ASCII)


@dataclass(frozen=True)
class Order:
    """Server-side ordering an endpoint offers (by id on a few ads lists)."""

    param: str
    column: str
    asc: str = "ASCENDING"
    desc: str = "DESCENDING"


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str
    shape: str
    filters: tuple[Filter, ...] = ()
    #: Query parameters always sent unless a filter sets the same parameter.
    defaults: Mapping[str, Any] = field(default_factory=dict)
    order: Order | None = None
    #: Largest page_size the endpoint accepts (paged shape only).
    page_size_max: int = 250
    #: Analytics: the query parameter that lists requested metrics.
    metrics_param: str | None = None
    #: Conditions every returned row must also meet for this endpoint to serve
    #: the table exactly (``{is_owner: true}`` when /boards/{id}/pins serves ``pins``).
    residual: Mapping[str, Any] = field(default_factory=dict)
    #: Rate-limit category (``x-ratelimit-category``) of this endpoint.
    rate_limit_category: str = ""
    #: Dotted path to the row list inside the response, for wrapped shapes.
    rows_path: str | None = None

    @property
    def path_params(self) -> tuple[str, ...]:
        return tuple(re.findall(r"{([^}]+)}", self.path))

    def filter_for(self, column: str) -> Filter | None:
        for f in self.filters:
            if f.column == column:
                return f
        return None


@dataclass(frozen=True)
class Parent:
    """Where values for a required filter column come from when WHERE gives none.

    Keyed by this table's column (``board_id``, ``campaign_id``); ``table`` and
    ``column`` name the parent table's column that lists the values.
    """

    key: str
    #: Table and column listing the values (fan-out), e.g. boards.id.
    table: str | None = None
    column: str | None = None
    #: ``connection``: use the connection's ad account (AdAccountId, or the
    #: first account the token can see) instead of fanning out.
    default: str | None = None


@dataclass(frozen=True)
class ForeignKey:
    columns: tuple[str, ...]
    table: str
    ref_columns: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    name: str
    group: str
    description: str
    columns: tuple[Column, ...]
    endpoints: tuple[Endpoint, ...]
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    parents: Mapping[str, Parent] = field(default_factory=dict)
    scopes: tuple[str, ...] = ()
    sandbox: bool = True
    #: analytics tables have date/settings/metric semantics.
    kind: str = "entity"
    source_file: str = ""

    @functools.cached_property
    def column_map(self) -> dict[str, Column]:
        return {c.name: c for c in self.columns}

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        try:
            return self.column_map[name.lower()]
        except KeyError:
            raise KeyError(f"{self.name} has no column {name!r}{suggest(name, self.column_names)}") from None

    def endpoint(self, name: str) -> Endpoint:
        for e in self.endpoints:
            if e.name == name:
                return e
        raise KeyError(f"{self.name} has no endpoint {name!r}")

    @property
    def rate_limit_categories(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(e.rate_limit_category for e in self.endpoints))


def suggest(name: str, candidates: Iterable[str]) -> str:
    """``" (did you mean 'x'?)"`` for the closest candidate, or ``""``."""
    close = difflib.get_close_matches(name.lower(), [c.lower() for c in candidates], n=3, cutoff=0.6)
    if not close:
        return ""
    return " (did you mean " + " or ".join(repr(c) for c in close) + "?)"


# --------------------------------------------------------------------------
# Loading


def _tuple(v: Any) -> tuple:
    if v is None:
        return ()
    if isinstance(v, (list, tuple)):
        return tuple(v)
    return (v,)


class _Reader:
    """Reads one mapping, remembering where we are for error messages."""

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, dict):
            raise SchemaError(f"{where}: expected a mapping, got {type(data).__name__}")
        self.data = dict(data)
        self.where = where

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.pop(key, default)

    def need(self, key: str) -> Any:
        if key not in self.data:
            raise SchemaError(f"{self.where}: missing required key {key!r}")
        return self.data.pop(key)

    def done(self) -> None:
        if self.data:
            raise SchemaError(f"{self.where}: unknown key(s) {sorted(self.data)}")


def _column(raw: Any, where: str) -> Column:
    r = _Reader(raw, where)
    name = r.need("name")
    col = Column(
        name=name,
        type=str(r.need("type")).upper(),
        description=r.need("description"),
        path=r.get("path", None),
        format=r.get("format"),
        from_param=r.get("from_param"),
        metric=r.get("metric"),
        nullable=bool(r.get("nullable", True)),
    )
    r.done()
    if col.type not in SQL_TYPES:
        raise SchemaError(f"{where}: type {col.type!r} is not one of {SQL_TYPES}")
    if col.format is not None and col.format not in TIME_FORMATS:
        raise SchemaError(f"{where}: format {col.format!r} is not one of {TIME_FORMATS}")
    if col.path is None and col.from_param is None:
        col = Column(**{**col.__dict__, "path": name})
    return col


def _filter(raw: Any, where: str) -> Filter:
    r = _Reader(raw, where)
    values = r.get("values")
    f = Filter(
        column=r.need("column"),
        param=r.get("param"),
        path_param=r.get("path_param"),
        ops=_tuple(r.get("ops", ["eq", "in"])),
        max_values=int(r.get("max_values", 1)),
        style=r.get("style", "repeat"),
        exact=bool(r.get("exact", True)),
        required=bool(r.get("required", False)),
        default=r.get("default"),
        values=tuple(values) if values is not None else None,
        pattern=r.get("pattern"),
        start_param=r.get("start_param"),
        end_param=r.get("end_param"),
        max_span_days=r.get("max_span_days"),
        max_lookback_days=r.get("max_lookback_days"),
        default_days=r.get("default_days"),
        default_days_ago=r.get("default_days_ago"),
    )
    r.done()
    bad = set(f.ops) - set(FILTER_OPS)
    if bad:
        raise SchemaError(f"{where}: unknown ops {sorted(bad)}")
    if f.style not in ("repeat", "csv"):
        raise SchemaError(f"{where}: style must be 'repeat' or 'csv'")
    if "range" in f.ops and not (f.start_param and f.end_param):
        raise SchemaError(f"{where}: a range filter needs start_param and end_param")
    if not (f.param or f.path_param or f.start_param):
        raise SchemaError(f"{where}: a filter needs param, path_param or start_param/end_param")
    if f.default_days_ago is not None and (f.default is not None or not isinstance(f.default_days_ago, int)
                                           or f.default_days_ago < 0):
        raise SchemaError(f"{where}: default_days_ago must be a whole number of days >= 0, without default")
    if f.pattern is not None:
        if not isinstance(f.pattern, str):
            raise SchemaError(f"{where}: pattern must be a string (quote it)")
        try:
            spec_regex(f.pattern)
        except re.error as e:
            raise SchemaError(f"{where}: pattern {f.pattern!r} is not a valid regular expression: {e}") from None
    return f


def _endpoint(raw: Any, where: str, default_category: str) -> Endpoint:
    r = _Reader(raw, where)
    order = r.get("order")
    if order is not None:
        o = _Reader(order, f"{where}.order")
        order = Order(param=o.need("param"), column=o.need("column"), asc=o.get("asc", "ASCENDING"), desc=o.get("desc", "DESCENDING"))
        o.done()
    name = r.need("name")
    e = Endpoint(
        name=name,
        path=r.need("path"),
        shape=r.need("shape"),
        filters=tuple(_filter(f, f"{where}.filters[{i}]") for i, f in enumerate(r.get("filters") or [])),
        defaults=dict(r.get("defaults") or {}),
        order=order,
        page_size_max=int(r.get("page_size_max", 250)),
        metrics_param=r.get("metrics_param"),
        residual=dict(r.get("residual") or {}),
        rate_limit_category=r.get("rate_limit_category", default_category),
        rows_path=r.get("rows_path"),
    )
    r.done()
    if not e.rate_limit_category:
        raise SchemaError(f"{where}: no rate_limit_category (set it on the table or the endpoint)")
    for p in e.path_params:
        if not any(f.path_param == p for f in e.filters):
            raise SchemaError(f"{where}: path parameter {{{p}}} has no filter with path_param: {p}")
    return e


def parse_table(data: Any, source_file: str = "<memory>") -> Table:
    """Build a :class:`Table` from one parsed schema file."""
    r = _Reader(data, source_file)
    name = r.need("name")
    where = f"{source_file} ({name})"
    category = r.get("rate_limit_category", "")
    columns = tuple(_column(c, f"{where}.columns[{i}]") for i, c in enumerate(r.need("columns")))
    endpoints = tuple(_endpoint(e, f"{where}.endpoints[{i}]", category) for i, e in enumerate(r.need("endpoints")))
    parents = {}
    for key, p in (r.get("parents") or {}).items():
        pr = _Reader(p, f"{where}.parents.{key}")
        parents[key] = Parent(key=key, table=pr.get("table"), column=pr.get("column"), default=pr.get("default"))
        pr.done()
    fks = []
    for i, fk in enumerate(r.get("foreign_keys") or []):
        fr = _Reader(fk, f"{where}.foreign_keys[{i}]")
        fks.append(ForeignKey(columns=_tuple(fr.need("columns")), table=fr.need("table"), ref_columns=_tuple(fr.need("ref_columns"))))
        fr.done()
    table = Table(
        name=name,
        group=r.need("group"),
        description=r.need("description"),
        columns=columns,
        endpoints=endpoints,
        primary_key=_tuple(r.get("primary_key")),
        foreign_keys=tuple(fks),
        parents=parents,
        scopes=_tuple(r.get("scopes")),
        sandbox=bool(r.get("sandbox", True)),
        kind=r.get("kind", "entity"),
        source_file=source_file,
    )
    r.done()
    _validate(table, where)
    return table


def _validate(t: Table, where: str) -> None:
    if t.group not in GROUPS:
        raise SchemaError(f"{where}: group {t.group!r} is not one of {GROUPS}")
    names = [c.name for c in t.columns]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise SchemaError(f"{where}: duplicate columns {sorted(dupes)}")
    for n in names:
        if n != n.lower():
            raise SchemaError(f"{where}: column {n!r} must be lower case")
    known = set(names)
    for k in t.primary_key:
        if k not in known:
            raise SchemaError(f"{where}: primary key column {k!r} is not a column")
    for e in t.endpoints:
        for f in e.filters:
            if f.column not in known:
                raise SchemaError(f"{where}: endpoint {e.name} filters on unknown column {f.column!r}")
        for k in e.residual:
            if k not in known:
                raise SchemaError(f"{where}: endpoint {e.name} residual on unknown column {k!r}")
    for p in t.parents.values():
        if p.key not in known:
            raise SchemaError(f"{where}: parent key {p.key!r} is not a column")
        if p.table is None and p.default is None:
            raise SchemaError(f"{where}: parent {p.key!r} needs a table/column or a default")


class Catalog:
    """All tables, by lower-case name."""

    def __init__(self, tables: Iterable[Table]) -> None:
        self.tables: dict[str, Table] = {}
        for t in tables:
            if t.name in self.tables:
                raise SchemaError(f"table {t.name!r} is defined twice ({t.source_file}, {self.tables[t.name].source_file})")
            self.tables[t.name] = t
        for t in self.tables.values():
            for p in t.parents.values():
                if p.table and p.table not in self.tables:
                    raise SchemaError(f"{t.source_file}: parent table {p.table!r} does not exist")
            for fk in t.foreign_keys:
                if fk.table not in self.tables:
                    raise SchemaError(f"{t.source_file}: foreign key to unknown table {fk.table!r}")

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self.tables

    def __iter__(self):
        return iter(sorted(self.tables.values(), key=lambda t: t.name))

    def __len__(self) -> int:
        return len(self.tables)

    def get(self, name: str) -> Table | None:
        return self.tables.get(name.lower())

    def table(self, name: str) -> Table:
        t = self.get(name)
        if t is None:
            raise KeyError(f"unknown table {name!r}{suggest(name, self.tables)}")
        return t


def load_files(paths: Iterable[Any]) -> Catalog:
    tables = []
    for p in paths:
        with p.open("r", encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        tables.append(parse_table(data, source_file=str(getattr(p, "name", p))))
    return Catalog(tables)


@functools.lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    """The catalog shipped in ``schemas/`` (cached: the files never change at run time)."""
    root = resources.files("pinsql.schemas")
    return load_files(sorted((p for p in root.iterdir() if p.name.endswith(".yaml")), key=lambda p: p.name))
