"""Running one SQL statement and writing its result: shared by query, demo and the shell."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from pinsql.types import arrow_type_name

from . import output
from .progress import Progress, counters_of, describe_counters
from .session import UsageError


@dataclass
class Outcome:
    """What one statement produced: an Arrow result (None for statements without rows) and costs."""

    result: output.Result | None
    rowcount: int
    seconds: float
    calls_text: str

    def footer(self) -> str:
        return f", {self.calls_text}, {self.seconds:.2f} s"


def execute(conn: Any, sql: str, params: Sequence[Any] | None = None, *, progress: bool = True, label: str = "") -> Outcome:
    """Execute ``sql`` and fetch the whole result as Arrow, with a progress line on a terminal."""
    before = counters_of(conn)
    started = time.monotonic()
    cur = conn.cursor()
    try:
        with Progress(lambda: counters_of(conn), enabled=None if progress else False, label=label):
            if params:
                cur.execute(sql, list(params))
            else:
                cur.execute(sql)
            description = cur.description
            table = cur.fetch_arrow_table() if description is not None else None
        seconds = time.monotonic() - started
        rowcount = getattr(cur, "rowcount", -1)
    finally:
        with contextlib.suppress(Exception):
            cur.close()
    calls_text = describe_counters(counters_of(conn), before)
    if table is None:
        return Outcome(None, rowcount if isinstance(rowcount, int) else -1, seconds, calls_text)
    types = [str(d[1] or "").upper() for d in description]
    if len(types) != table.num_columns:
        types = [arrow_type_name(f.type) for f in table.schema]
    result = output.Result(list(table.column_names), types, table)
    return Outcome(result, table.num_rows, seconds, calls_text)


def split_statements(text: str) -> tuple[list[str], str]:
    """Complete statements in ``text`` (without their ``;``) and the unfinished rest.

    Quotes ('...', "..."), ``--`` line comments and ``/* */`` comments hide ``;``.
    """
    statements: list[str] = []
    start = i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c in "'\"":
            end = text.find(c, i + 1)
            while end != -1 and end + 1 < n and text[end + 1] == c:  # doubled quote escapes itself
                end = text.find(c, end + 2)
            if end == -1:
                break
            i = end + 1
            continue
        if text.startswith("--", i):
            end = text.find("\n", i)
            if end == -1:
                break
            i = end + 1
            continue
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end == -1:
                break
            i = end + 2
            continue
        if c == ";":
            stmt = text[start:i].strip()
            if stmt:
                statements.append(stmt)
            start = i + 1
        i += 1
    return statements, text[start:].lstrip() if text[start:].strip() else ""


def choose_format(fmt: str | None, path: str | None) -> str:
    chosen = fmt or output.format_for_path(path) or "table"
    if chosen not in output.FORMATS:
        raise UsageError(f"unknown format {chosen!r}: choose one of {', '.join(output.FORMATS)}")
    return chosen


@contextlib.contextmanager
def open_output(fmt: str, path: str | None, stdout: IO[str] | None = None) -> Iterator[IO]:
    """The stream to write ``fmt`` to: ``path``, or stdout (binary formats refuse a terminal)."""
    stdout = stdout if stdout is not None else sys.stdout
    binary = fmt in output.BINARY_FORMATS
    if path and path != "-":
        # Write next to the target and rename at the end: a failure never leaves half a file behind.
        target = Path(path)
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
        except OSError as exc:
            raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
        try:
            with os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                yield fh
            os.chmod(tmp, 0o666 & ~_umask())
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        return
    if binary:
        if getattr(stdout, "isatty", lambda: False)():
            raise UsageError(f"{fmt} output is binary: write it to a file with --output FILE, or redirect stdout")
        stdout.flush()
        yield getattr(stdout, "buffer", stdout)
        return
    yield stdout


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write(
    outcome: Outcome,
    fmt: str = "table",
    path: str | None = None,
    *,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
    max_rows: int | None = 1000,
    vertical: bool = False,
) -> None:
    """Write a statement's outcome; statements without rows print a short status line.

    ``vertical`` shows the table format as one ``column: value`` line per column.
    """
    stdout = stdout if stdout is not None else sys.stdout
    stderr = stderr if stderr is not None else sys.stderr
    if outcome.result is None:
        done = f"OK, {output.plural(outcome.rowcount, 'row')} affected" if outcome.rowcount >= 0 else "OK"
        print(f"{done} ({outcome.calls_text}, {outcome.seconds:.2f} s)", file=stderr if fmt != "table" else stdout)
        return
    with open_output(fmt, path, stdout) as out:
        terminal = out is stdout and bool(getattr(stdout, "isatty", lambda: False)())
        if fmt == "table" and vertical:
            output.write_records(outcome.result, out, max_rows=max_rows, footer_extra=outcome.footer())
        elif fmt == "table":
            output.write_table(outcome.result, out, max_rows=max_rows, footer_extra=outcome.footer(), terminal=terminal)
        else:
            n = output.write_result(outcome.result, fmt, out)
    if fmt == "table":
        return
    if path and path != "-":
        print(f"Wrote {output.plural(n, 'row')} to {path} ({fmt}; {outcome.calls_text}, {outcome.seconds:.2f} s).", file=stderr)
    elif getattr(stderr, "isatty", lambda: False)():
        # data went to stdout (a pipe or the terminal); the summary goes where a person sees it
        print(f"({output.plural(n, 'row')}{outcome.footer()})", file=stderr)
