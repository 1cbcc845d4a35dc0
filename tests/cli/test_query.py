"""``pinsql query`` against the emulator over HTTP: every output format read back and compared
with the emulator's own data, parameters, stdin, and the error paths."""

from __future__ import annotations

import csv
import io
import json
import re

import pyarrow as pa
import pyarrow.ipc as ipc
import pyarrow.parquet as pq
import pytest

from pinsql.cli import run as cli_run

pytest.importorskip("pinsql.dbapi", reason="the DB-API module has not landed yet")


@pytest.fixture
def account(emulator) -> str:
    return emulator.data.main_ad_account_id()


@pytest.fixture
def campaigns(emulator, account) -> list[dict]:
    """The reference: the account's campaigns as the emulator serves them, sorted by id."""
    return sorted(emulator.data.campaigns(account), key=lambda c: c["id"])


def campaigns_sql(account: str, limit: int | None = None) -> str:
    sql = f"SELECT id, name, status, daily_spend_cap FROM campaigns WHERE ad_account_id = '{account}' ORDER BY id"
    return sql + (f" LIMIT {limit}" if limit else "")


def expected_rows(campaigns: list[dict], limit: int | None = None) -> list[tuple]:
    rows = [(c["id"], c["name"], c["status"], c.get("daily_spend_cap")) for c in campaigns]
    return rows[:limit] if limit else rows


def parse_table(text: str) -> tuple[list[str], list[list[str]], str]:
    lines = text.rstrip("\n").splitlines()
    header, _rule, *rows, footer = lines
    split = lambda line: [cell.strip() for cell in line.split("│")]  # noqa: E731
    return split(header), [split(r) for r in rows], footer


def test_table_format(cli, emu_props, account, campaigns):
    r = cli("query", *emu_props, campaigns_sql(account, 3))
    assert r.code == 0, r.err
    header, rows, footer = parse_table(r.out)
    assert header == ["id", "name", "status", "daily_spend_cap"]
    expected = expected_rows(campaigns, 3)
    assert [row[:3] for row in rows] == [[e[0], e[1], e[2]] for e in expected]
    assert [row[3] for row in rows] == ["NULL" if e[3] is None else str(e[3]) for e in expected]
    assert footer.startswith("(3 rows, ") and "API call" in footer
    assert r.err == ""  # no progress line when stderr is not a terminal


def test_csv_format(cli, emu_props, account, campaigns):
    r = cli("query", *emu_props, "-c", campaigns_sql(account), "--format", "csv")
    assert r.code == 0, r.err
    rows = list(csv.reader(io.StringIO(r.out)))
    assert rows[0] == ["id", "name", "status", "daily_spend_cap"]
    assert rows[1:] == [[e[0], e[1], e[2], "" if e[3] is None else str(e[3])] for e in expected_rows(campaigns)]


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_json_formats(cli, emu_props, account, campaigns, fmt):
    r = cli("query", *emu_props, campaigns_sql(account), "--format", fmt)
    assert r.code == 0, r.err
    data = json.loads(r.out) if fmt == "json" else [json.loads(line) for line in r.out.splitlines()]
    assert [(d["id"], d["name"], d["status"], d["daily_spend_cap"]) for d in data] == expected_rows(campaigns)


@pytest.mark.parametrize("fmt, suffix", [("parquet", ".parquet"), ("arrow", ".arrows"), ("arrow-file", ".arrow")])
def test_binary_formats_to_file(cli, emu_props, account, campaigns, tmp_path, fmt, suffix):
    path = tmp_path / f"out{suffix}"
    # the format comes from the file name; --format says the same explicitly for one case
    extra = ["--format", fmt] if fmt == "arrow" else []
    r = cli("query", *emu_props, campaigns_sql(account), "--output", str(path), *extra)
    assert r.code == 0, r.err
    assert r.out == "" and f"Wrote {len(campaigns)} rows to {path} ({fmt}" in r.err
    if fmt == "parquet":
        table = pq.read_table(path)
    elif fmt == "arrow":
        table = ipc.open_stream(pa.OSFile(str(path))).read_all()
    else:
        table = ipc.open_file(pa.memory_map(str(path))).read_all()
    assert table.column_names == ["id", "name", "status", "daily_spend_cap"]
    assert pa.types.is_integer(table.schema.field("daily_spend_cap").type)
    assert list(zip(*(table.column(i).to_pylist() for i in range(4)))) == expected_rows(campaigns)


def test_arrow_stream_to_piped_stdout(subproc, emulator, account, campaigns):
    props = [f"--property={k}={v}" for k, v in emulator.connection_properties().items()]
    proc = subproc("query", *props, campaigns_sql(account, 5), "--format", "arrow")
    assert proc.returncode == 0, proc.stderr.decode()
    table = ipc.open_stream(proc.stdout).read_all()
    assert list(zip(*(table.column(i).to_pylist() for i in range(4)))) == expected_rows(campaigns, 5)


def test_binary_format_refuses_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    with pytest.raises(cli_run.UsageError, match="parquet output is binary"):
        with cli_run.open_output("parquet", None, Terminal()):
            pass


def test_sql_from_stdin_and_parameters(cli, emu_props, account, campaigns, monkeypatch):
    target = campaigns[len(campaigns) // 2]
    monkeypatch.setattr("sys.stdin", io.StringIO("SELECT id, name FROM campaigns\nWHERE ad_account_id = ? AND id = ?;\n"))
    r = cli("query", *emu_props, "-", "-p", account, "-p", target["id"], "--format", "jsonl")
    assert r.code == 0, r.err
    assert [json.loads(line) for line in r.out.splitlines()] == [{"id": target["id"], "name": target["name"]}]


def test_sql_from_file(cli, emu_props, emulator, tmp_path):
    path = tmp_path / "q.sql"
    path.write_text("SELECT count(*) AS n FROM boards;\n")
    r = cli("query", *emu_props, "-f", str(path), "--format", "json")
    assert r.code == 0, r.err
    assert json.loads(r.out) == [{"n": len(emulator.data.boards())}]


def test_built_in_emulator_flag(cli, emulator):
    # --emulator starts its own emulator; same seed and size → the same data as the fixture's
    r = cli("query", "--emulator", "--emulator-size", "tiny", "SELECT count(*) AS n FROM boards", "--format", "csv")
    assert r.code == 0, r.err
    assert r.out.splitlines() == ["n", str(len(emulator.data.boards()))]


def test_max_rows_limits_only_the_table(cli, emu_props, account, campaigns):
    r = cli("query", *emu_props, campaigns_sql(account), "--max-rows", "2")
    assert r.code == 0, r.err
    _, rows, footer = parse_table(r.out)
    assert len(rows) == 2
    assert footer.startswith(f"(showing the first 2 of {len(campaigns)} rows")


def test_statement_without_rows(cli, emu_props):
    r = cli("query", *emu_props, "SELECT 1 AS one WHERE false")
    assert r.code == 0, r.err
    assert parse_table(r.out)[2].startswith("(0 rows")


@pytest.mark.parametrize(
    "sql, needle",
    [
        ("SELECT * FROM campaing", "campaigns"),  # unknown table: suggests the close name
        ("SELECT nme FROM boards", "nme"),  # unknown column named
        ("SELEC * FROM boards", "line 1, column"),  # syntax error with its position
    ],
)
def test_sql_errors_are_one_clear_line(cli, emu_props, sql, needle):
    r = cli("query", *emu_props, sql)
    assert r.code == 1
    assert r.out == ""
    first = r.err.splitlines()[0]
    assert first.startswith("pinsql: error: ") and needle in r.err
    assert "Traceback" not in r.err


def test_missing_properties(cli):
    r = cli("query", "SELECT * FROM boards")
    assert r.code == 1
    assert r.err.startswith("pinsql: error: No credentials") or "missing" in r.err
    assert "pinsql connection add" in r.err or "pinsql login" in r.err
    assert "Traceback" not in r.err


def test_debug_shows_the_traceback(cli, emu_props):
    r = cli("--debug", "query", *emu_props, "SELECT * FROM campaing")
    assert r.code == 1 and "Traceback" in r.err


def test_ctrl_c_exits_130(cli, emu_props, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_run, "execute", interrupted)
    r = cli("query", *emu_props, "SELECT 1")
    assert r.code == 130 and "interrupted" in r.err and "Traceback" not in r.err


def test_subprocess_usage_error_exit_code(subproc):
    proc = subproc("no-such-command")
    assert proc.returncode == 2 and b"invalid choice: 'no-such-command'" in proc.stderr


def test_a_script_of_statements(cli, emu_props, emulator):
    script = "CREATE TEMP TABLE t AS SELECT id, name FROM boards;\nSELECT count(*) AS n FROM t;\nSELECT min(name) AS first FROM t"
    r = cli("query", *emu_props, script)
    assert r.code == 0, r.err
    boards = emulator.data.boards()
    assert r.out.startswith("OK")
    assert re.search(rf"^\s*{len(boards)}\s*$", r.out, flags=re.M)
    assert min(b["name"] for b in boards) in r.out
    # a data format takes one result set: the statements without rows report on stderr
    r = cli("query", *emu_props, "CREATE TEMP TABLE t AS SELECT id FROM boards; SELECT count(*) AS n FROM t", "-F", "csv")
    assert r.code == 0, r.err
    assert r.out.splitlines() == ["n", str(len(boards))] and r.err.startswith("OK")
    r = cli("query", *emu_props, "SELECT 1 AS a; SELECT 2 AS b", "-F", "json")
    assert r.code == 2 and "take one result" in r.err


def test_ctrl_c_during_a_real_query(emulator):
    """SIGINT while pages are being fetched: exit 130, one line, no traceback, promptly."""
    import signal
    import subprocess
    import sys
    import time

    emulator.faults.latency = 0.2
    emulator.clear_log()
    props = [f"--property={k}={v}" for k, v in emulator.connection_properties().items()]
    proc = subprocess.Popen(
        [sys.executable, "-m", "pinsql.cli", "query", *props, "--property=PageSize=1", "SELECT count(*) FROM pins"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while emulator.calls() == 0 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        assert emulator.calls() > 0, "the query never reached the emulator"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=15)
    finally:
        emulator.faults.reset()
        if proc.poll() is None:
            proc.kill()
        # The request in flight at SIGINT is still answered (and logged) after its 0.2 s of
        # latency: let it land here, not in the next test's request log.
        time.sleep(0.4)
    assert proc.returncode == 130
    assert out == ""
    assert err.strip() == "pinsql: interrupted"


def test_debug_logs_hide_the_token(cli, emu_props, emulator):
    token = emulator.connection_properties()["OAuthAccessToken"]
    r = cli("--debug", "query", *emu_props, "SELECT count(*) AS n FROM boards", "--format", "csv")
    assert r.code == 0, r.err
    assert "pinsql.client" in r.err  # debug logging is on
    assert token not in r.err and token not in r.out


def test_no_credentials_test_command(cli):
    r = cli("test")
    assert r.code == 1
    assert r.out.startswith("Not Authenticated: No credentials")


def test_explain_is_shown_vertically_and_calls_nothing(cli, emu_props, emulator, account, campaigns):
    emulator.clear_log()
    ids = [c["id"] for c in campaigns[:2]]
    r = cli("query", *emu_props, f"EXPLAIN SELECT * FROM campaigns WHERE ad_account_id = '{account}' AND id IN ('{ids[0]}', '{ids[1]}')")
    assert r.code == 0, r.err
    assert r.out.startswith("-- row 1 --\n")
    assert re.search(r"^\s+table_name: campaigns$", r.out, flags=re.M)
    assert ids[0] in r.out  # nothing truncated
    assert emulator.calls() == 0, [(q.method, q.path) for q in emulator.request_log.snapshot()]


def test_vertical_rows(cli, emu_props, account, campaigns):
    r = cli("query", *emu_props, campaigns_sql(account, 2), "--vertical")
    assert r.code == 0, r.err
    blocks = r.out.split("-- row ")[1:]
    assert len(blocks) == 2
    for block, campaign in zip(blocks, campaigns[:2]):
        assert re.search(rf"^\s*id: {campaign['id']}$", block, flags=re.M)
        assert re.search(rf"^\s*name: {re.escape(campaign['name'])}$", block, flags=re.M)
    assert r.out.rstrip().splitlines()[-1].startswith("(2 rows, ")
