"""Output formats, unit level: table rendering and every writer read back."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pyarrow as pa
import pyarrow.ipc as ipc
import pyarrow.parquet as pq
import pytest

from pinsql.cli import output

UTC = dt.timezone.utc


@pytest.fixture
def result() -> output.Result:
    table = pa.table(
        {
            "id": ["1234567890123456789", "2", None],
            "name": ["Spring sale", "line\nbreak", "x" * 80],
            "spend": pa.array([1.5, None, 1234567.25], pa.float64()),
            "clicks": pa.array([10, 0, None], pa.int64()),
            "active": [True, False, None],
            "created": pa.array([dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), None, None], pa.timestamp("us", tz="UTC")),
            "day": pa.array([dt.date(2026, 1, 2), None, dt.date(2026, 2, 3)], pa.date32()),
            "targeting": ['{"geo": ["US"]}', None, "[1, 2]"],
        }
    )
    return output.Result.from_table(table, ["VARCHAR", "VARCHAR", "DOUBLE", "BIGINT", "BOOLEAN", "TIMESTAMP", "DATE", "JSON"])


def test_table_aligns_truncates_and_counts(result):
    buf = io.StringIO()
    output.write_table(result, buf, footer_extra=", 2 API calls, 0.10 s")
    lines = buf.getvalue().splitlines()
    header, rule, *rows, footer = lines
    assert header.split("│")[0].strip() == "id"
    assert set(rule) <= {"─", "┼"}
    assert len(rows) == 3
    # every row has its separators at the same positions as the header
    positions = [i for i, c in enumerate(header) if c == "│"]
    for row in rows:
        assert [i for i, c in enumerate(row) if c == "│"] == positions
    assert "NULL" in rows[2]
    assert "line\\nbreak" in rows[1]  # control characters made visible, one line per row
    assert "x" * 30 + "…" in rows[2] and "x" * 80 not in rows[2]  # wide cell truncated
    assert rows[0].split("│")[3].strip() == "10" and rows[0].split("│")[3].endswith("10 ")  # numbers right-aligned
    assert rows[2].split("│")[2].strip() == "1234567.25"
    assert "2026-01-02 03:04:05+00:00" in rows[0]
    assert footer == "(3 rows, 2 API calls, 0.10 s)"


def test_table_row_limit_says_so(result):
    buf = io.StringIO()
    shown = output.write_table(result, buf, max_rows=2)
    assert shown == 2
    assert buf.getvalue().splitlines()[-1].startswith("(showing the first 2 of 3 rows")


def test_table_fits_terminal_width():
    data = pa.table({f"c{i}": ["v" * 30] for i in range(6)})
    lines = output.render_table(data.column_names, ["VARCHAR"] * 6, [tuple("v" * 30 for _ in range(6))], total_width=80)
    assert max(len(line) for line in lines) <= 80


def test_ascii_fallback():
    lines = output.render_table(["a", "b"], ["VARCHAR", "VARCHAR"], [("z" * 50, "z" * 50)], unicode=False)
    assert lines[1].startswith("-") and lines[2].split("|")[0].strip().endswith("...")


def test_display_values():
    assert output.display_value(None) == "NULL"
    assert output.display_value(True) == "true"
    assert output.display_value(0.1 + 0.2) == "0.3"
    assert output.display_value(1e20) == "1e+20"
    assert output.display_value(0.0) == "0"
    assert output.display_value(dt.date(2026, 3, 1)) == "2026-03-01"


def test_csv_round_trip(result):
    buf = io.StringIO()
    assert output.write_csv(result, buf) == 3
    rows = list(csv.reader(io.StringIO(buf.getvalue())))
    assert rows[0] == result.names
    assert rows[1][:5] == ["1234567890123456789", "Spring sale", "1.5", "10", "true"]
    assert rows[2][1] == "line\nbreak"  # quoted, not mangled
    assert rows[3][0] == "" and rows[1][5] == "2026-01-02T03:04:05+00:00"


def test_json_and_jsonl_round_trip(result):
    buf = io.StringIO()
    output.write_json(result, buf)
    data = json.loads(buf.getvalue())
    assert [r["id"] for r in data] == ["1234567890123456789", "2", None]
    assert data[0]["targeting"] == {"geo": ["US"]}  # JSON columns embedded as JSON
    assert data[2]["targeting"] == [1, 2]
    assert data[0]["created"] == "2026-01-02T03:04:05+00:00" and data[0]["day"] == "2026-01-02"
    assert data[0]["clicks"] == 10 and data[1]["spend"] is None
    buf = io.StringIO()
    assert output.write_jsonl(result, buf) == 3
    assert [json.loads(line) for line in buf.getvalue().splitlines()] == data


def test_json_empty_and_duplicate_names():
    empty = output.Result.from_table(pa.table({"a": pa.array([], pa.int64())}))
    buf = io.StringIO()
    output.write_json(empty, buf)
    assert json.loads(buf.getvalue()) == []
    dup = output.Result(["id", "id"], ["BIGINT", "BIGINT"], pa.Table.from_arrays([pa.array([1]), pa.array([2])], names=["id", "id"]))
    buf = io.StringIO()
    output.write_jsonl(dup, buf)
    assert json.loads(buf.getvalue()) == {"id": 1, "id_2": 2}


@pytest.mark.parametrize("fmt", ["parquet", "arrow", "arrow-file"])
def test_binary_round_trip(result, fmt):
    buf = io.BytesIO()
    assert output.write_binary(result, fmt, buf) == 3
    buf.seek(0)
    if fmt == "parquet":
        back = pq.read_table(buf)
    elif fmt == "arrow":
        back = ipc.open_stream(buf).read_all()
    else:
        back = ipc.open_file(buf).read_all()
    assert back.equals(result.data)


def test_format_for_path():
    assert output.format_for_path("x.PARQUET") == "parquet"
    assert output.format_for_path("x.arrows") == "arrow"
    assert output.format_for_path("x.feather") == "arrow-file"
    assert output.format_for_path("x.ndjson") == "jsonl"
    assert output.format_for_path("x.txt") is None


def test_wide_characters_keep_columns_aligned():
    rows = [("日本語のボード", 1), ("plain", 2), ("🌸 flowers 🌸", 3)]
    lines = output.render_table(["title", "n"], ["VARCHAR", "BIGINT"], rows)
    bars = {output.text_width(line.split("│")[0]) for line in lines if "│" in line}
    assert len(bars) == 1  # the separator sits in the same terminal column on every line
    long = output.render_table(["t", "n"], ["VARCHAR", "BIGINT"], [("漢" * 50, 1)], max_cell=10)
    assert output.text_width(long[2].split("│")[0].strip()) <= 10


def test_output_file_appears_only_when_complete(tmp_path, result):
    from pinsql.cli import run

    path = tmp_path / "out.csv"
    with pytest.raises(RuntimeError):
        with run.open_output("csv", str(path)) as fh:
            fh.write("partial")
            raise RuntimeError("the query failed halfway")
    assert list(tmp_path.iterdir()) == []  # no half-written file, no temporary left behind
    with run.open_output("csv", str(path)) as fh:
        output.write_csv(result, fh)
    assert path.read_text().startswith("id,name,")
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]
