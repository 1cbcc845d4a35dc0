"""demo, shell, test, login, named connections in use, and the emulator command — over HTTP."""

from __future__ import annotations

import io
import json
import re
import signal
import stat
import subprocess
import sys

import pytest

from pinsql.cli import cmd_demo
from pinsql.connections import load_connection

pytest.importorskip("pinsql.dbapi", reason="the DB-API module has not landed yet")


# -- demo -------------------------------------------------------------------


def test_demo_runs_every_example_and_exits_without_a_terminal(cli):
    r = cli("demo", "--emulator-size", "tiny")
    assert r.code == 0, r.err
    assert "Emulator at http://127.0.0.1:" in r.out
    for number, (title, _sql) in enumerate(cmd_demo.EXAMPLES, 1):
        assert f"{number}. {title}" in r.out
    # one result footer per example, each with its API calls
    footers = re.findall(r"^\((\d+) rows?, (\d+) API calls?", r.out, flags=re.M)
    assert len(footers) == len(cmd_demo.EXAMPLES)
    assert all(int(rows) > 0 and int(calls) > 0 for rows, calls in footers)
    assert "error" not in r.out
    assert "pinsql shell" in r.out  # says what to do next


def test_demo_query(cli, emulator):
    r = cli("demo", "--emulator-size", "tiny", "--query", "SELECT username FROM user_account", "--format", "csv")
    assert r.code == 0, r.err
    assert r.out.splitlines() == ["username", emulator.data.user_account()["username"]]


def test_demo_refuses_a_real_connection(cli):
    r = cli("demo", "--connection", "prod")
    assert r.code == 2 and "always uses the built-in emulator" in r.err


# -- shell ------------------------------------------------------------------

SCRIPT = """\
.tables
.schema boards
SELECT count(*) AS n
  FROM boards;
SELECT 'a;b' AS s; SELECT 2 AS two;
.calls
.format csv
SELECT id FROM boards ORDER BY id LIMIT 2;
.explain SELECT * FROM boards WHERE id = '1'
SELECT * FROM nope;
.bogus
.quit
SELECT 'never run' AS x;
"""


def test_shell_script_from_stdin(cli, emu_props, emulator, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(SCRIPT))
    r = cli("shell", *emu_props)
    assert r.code == 1  # a statement failed in a non-interactive run
    out = r.out
    assert " campaign_analytics " in out  # .tables
    assert "boards (organic):" in out and " pin_count " in out  # .schema
    boards = emulator.data.boards()
    assert re.search(rf"^\s*{len(boards)}\s*$", out, flags=re.M)  # the multi-line count
    assert " a;b" in out and re.search(r"^\s*2\s*$", out, flags=re.M)  # two statements on one line
    assert re.search(r"^calls: \d+$", out, flags=re.M)  # .calls
    first_two = sorted(b["id"] for b in boards)[:2]
    assert "\n".join(["id", *first_two]) in out  # .format csv took effect
    assert "unknown command '.bogus'" in out
    assert "never run" not in out  # .quit stopped reading
    assert "error: unknown table 'nope'" in r.err
    assert "Traceback" not in r.err


def test_shell_explain_makes_no_call(cli, emu_props, emulator, monkeypatch):
    emulator.clear_log()
    monkeypatch.setattr("sys.stdin", io.StringIO(".explain SELECT * FROM campaigns WHERE status = 'ACTIVE'\n"))
    r = cli("shell", *emu_props)
    assert r.code == 0, r.err
    assert "-- row 1 --" in r.out  # one block per planned step, nothing truncated
    assert re.search(r"endpoint: GET /ad_accounts/\{ad_account_id\}/campaigns$", r.out, flags=re.M)
    assert "ACTIVE" in r.out
    assert emulator.calls() == 0


def test_shell_history_file(emu_props, isolated_config, monkeypatch):
    readline = pytest.importorskip("readline")
    from pinsql.cli.session import Session
    from pinsql.cli.shell import Shell

    typed = iter(["SELECT 1", "  AS one;", ".quit"])

    def fake_input(prompt):  # like input() on a terminal: the line lands in readline's history
        line = next(typed)
        readline.add_history(line)
        return line

    monkeypatch.setattr("builtins.input", fake_input)

    class Args:
        property = [p for p in emu_props if p != "--property"]

    readline.clear_history()
    out = io.StringIO()
    with Session(Args()) as session:
        assert Shell(session, stdout=out, stderr=io.StringIO(), interactive=True, progress=False).run() == 0
    history = isolated_config / "history"
    # the two-line statement became one entry, recalled whole
    assert history.read_text().splitlines()[-2:] == ["SELECT 1 AS one;", ".quit"]
    assert stat.S_IMODE(history.stat().st_mode) == 0o600
    assert "(1 row" in out.getvalue()


# -- test and login -----------------------------------------------------------


def test_test_authenticated(cli, emu_props, emulator):
    r = cli("test", *emu_props)
    assert r.code == 0, r.err
    user = emulator.data.user_account()["username"]
    assert r.out.strip() == f"Authenticated as {user}, ad account {emulator.data.main_ad_account_id()}"


def test_test_not_authenticated(cli, emulator):
    r = cli("test", "--property", f"BaseURL={emulator.url}", "--property", "OAuthAccessToken=not-a-valid-token")
    assert r.code == 1
    assert r.out.startswith("Not Authenticated: ")
    assert "not-a-valid-token" not in r.out + r.err


def test_login_against_the_emulator(cli, isolated_config, emulator):
    r = cli("login", "--emulator", "--emulator-size", "tiny")
    assert r.code == 0, r.err
    match = re.search(r"Tokens saved in (\S+) \(", r.out)
    assert match, r.out
    from pathlib import Path

    store = Path(match.group(1))
    assert store.parent == isolated_config
    assert stat.S_IMODE(store.stat().st_mode) == 0o600
    assert json.loads(store.read_text())  # a real token set was written
    assert f"Authenticated as {emulator.data.user_account()['username']}" in r.out


# -- named connections in use --------------------------------------------------


def test_named_connection_used_by_query_and_listed_with_status(cli, emulator):
    props = emulator.connection_properties()
    assert cli("connection", "add", "emu", "--BaseURL", props["BaseURL"], "--OAuthAccessToken", props["OAuthAccessToken"]).code == 0
    assert cli("connection", "add", "broken", "--BaseURL", props["BaseURL"], "--OAuthAccessToken", "wrong-token-123").code == 0
    assert load_connection("emu")["OAuthAccessToken"] == props["OAuthAccessToken"]

    r = cli("--connection", "emu", "query", "SELECT count(*) AS n FROM boards", "--format", "csv")
    assert r.code == 0, r.err
    assert r.out.splitlines() == ["n", str(len(emulator.data.boards()))]

    r = cli("connection", "list")
    assert r.code == 0, r.err
    user = emulator.data.user_account()["username"]
    emu_line = next(line for line in r.out.splitlines() if line.startswith(" emu "))
    broken_line = next(line for line in r.out.splitlines() if line.startswith(" broken "))
    assert f"Authenticated as {user}" in emu_line
    assert "Not Authenticated" in broken_line
    assert props["OAuthAccessToken"] not in r.out and "wrong-token-123" not in r.out


def test_default_connection_and_environment_choice(cli, emulator, monkeypatch):
    props = emulator.connection_properties()
    cli("connection", "add", "default", "--BaseURL", props["BaseURL"], "--OAuthAccessToken", props["OAuthAccessToken"])
    r = cli("query", "SELECT count(*) AS n FROM boards", "--format", "csv")
    assert r.code == 0, r.err
    monkeypatch.setenv("PINSQL_CONNECTION", "missing")
    r = cli("query", "SELECT 1")
    assert r.code == 1 and "no connection named 'missing'" in r.err


def test_dsn_option(cli, emulator):
    props = emulator.connection_properties()
    dsn = f"BaseURL={props['BaseURL']};OAuthAccessToken={props['OAuthAccessToken']}"
    r = cli("query", "--dsn", dsn, "SELECT count(*) AS n FROM boards", "--format", "jsonl")
    assert r.code == 0, r.err
    assert json.loads(r.out) == {"n": len(emulator.data.boards())}


# -- pinsql emulator ---------------------------------------------------------------


def test_emulator_command_serves_until_interrupted(cli, subproc):
    proc = subprocess.Popen(
        [sys.executable, "-m", "pinsql.cli", "emulator", "--size", "tiny"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("Connection string: "):
                break
        dsn = lines[-1].split(": ", 1)[1].strip()
        r = cli("query", "--dsn", dsn, "SELECT count(*) AS n FROM boards", "--format", "csv")
        assert r.code == 0, r.err
        assert int(r.out.splitlines()[1]) > 0
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) in (0, -signal.SIGINT, 130)


def test_test_never_opens_a_browser(cli, emulator, monkeypatch):
    """A client id from the environment and no stored token: 'Not Authenticated', no sign-in attempt."""
    import webbrowser

    monkeypatch.setattr(webbrowser, "open", lambda *a, **k: pytest.fail("pinsql test opened a browser"))
    monkeypatch.setenv("PINTEREST_APP_ID", emulator.client_id)
    monkeypatch.setenv("PINTEREST_APP_SECRET", emulator.client_secret)
    r = cli("test", "--property", f"BaseURL={emulator.url}")
    assert r.code == 1
    assert r.out.startswith("Not Authenticated: ") and "pinsql login" in r.out
    assert emulator.client_secret not in r.out + r.err


def test_shell_survives_an_internal_error(cli, emu_props, monkeypatch):
    from pinsql.cli import run as cli_run

    real_execute = cli_run.execute

    def flaky(conn, sql, *args, **kwargs):
        if "boom" in sql:
            raise ValueError("simulated bug")
        return real_execute(conn, sql, *args, **kwargs)

    monkeypatch.setattr(cli_run, "execute", flaky)
    monkeypatch.setattr("sys.stdin", io.StringIO("SELECT 'boom';\nSELECT 41 + 1 AS answer;\n"))
    r = cli("shell", *emu_props)
    assert r.code == 1
    assert "error: internal error: ValueError: simulated bug" in r.err
    assert re.search(r"^\s*42\s*$", r.out, flags=re.M)  # the session went on


def test_first_run_with_a_named_connection(cli, emulator, monkeypatch, isolated_config):
    """connection add → login (the browser is a plain HTTP client) → test → list → query, no token given by hand."""
    import webbrowser

    import requests

    opened = []

    def browser(url, *args, **kwargs):  # the emulator's consent page approves and redirects to our callback
        opened.append(url)
        requests.get(url, timeout=10)
        return True

    monkeypatch.setattr(webbrowser, "open", browser)
    props = emulator.connection_properties()
    r = cli(
        "connection", "add", "mine",
        "--OAuthClientId", props["OAuthClientId"], "--OAuthClientSecret", props["OAuthClientSecret"],
        "--BaseURL", props["BaseURL"], "--OAuthAuthorizationURL", props["OAuthAuthorizationURL"],
        "--OAuthTokenURL", props["OAuthTokenURL"], "--CallbackURL", "http://127.0.0.1:0/callback",
    )
    assert r.code == 0, r.err
    assert "pinsql login --connection mine" in r.out

    r = cli("test", "--connection", "mine")
    assert r.code == 1 and "pinsql login" in r.out  # not signed in yet, and no browser opened
    assert opened == []

    r = cli("login", "--connection", "mine")
    assert r.code == 0, r.err
    assert len(opened) == 1 and opened[0].startswith(props["OAuthAuthorizationURL"])
    user = emulator.data.user_account()["username"]
    assert f"Authenticated as {user}" in r.out

    r = cli("test", "--connection", "mine")
    assert r.code == 0 and r.out.startswith(f"Authenticated as {user}")
    r = cli("connection", "list")
    assert f"Authenticated as {user}" in r.out
    r = cli("--connection", "mine", "query", "SELECT count(*) AS n FROM boards", "--format", "csv")
    assert r.code == 0, r.err
    assert r.out.splitlines() == ["n", str(len(emulator.data.boards()))]
    assert len(opened) == 1  # the stored tokens were reused: no second sign-in
    assert props["OAuthClientSecret"] not in (isolated_config / "connections.ini").read_text()
