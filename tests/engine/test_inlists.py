"""Long IN lists go to DuckDB as a list parameter (pinsql.engine.inlists): same answers, NULLs included."""

from __future__ import annotations

import duckdb
import sqlglot

from pinsql.engine.inlists import MIN_LITERALS, sql_with_list_parameters


def _values(n, text=False):
    return ", ".join(f"'{i}'" if text else str(i) for i in range(n))


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
