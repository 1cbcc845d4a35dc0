"""Long IN lists (pinsql.engine.inlists): parsed from the text into the tree sqlglot makes, and sent to
DuckDB as a list parameter with the same answers, NULLs included."""

from __future__ import annotations

import duckdb
import pytest
import sqlglot

from pinsql.engine import inlists
from pinsql.engine.inlists import MIN_CUT, MIN_LITERALS, sql_with_list_parameters
from pinsql.engine.params import parse
from pinsql.exceptions import ProgrammingError


def _values(n, text=False):
    return ", ".join(f"'{i}'" if text else str(i) for i in range(n))


_IDS = ", ".join(f"'62000700000{i:05d}'" for i in range(600))
_NUMS = ", ".join(str(i) for i in range(100))


@pytest.mark.parametrize("sql", [
    f"SELECT id, name FROM campaigns WHERE id IN ({_IDS})",
    f"select * from t where a in ({_IDS}) and b not in ({_NUMS}) and c in ('x''y', {_values(MIN_CUT, True)})",
    f"SELECT 'in ({_NUMS})' AS s, x FROM t WHERE y IN ({_IDS})",  # a list inside a string stays text
    f"SELECT x FROM t -- in ({_NUMS})\n WHERE y IN({_IDS})",
    f"SELECT x FROM t /* in ({_NUMS}) */ WHERE y IN({_NUMS}) AND \"in ({_NUMS})\" = 1",
    f"SELECT x FROM t WHERE y IN ({_NUMS}, 5.5)",  # not all plain literals: sqlglot reads it all
    "SELECT x FROM t WHERE y IN (" + ", ".join(f"'a\\\\b{i}'" for i in range(40)) + ")",  # backslashes
    f"SELECT x FROM t WHERE y IN (SELECT 1) AND z IN ({_NUMS}) AND w IN (1, 2)",
    f"SELECT x FROM t WHERE y IN ({_values(MIN_CUT - 1)})",
])
def test_long_lists_parse_to_the_tree_sqlglot_makes(sql, monkeypatch):
    made = []
    real = inlists._literal
    monkeypatch.setattr(inlists, "_literal", lambda item: made.append(item) or real(item))
    tree, _ = parse(sql)
    assert tree == sqlglot.parse_one(sql, read="duckdb")
    assert tree.sql("duckdb") == sqlglot.parse_one(sql, read="duckdb").sql("duckdb")
    if "IN (" + _IDS in sql or "IN(" + _IDS in sql:
        assert len(made) >= 600, "the long list was not cut out of the text"


def test_a_syntax_error_is_reported_from_the_text_as_written():
    with pytest.raises(ProgrammingError) as info:
        parse(f"SELECT x FROM t WHERE y IN ({_IDS}) AND AND")
    assert "__pinsql" not in str(info.value) and "line 1" in str(info.value)


def test_a_marker_not_found_again_means_parsing_the_whole_text():
    sql = f"SELECT x FROM t WHERE y IN ({_NUMS})"
    calls = []

    def parse_text(text):
        calls.append(text)
        return sqlglot.parse_one(text.replace("__pinsql_list", "__other"), read="duckdb")

    tree = inlists.parse_with_long_lists(sql, parse_text)
    assert calls[-1] == sql and len(calls) == 2
    assert len(tree.find(sqlglot.exp.In).expressions) == 100


def test_the_tree_is_left_as_it_was_and_short_lists_stay_literal():
    sql = f"SELECT * FROM t WHERE a IN ({_values(MIN_LITERALS, True)}) AND b NOT IN ({_values(70)}) AND c IN (1, 2)"
    tree = sqlglot.parse_one(sql, dialect="duckdb")
    before = tree.sql("duckdb")
    out, params = sql_with_list_parameters(tree)
    assert tree.sql("duckdb") == before
    assert "$1" in out and "$2" in out and "IN (1, 2)" in out
    assert params == [[str(i) for i in range(MIN_LITERALS)], list(range(70))]


def test_same_answers_as_the_literal_list_with_nulls():
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT * FROM (VALUES (1), (5), (NULL), (500)) v(x)")
    for op in ("IN", "NOT IN"):
        for extra in ("", ", NULL"):
            sql = f"SELECT x FROM t WHERE x {op} ({_values(100)}{extra}) ORDER BY x"
            tree = sqlglot.parse_one(sql, dialect="duckdb")
            rewritten, params = sql_with_list_parameters(tree)
            expected = con.sql(sql).fetchall()
            assert con.sql(rewritten, params=params or None).fetchall() == expected, (op, extra)


def test_queries_with_long_lists_over_http(conn, emulator):
    account = emulator.data.main_ad_account_id()
    camps = emulator.data.campaigns(account)
    ids = [c["id"] for c in camps][:120]
    cur = conn.cursor()
    cur.execute(f"SELECT id FROM campaigns WHERE id IN ({', '.join(repr(i) for i in ids)}) ORDER BY id")
    assert [r[0] for r in cur.fetchall()] == sorted(ids)
    # text against a number column: the list parameter would not compare, the plain list does
    caps = ", ".join(f"'{i}'" for i in range(100))
    cur.execute(f"SELECT count(*) FROM campaigns WHERE daily_spend_cap IN ({caps})")
    assert cur.fetchone()[0] == sum(1 for c in camps if c.get("daily_spend_cap") is not None and 0 <= c["daily_spend_cap"] < 100)
