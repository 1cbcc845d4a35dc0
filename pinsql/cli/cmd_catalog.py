"""``pinsql tables`` and ``pinsql describe``: the data model, from the catalog alone (no API call)."""

from __future__ import annotations

import argparse
import sys
from typing import IO, Any

import pyarrow as pa

from pinsql.catalog import Table, load_catalog
from pinsql.exceptions import ProgrammingError

from . import output, run
from .cmd_query import add_output_arguments
from .session import Session

TABLES_EPILOG = """\
examples:
  pinsql tables
  pinsql tables --group ads
  pinsql tables --format json
"""

DESCRIBE_EPILOG = """\
examples:
  pinsql describe campaigns
  pinsql describe campaign_analytics --format csv

The "api filter" column lists the WHERE predicates sent to the API (the rest
are applied locally); "required" marks values the API needs, taken from WHERE
or, when the table has a parent, by reading the parent table first.
"""

_OPS = {"eq": "=", "in": "IN", "range": "range"}


def register(sub: Any, parents: list, formatter: type) -> None:
    p = sub.add_parser(
        "tables", parents=parents, formatter_class=formatter, epilog=TABLES_EPILOG,
        help="list the tables", description="List the tables of the data model (no API call).",
    )
    p.add_argument("--group", choices=("organic", "ads", "catalogs", "analytics"), help="only tables of this group")
    add_output_arguments(p)
    p.set_defaults(func=run_tables, subparser=p)

    p = sub.add_parser(
        "describe", parents=parents, formatter_class=formatter, epilog=DESCRIBE_EPILOG,
        help="show a table's columns", description="Show a table's columns, types and descriptions (no API call).",
    )
    p.add_argument("table", metavar="TABLE")
    add_output_arguments(p)
    p.set_defaults(func=run_describe, subparser=p)


def tables_result(group: str | None = None) -> output.Result:
    tables = [t for t in load_catalog() if group is None or t.group == group]
    data = pa.table(
        {
            "table": [t.name for t in tables],
            "group": [t.group for t in tables],
            "columns": pa.array([len(t.columns) for t in tables], pa.int64()),
            "description": [t.description for t in tables],
        }
    )
    return output.Result.from_table(data, ["VARCHAR", "VARCHAR", "BIGINT", "VARCHAR"])


def find_table(name: str, hint: str = "list them with: pinsql tables") -> Table:
    """The catalog table ``name`` (``pinterest.`` prefix allowed), or a ProgrammingError with suggestions."""
    bare = name.split(".", 1)[1] if name.lower().startswith("pinterest.") else name
    try:
        return load_catalog().table(bare)
    except KeyError as exc:
        raise ProgrammingError(f"{exc.args[0]}; {hint}") from None


def _api_filters(table: Table) -> dict[str, str]:
    """Per column: the predicates some endpoint applies, and whether the API requires a value."""
    ops: dict[str, list[str]] = {}
    required: dict[str, bool] = {}
    for endpoint in table.endpoints:
        for f in endpoint.filters:
            have = ops.setdefault(f.column, [])
            for op in f.ops if not f.path_param else ("eq", "in"):
                if _OPS[op] not in have:
                    have.append(_OPS[op])
            required[f.column] = required.get(f.column, True) and (f.required or bool(f.path_param))
    # A value the API needs on every endpoint is "required"; a column served by
    # some endpoint without it (boards.id: list or get) is only a filter.
    for endpoint in table.endpoints:
        for column in list(required):
            if endpoint.filter_for(column) is None:
                required[column] = False
    return {c: ", ".join(o) + (" (required)" if required.get(c) else "") for c, o in ops.items()}


def describe_result(table: Table) -> output.Result:
    filters = _api_filters(table)
    data = pa.table(
        {
            "column": [c.name for c in table.columns],
            "type": [c.type for c in table.columns],
            "api filter": [filters.get(c.name, "") for c in table.columns],
            "description": [c.description for c in table.columns],
        }
    )
    return output.Result.from_table(data, ["VARCHAR"] * 4)


def describe_header(table: Table) -> list[str]:
    lines = [f"{table.name} ({table.group}): {table.description}"]
    if table.primary_key:
        lines.append(f"  primary key: {', '.join(table.primary_key)}")
    for fk in table.foreign_keys:
        lines.append(f"  foreign key: {', '.join(fk.columns)} -> {fk.table}({', '.join(fk.ref_columns)})")
    for parent in table.parents.values():
        source = f"{parent.table}.{parent.column}" if parent.table else ""
        if parent.default == "connection":
            source = "the connection's ad account (AdAccountId)" + (f", or {source}" if source else "")
        lines.append(f"  {parent.key} when WHERE gives none: from {source}")
    lines.append(f"  endpoints: {', '.join(e.path for e in table.endpoints)}")
    if table.scopes:
        lines.append(f"  OAuth scopes: {', '.join(table.scopes)}")
    lines.append(f"  rate-limit categories: {', '.join(table.rate_limit_categories)}")
    return lines


def _emit(result: output.Result, args: argparse.Namespace, header: list[str] | None = None, stdout: IO[str] | None = None) -> None:
    stdout = stdout or sys.stdout
    fmt = run.choose_format(args.format, args.output)
    with run.open_output(fmt, args.output, stdout) as out:
        if fmt == "table":
            for line in header or []:
                out.write(line + "\n")
            if header:
                out.write("\n")
            terminal = out is stdout and stdout.isatty()
            output.write_table(result, out, max_rows=None, terminal=terminal, max_cell=60)
        else:
            output.write_result(result, fmt, out)


def run_tables(args: argparse.Namespace, session: Session) -> int:
    _emit(tables_result(args.group), args)
    return 0


def run_describe(args: argparse.Namespace, session: Session) -> int:
    table = find_table(args.table)
    _emit(describe_result(table), args, describe_header(table))
    return 0
