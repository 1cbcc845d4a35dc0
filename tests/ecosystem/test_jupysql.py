"""The jupysql ``%sql pinterest://...`` magic, run through IPython's InteractiveShell."""

from __future__ import annotations

import contextlib
import io

import pytest

pytest.importorskip("IPython")
pytest.importorskip("sql.magic", reason="jupysql is not installed")


@pytest.fixture(scope="module")
def shell(tmp_path_factory):
    from IPython.core.interactiveshell import InteractiveShell

    # A throwaway profile directory: no user config, no history file.
    ipython_dir = tmp_path_factory.mktemp("ipython")
    shell = InteractiveShell.instance(ipython_dir=str(ipython_dir))
    shell.run_line_magic("load_ext", "sql")
    shell.run_line_magic("config", "SqlMagic.displaylimit = 0")
    yield shell
    # jupysql prints each connection's URL as it closes it; this URL holds the
    # emulator's token, so close quietly here rather than at interpreter exit.
    with contextlib.redirect_stdout(io.StringIO()):
        shell.run_line_magic("sql", "--close pinemu")
    InteractiveShell.clear_instance()


def test_sql_magic_connects_and_queries(shell, emu, campaigns):
    props = emu.connection_properties()
    url = f"pinterest://?BaseURL={emu.url}&OAuthAccessToken={props['OAuthAccessToken']}"
    shell.run_line_magic("sql", f"{url} --alias pinemu")
    result = shell.run_line_magic("sql", "SELECT id, status FROM campaigns ORDER BY id")
    rows = [tuple(r) for r in result]
    assert rows == sorted((c["id"], c["status"]) for c in campaigns)
    frame = result.DataFrame()
    assert list(frame.columns) == ["id", "status"] and len(frame) == len(campaigns)


def test_sql_cell_magic_with_variables(shell, campaigns):
    shell.user_ns["wanted"] = campaigns[0]["status"]
    result = shell.run_cell_magic("sql", "", "SELECT COUNT(*) AS n FROM campaigns WHERE status = '{{wanted}}'")
    assert list(result)[0][0] == sum(c["status"] == campaigns[0]["status"] for c in campaigns)


def test_sql_magic_saves_into_a_dataframe_variable(shell, campaigns):
    shell.run_cell("df = %sql SELECT name FROM campaigns ORDER BY name")
    assert [r[0] for r in shell.user_ns["df"]] == sorted(c["name"] for c in campaigns)
