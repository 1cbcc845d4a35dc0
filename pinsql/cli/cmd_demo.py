"""``pinsql demo``: the first run: an in-process emulator, the tables, a few example queries, then the shell."""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import textwrap
from typing import Any

from pinsql.catalog import GROUPS, load_catalog
from pinsql.exceptions import Error

from . import output, run
from .cmd_query import add_output_arguments, is_explain, max_rows
from .session import Session, UsageError
from .shell import Shell

log = logging.getLogger("pinsql.cli")

EPILOG = """\
examples:
  pinsql demo
  pinsql demo --query "SELECT name, status FROM campaigns ORDER BY name LIMIT 5"
  pinsql demo --query "SELECT * FROM boards" --format csv

The emulator serves generated data on 127.0.0.1 for as long as the command
runs; nothing leaves your machine. From a terminal the demo ends in the shell.
"""

#: (title, SQL): organic, ads, analytics and a join, each cheap on the emulator.
EXAMPLES: tuple[tuple[str, str], ...] = (
    (
        "Organic: your boards with the most pins",
        "SELECT name, privacy, pin_count, follower_count\n"
        "FROM boards\n"
        "ORDER BY pin_count DESC\n"
        "LIMIT 5",
    ),
    (
        "Ads: campaigns by status",
        "SELECT status, count(*) AS campaigns, round(sum(daily_spend_cap) / 1e6, 2) AS daily_caps_usd\n"
        "FROM campaigns\n"
        "GROUP BY status\n"
        "ORDER BY campaigns DESC",
    ),
    (
        "Analytics: spend and clicks per day, last 7 days",
        "SELECT date, round(sum(spend_in_micro_dollar) / 1e6, 2) AS spend_usd,\n"
        "       sum(impression_1) AS impressions, sum(clickthrough_1) AS clicks\n"
        "FROM campaign_analytics\n"
        "WHERE date >= current_date - INTERVAL 6 DAY\n"
        "GROUP BY date\n"
        "ORDER BY date",
    ),
    (
        "Join: the top active campaigns by spend this week",
        "SELECT c.name, round(sum(a.spend_in_micro_dollar) / 1e6, 2) AS spend_usd, sum(a.clickthrough_1) AS clicks\n"
        "FROM campaigns c\n"
        "JOIN campaign_analytics a ON a.campaign_id = c.id\n"
        "WHERE c.status = 'ACTIVE' AND a.date >= current_date - INTERVAL 6 DAY\n"
        "GROUP BY c.name\n"
        "ORDER BY spend_usd DESC\n"
        "LIMIT 5",
    ),
)


def register(sub: Any, parents: list, formatter: type) -> None:
    p = sub.add_parser(
        "demo", parents=parents, formatter_class=formatter, epilog=EPILOG,
        help="try pinsql on a built-in emulator (no account needed)",
        description="Start the built-in Pinterest API emulator, show the tables and run example queries.",
    )
    p.add_argument("-q", "--query", metavar="SQL", help="run this query against the emulator instead of the examples")
    p.add_argument("--no-shell", action="store_true", help="do not open the shell after the examples")
    add_output_arguments(p)
    p.set_defaults(func=run_command, subparser=p)


def tables_overview(width: int = 100) -> list[str]:
    """``organic    boards, board_pins, ...`` lines, wrapped, one group per paragraph."""
    catalog = list(load_catalog())
    lines = [f"{len(catalog)} tables (pinsql describe TABLE shows the columns):"]
    for group in GROUPS:
        names = [t.name for t in catalog if t.group == group]
        if names:
            wrapped = textwrap.wrap(", ".join(names), width=max(width - 14, 40))
            lines.append(f"  {group:<11} {wrapped[0]}")
            lines.extend(f"  {'':<11} {rest}" for rest in wrapped[1:])
    return lines


def run_command(args: argparse.Namespace, session: Session) -> int:
    if session.connection_name or session.dsn:
        raise UsageError("demo always uses the built-in emulator; use 'pinsql query' or 'pinsql shell' with --connection or --dsn")
    session.use_emulator = True
    progress = not args.no_progress
    if args.query:
        fmt = run.choose_format(args.format, args.output)
        sql = args.query.strip().rstrip(";")
        outcome = run.execute(session.connect(), sql, progress=progress)
        run.write(outcome, fmt, args.output, max_rows=max_rows(args), vertical=args.vertical or is_explain(sql))
        return 0

    out = sys.stdout
    emu = session.start_emulator()
    conn = session.connect()
    out.write(output.styled("pinsql demo", out, output.BOLD)
              + ": SQL over a local Pinterest API v5 emulator with generated data (no account needed)\n")
    out.write(f"Emulator at {emu.url} (size {session.emulator_size}, seed {session.emulator_seed})\n\n")
    width = shutil.get_terminal_size((100, 24)).columns if out.isatty() else 100
    for line in tables_overview(min(width, 120)):
        out.write(line + "\n")
    failures = 0
    for number, (title, sql) in enumerate(EXAMPLES, 1):
        out.write("\n" + output.styled(f"{number}. {title}", out, output.BOLD) + "\n")
        out.write(output.styled(textwrap.indent(sql, "   ") + ";", out, output.CYAN) + "\n\n")
        out.flush()
        try:
            outcome = run.execute(conn, sql, progress=progress)
        except Error as exc:
            failures += 1
            out.write(f"   error: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}\n")
            continue
        except Exception as exc:  # a bug in one example must not hide the others
            failures += 1
            log.debug("example %d failed", number, exc_info=True)
            out.write(f"   internal error: {type(exc).__name__}: {exc} (a bug in pinsql; --debug shows more)\n")
            continue
        run.write(outcome, "table", None, max_rows=20)
    out.write(
        "\nNext: try your own SQL here (pinsql shell --emulator), or use your account:\n"
        "  pinsql connection add default --OAuthClientId APP_ID --OAuthClientSecret -\n"
        "  pinsql login\n"
    )
    out.flush()
    if sys.stdin.isatty() and not args.no_shell:
        out.write("\n")
        Shell(session, progress=progress).run()
    return 1 if failures else 0
