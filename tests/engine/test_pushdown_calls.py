"""Exact API call counts for the pushdown cases, against the emulator over HTTP."""

from __future__ import annotations

import datetime as dt
import math

import pytest

import pinsql
from http_helpers import execute_logged


@pytest.fixture
def run(conn, emulator):
    """Execute SQL; returns (rows, API calls of that statement as seen by the emulator)."""

    def run(sql, params=None):
        rows, _ = execute_logged(conn, emulator, sql, params)
        return rows, emulator.calls()

    return run


@pytest.fixture(scope="module")
def account(emulator):
    return emulator.data.main_ad_account_id()


@pytest.fixture(scope="module")
def campaigns(emulator, account):
    return emulator.data.campaigns(account)


def requests_under(emulator, prefix):
    return [r for r in emulator.request_log.snapshot() if r.path.startswith(prefix)]


def test_select_1_makes_no_call(run):
    assert run("SELECT 1") == ([(1,)], 0)


def test_one_campaign_by_id_is_one_call(run, campaigns):
    rows, calls = run("SELECT id, name FROM campaigns WHERE id = ?", [campaigns[7]["id"]])
    assert rows == [(campaigns[7]["id"], campaigns[7]["name"])]
    assert calls == 1


def test_600_campaign_ids_are_three_calls(run, campaigns, emulator):
    ids = [c["id"] for c in campaigns[:300]] + [str(10**17 + i) for i in range(300)]  # 600 distinct ids
    rows, calls = run(f"SELECT id FROM campaigns WHERE id IN ({', '.join('?' * len(ids))})", ids)
    assert sorted(r[0] for r in rows) == sorted(c["id"] for c in campaigns[:300])
    assert calls == 3
    sent = [len(r.query["campaign_ids"]) for r in requests_under(emulator, "/ad_accounts")]
    assert sorted(sent) == [100, 250, 250]


def test_all_campaigns_are_pages_of_250_with_every_status(run, campaigns, emulator):
    rows, calls = run("SELECT count(*) FROM campaigns")
    assert rows == [(len(campaigns),)]
    assert calls == math.ceil(len(campaigns) / 250)
    first = requests_under(emulator, "/ad_accounts")[0]
    assert sorted(first.query["entity_statuses"]) == sorted(["ACTIVE", "PAUSED", "ARCHIVED", "DRAFT", "DELETED_DRAFT"])
    assert first.query["page_size"] == ["250"]


def test_limit_stops_paging(run, campaigns, emulator):
    rows, calls = run("SELECT id FROM campaigns LIMIT 10")
    assert [r[0] for r in rows] == [c["id"] for c in campaigns[:10]]
    assert calls == 1
    assert requests_under(emulator, "/ad_accounts")[0].query["page_size"] == ["10"]


def test_limit_with_order_by_id_desc_uses_the_api_order(run, campaigns, emulator):
    rows, calls = run("SELECT id FROM campaigns ORDER BY id DESC LIMIT 3")
    assert [r[0] for r in rows] == sorted((c["id"] for c in campaigns), reverse=True)[:3]
    assert calls == 1
    assert requests_under(emulator, "/ad_accounts")[0].query["order"] == ["DESCENDING"]


def test_status_filter_is_sent_to_the_api(run, campaigns, emulator):
    rows, calls = run("SELECT id FROM campaigns WHERE status = 'ARCHIVED'")
    assert sorted(r[0] for r in rows) == sorted(c["id"] for c in campaigns if c["status"] == "ARCHIVED")
    assert calls == 1
    assert requests_under(emulator, "/ad_accounts")[0].query["entity_statuses"] == ["ARCHIVED"]


def test_contradiction_makes_no_call(run, conn):
    rows, calls = run("SELECT * FROM campaigns WHERE id = '1' AND id = '2'")
    assert rows == [] and calls == 0
    cur = conn.cursor()
    cur.execute("SELECT id, name FROM campaigns WHERE status = 'NOPE'")
    assert [d.name for d in cur.description] == ["id", "name"] and cur.fetchall() == []


def test_board_pins_for_one_board_reads_only_that_board(run, emulator):
    board = emulator.data.boards()[3]
    expected = emulator.data.board_pins(board["id"])
    rows, calls = run("SELECT id FROM board_pins WHERE board_id = ?", [board["id"]])
    assert sorted(r[0] for r in rows) == sorted(p["id"] for p in expected)
    assert calls == max(1, math.ceil(len(expected) / 250))
    assert {r.path for r in emulator.request_log.snapshot()} == {f"/boards/{board['id']}/pins"}


def test_board_pins_fan_out_over_boards(run, emulator):
    boards = emulator.data.boards()
    expected = sum(len(emulator.data.board_pins(b["id"])) for b in boards)
    rows, calls = run("SELECT count(*) FROM board_pins")
    assert rows == [(expected,)]
    pages = sum(max(1, math.ceil(len(emulator.data.board_pins(b["id"])) / 250)) for b in boards)
    assert calls == math.ceil(len(boards) / 250) + pages


def test_parent_list_is_memoised_per_connection(run, emulator):
    run("SELECT count(*) FROM board_pins")
    _, calls = run("SELECT count(*) FROM board_pins")
    assert not requests_under(emulator, "/boards?") and all(r.path != "/boards" for r in emulator.request_log.snapshot())
    assert calls == sum(max(1, math.ceil(len(emulator.data.board_pins(b["id"])) / 250)) for b in emulator.data.boards())


def test_semi_join_analytics_calls(run, campaigns, emulator):
    active = [c["id"] for c in campaigns if c["status"] == "ACTIVE"]
    _, calls = run(
        "SELECT count(DISTINCT a.campaign_id) FROM campaigns c JOIN campaign_analytics a ON a.campaign_id = c.id "
        "WHERE c.status = 'ACTIVE'"
    )
    analytics = requests_under(emulator, "/ad_accounts/" + campaigns[0]["ad_account_id"] + "/campaigns/analytics")
    windows = 1  # the default 30-day window
    assert len(analytics) == math.ceil(len(active) / 250) * windows
    assert calls == math.ceil(len(active) / 250) + len(analytics)
    sent = {i for r in analytics for i in r.query["campaign_ids"]}
    assert sent == set(active)
    assert analytics[0].query["columns"] == ["SPEND_IN_MICRO_DOLLAR"] or analytics[0].query["columns"]


def test_analytics_ask_only_for_projected_metrics_and_split_windows(run, campaigns, emulator):
    cid = campaigns[0]["id"]
    import datetime as dt

    today = dt.datetime.now(dt.timezone.utc).date()
    start = today - dt.timedelta(days=90)
    rows, calls = run(
        "SELECT date, impression_1 FROM campaign_analytics WHERE campaign_id = ? AND date >= ?", [cid, start]
    )
    assert calls == 1  # 91 days: end_date - start_date = 90 is one legal window
    (req,) = requests_under(emulator, "/ad_accounts")
    assert req.query["columns"] == ["IMPRESSION_1"]
    assert req.query["start_date"] == [start.isoformat()] and req.query["end_date"] == [today.isoformat()]
    ref = emulator.data.analytics.rows("campaign", [cid], start, today, ["IMPRESSION_1"], "DAY")
    assert sorted((r[0].isoformat(), r[1]) for r in rows) == sorted((x["DATE"], x.get("IMPRESSION_1")) for x in ref)


def test_explain_makes_no_call(run):
    rows, calls = run("EXPLAIN SELECT * FROM campaign_analytics")
    assert calls == 0
    assert [r[1] for r in rows] == ["campaign_analytics"]


@pytest.fixture(scope="module")
def small_board(emulator):
    boards = [b for b in emulator.data.boards() if emulator.data.board_pins(b["id"])]
    return min(boards, key=lambda b: len(emulator.data.board_pins(b["id"])))


def test_in_subquery_keys_feed_pin_analytics(run, emulator, small_board):
    pins = emulator.data.board_pins(small_board["id"])
    rows, calls = run(
        "SELECT count(DISTINCT pin_id) FROM pin_analytics WHERE pin_id IN (SELECT id FROM board_pins WHERE board_id = ?)",
        [small_board["id"]],
    )
    analytics = requests_under(emulator, "/pins/")
    assert {r.path for r in analytics} == {f"/pins/{p['id']}/analytics" for p in pins}
    assert calls == 1 + len(pins)
    assert rows[0][0] <= len(pins)


def test_join_keys_feed_pin_analytics_like_the_subquery(run, small_board):
    a, calls_a = run(
        "SELECT sum(a.impression) FROM board_pins p JOIN pin_analytics a ON a.pin_id = p.id WHERE p.board_id = ?",
        [small_board["id"]],
    )
    b, calls_b = run(
        "SELECT sum(impression) FROM pin_analytics WHERE pin_id IN (SELECT id FROM board_pins WHERE board_id = ?)",
        [small_board["id"]],
    )
    assert a == b and calls_a == calls_b


def test_targeting_analytics_with_a_targeting_type(run, campaigns, emulator):
    cid = campaigns[2]["id"]
    rows, calls = run(
        "SELECT DISTINCT targeting_type FROM campaign_targeting_analytics WHERE campaign_id = ? AND targeting_type = 'GENDER'",
        [cid],
    )
    assert calls == 1
    assert rows in ([("GENDER",)], [])
    (req,) = requests_under(emulator, "/ad_accounts")
    assert req.query["targeting_types"] == ["GENDER"]


def test_limit_over_a_fan_out_stops_starting_requests(run, emulator, conn):
    batch = conn.client.props.max_concurrency  # requests start in batches of MaxConcurrency
    rows, calls = run("SELECT id, board_id FROM board_pins LIMIT 5")
    assert len(rows) == 5
    assert calls <= 1 + batch < 1 + len(emulator.data.boards())


def test_bad_column_fails_before_any_call(run, emulator):
    import pinsql

    emulator.clear_log()
    with pytest.raises(pinsql.ProgrammingError, match="nme"):
        run("SELECT nme FROM board_pins")
    assert emulator.calls() == 0


def test_limit_applies_to_analytics_scans(conn):
    cur = conn.cursor()
    cur.execute("SELECT campaign_id, date FROM campaign_analytics LIMIT 5")
    assert len(cur.fetchall()) == 5
    assert cur.query_plan[-1].limit == 5  # fan-out requests start in batches and stop once 5 rows are in


# --------------------------------------------------------------------------
# Values the API would reject are never sent; numbers compare as in DuckDB


def _duckdb_ids(ids, where, params=()):
    """The ids DuckDB itself keeps for ``where`` over a VARCHAR id column (the fetch-everything answer)."""
    import duckdb

    con = duckdb.connect()
    con.execute("CREATE TABLE t (id VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?)", [[i] for i in ids])
    return sorted(r[0] for r in con.execute(f"SELECT id FROM t WHERE {where}", list(params)).fetchall())


@pytest.mark.parametrize(
    "where, params, calls",
    [
        ("id = 'x'", [], 0),
        ("id IN ('x', '-1', '12\n')", [], 0),
        ("id IN ('x', ?, ?)", ["first", "second"], 1),  # only the two ids are sent, in one call
        ("id = ?", ["first:int"], 1),  # a number compared with the VARCHAR id, as DuckDB compares them
        ("id IN (?, ?)", ["first:int", "second:int"], 1),
    ],
)
def test_query_list_values_the_api_rejects_are_not_sent(run, campaigns, emulator, where, params, calls):
    values = {"first": campaigns[0]["id"], "second": campaigns[1]["id"]}
    bound = [int(values[p[:-4]]) if p.endswith(":int") else values[p] for p in params]
    rows, served = run(f"SELECT id FROM campaigns WHERE {where}", bound)
    assert sorted(r[0] for r in rows) == _duckdb_ids([c["id"] for c in campaigns], where, bound)
    assert served == calls
    for r in requests_under(emulator, "/ad_accounts"):
        assert sorted(r.query["campaign_ids"]) == sorted(str(v) for v in bound)


def test_path_values_the_api_rejects_are_not_sent(run, emulator):
    pin = emulator.data.pins()[5]
    rows, calls = run("SELECT id FROM pins WHERE id = 'not-a-pin'")
    assert rows == [] and calls == 0
    rows, calls = run("SELECT id, title FROM pins WHERE id IN ('not-a-pin', ?, '')", [pin["id"]])
    assert rows == [(pin["id"], pin["title"])] and calls == 1
    assert [r.path for r in emulator.request_log.snapshot()] == [f"/pins/{pin['id']}"]
    rows, calls = run("SELECT count(*) FROM board_pins WHERE board_id = 'my board'")
    assert rows == [(0,)] and calls == 0  # no fan-out over every board either


def test_semi_join_keys_the_api_rejects_are_not_sent(run, emulator):
    rows, calls = run("SELECT count(*) FROM board_pins WHERE board_id IN (SELECT name FROM boards)")
    assert rows == [(0,)]
    assert calls == 1 and [r.path for r in emulator.request_log.snapshot()] == ["/boards"]


# --------------------------------------------------------------------------
# Scalar subqueries feed semi-join keys


def test_scalar_subquery_reads_only_the_board_it_names(run, emulator):
    first = min(b["id"] for b in emulator.data.boards())
    expected = sorted(p["id"] for p in emulator.data.pins() if p["board_id"] == first)
    rows, calls = run("SELECT id FROM pins WHERE board_id = (SELECT id FROM boards ORDER BY id LIMIT 1)")
    assert sorted(r[0] for r in rows) == expected and expected
    paths = [r.path for r in emulator.request_log.snapshot()]
    assert set(paths) == {"/boards", f"/boards/{first}/pins"}  # never the full /pins list
    pages = max(1, math.ceil(len(emulator.data.board_pins(first)) / 250))
    assert calls == math.ceil(len(emulator.data.boards()) / 250) + pages


def test_in_subquery_with_order_and_limit_reads_only_those_boards(run, emulator):
    boards = sorted(emulator.data.boards(), key=lambda b: b["name"], reverse=True)
    cut = boards[1]["name"]
    chosen = {b["id"] for b in boards if b["name"] >= cut}  # ties on name are all kept
    rows, calls = run(
        "SELECT count(*) FROM pins WHERE board_id IN (SELECT id FROM boards ORDER BY name DESC LIMIT 2)"
    )
    assert rows == [(sum(p["board_id"] in chosen for p in emulator.data.pins()),)]
    assert {r.path for r in emulator.request_log.snapshot()} == {"/boards"} | {f"/boards/{b}/pins" for b in chosen}
    assert calls == 1 + sum(max(1, math.ceil(len(emulator.data.board_pins(b)) / 250)) for b in chosen)


def test_relative_dates_are_not_cut_to_the_default_window(run, campaigns, emulator):
    import datetime as dt

    cid = campaigns[0]["id"]
    today = dt.datetime.now(dt.timezone.utc).date()
    start = today - dt.timedelta(days=60)
    ref = emulator.data.analytics.rows("campaign", [cid], start, today, ["IMPRESSION_1"], "DAY")
    for where in ("date >= current_date - 60", "date >= current_date - INTERVAL 2 MONTH AND date >= current_date - 60"):
        rows, calls = run(f"SELECT date, impression_1 FROM campaign_analytics WHERE campaign_id = ? AND {where}", [cid])
        assert sorted((r[0].isoformat(), r[1]) for r in rows) == sorted((x["DATE"], x.get("IMPRESSION_1")) for x in ref)
        assert calls == 1
    rows, _ = run("SELECT min(date) FROM campaign_analytics WHERE campaign_id = ? AND date >= current_date - INTERVAL 2 MONTH",
                  [cid])
    assert rows[0][0] <= today - dt.timedelta(days=40)  # every day the API serves, not the last 30


def test_unfiltered_join_lists_both_tables_instead_of_sending_every_key(run, campaigns, emulator, account):
    """Keys from an unfiltered side cannot narrow the other list: listing it is cheaper than chunks of them."""
    groups = emulator.data.ad_groups(account)
    rows, calls = run("SELECT c.id, count(g.id) FROM campaigns c LEFT JOIN ad_groups g ON g.campaign_id = c.id GROUP BY c.id")
    expected: dict[str, int] = {c["id"]: 0 for c in campaigns}
    for g in groups:
        expected[g["campaign_id"]] += 1
    assert dict(rows) == expected
    assert calls == math.ceil(len(campaigns) / 250) + math.ceil(len(groups) / 250)
    assert not any("campaign_ids" in r.query for r in requests_under(emulator, f"/ad_accounts/{account}/ad_groups"))


def test_filtered_join_still_sends_the_keys(run, campaigns, emulator, account):
    paused = [c["id"] for c in campaigns if c["status"] == "PAUSED"]
    rows, calls = run("SELECT g.id FROM campaigns c JOIN ad_groups g ON g.campaign_id = c.id WHERE c.status = 'PAUSED'")
    assert sorted(r[0] for r in rows) == sorted(g["id"] for g in emulator.data.ad_groups(account) if g["campaign_id"] in set(paused))
    sent = {i for r in requests_under(emulator, f"/ad_accounts/{account}/ad_groups") for i in r.query["campaign_ids"]}
    assert sent == set(paused)


def paged(emulator, **extra):
    """A connection that reads 10 rows a page (several pages per list) and counts every call."""
    return pinsql.connect(**emulator.connection_properties(), AdAccountId=emulator.data.main_ad_account_id(),
                          CacheTTL=0, PageSize=10, **extra)


SECTIONS_OF_ALL_BOARDS = "SELECT count(*) FROM board_sections WHERE board_id IN (SELECT id FROM boards)"


def section_count(emulator):
    return sum(len(emulator.data.board_sections(b["id"])) for b in emulator.data.boards())


@pytest.fixture
def paged_conn(emulator):
    """Small pages and 30 ms a call, so a scan's pages arrive one by one."""
    c = paged(emulator)
    emulator.faults.latency = 0.03
    try:
        yield c
    finally:
        emulator.faults.latency = 0.0
        c.close()


def test_semi_join_keys_are_sent_as_the_source_pages_arrive(paged_conn, emulator):
    """Sections of the boards a subquery names are asked for while later pages of boards are still coming."""
    boards = emulator.data.boards()
    sql = "SELECT s.board_id, count(*) FROM board_sections s WHERE s.board_id IN (SELECT id FROM boards) GROUP BY 1"
    execute_logged(paged_conn, emulator, sql)  # once cold: a process's first JSON read in DuckDB is slow
    rows, log = execute_logged(paged_conn, emulator, sql)
    sections = {b["id"]: len(emulator.data.board_sections(b["id"])) for b in boards}
    assert sorted(rows) == sorted((b, n) for b, n in sections.items() if n)
    board_pages = [i for i, r in enumerate(log) if r.path == "/boards"]
    section_calls = [i for i, r in enumerate(log) if r.path.endswith("/sections")]
    assert len(board_pages) == math.ceil(len(boards) / 10)
    assert len(section_calls) == sum(max(1, math.ceil(n / 10)) for n in sections.values())
    assert section_calls[0] < board_pages[-1]  # the first boards' sections came before the last boards page


def test_semi_join_chunks_fill_across_source_pages(paged_conn, emulator, campaigns):
    """Analytics ids are sent 250 per call as campaign pages arrive: the calls are those of the whole list."""
    active = [c["id"] for c in campaigns if c["status"] != "DRAFT"]
    assert len(active) > 250  # more than one chunk, and more than one page per chunk
    today = dt.datetime.now(dt.timezone.utc).date()
    rows, log = execute_logged(
        paged_conn, emulator,
        "SELECT campaign_id, sum(impression_1) FROM campaign_analytics WHERE campaign_id IN "
        "(SELECT id FROM campaigns WHERE status <> 'DRAFT') AND date = ? GROUP BY 1", [today])
    analytics = [r for r in log if r.path.endswith("/campaigns/analytics")]
    sizes = sorted(len(r.query["campaign_ids"]) for r in analytics)
    assert sizes == sorted([250] * (len(active) // 250) + ([len(active) % 250] if len(active) % 250 else []))
    assert {i for r in analytics for i in r.query["campaign_ids"]} == set(active)
    ref = emulator.data.analytics.rows("campaign", active, today, today, ["IMPRESSION_1"], "DAY")
    expected = {}
    for r in ref:
        key = str(r["CAMPAIGN_ID"])  # the API sends some ids as numbers
        expected[key] = expected.get(key, 0) + r["IMPRESSION_1"]
    assert dict(rows) == expected


def test_non_row_wise_subquery_keys_wait_for_the_whole_source(run, emulator):
    """ORDER BY ... LIMIT in the subquery: its keys depend on every row, so no call starts early."""
    rows, calls = run("SELECT count(*) FROM board_pins WHERE board_id IN (SELECT id FROM boards ORDER BY name LIMIT 2)")
    first_two = sorted(emulator.data.boards(), key=lambda b: b["name"])[:2]
    assert rows == [(sum(len(emulator.data.board_pins(b["id"])) for b in first_two),)]


def test_a_failed_call_of_a_follower_fails_the_statement(emulator):
    """No partial result when one of the calls a follower sends fails (here: every sections call)."""
    with paged(emulator, MaxRetries=0) as conn:
        cur = conn.cursor()
        try:
            emulator.faults.path_prefix = "/boards/"  # the sections of each board, not the boards list
            emulator.faults.error_rate = 1.0
            with pytest.raises(pinsql.DatabaseError):
                cur.execute(SECTIONS_OF_ALL_BOARDS)
        finally:
            emulator.faults.reset()
        assert cur.execute(SECTIONS_OF_ALL_BOARDS).fetchall() == [(section_count(emulator),)]


@pytest.mark.timeout(60)
def test_followers_work_on_a_single_thread(emulator):
    """MaxConcurrency=1: the source's own thread takes its pages, then the follower's calls run."""
    with paged(emulator, MaxConcurrency=1) as conn:
        rows, log = execute_logged(conn, emulator, SECTIONS_OF_ALL_BOARDS)
    assert rows == [(section_count(emulator),)]
    assert [r.path for r in log[:3]] == ["/boards"] * 3  # one thread: the pages first, then the sections
