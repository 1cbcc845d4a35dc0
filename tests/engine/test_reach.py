"""Registering only the columns a statement names (pinsql.engine.reach), and that answers do not change."""

from __future__ import annotations

import pytest
import sqlglot
from http_helpers import execute_logged

from pinsql.engine import reach, session


def names(sql):
    return reach.reachable_columns(sqlglot.parse_one(sql, read="duckdb"))


@pytest.mark.parametrize("sql", [
    "SELECT * FROM campaigns",
    "SELECT c.* FROM campaigns c",
    "SELECT * EXCLUDE (name) FROM campaigns",
    "SELECT COLUMNS('.*_at') FROM campaigns",
    "SELECT id FROM campaigns NATURAL JOIN ad_groups",
    "SELECT c FROM campaigns c",  # the whole row as a struct
    "SELECT to_json(campaigns) FROM campaigns",
    "SELECT x.id FROM (SELECT * FROM campaigns) x",
    "SELECT #2 FROM campaigns WHERE status = 'ACTIVE'",  # positional: the table's second column
])
def test_statements_that_reach_unnamed_columns_keep_them_all(sql):
    assert names(sql) is None


def test_named_columns_and_count_star():
    got = names("SELECT status, count(*) FROM campaigns c JOIN ad_groups g USING (id) WHERE c.Name LIKE 'a%' "
                "GROUP BY ALL ORDER BY 2")
    assert {"status", "id", "name"} <= got and "daily_spend_cap" not in got


def test_narrowed_tables_keep_named_columns_and_one_for_counting():
    import pyarrow as pa

    t = pa.table({"id": ["1"], "name": ["a"], "status": ["ACTIVE"]})
    assert session._narrowed(t, {"name", "other"}).column_names == ["name"]
    assert session._narrowed(t, set()).column_names == ["id"]  # count(*) still counts rows
    assert session._narrowed(t, None) is t


@pytest.mark.parametrize("sql", [
    # a subquery projects a column the outer query never reads (Superset's virtual datasets)
    "SELECT status, count(*) FROM (SELECT id, status, daily_spend_cap FROM campaigns) v GROUP BY status",
    "SELECT c FROM campaigns c WHERE c.status = 'PAUSED'",
    "SELECT count(*) FROM campaigns",
    "SELECT \"Name\" FROM campaigns WHERE Status = 'ARCHIVED'",
    "SELECT COLUMNS('^(id|status)$') FROM campaigns",
    "SELECT #1, #3, name FROM campaigns WHERE status = 'PAUSED'",
])
def test_answers_match_with_every_column_registered(conn, emulator, monkeypatch, sql):
    narrow, _ = execute_logged(conn, emulator, sql)
    monkeypatch.setattr(session, "reachable_columns", lambda tree: None)
    wide, _ = execute_logged(conn, emulator, sql)
    assert sorted(map(repr, narrow)) == sorted(map(repr, wide)) and narrow


def test_a_column_reached_without_its_name_widens_the_tables_again(conn, emulator, monkeypatch):
    """Should the name check ever miss a column, DuckDB's binder error re-registers every column."""
    monkeypatch.setattr(session, "reachable_columns", lambda tree: {"id"})  # 'status' left out on purpose
    rows, _ = execute_logged(conn, emulator, "SELECT status, count(*) FROM campaigns GROUP BY status")
    campaigns = emulator.data.campaigns(emulator.data.main_ad_account_id())
    assert dict(rows) == {s: sum(c["status"] == s for c in campaigns) for s in {c["status"] for c in campaigns}}


def test_positional_columns_read_the_tables_columns(conn, emulator):
    """``#1`` is the table's first column: it must be parsed from the responses, not left NULL."""
    campaigns = emulator.data.campaigns(emulator.data.main_ad_account_id())
    rows, _ = execute_logged(conn, emulator, "SELECT #1, name FROM campaigns WHERE status = 'PAUSED'")
    assert sorted(rows) == sorted((c["id"], c["name"]) for c in campaigns if c["status"] == "PAUSED")
