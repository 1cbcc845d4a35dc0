"""``pinsql shell``: interactive SQL with history, multi-line statements and dot commands.

A statement runs when a line ends it with ``;`` (outside quotes and
comments). Lines starting with ``.`` at the start of a statement are shell
commands (``.help`` lists them). With stdin not a terminal the shell reads
statements from it without prompts, so ``pinsql shell < script.sql`` works.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from collections.abc import Callable
from typing import IO, Any

from pinsql.catalog import load_catalog
from pinsql.exceptions import Error

from . import cmd_catalog, output, run
from .config import history_file
from .progress import counters_of
from .run import split_statements
from .session import Session, UsageError

log = logging.getLogger("pinsql.cli")

EPILOG = """\
examples:
  pinsql shell --emulator
  pinsql shell --connection prod
  pinsql shell < queries.sql

Inside the shell, end statements with ";" and type .help for the dot commands.
"""

HELP = """\
SQL statements end with ";" and may span several lines. Dot commands:
  .tables                 list the tables
  .schema TABLE           columns, types and descriptions of TABLE
  .explain SQL            the API calls SQL would make (no call is made)
  .calls                  API call counters of this session
  .format [FORMAT]        show or set the output format (table, csv, json, jsonl)
  .help                   this text
  .quit                   leave (also .exit or Ctrl-D)
Ctrl-C cancels the statement being typed or run."""

TEXT_FORMATS = ("table", "csv", "json", "jsonl")


def register(sub: Any, parents: list, formatter: type) -> None:
    p = sub.add_parser(
        "shell", parents=parents, formatter_class=formatter, epilog=EPILOG,
        help="interactive SQL shell", description="Interactive SQL with history and dot commands.",
    )
    p.add_argument("-F", "--format", choices=TEXT_FORMATS, default="table", help="output format (default: table)")
    p.set_defaults(func=run_command, subparser=p)


class Shell:
    """The read-eval-print loop over one session; streams are injectable for tests."""

    def __init__(
        self,
        session: Session,
        *,
        stdin: IO[str] | None = None,
        stdout: IO[str] | None = None,
        stderr: IO[str] | None = None,
        interactive: bool | None = None,
        fmt: str = "table",
        progress: bool = True,
    ) -> None:
        self.session = session
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        self.interactive = self.stdin.isatty() if interactive is None else interactive
        self.fmt = fmt
        self.progress = progress
        self.failed = 0
        self._readline: Any = None

    # -- input ---------------------------------------------------------------

    def _setup_readline(self) -> None:
        try:
            import readline
        except ImportError:  # Windows without pyreadline: plain input() still works
            return
        self._readline = readline
        path = history_file()
        with contextlib.suppress(OSError):
            readline.read_history_file(path)
        readline.set_history_length(2000)
        names = sorted({t.name for t in load_catalog()} | {c.name for t in load_catalog() for c in t.columns})
        words = names + [".tables", ".schema", ".explain", ".calls", ".format", ".help", ".quit", ".exit"]

        def complete(text: str, state: int) -> str | None:
            matches = [w for w in words if w.startswith(text.lower())]
            return matches[state] if state < len(matches) else None

        readline.set_completer(complete)
        readline.set_completer_delims(" \t\n(),;=<>'\"")
        readline.parse_and_bind("tab: complete")

    def _save_history(self) -> None:
        if self._readline is None:
            return
        path = history_file()
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            self._readline.write_history_file(path)
            path.chmod(0o600)  # queries may hold ids users consider private

    def _collapse_history(self, lines: list[str]) -> None:
        """Make a statement typed over several lines one history entry (recalled whole with Up)."""
        rl = self._readline
        lines = [line for line in lines if line.strip()]
        if rl is None or len(lines) < 2:
            return
        try:
            n = rl.get_current_history_length()
            if [rl.get_history_item(i) for i in range(n - len(lines) + 1, n + 1)] != lines:
                return  # not what we think it is (another readline flavour): leave it alone
            for _ in lines:
                rl.remove_history_item(rl.get_current_history_length() - 1)
            rl.add_history(" ".join(line.strip() for line in lines))
        except (AttributeError, ValueError):
            pass

    def _read_line(self, prompt: str) -> str | None:
        if self.interactive:
            try:
                return input(prompt)
            except EOFError:
                self.stdout.write("\n")
                return None
        line = self.stdin.readline()
        return None if line == "" else line.rstrip("\n")

    # -- loop ----------------------------------------------------------------

    def run(self) -> int:
        if self.interactive:
            self._setup_readline()
            self._print(f"pinsql shell on {self.session.describe()}. End statements with ';', .help for help, .quit to leave.")
        buffer = ""
        typed: list[str] = []  # lines of the statement being typed, for one history entry
        try:
            while True:
                try:
                    line = self._read_line("pinsql> " if not buffer else "   ...> ")
                except KeyboardInterrupt:  # cancels the statement being typed
                    self.stdout.write("^C\n")
                    buffer, typed = "", []
                    continue
                if line is None:
                    break
                if not buffer and line.strip().startswith("."):
                    if self.dot_command(line.strip()) == "quit":
                        break
                    continue
                buffer = f"{buffer}\n{line}" if buffer else line
                typed.append(line)
                statements, buffer = split_statements(buffer)
                if not buffer:
                    self._collapse_history(typed)
                    typed = []
                for sql in statements:
                    self.execute(sql)
            if buffer.strip():
                self.execute(buffer.strip())  # a last statement without ';' at end of input
        finally:
            self._save_history()
        return 1 if self.failed and not self.interactive else 0

    def _print(self, text: str = "") -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def _error(self, exc: BaseException) -> None:
        self.failed += 1
        lines = (str(exc) or type(exc).__name__).strip().splitlines()
        self.stderr.write(f"error: {lines[0]}\n" + "".join(f"  {line}\n" for line in lines[1:]))
        self.stderr.flush()

    def _guarded(self, action: Callable[[], None]) -> None:
        try:
            action()
        except KeyboardInterrupt:
            self.stderr.write("\ninterrupted\n")
        except (Error, UsageError) as exc:
            self._error(exc)
        except Exception as exc:  # a bug must not end the session and lose its state
            log.debug("shell statement failed", exc_info=True)
            self._error(RuntimeError(f"internal error: {type(exc).__name__}: {exc} (a bug in pinsql; --debug shows more)"))

    def execute(self, sql: str) -> None:
        def action() -> None:
            outcome = run.execute(self.session.connect(), sql, progress=self.progress)
            run.write(outcome, self.fmt, None, stdout=self.stdout, stderr=self.stderr)

        self._guarded(action)

    # -- dot commands --------------------------------------------------------

    def dot_command(self, line: str) -> str | None:
        name, _, rest = line.partition(" ")
        rest = rest.strip().rstrip(";").strip()
        name = name.lower()
        if name in (".quit", ".exit", ".q"):
            return "quit"
        if name == ".help":
            self._print(HELP)
        elif name == ".tables":
            output.write_table(cmd_catalog.tables_result(), self.stdout, max_rows=None)
        elif name == ".schema":
            if not rest:
                self._print("usage: .schema TABLE")
            else:
                self._guarded(lambda: self._schema(rest))
        elif name == ".explain":
            if not rest:
                self._print("usage: .explain SELECT ...")
            else:
                self._guarded(lambda: self._explain(rest))
        elif name == ".calls":
            self._calls()
        elif name == ".format":
            if rest:
                if rest not in TEXT_FORMATS:
                    self._print(f"unknown format {rest!r}: choose one of {', '.join(TEXT_FORMATS)}")
                else:
                    self.fmt = rest
            self._print(f"format: {self.fmt}")
        else:
            self._print(f"unknown command {name!r}; .help lists the commands")
        return None

    def _schema(self, name: str) -> None:
        table = cmd_catalog.find_table(name, hint=".tables lists them")
        for line in cmd_catalog.describe_header(table):
            self._print(line)
        output.write_table(cmd_catalog.describe_result(table), self.stdout, max_rows=None)

    def _explain(self, sql: str) -> None:
        outcome = run.execute(self.session.connect(), f"EXPLAIN {sql}", progress=False)
        run.write(outcome, "table", None, stdout=self.stdout, stderr=self.stderr, max_rows=None, vertical=True)

    def _calls(self) -> None:
        conn = self.session.connected
        counters = counters_of(conn) if conn is not None else {}
        if not counters:
            self._print("no API calls yet" if conn is None else "this connection keeps no counters")
            return
        for key, value in counters.items():
            if isinstance(value, float):
                shown = f"{value:.2f}"
            elif isinstance(value, dict):
                shown = ", ".join(f"{k}={v}" for k, v in value.items()) or "-"
            else:
                shown = str(value)
            self._print(f"{key}: {shown}")


def run_command(args: argparse.Namespace, session: Session) -> int:
    return Shell(session, fmt=args.format, progress=not args.no_progress).run()
