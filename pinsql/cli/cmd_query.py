"""``pinsql query``: run one SQL statement and print or save its result."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from . import output, run
from .session import Session, UsageError

EPILOG = """\
examples:
  pinsql query --emulator "SELECT name, status FROM campaigns LIMIT 5"
  pinsql query -c "SELECT * FROM boards" --format csv > boards.csv
  pinsql query "SELECT * FROM campaigns WHERE status = ?" -p ACTIVE
  pinsql query "SELECT * FROM pins" --output pins.parquet      # format from the file name
  pinsql query "SELECT * FROM ad_accounts" --format arrow | python read_arrow_stream.py
  echo "SELECT count(*) FROM boards;" | pinsql query -

The SQL may be a script of statements separated by ";" (e.g. CREATE TEMP TABLE
... AS SELECT ...; SELECT ... FROM it): the table format prints every result,
the other formats take the one statement that returns rows.
Parameters (-p) bind to the ? placeholders in order, as strings.
Binary formats (parquet, arrow, arrow-file) need --output or a redirected stdout.
"""


def add_output_arguments(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("output options")
    g.add_argument(
        "-F", "--format", choices=output.FORMATS, metavar="FORMAT",
        help="table (default), csv, json, jsonl, parquet, arrow (Arrow IPC stream) or arrow-file (Arrow IPC "
        "file / Feather v2); default from --output's suffix (.csv .json .jsonl .parquet .arrows .arrow .feather)",
    )
    g.add_argument("-o", "--output", metavar="FILE", help="write the result to FILE instead of stdout")
    g.add_argument(
        "-x", "--vertical", action="store_true",
        help="table format: one 'column: value' line per column, rows one after another (default for EXPLAIN)",
    )
    g.add_argument(
        "--max-rows", type=int, metavar="N", default=1000,
        help="rows shown by the table format (default 1000; 0 = all); other formats write every row",
    )


def register(sub: Any, parents: list, formatter: type) -> None:
    p = sub.add_parser(
        "query", parents=parents, formatter_class=formatter, epilog=EPILOG,
        help="run SQL and print or save the result", description="Run SQL and print or save its result.",
    )
    p.add_argument("sql", nargs="?", metavar="SQL", help='the statement; "-" reads it from stdin')
    p.add_argument("-c", "--command", dest="sql_option", metavar="SQL", help="the statement (alternative to the argument)")
    p.add_argument("-f", "--file", metavar="PATH", help="read the statement from a file")
    p.add_argument("-p", "--param", action="append", metavar="VALUE", default=[], help="value for the next ? placeholder (repeatable)")
    add_output_arguments(p)
    p.set_defaults(func=run_command, subparser=p)


def read_sql(args: argparse.Namespace, stdin: Any = None) -> str:
    sources = [s for s in (args.sql, args.sql_option, args.file and f"@{args.file}") if s]
    if len(sources) > 1:
        raise UsageError("give the SQL once: as the argument, with -c or with -f")
    if not sources:
        raise UsageError('no SQL given: pinsql query "SELECT ..." (or -c SQL, -f FILE, or - for stdin)')
    if args.file:
        try:
            with open(args.file, encoding="utf-8") as fh:
                text = fh.read()
        except OSError as exc:
            raise UsageError(f"cannot read {args.file}: {exc.strerror or exc}") from None
    elif sources[0] == "-":
        text = (stdin or sys.stdin).read()
    else:
        text = sources[0]
    if not text.strip():
        raise UsageError("the SQL statement is empty")
    return text


def statements_of(text: str) -> list[str]:
    """The statements of ``text`` (``;``-separated; the last one needs no ``;``)."""
    statements, rest = run.split_statements(text)
    if rest.strip():
        statements.append(rest.strip())
    if not statements:
        raise UsageError("the SQL text holds no statement")
    return statements


def is_explain(sql: str) -> bool:
    return sql.lstrip().upper().startswith("EXPLAIN")


def max_rows(args: argparse.Namespace) -> int | None:
    n = getattr(args, "max_rows", 1000)
    if n is not None and n < 0:
        raise UsageError("--max-rows must be 0 (all) or more")
    return None if not n else n


def run_command(args: argparse.Namespace, session: Session) -> int:
    statements = statements_of(read_sql(args))
    fmt = run.choose_format(args.format, args.output)
    if fmt in output.BINARY_FORMATS and not args.output and sys.stdout.isatty():
        raise UsageError(f"{fmt} output is binary: write it to a file with --output FILE, or redirect stdout")
    if args.param and len(statements) > 1:
        raise UsageError("--param works with a single statement")
    limit = max_rows(args)
    conn = session.connect()
    if fmt == "table" and not args.output:
        # A script: each statement's result is printed as soon as it is ready.
        for i, sql in enumerate(statements):
            if i:
                sys.stdout.write("\n")
            outcome = run.execute(conn, sql, args.param, progress=not args.no_progress)
            run.write(outcome, fmt, None, max_rows=limit, vertical=args.vertical or is_explain(sql))
        return 0
    # One data file or stream takes one result: run everything first, then write the single result.
    outcomes = [run.execute(conn, sql, args.param, progress=not args.no_progress) for sql in statements]
    with_rows = [o for o in outcomes if o.result is not None]
    if len(with_rows) > 1:
        raise UsageError(f"{len(with_rows)} statements return rows, but --format {fmt} / --output take one result")
    for outcome in outcomes:
        if outcome.result is None:
            run.write(outcome, fmt, None, max_rows=limit)  # a status line on stderr
    if with_rows:
        run.write(with_rows[0], fmt, args.output, max_rows=limit, vertical=args.vertical)
    return 0
