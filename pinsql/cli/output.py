"""Writing query results: a readable table for people, csv/json/jsonl/parquet/arrow for tools.

Results arrive as Arrow (a ``pyarrow.Table`` or a ``RecordBatchReader``) with
the SQL type name of each column (``cursor.description`` type codes), so every
format reads the same typed data. Text formats stream batch by batch; the
table format holds at most ``max_rows`` rows and says so when it shows fewer.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import json
import math
import os
import shutil
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

import pyarrow as pa

from pinsql.types import arrow_type_name

#: Output formats and the file name endings that select them.
FORMATS = ("table", "csv", "json", "jsonl", "parquet", "arrow", "arrow-file")
BINARY_FORMATS = frozenset({"parquet", "arrow", "arrow-file"})
_SUFFIX_FORMATS = {
    ".csv": "csv",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".arrows": "arrow",
    ".arrow": "arrow-file",
    ".feather": "arrow-file",
    ".ipc": "arrow-file",
}

_NUMERIC_TYPES = ("BIGINT", "INTEGER", "INT", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT", "DOUBLE", "FLOAT", "REAL", "DECIMAL", "NUMERIC")


def styled(text: str, stream: IO[str], *codes: int) -> str:
    """``text`` in ANSI bold/colour when ``stream`` is a terminal that wants it (NO_COLOR, TERM=dumb opt out)."""
    if not codes or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return text
    if not getattr(stream, "isatty", lambda: False)():
        return text
    return f"\x1b[{';'.join(map(str, codes))}m{text}\x1b[0m"


BOLD, DIM, CYAN = 1, 2, 36


def format_for_path(path: str | None) -> str | None:
    """The format a file name implies (``out.parquet`` → parquet), or None."""
    if not path:
        return None
    lower = path.lower()
    for suffix, fmt in _SUFFIX_FORMATS.items():
        if lower.endswith(suffix):
            return fmt
    return None


@dataclass
class Result:
    """A result to write: column names, SQL type names and the Arrow data."""

    names: list[str]
    types: list[str]
    data: pa.Table | pa.RecordBatchReader

    @classmethod
    def from_table(cls, table: pa.Table, types: Sequence[str] | None = None) -> Result:
        names = list(table.column_names)
        return cls(names, list(types) if types else [arrow_type_name(f.type) for f in table.schema], table)

    def batches(self) -> Iterator[pa.RecordBatch]:
        if isinstance(self.data, pa.Table):
            yield from self.data.to_batches()
        else:
            yield from self.data

    def to_table(self) -> pa.Table:
        if isinstance(self.data, pa.Table):
            return self.data
        return self.data.read_all()


def rows_of(batch: pa.RecordBatch) -> Iterator[tuple]:
    """Rows of a batch as tuples (by position: duplicate column names stay distinct)."""
    columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
    return zip(*columns) if columns else iter(() for _ in range(batch.num_rows))


# --------------------------------------------------------------------------
# Plain values for text formats


def _json_value(value: Any, sql_type: str) -> Any:
    if value is None:
        return None
    if sql_type == "JSON" and isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else str(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, (dict, list)):
        return value
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return value


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    if isinstance(value, bytes):
        return value.hex()
    return value


# --------------------------------------------------------------------------
# Writers


def write_csv(result: Result, out: IO[str]) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(result.names)
    n = 0
    for batch in result.batches():
        for row in rows_of(batch):
            writer.writerow([_csv_value(v) for v in row])
            n += 1
    return n


def _json_rows(result: Result) -> Iterator[dict]:
    names = _unique_names(result.names)
    for batch in result.batches():
        for row in rows_of(batch):
            yield {k: _json_value(v, t) for k, v, t in zip(names, row, result.types)}


def _unique_names(names: Sequence[str]) -> list[str]:
    """``id, id`` → ``id, id_2``: JSON objects cannot hold a key twice."""
    seen: dict[str, int] = {}
    out = []
    for n in names:
        if n in seen:
            seen[n] += 1
            n = f"{n}_{seen[n]}"
        seen.setdefault(n, 1)
        out.append(n)
    return out


def write_jsonl(result: Result, out: IO[str]) -> int:
    n = 0
    for obj in _json_rows(result):
        out.write(json.dumps(obj, ensure_ascii=False, default=str))
        out.write("\n")
        n += 1
    return n


def write_json(result: Result, out: IO[str]) -> int:
    """A JSON array of objects, streamed: one row per line."""
    n = 0
    out.write("[")
    for obj in _json_rows(result):
        out.write(",\n " if n else "\n ")
        out.write(json.dumps(obj, ensure_ascii=False, default=str))
        n += 1
    out.write("\n]\n" if n else "]\n")
    return n


def write_binary(result: Result, fmt: str, out: IO[bytes]) -> int:
    """Parquet, Arrow IPC stream (``arrow``) or Arrow IPC file (``arrow-file``)."""
    from pyarrow import ipc

    n = 0
    schema = result.data.schema
    if fmt == "parquet":
        import pyarrow.parquet as pq

        with pq.ParquetWriter(out, schema) as writer:
            for batch in result.batches():
                writer.write_batch(batch)
                n += batch.num_rows
        return n
    opener = ipc.new_stream if fmt == "arrow" else ipc.new_file
    with opener(out, schema) as writer:
        for batch in result.batches():
            writer.write_batch(batch)
            n += batch.num_rows
    return n


# --------------------------------------------------------------------------
# The readable table


def display_value(value: Any) -> str:
    """How one value reads in the table format."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value == 0 or 1e-4 <= abs(value) < 1e15:
            text = f"{value:.6f}".rstrip("0").rstrip(".")
            return text if text not in ("", "-0") else "0"
        return f"{value:.6g}"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, bytes):
        return "\\x" + value.hex()
    text = str(value)
    if any(c in text for c in "\n\r\t"):
        text = text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return text


def text_width(text: str) -> int:
    """Terminal columns ``text`` takes: wide East Asian characters and most emoji take two, combining marks none."""
    if text.isascii():
        return len(text)
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _truncate(text: str, width: int, ellipsis: str) -> str:
    if text_width(text) <= width:
        return text
    room = max(width - len(ellipsis), 0)
    out, used = [], 0
    for c in text:
        w = text_width(c)
        if used + w > room:
            break
        out.append(c)
        used += w
    return "".join(out) + ellipsis


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * max(width - text_width(text), 0)
    return gap + text if right else text + gap


def _fit_widths(widths: list[int], budget: int, minimum: int = 6) -> list[int]:
    """Shrink the widest columns until the row fits ``budget`` characters (or cannot shrink)."""
    widths = list(widths)
    while sum(widths) > budget:
        widest = max(range(len(widths)), key=lambda i: widths[i])
        if widths[widest] <= minimum:
            break
        widths[widest] -= 1
    return widths


def render_table(
    names: Sequence[str],
    types: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    max_cell: int = 40,
    total_width: int | None = None,
    unicode: bool = True,
) -> list[str]:
    """Lines of an aligned table: header, rule, rows. Wide cells end with an ellipsis."""
    ellipsis = "…" if unicode else "..."
    vbar, hbar, cross = ("│", "─", "┼") if unicode else ("|", "-", "+")
    cells = [[display_value(v) for v in row] for row in rows]
    ncols = len(names)
    widths = [text_width(n) for n in names]
    for row in cells:
        for i, text in enumerate(row):
            widths[i] = max(widths[i], text_width(text))
    # The last column may run longer: widening it pushes nothing else aside.
    caps = [max_cell] * (ncols - 1) + [max_cell * 2] if ncols else []
    widths = [min(w, max(caps[i], min(len(names[i]), 20))) for i, w in enumerate(widths)]
    if total_width:
        widths = _fit_widths(widths, total_width - 3 * ncols + 1)
    right = [any(t.upper().startswith(p) for p in _NUMERIC_TYPES) for t in types]

    def line(values: Sequence[str], align: bool) -> str:
        parts = []
        for i, text in enumerate(values):
            text = _truncate(text, widths[i], ellipsis)
            parts.append(_pad(text, widths[i], align and right[i]))
        return (" " + f" {vbar} ".join(parts)).rstrip()

    out = [line(list(names), False), hbar + f"{hbar}{cross}{hbar}".join(hbar * w for w in widths) + hbar]
    out.extend(line(row, True) for row in cells)
    return out


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def write_table(
    result: Result,
    out: IO[str],
    *,
    max_rows: int | None = 1000,
    footer_extra: str = "",
    terminal: bool = False,
    max_cell: int = 40,
) -> int:
    """Write the readable table and a footer with the row count; returns the rows shown."""
    table = result.to_table()
    total = table.num_rows
    shown = table if max_rows is None or total <= max_rows else table.slice(0, max_rows)
    rows: list[tuple] = []
    for batch in shown.to_batches():
        rows.extend(rows_of(batch))
    encoding = (getattr(out, "encoding", None) or "utf-8").lower().replace("-", "")
    width = shutil.get_terminal_size((120, 24)).columns if terminal else None
    for text in render_table(result.names, result.types, rows, max_cell=max_cell, total_width=width, unicode=encoding.startswith("utf")):
        out.write(text + "\n")
    footer = plural(total, "row")
    if shown.num_rows < total:
        footer = f"showing the first {shown.num_rows:,} of {footer}; use --max-rows or --format csv for all"
    out.write(f"({footer}{footer_extra})\n")
    return shown.num_rows


def write_records(result: Result, out: IO[str], *, max_rows: int | None = None, footer_extra: str = "") -> int:
    """One block per row, one ``name: value`` line per column: for wide rows such as EXPLAIN's."""
    width = max((text_width(n) for n in result.names), default=0)
    shown = total = 0
    for batch in result.batches():
        for row in rows_of(batch):
            total += 1
            if max_rows is not None and shown >= max_rows:
                continue
            shown += 1
            out.write(f"-- row {shown} --\n")
            for name, value in zip(result.names, row):
                out.write(f"{_pad(name, width, True)}: {display_value(value)}\n")
    footer = plural(total, "row")
    if shown < total:
        footer = f"showing the first {shown:,} of {footer}; use --max-rows or --format csv for all"
    out.write(f"({footer}{footer_extra})\n")
    return shown


def write_result(result: Result, fmt: str, out: IO, **table_options: Any) -> int:
    """Write ``result`` in ``fmt`` to ``out`` (a text stream, or binary for binary formats)."""
    if fmt == "table":
        return write_table(result, out, **table_options)
    if fmt == "csv":
        return write_csv(result, out)
    if fmt == "json":
        return write_json(result, out)
    if fmt == "jsonl":
        return write_jsonl(result, out)
    if fmt in BINARY_FORMATS:
        return write_binary(result, fmt, out)
    raise ValueError(f"unknown format {fmt!r}")
