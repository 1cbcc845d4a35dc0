"""SQL shapes over the emulator, compared with references computed from the emulator's own data."""

from __future__ import annotations

import collections
import datetime as dt
import json

import pytest

from pinsql.catalog import load_catalog
from pinsql.exceptions import DataError, NotSupportedError, ProgrammingError


@pytest.fixture(scope="module")
def data(emulator):
    account = emulator.data.main_ad_account_id()
    boards = emulator.data.boards()
    return {
        "account": account,
        "campaigns": emulator.data.campaigns(account),
        "boards": boards,
        "board": boards[2],
        "board_pins": emulator.data.board_pins(boards[2]["id"]),
        "ad_accounts": emulator.data.ad_accounts(),
    }


@pytest.fixture
def q(conn):
    def q(sql, params=None):
        cur = conn.cursor()
        cur.execute(sql, params)
        return cur.fetchall()

    return q


def test_where_and_projection(q, data):
    rows = q("SELECT id, name FROM campaigns WHERE status = 'PAUSED' AND daily_spend_cap IS NOT NULL ORDER BY id")
    ref = sorted((c["id"], c["name"]) for c in data["campaigns"] if c["status"] == "PAUSED" and c.get("daily_spend_cap") is not None)
    assert rows == ref


def test_group_by_having_order(q, data):
    rows = q("SELECT objective_type, count(*) AS n FROM campaigns GROUP BY objective_type HAVING count(*) > 1 ORDER BY n DESC, 1")
    counts = collections.Counter(c["objective_type"] for c in data["campaigns"])
    ref = sorted(((k, n) for k, n in counts.items() if n > 1), key=lambda kv: (-kv[1], kv[0]))
    assert rows == ref


def test_window_function_and_limit_offset(q, data):
    rows = q(
        "SELECT id, row_number() OVER (PARTITION BY status ORDER BY id) AS rn FROM campaigns "
        "QUALIFY rn = 1 ORDER BY id LIMIT 2 OFFSET 1"
    )
    firsts = {}
    for c in sorted(data["campaigns"], key=lambda c: c["id"]):
        firsts.setdefault(c["status"], c["id"])
    assert rows == [(i, 1) for i in sorted(firsts.values())[1:3]]


def test_cte_subquery_union(q, data):
    rows = q(
        "WITH a AS (SELECT id FROM campaigns WHERE status = 'ACTIVE'), "
        "d AS (SELECT id FROM campaigns WHERE status = 'DRAFT') "
        "SELECT count(*) FROM (SELECT id FROM a UNION ALL SELECT id FROM d) t"
    )
    assert rows == [(sum(c["status"] in ("ACTIVE", "DRAFT") for c in data["campaigns"]),)]


def test_inner_and_left_join_across_tables(q, data):
    rows = q(
        "SELECT a.id, count(c.id) FROM ad_accounts a LEFT JOIN campaigns c ON c.ad_account_id = a.id GROUP BY a.id ORDER BY a.id"
    )
    ref = sorted((a["id"], len(data["campaigns"]) if a["id"] == data["account"] else 0) for a in data["ad_accounts"])
    assert rows == ref


def test_semi_and_anti_joins(q, data):
    board = data["board"]
    rows = q("SELECT count(*) FROM boards b WHERE EXISTS (SELECT 1 FROM board_pins p WHERE p.board_id = b.id AND p.board_id = ?)",
             [board["id"]])
    assert rows == [(1 if data["board_pins"] else 0,)]
    rows = q("SELECT count(*) FROM boards WHERE id NOT IN (SELECT board_id FROM board_pins WHERE board_id = ?)", [board["id"]])
    assert rows == [(len(data["boards"]) - (1 if data["board_pins"] else 0),)]


def test_superset_virtual_table_with_time_filter(q, data):
    rows = q(
        "SELECT status AS status, count(*) AS count FROM (SELECT * FROM campaigns) AS virtual_table "
        "WHERE created_time >= '2023-03-01 00:00:00.000000' GROUP BY status ORDER BY count DESC, status LIMIT 10000"
    )
    cutoff = dt.datetime(2023, 3, 1, tzinfo=dt.timezone.utc).timestamp()
    counts = collections.Counter(c["status"] for c in data["campaigns"] if c["created_time"] >= cutoff)
    assert rows == sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def test_duckdb_functions_and_types(q, data, conn):
    cur = conn.cursor()
    cur.execute("SELECT id, tracking_urls, created_time, date_trunc('month', created_time) AS m, is_performance_plus "
                "FROM campaigns WHERE id = ?", [data["campaigns"][0]["id"]])
    (row,) = cur.fetchall()
    c = data["campaigns"][0]
    assert [d.type_code for d in cur.description] == ["VARCHAR", "JSON", "TIMESTAMP", "TIMESTAMP", "BOOLEAN"]
    assert row[0] == c["id"]
    assert (json.loads(row[1]) if row[1] is not None else None) == c.get("tracking_urls")
    assert row[2] == dt.datetime.fromtimestamp(c["created_time"], dt.timezone.utc)
    assert row[2].utcoffset() == dt.timedelta(0)
    assert row[4] is c.get("is_performance_plus")


def test_json_functions_work_on_json_columns(q, data):
    rows = q("SELECT count(*) FROM campaigns WHERE json_type(tracking_urls) = 'OBJECT'")
    assert rows == [(sum(isinstance(c.get("tracking_urls"), dict) for c in data["campaigns"]),)]


def test_table_names_case_insensitive_and_schema_qualified(q, data):
    n = len(data["ad_accounts"])
    assert q("SELECT count(*) FROM AD_ACCOUNTS") == [(n,)]
    assert q("SELECT count(*) FROM pinterest.ad_accounts") == [(n,)]
    assert q("SELECT count(*) FROM main.Ad_Accounts a WHERE a.id IS NOT NULL") == [(n,)]
    assert q("SELECT count(pinterest.ad_accounts.id) FROM pinterest.ad_accounts") == [(n,)]


def test_ad_tables_follow_ad_account_id_in_where(q, emulator):
    ids = emulator.data.ad_account_ids()
    rows = q("SELECT ad_account_id, count(*) FROM campaigns WHERE ad_account_id IN (?, ?) GROUP BY 1 ORDER BY 1", ids[:2])
    assert rows == sorted((a, len(emulator.data.campaigns(a))) for a in ids[:2] if emulator.data.campaigns(a))


def test_board_pins_reference(q, data):
    rows = q("SELECT id, title, created_at FROM board_pins WHERE board_id = ? ORDER BY id", [data["board"]["id"]])
    ref = sorted(data["board_pins"], key=lambda p: p["id"])
    assert [r[0] for r in rows] == [p["id"] for p in ref]
    assert [r[1] for r in rows] == [p.get("title") for p in ref]
    assert rows[0][2] == dt.datetime.fromisoformat(ref[0]["created_at"].replace("Z", "")).replace(tzinfo=dt.timezone.utc)


def test_analytics_total_granularity_rows_get_window_start(q, data, emulator):
    cid = data["campaigns"][1]["id"]
    today = dt.datetime.now(dt.timezone.utc).date()
    start = today - dt.timedelta(days=6)
    rows = q("SELECT campaign_id, date, granularity, spend_in_micro_dollar, ad_account_id FROM campaign_analytics "
             "WHERE campaign_id = ? AND granularity = 'TOTAL' AND date >= ?", [cid, start])
    ref = emulator.data.analytics.rows("campaign", [cid], start, today, ["SPEND_IN_MICRO_DOLLAR"], "TOTAL")
    assert rows == [(cid, start, "TOTAL", r.get("SPEND_IN_MICRO_DOLLAR"), data["account"]) for r in ref]


def test_information_schema_and_show_describe(q, conn):
    tables = q("SELECT table_name FROM information_schema.tables ORDER BY 1")
    assert [t[0] for t in tables] == sorted(t.name for t in conn.catalog)
    cols = q("SELECT column_name, data_type FROM pinsql_catalog.columns WHERE table_name = 'campaigns' ORDER BY ordinal_position")
    assert cols == [(c.name, c.type) for c in conn.catalog.table("campaigns").columns]
    assert len(q("SHOW TABLES")) == len(conn.catalog)
    assert q("DESCRIBE boards")[0][:2] == ("id", "VARCHAR")


def test_session_local_tables(conn, data):
    cur = conn.cursor()
    cur.execute("CREATE TEMP TABLE active AS SELECT id, name FROM campaigns WHERE status = 'ACTIVE'")
    assert cur.description is None
    cur.execute("SELECT count(*) FROM active")
    n_active = sum(c["status"] == "ACTIVE" for c in data["campaigns"])
    assert cur.fetchone() == (n_active,)
    cur.execute("CREATE TABLE notes (campaign_id VARCHAR, note VARCHAR)")
    cur.execute("INSERT INTO notes VALUES (?, ?), (?, ?)", [data["campaigns"][0]["id"], "a", "x", "b"])
    assert cur.rowcount == 2
    cur.executemany("INSERT INTO notes VALUES (?, ?)", [("y", "c"), ("z", "d")])
    assert cur.rowcount == 2
    cur.execute("SELECT n.note, c.name FROM notes n JOIN campaigns c ON c.id = n.campaign_id")
    assert cur.fetchall() == [("a", data["campaigns"][0]["name"])]
    cur.execute("UPDATE notes SET note = 'zz' WHERE campaign_id IN ('y', 'z')")
    assert cur.rowcount == 2
    cur.execute("DELETE FROM notes WHERE note = 'zz'")
    assert cur.rowcount == 2
    cur.execute("DROP TABLE notes")
    with pytest.raises(ProgrammingError):
        cur.execute("SELECT * FROM notes")


@pytest.mark.parametrize(
    "sql",
    ["INSERT INTO campaigns (id) VALUES ('1')", "UPDATE campaigns SET name = 'x'", "DELETE FROM pinterest.campaigns",
     "DROP TABLE campaigns"],
)
def test_writes_to_pinterest_tables_are_refused(conn, sql):
    with pytest.raises(NotSupportedError, match="read-only"):
        conn.cursor().execute(sql)


def test_local_table_cannot_take_a_pinterest_name(conn):
    with pytest.raises(ProgrammingError, match="Pinterest table"):
        conn.cursor().execute("CREATE TABLE boards (id VARCHAR)")


@pytest.mark.parametrize(
    "sql",
    ["SELECT * FROM read_csv('/etc/passwd')", "ATTACH '/tmp/pinsql-test.db' AS x", "INSTALL httpfs",
     "COPY (SELECT 1) TO '/tmp/pinsql-test.csv'", "SET enable_external_access = true"],
)
def test_duckdb_is_locked_down(conn, sql):
    with pytest.raises(Exception) as info:
        conn.cursor().execute(sql)
    from pinsql.exceptions import Error

    assert isinstance(info.value, Error)


def test_errors_users_can_act_on(conn):
    cur = conn.cursor()
    with pytest.raises(ProgrammingError, match="did you mean 'campaigns'"):
        cur.execute("SELECT * FROM campaign")
    with pytest.raises(ProgrammingError, match="nme"):
        cur.execute("SELECT nme FROM campaigns")
    with pytest.raises(ProgrammingError, match="did you mean 'name'"):
        cur.execute("SELECT c.nme FROM campaigns c")
    with pytest.raises(ProgrammingError, match="line 1, column"):
        cur.execute("SELECT * FRM campaigns")
    with pytest.raises(ProgrammingError, match="pin_id"):
        cur.execute("SELECT * FROM pin_analytics")
    with pytest.raises(DataError, match="earliest allowed date"):
        cur.execute("SELECT * FROM campaign_analytics WHERE date >= '2020-01-01'")


def test_explain_reports_contradictions_and_limits(q):
    (row,) = q("EXPLAIN SELECT * FROM campaigns WHERE status = 'ACTIVE' AND status = 'PAUSED'")
    assert row[5] == "0" and "no API call" in row[7]
    (row,) = q("EXPLAIN SELECT id FROM campaigns WHERE status = ? LIMIT 7", ["ACTIVE"])
    assert '"page_size": "7"' in row[4] and "stops after 7 rows" in row[7]


def test_information_schema_marks_required_filters(q):
    rows = q("SELECT column_name FROM information_schema.columns WHERE table_name = 'pin_analytics' AND required_filter")
    assert rows == [("pin_id",)]


def test_separate_connections_in_threads(emulator):
    import concurrent.futures

    import pinsql

    def count(table):
        with pinsql.connect(**emulator.connection_properties()) as c:
            cur = c.cursor()
            cur.execute(f"SELECT count(*) FROM {table}")
            return cur.fetchone()[0]

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        got = list(pool.map(count, ["boards", "ad_accounts", "boards", "ad_accounts"]))
    n_boards, n_accounts = len(emulator.data.boards()), len(emulator.data.ad_accounts())
    assert got == [n_boards, n_accounts, n_boards, n_accounts]


def test_statements_bind_before_any_call_over_twins_of_the_columns_they_name(conn, emulator):
    """The pre-call bind uses empty twins of only the named columns (181 analytics columns cost 5-7 ms
    to create); a statement that reaches every column gets the whole twin."""
    emulator.clear_log()
    cur = conn.cursor()
    cur.execute("EXPLAIN SELECT campaign_id, SUM(spend_in_micro_dollar) FROM campaign_analytics "
                "WHERE campaign_id = '1' AND date >= current_date - 3 GROUP BY 1")
    cur.execute("EXPLAIN SELECT * FROM campaigns ORDER BY name")  # a plain SELECT * binds nothing (passthrough)
    twins = dict(conn._engine.duck.execute(
        "SELECT table_name, count(*) FROM duckdb_columns() WHERE table_name LIKE '__pinsql_empty%' GROUP BY 1").fetchall())
    analytics = [n for n in twins if n.startswith("__pinsql_empty_campaign_analytics")]
    assert [twins[n] for n in analytics] == [3]  # campaign_id, spend_in_micro_dollar, date
    assert twins["__pinsql_empty_campaigns"] == len(load_catalog().table("campaigns").columns)
    assert emulator.request_log.snapshot() == []  # EXPLAIN: bound and planned, no call
