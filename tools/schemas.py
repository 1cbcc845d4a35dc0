"""Maintain the data model in schemas/ against the official API spec.

    python tools/schemas.py check      # schemas vs openapi.json; exit 1 on any problem
    python tools/schemas.py generate   # rewrite the generated metric blocks of analytics tables
    python tools/schemas.py patterns   # add the spec's value patterns to filters that lack them
    python tools/schemas.py docs       # rewrite docs/data-model.md

``--spec PATH`` overrides the spec location (default: ../shared/pinterest-openapi/openapi.json
next to the repository root).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

TOOLS = Path(__file__).resolve().parent
sys.path.insert(0, str(TOOLS))
REPO = TOOLS.parent
sys.path.insert(0, str(REPO))

from schema_metrics import metric_column
from schema_spec import DEFAULT_SPEC_PATH, UNTYPED, Spec

from pinsql.catalog import (
    BASIC_SHAPES,
    Catalog,
    Endpoint,
    Filter,
    Table,
    load_files,
    parse_table,
)

SCHEMA_DIR = REPO / "schemas"
DATA_MODEL_DOC = REPO / "docs" / "data-model.md"

BEGIN = "  # BEGIN GENERATED METRICS"
END = "  # END GENERATED METRICS"
BEGIN_LINE = BEGIN + " (tools/schemas.py generate; edit the generator, not these lines)"

#: Custom shapes (extractors in pinsql/engine/shapes.py, documented in docs/schema-format.md):
#: the schema of one row each extractor yields, built from the endpoint's response schema.
def _organic_daily_row(spec: Spec, resp: Any) -> Any:
    """One element of ``daily_metrics`` under any split key, plus the ``_split`` key the extractor adds."""
    block = spec.map_value_schema(resp)  # {split value: block}
    days = spec.lookup(block, "daily_metrics")
    day = spec.items_schema(days[0]) if isinstance(days, list) and days else {}
    return {"allOf": [day, {"type": "object", "properties": {"_split": {"type": "string"}}}]}


def _targeting_row(spec: Spec, resp: Any) -> Any:
    """One element of ``data``; the spec types it only as an object, so describe what its example shows."""
    return {
        "type": "object",
        "properties": {
            "targeting_type": {"type": "string"},
            "targeting_value": {"type": "string"},
            "metrics": {
                "type": "object",
                "properties": {"DATE": {"type": "string", "format": "date"}},
                "additionalProperties": True,
            },
        },
    }


def _ranked_pin_row(spec: Spec, resp: Any) -> Any:
    """One element of ``pins``, plus the ``_rank`` key the extractor adds."""
    pins = spec.lookup(resp, "pins")
    pin = spec.items_schema(pins[0]) if isinstance(pins, list) and pins else {}
    return {"allOf": [pin, {"type": "object", "properties": {"_rank": {"type": "integer"}}}]}


CUSTOM_SHAPES = {"organic_daily_metrics": _organic_daily_row, "targeting_metrics": _targeting_row,
                 "ranked_pins": _ranked_pin_row}

#: Where metric keys sit inside a row, by shape.
METRIC_PREFIX = {"organic_daily_metrics": "metrics.", "targeting_metrics": "metrics.", "ranked_pins": "metrics."}

#: SQL type -> accepted (json type, format) of the spec field.
COMPATIBLE = {
    "VARCHAR": {"string"},
    "BIGINT": {"integer", "number"},
    "DOUBLE": {"number", "integer"},
    "BOOLEAN": {"boolean"},
    "JSON": {"object", "array"},
    "DATE": {"string"},
}


def schema_files() -> list[Path]:
    return sorted(SCHEMA_DIR.glob("*.yaml"))


def load_catalog() -> Catalog:
    return load_files(schema_files())


# ---------------------------------------------------------------------------
# generate


def generate(spec: Spec) -> list[Path]:
    """Rewrite the metric block of every analytics schema file; return changed files."""
    changed = []
    for path in schema_files():
        text = path.read_text(encoding="utf-8")
        if BEGIN not in text:
            continue
        new = _generated_text(spec, path, text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    return changed


def _generated_text(spec: Spec, path: Path, text: str) -> str:
    start = text.index(BEGIN)
    end = text.index(END, start)
    head, tail = text[:start], text[end:]
    hand = yaml.load(head + tail, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    hand_names = {c["name"] for c in hand["columns"]}
    endpoint = next(e for e in hand["endpoints"] if e.get("metrics_param"))
    prefix = METRIC_PREFIX.get(endpoint["shape"], "")
    lines = [BEGIN_LINE]
    for name in spec.param_enum(endpoint["path"], endpoint["metrics_param"]):
        if name.lower() in hand_names:
            continue
        col = metric_column(name, prefix)
        lines.append("  - " + yaml.safe_dump(col, default_flow_style=True, sort_keys=False, width=10_000).strip())
    return head + "\n".join(lines) + "\n" + tail


# ---------------------------------------------------------------------------
# check


def row_schema(spec: Spec, endpoint: Endpoint) -> Any:
    """Schema of one row of the endpoint's response, or None if it has none."""
    resp = spec.response_schema(endpoint.path)
    if resp is None:
        return None
    if endpoint.shape in CUSTOM_SHAPES:
        return CUSTOM_SHAPES[endpoint.shape](spec, resp)
    if endpoint.shape in ("paged", "items"):
        steps = ("items", "[]")
    elif endpoint.shape == "array":
        steps = ("[]",)
    else:
        steps = ()
    if endpoint.rows_path:  # the engine digs rows_path first, then applies the shape
        steps = tuple(endpoint.rows_path.split(".")) + steps
    current = resp
    for step in steps:
        if step == "[]":
            current = spec.items_schema(current)
        else:
            found = spec.lookup(current, step)
            if found == UNTYPED or not found:
                return {}
            current = found[0] if len(found) == 1 else {"oneOf": found}
    return current


def _type_problem(spec: Spec, col, schemas: list[Any]) -> str | None:
    types: set[tuple[str, str | None]] = set()
    for s in schemas:
        types |= spec.json_types(s)
    kinds = {t for t, _ in types}
    if "any" in kinds:
        return None
    if col.type == "TIMESTAMP":
        if col.format == "iso8601":
            ok = any(t == "string" for t, _ in types)
        else:
            ok = bool(kinds & {"integer", "number"})
        want = "string date-time" if col.format == "iso8601" else "integer/number"
        return None if ok else f"is TIMESTAMP ({col.format}) but the spec says {sorted(kinds)}, expected {want}"
    if col.type == "DATE":
        return None if "string" in kinds else f"is DATE but the spec says {sorted(kinds)}"
    allowed = COMPATIBLE[col.type]
    if not kinds & allowed:
        return f"is {col.type} but the spec says {sorted(kinds)}"
    if col.type == "VARCHAR" and any(f == "date-time" for _, f in types):
        return "is VARCHAR but the spec says date-time: use TIMESTAMP with format iso8601"
    if col.type == "BIGINT" and kinds == {"number"} and not col.name.endswith(("_count", "count")):
        # number is allowed for micro-currency and counts the spec types loosely; flag nothing.
        return None
    if col.type == "DOUBLE" and kinds == {"integer"}:
        return "is DOUBLE but the spec says integer: use BIGINT"
    return None


def check_table(spec: Spec, t: Table) -> list[str]:
    problems: list[str] = []
    where = f"{t.source_file} ({t.name})"
    if t.sandbox and not all(spec.operation(e.path) and spec.operation(e.path).get("x-sandbox") == "enabled" for e in t.endpoints):
        problems.append(f"{where}: sandbox: true but an endpoint has x-sandbox disabled")
    if not t.sandbox and all((spec.operation(e.path) or {}).get("x-sandbox") == "enabled" for e in t.endpoints):
        problems.append(f"{where}: sandbox: false but every endpoint has x-sandbox enabled")
    scope_union: set[str] = set()
    for e in t.endpoints:
        op = spec.operation(e.path)
        ew = f"{where} endpoint {e.name} ({e.path})"
        if op is None:
            problems.append(f"{ew}: no GET operation with this path in the spec")
            continue
        if op.get("x-ratelimit-category") != e.rate_limit_category:
            problems.append(f"{ew}: rate_limit_category {e.rate_limit_category!r} but the spec says {op.get('x-ratelimit-category')!r}")
        scopes = spec.oauth_scopes(e.path) or []
        scope_union |= set(scopes)
        for s in scopes:
            if s not in t.scopes:
                problems.append(f"{ew}: requires scope {s!r}, which the table does not list")
        params = spec.parameters(e.path)
        query = {n for n, p in params.items() if p.get("in") == "query"}
        path_params = {n for n, p in params.items() if p.get("in") == "path"}
        for pp in e.path_params:
            if pp not in path_params:
                problems.append(f"{ew}: path parameter {pp!r} is not declared by the spec")
        for f in e.filters:
            for qp in (f.param, f.start_param, f.end_param):
                if qp and qp not in query:
                    problems.append(f"{ew}: filter on {f.column}: {qp!r} is not a query parameter of this endpoint")
            if f.path_param and f.path_param not in e.path_params:
                problems.append(f"{ew}: filter on {f.column}: path_param {f.path_param!r} is not in the path")
            problems += _check_pattern(spec, e, f, ew, path_params | query)
            if f.param and f.param in query:
                ps = spec.param_schema(e.path, f.param)
                max_items = ps.get("maxItems")
                if ps.get("type") != "array" and f.max_values > 1:
                    problems.append(f"{ew}: filter on {f.column}: max_values {f.max_values} but {f.param!r} is not an array")
                if max_items is not None and f.max_values > max_items:
                    problems.append(f"{ew}: filter on {f.column}: max_values {f.max_values} exceeds the spec's maxItems {max_items}")
                enum = spec.param_enum(e.path, f.param)
                if f.values and enum:
                    extra = [v for v in f.values if v not in enum]
                    if extra:
                        problems.append(f"{ew}: filter on {f.column}: values {extra} are not allowed by the spec")
        for key in list(e.defaults) + ([e.metrics_param] if e.metrics_param else []) + ([e.order.param] if e.order else []):
            if key not in query:
                problems.append(f"{ew}: {key!r} is not a query parameter of this endpoint")
        if e.shape == "paged" and "bookmark" not in query:
            problems.append(f"{ew}: shape paged but the endpoint takes no bookmark")
        if e.shape == "paged" and "page_size" in query:
            maximum = spec.param_schema(e.path, "page_size").get("maximum")
            if maximum is not None and e.page_size_max > maximum:
                problems.append(f"{ew}: page_size_max {e.page_size_max} exceeds the spec's maximum {maximum}")
        if e.shape not in BASIC_SHAPES and e.shape not in CUSTOM_SHAPES:
            problems.append(f"{ew}: unknown custom shape {e.shape!r} (tools/schemas.py CUSTOM_SHAPES)")
        problems += _check_columns(spec, t, e, ew, path_params | query)
    for s in t.scopes:
        if s not in scope_union:
            problems.append(f"{where}: scope {s!r} is not required by any of the table's endpoints")
    return problems


def _check_pattern(spec: Spec, e: Endpoint, f: Filter, ew: str, params: set[str]) -> list[str]:
    """A filter's ``pattern`` must be exactly the spec's (values it rejects are never sent)."""
    name = f.path_param or f.param
    if not name or name not in params:
        return []
    expected = spec.param_pattern(e.path, name)
    if f.pattern == expected:
        return []
    if f.pattern is None:
        return [(f"{ew}: filter on {f.column}: the spec requires {name!r} to match {expected}: "
                 f"add pattern: '{expected}' (python tools/schemas.py patterns)")]
    if expected is None:
        return [f"{ew}: filter on {f.column}: pattern {f.pattern} but the spec gives {name!r} no pattern"]
    return [f"{ew}: filter on {f.column}: pattern {f.pattern} but the spec says {expected}"]


def missing_patterns(spec: Spec, t: Table) -> list[tuple[str, str, str]]:
    """(endpoint, column, spec pattern) of every filter that lacks the spec's pattern."""
    out = []
    for e in t.endpoints:
        if spec.operation(e.path) is None:
            continue
        params = spec.parameters(e.path)
        for f in e.filters:
            name = f.path_param or f.param
            if f.pattern is None and name in params:
                expected = spec.param_pattern(e.path, name)
                if expected is not None:
                    out.append((e.name, f.column, expected))
    return out


def add_patterns(spec: Spec) -> list[Path]:
    """Write the spec's pattern into every filter that lacks it; return changed files.

    Edits the text (filters are one-line or wrapped flow mappings) so comments
    and layout stay as they are.
    """
    changed = []
    for path in schema_files():
        with path.open(encoding="utf-8") as fh:
            table = parse_table(yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)), path.name)
        todo = missing_patterns(spec, table)
        if not todo:
            continue
        lines = path.read_text(encoding="utf-8").split("\n")
        for endpoint, column, pattern in todo:
            i = _filter_line(lines, endpoint, column, path)
            while not lines[i].rstrip().endswith("}"):
                i += 1
            quoted = "'" + pattern.replace("'", "''") + "'"
            line = lines[i].rstrip()
            lines[i] = line[:-1] + f", pattern: {quoted}}}"
        path.write_text("\n".join(lines), encoding="utf-8")
        changed.append(path)
    return changed


def _filter_line(lines: list[str], endpoint: str, column: str, path: Path) -> int:
    """Index of the line opening the flow mapping of one endpoint's filter on ``column``."""
    in_endpoint = False
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("- name:"):
            in_endpoint = stripped.split(":", 1)[1].strip() == endpoint
        elif in_endpoint and stripped.startswith("- {column:"):
            if stripped[len("- {column:"):].split(",")[0].strip() == column:
                return i
        elif line and not line[0].isspace():
            in_endpoint = False  # a new top-level key (columns:) ends the endpoint list
    raise SystemExit(f"{path.name}: cannot find the filter on {column} of endpoint {endpoint} (write it as a flow mapping)")


def _check_columns(spec: Spec, t: Table, e: Endpoint, ew: str, params: set[str]) -> list[str]:
    problems = []
    row = row_schema(spec, e)
    metric_names = set(spec.param_enum(e.path, e.metrics_param)) if e.metrics_param else set()
    for col in t.columns:
        if col.from_param:
            if col.from_param not in params:
                problems.append(f"{ew}: column {col.name}: from_param {col.from_param!r} is not a parameter of this endpoint")
            continue
        if col.metric:
            if e.metrics_param and col.metric not in metric_names:
                problems.append(f"{ew}: column {col.name}: metric {col.metric!r} is not in the spec's {e.metrics_param} enum")
            if not col.path.endswith(col.metric):
                problems.append(f"{ew}: column {col.name}: path {col.path!r} does not end with its metric name")
            continue
        if row is None:
            continue
        found = spec.lookup(row, col.path)
        if e.metrics_param and col.path not in metric_names:
            # Analytics rows are open objects: a key must be declared or be a metric.
            declared = {k for v in spec.alternatives(row) for k in v.get("properties", {})}
            if col.path.split(".")[0] not in declared:
                problems.append(f"{ew}: column {col.name}: {col.path!r} is neither a declared row key nor a metric")
                continue
        if found == UNTYPED:
            continue
        if not found:
            problems.append(f"{ew}: column {col.name}: path {col.path!r} is not in the spec's response schema")
            continue
        msg = _type_problem(spec, col, found)
        if msg:
            problems.append(f"{ew}: column {col.name} {msg}")
    return problems


def check(spec: Spec, catalog: Catalog | None = None) -> list[str]:
    catalog = catalog or load_catalog()
    problems: list[str] = []
    for t in catalog:
        problems += check_table(spec, t)
    for path in schema_files():
        text = path.read_text(encoding="utf-8")
        if BEGIN in text and _generated_text(spec, path, text) != text:
            problems.append(f"{path.name}: generated metric block is stale: run python tools/schemas.py generate")
    return problems


# ---------------------------------------------------------------------------
# docs


def _cell(v: Any) -> str:
    return str(v).replace("|", "\\|").replace("\n", " ")


def render_docs(catalog: Catalog) -> str:
    out = [
        "# pinsql data model",
        "",
        "Generated by `python tools/schemas.py docs` from `schemas/*.yaml`; do not edit by hand.",
        "The file format is described in [schema-format.md](schema-format.md).",
        "",
        "| table | group | description |",
        "|---|---|---|",
    ]
    tables = list(catalog)
    for t in tables:
        out.append(f"| [{t.name}](#{t.name}) | {t.group} | {_cell(t.description)} |")
    for t in tables:
        out += ["", f"## {t.name}", "", t.description, ""]
        out.append(f"- group: {t.group}; kind: {t.kind}")
        out.append(f"- primary key: {', '.join(t.primary_key) or '(none)'}")
        for fk in t.foreign_keys:
            out.append(f"- foreign key: ({', '.join(fk.columns)}) → {fk.table} ({', '.join(fk.ref_columns)})")
        for p in t.parents.values():
            src = f"{p.table}.{p.column}" if p.table else ""
            if p.default:
                src = f"{src} (default: the {p.default}'s ad account)" if src else f"the {p.default}'s ad account"
            out.append(f"- values of {p.key} when WHERE gives none: {src}")
        out.append(f"- OAuth scopes: {', '.join(t.scopes)}")
        out.append(f"- rate-limit categories: {', '.join(t.rate_limit_categories)}")
        out.append(f"- sandbox: {'yes' if t.sandbox else 'no'}")
        out += ["", "| endpoint | path | shape | pushdown (column: parameter, ops, max per call) | defaults sent | re-check |", "|---|---|---|---|---|---|"]
        for e in t.endpoints:
            pushes = []
            for f in e.filters:
                target = f.param or (f"{{{f.path_param}}}" if f.path_param else f"{f.start_param}..{f.end_param}")
                extra = []
                if f.required:
                    extra.append("required")
                if not f.exact:
                    extra.append("inexact")
                if f.default is not None:
                    extra.append(f"default {f.default}")
                if f.default_days_ago is not None:
                    extra.append("default today" if not f.default_days_ago else f"default {f.default_days_ago} days ago")
                if f.pattern is not None:
                    extra.append(f"values match `{f.pattern}`")
                ops = "/".join(f.ops) if not f.path_param else "eq/in, one call per value"
                limit = f" ≤{f.max_values}" if f.max_values > 1 else ""
                pushes.append(f"{f.column}: {target} {ops}{limit}" + (f" ({', '.join(extra)})" if extra else ""))
            if e.order:
                pushes.append(f"ORDER BY {e.order.column}: {e.order.param}")
            defaults = ", ".join(f"{k}={v}" for k, v in e.defaults.items())
            residual = ", ".join(f"{k} = {v}" for k, v in e.residual.items())
            out.append(f"| {e.name} | `{e.path}` | {e.shape} | {_cell('; '.join(pushes)) or '—'} | {_cell(defaults) or '—'} | {_cell(residual) or '—'} |")
        out += ["", "| column | type | description |", "|---|---|---|"]
        for c in t.columns:
            typ = c.type + (f" ({c.format})" if c.format else "")
            out.append(f"| {c.name} | {typ} | {_cell(c.description)} |")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["check", "generate", "patterns", "docs"])
    ap.add_argument("--spec", default=str(DEFAULT_SPEC_PATH))
    args = ap.parse_args(argv)
    if args.command == "docs":
        DATA_MODEL_DOC.write_text(render_docs(load_catalog()), encoding="utf-8")
        print(f"wrote {DATA_MODEL_DOC.relative_to(REPO)}")
        return 0
    spec = Spec.load(args.spec)
    if args.command in ("generate", "patterns"):
        for p in (generate if args.command == "generate" else add_patterns)(spec):
            print(f"updated {p.relative_to(REPO)}")
        return 0
    problems = check(spec)
    for p in problems:
        print(p)
    n = len(load_catalog())
    print(f"{n} tables checked, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
