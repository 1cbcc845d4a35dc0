"""Planner unit tests: SQL in, planned scans out (no network, no client)."""

from __future__ import annotations

import datetime as dt

import pytest
from planner_helpers import TODAY, binding, plan_sql

from pinsql.exceptions import DataError, ProgrammingError


def only(scans):
    assert len(scans) == 1
    return scans[0]


def test_plain_scan_uses_list_endpoint_with_connection_account_and_all_statuses():
    s = only(plan_sql("SELECT * FROM campaigns"))
    assert s.endpoint.name == "list"
    assert binding(s, "ad_account_id").kind == "connection"
    assert binding(s, "id") is None and binding(s, "status") is None
    assert s.limit is None and not s.empty
    # the schema's defaults (every status) are what the scan sends when WHERE says nothing
    assert list(s.endpoint.defaults["entity_statuses"]) == ["ACTIVE", "PAUSED", "ARCHIVED", "DRAFT", "DELETED_DRAFT"]


def test_id_equality_uses_one_call():
    s = only(plan_sql("SELECT * FROM campaigns WHERE id = '42'"))
    assert s.estimate == 1
    assert binding(s, "id").values == ("42",)


def test_id_list_is_chunked_into_fewest_calls():
    ids = [str(10**17 + i) for i in range(600)]
    s = only(plan_sql(f"SELECT * FROM campaigns WHERE id IN ({', '.join(repr(i) for i in ids)})"))
    assert s.endpoint.name == "list"  # 3 calls of 250 ids, not 600 get-by-id calls
    assert s.estimate == 3


def test_long_literal_lists_are_planned_whole_and_left_as_written():
    """Long IN lists skip the planner's copy and qualify (a speed-up): every value still counts."""
    from sqlglot import exp

    from pinsql.catalog import load_catalog
    from pinsql.engine.params import parse
    from pinsql.engine.planner import plan_statement
    from pinsql.engine.references import resolve

    a = [str(10**17 + i) for i in range(300)]
    b = [str(10**17 + i) for i in range(200, 700)]
    sql = (f"SELECT c.id FROM campaigns c WHERE c.id IN ({', '.join(map(repr, a))}) "
           f"AND c.id IN ({', '.join(map(repr, b))}) AND c.ad_account_id IN (SELECT id FROM ad_accounts "
           f"WHERE id IN ({', '.join(map(repr, b))}))")
    tree, _ = parse(sql)
    refs, _ = resolve(tree, load_catalog(), set())
    before = tree.sql("duckdb")
    scans = plan_statement(tree, refs, today=TODAY)
    assert tree.sql("duckdb") == before and all(len(n.expressions) in (300, 500) for n in tree.find_all(exp.In)
                                                   if n.expressions)
    camp = next(s for s in scans if s.ref.table.name == "campaigns")
    assert binding(camp, "id").values == tuple(sorted(set(a) & set(b)))  # both lists applied: 100 ids
    accounts = next(s for s in scans if s.ref.table.name == "ad_accounts")
    assert binding(accounts, "id") is None  # one list call beats 500 get-by-id calls ...
    lists = [n for c in accounts.local_conjuncts for n in c.find_all(exp.In)]
    assert [len(n.expressions) for n in lists] == [500]  # ... and the list is re-applied to its rows
    assert all(lit.parent is lists[0] for lit in lists[0].expressions)


def test_get_by_id_chosen_when_it_is_the_only_id_path():
    s = only(plan_sql("SELECT * FROM boards WHERE id IN ('1', '2')"))
    assert s.endpoint.name == "get"
    assert binding(s, "id").values == ("1", "2")


def test_numbers_compared_with_id_columns_are_sent_as_text():
    s = only(plan_sql("SELECT * FROM campaigns WHERE id = 42"))
    assert binding(s, "id").values == ("42",)


@pytest.mark.parametrize(
    "where",
    [
        "id = '1' AND id = '2'",
        "id IN ()" if False else "id IN ('1') AND id IN ('2', '3')",
        "status = 'NOT_A_STATUS'",
        "ad_account_id = 'a' AND ad_account_id = 'b'",
    ],
)
def test_contradictions_plan_no_call(where):
    s = only(plan_sql(f"SELECT * FROM campaigns WHERE {where}"))
    assert s.empty and s.estimate == 0


def test_analytics_end_before_start_is_empty():
    s = only(plan_sql("SELECT * FROM campaign_analytics WHERE campaign_id = '1' AND date >= '2026-11-20' AND date < '2026-11-10'"))
    assert s.empty


def test_status_filter_goes_to_entity_statuses():
    s = only(plan_sql("SELECT * FROM campaigns WHERE status IN ('ACTIVE', 'PAUSED')"))
    assert binding(s, "status").values == ("ACTIVE", "PAUSED")


def test_or_across_columns_is_not_pushed():
    s = only(plan_sql("SELECT * FROM campaigns WHERE id = '1' OR status = 'ACTIVE'"))
    assert binding(s, "id") is None and binding(s, "status") is None


def test_or_of_values_on_one_column_is_an_in_list():
    s = only(plan_sql("SELECT * FROM campaigns WHERE (id = '1' OR id = '2') OR id IN ('3')"))
    assert binding(s, "id").values == ("1", "2", "3")
    s = only(plan_sql("SELECT * FROM (SELECT * FROM campaigns) v WHERE status = 'ACTIVE' OR status = 'PAUSED'"))
    assert binding(s, "status").values == ("ACTIVE", "PAUSED")


def test_functions_of_columns_are_not_pushed():
    s = only(plan_sql("SELECT * FROM campaigns WHERE lower(id) = '1'"))
    assert binding(s, "id") is None


def test_limit_pushed_on_single_table():
    s = only(plan_sql("SELECT id FROM campaigns LIMIT 10"))
    assert s.limit == 10
    s = only(plan_sql("SELECT id FROM campaigns WHERE status = 'ACTIVE' LIMIT 5 OFFSET 5"))
    assert s.limit == 10


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT count(*) FROM (SELECT * FROM campaigns) t LIMIT 10",
        "SELECT status, count(*) FROM campaigns GROUP BY status LIMIT 1",
        "SELECT DISTINCT status FROM campaigns LIMIT 1",
        "SELECT id FROM campaigns WHERE name LIKE 'a%' LIMIT 1",
        "SELECT id FROM campaigns ORDER BY name LIMIT 1",
        "SELECT id, row_number() OVER () FROM campaigns LIMIT 1",
    ],
)
def test_limit_not_pushed_when_more_rows_are_needed(sql):
    assert all(s.limit is None for s in plan_sql(sql))


def test_limit_under_order_by_id_uses_api_order():
    s = only(plan_sql("SELECT id FROM campaigns ORDER BY id DESC LIMIT 3"))
    assert s.limit == 3 and s.order == ("id", True)
    s = only(plan_sql("SELECT id FROM boards ORDER BY id LIMIT 3"))  # /boards has no order
    assert s.limit is None


def test_predicates_reach_scans_through_superset_virtual_tables():
    sql = (
        "SELECT status, count(*) AS n FROM (SELECT * FROM campaigns) AS virtual_table "
        "WHERE id IN ('1', '2') GROUP BY status LIMIT 10000"
    )
    s = only(plan_sql(sql))
    assert binding(s, "id").values == ("1", "2")


def test_predicates_reach_scans_through_ctes():
    s = only(plan_sql("WITH c AS (SELECT id, status FROM campaigns) SELECT * FROM c WHERE status = 'PAUSED'"))
    assert binding(s, "status").values == ("PAUSED",)


def test_cte_name_shadows_catalog_table():
    scans = plan_sql("WITH boards AS (SELECT 1 AS id) SELECT * FROM boards")
    assert scans == []


def test_bound_parameters_are_pushed():
    s = only(plan_sql("SELECT * FROM campaigns WHERE id = ? AND status = ?", ["7", "ACTIVE"]))
    assert binding(s, "id").values == ("7",) and binding(s, "status").values == ("ACTIVE",)


def test_parent_key_reads_one_board():
    s = only(plan_sql("SELECT * FROM board_pins WHERE board_id = '5'"))
    assert s.endpoint.name == "board_pins"
    assert binding(s, "board_id").values == ("5",)


def test_child_without_parent_key_fans_out_over_parent():
    s = only(plan_sql("SELECT * FROM board_pins"))
    b = binding(s, "board_id")
    assert b.kind == "parent" and b.parent == ("boards", "id")
    assert "per board" in s.estimate_text


def test_analytics_defaults():
    s = only(plan_sql("SELECT date, spend_in_micro_dollar FROM campaign_analytics WHERE campaign_id = '9'"))
    d = binding(s, "date")
    assert d.windows == ((TODAY - dt.timedelta(days=29), TODAY),)  # default_days = 30
    assert s.metrics == ["SPEND_IN_MICRO_DOLLAR"]  # only projected metrics
    assert binding(s, "granularity").values == ("DAY",)


def test_analytics_date_range_split_into_legal_windows():
    s = only(plan_sql(
        "SELECT * FROM campaign_analytics WHERE campaign_id IN ('1','2') AND date BETWEEN '2026-09-01' AND '2026-11-29'"
    ))
    assert binding(s, "date").windows == ((dt.date(2026, 9, 1), dt.date(2026, 11, 29)),)
    s = only(plan_sql(
        "SELECT * FROM campaign_analytics WHERE campaign_id = '1' AND date >= DATE '2026-08-31'"
    ))
    assert len(binding(s, "date").windows) == 1


def test_superset_string_timestamp_literals_are_pushed_as_dates():
    s = only(plan_sql(
        "SELECT * FROM campaign_analytics WHERE campaign_id = '1' "
        "AND date >= '2026-10-01 00:00:00.000000' AND date < CAST('2026-11-01 00:00:00' AS TIMESTAMP)"
    ))
    assert binding(s, "date").windows == ((dt.date(2026, 10, 1), dt.date(2026, 11, 1)),)


def test_analytics_beyond_lookback_is_a_data_error():
    with pytest.raises(DataError, match="earliest allowed date is 2026-08-31"):
        plan_sql("SELECT * FROM campaign_analytics WHERE campaign_id = '1' AND date >= '2025-01-01'")


def test_analytics_entirely_older_than_the_api_serves_is_a_data_error():
    with pytest.raises(DataError, match="earliest allowed date"):
        plan_sql("SELECT * FROM campaign_analytics WHERE campaign_id = '1' AND date <= '2025-01-01'")


def test_analytics_without_ids_fans_out_over_campaigns():
    s = only(plan_sql("SELECT * FROM campaign_analytics"))
    b = binding(s, "campaign_id")
    assert b.kind == "parent" and b.parent == ("campaigns", "id")


def test_enum_setting_outside_values_is_empty():
    s = only(plan_sql("SELECT * FROM campaign_analytics WHERE campaign_id = '1' AND granularity = 'YEAR'"))
    assert s.empty


def test_semi_join_keys_flow_from_filtered_campaigns_to_analytics():
    scans = plan_sql(
        "SELECT c.name, sum(a.spend_in_micro_dollar) FROM campaigns c JOIN campaign_analytics a "
        "ON a.campaign_id = c.id WHERE c.status = 'ACTIVE' GROUP BY 1"
    )
    c, a = scans
    assert binding(c, "status").values == ("ACTIVE",)
    b = binding(a, "campaign_id")
    assert b.kind == "semijoin" and b.source.other == c.ref.id
    assert a.depends_on == [c.ref.id]


def test_get_by_id_per_key_join_only_when_cheaper_than_a_full_list():
    p, b = plan_sql("SELECT * FROM board_pins p JOIN boards b ON b.id = p.board_id WHERE p.board_id = '3'")
    assert binding(p, "board_id").values == ("3",)
    assert b.endpoint.name == "get" and binding(b, "id").kind == "semijoin"  # one key: one call
    p, b = plan_sql(
        "SELECT * FROM board_pins p JOIN boards b ON b.id = p.board_id WHERE p.board_id IN ('1', '2', '3', '4')"
    )
    assert b.endpoint.name == "list"  # four gets cost more than listing the boards


def test_missing_required_filter_names_the_where_clause():
    with pytest.raises(ProgrammingError, match=r"pin_analytics needs .*WHERE pin_id = '\.\.\.' or pin_id IN"):
        plan_sql("SELECT * FROM pin_analytics")


def test_left_join_on_conditions_do_not_narrow_the_preserved_side():
    c, _ = plan_sql(
        "SELECT * FROM campaigns c LEFT JOIN ad_groups a ON a.campaign_id = c.id AND c.status = 'ACTIVE'"
    )
    assert binding(c, "status") is None


def test_hourly_analytics_use_the_hourly_limits():
    s = only(plan_sql(
        "SELECT * FROM campaign_analytics WHERE campaign_id = '1' AND granularity = 'HOUR' AND date >= '2026-11-22'"
    ))
    assert binding(s, "date").windows == (
        (dt.date(2026, 11, 22), dt.date(2026, 11, 25)),
        (dt.date(2026, 11, 26), dt.date(2026, 11, 29)),
    )
    with pytest.raises(DataError, match="8 days"):
        plan_sql("SELECT * FROM campaign_analytics WHERE campaign_id = '1' AND granularity = 'HOUR' AND date >= '2026-11-01'")


def test_where_false_plans_no_call():
    s = only(plan_sql("SELECT * FROM campaigns WHERE FALSE"))
    assert s.empty


def test_explain_rows_do_not_need_the_api():
    from pinsql.engine.explain import explain_table

    t = explain_table(plan_sql("SELECT * FROM board_pins"))
    row = t.to_pylist()[0]
    assert row["table_name"] == "board_pins" and row["endpoint"] == "GET /boards/{board_id}/pins"
    assert row["estimated_calls"].startswith("1 + N per board")


@pytest.mark.parametrize(
    "sql, status, limit",
    [
        # a filter above a LIMIT or a window must not narrow what the subquery reads
        ("SELECT * FROM (SELECT * FROM campaigns LIMIT 10) t WHERE status = 'ACTIVE'", None, 10),
        ("SELECT * FROM (SELECT *, row_number() OVER () AS rn FROM campaigns) t WHERE status = 'ACTIVE'", None, None),
        ("SELECT * FROM (SELECT *, lag(id) OVER (ORDER BY id) p FROM campaigns QUALIFY p IS NOT NULL) t WHERE status = 'ACTIVE'",
         None, None),
        # safe: group keys, DISTINCT, UNION branches, plain virtual tables
        ("SELECT * FROM (SELECT status, count(*) n FROM campaigns GROUP BY status) t WHERE status = 'ACTIVE'", ("ACTIVE",), None),
        ("SELECT * FROM (SELECT DISTINCT status FROM campaigns) t WHERE status = 'ACTIVE'", ("ACTIVE",), None),
        ("SELECT * FROM (SELECT * FROM campaigns) t WHERE status = 'ACTIVE' LIMIT 3", ("ACTIVE",), 3),
        ("SELECT * FROM (SELECT * FROM (SELECT * FROM campaigns) a) b WHERE status = 'ACTIVE' LIMIT 3", ("ACTIVE",), 3),
    ],
)
def test_predicates_and_limits_move_into_subqueries_only_when_safe(sql, status, limit):
    s = only(plan_sql(sql))
    b = binding(s, "status")
    assert (b.values if b else None) == status
    assert s.limit == limit


def test_union_branches_each_get_the_filter():
    scans = plan_sql("SELECT * FROM (SELECT * FROM campaigns UNION ALL SELECT * FROM campaigns) t WHERE status = 'ACTIVE'")
    assert [binding(s, "status").values for s in scans] == [("ACTIVE",), ("ACTIVE",)]


def test_cte_used_twice_is_not_narrowed_by_one_use():
    scans = plan_sql(
        "WITH c AS (SELECT * FROM campaigns) SELECT * FROM c x JOIN c y ON x.id = y.id WHERE x.status = 'ACTIVE'"
    )
    assert all(binding(s, "status") is None for s in scans)


def test_virtual_table_requests_only_the_metrics_read_outside():
    s = only(plan_sql(
        "SELECT sum(impression_1) AS imp FROM (SELECT * FROM campaign_analytics WHERE campaign_id = '1') AS virtual_table"
    ))
    assert s.metrics == ["IMPRESSION_1"]


def test_in_subquery_supplies_semi_join_keys():
    scans = plan_sql("SELECT * FROM pin_analytics WHERE pin_id IN (SELECT id FROM pins WHERE title = 'x')")
    a = next(s for s in scans if s.table.name == "pin_analytics")
    p = next(s for s in scans if s.table.name == "pins")
    b = binding(a, "pin_id")
    assert b.kind == "semijoin" and b.source.other == p.ref.id
    assert a.depends_on == [p.ref.id]


def test_duckdb_column_patterns_request_every_metric():
    s = only(plan_sql("SELECT COLUMNS('imp.*') FROM pin_analytics WHERE pin_id = '1'"))
    assert len(s.metrics) == len([c for c in s.table.columns if c.metric])
    s = only(plan_sql("SELECT * EXCLUDE (split_value) FROM pin_analytics WHERE pin_id = '1'"))
    assert len(s.metrics) == len([c for c in s.table.columns if c.metric])


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT to_json(a) FROM campaign_analytics a WHERE campaign_id = '1'",
        "SELECT a FROM campaign_analytics a WHERE campaign_id = '1'",
        "SELECT to_json(v) FROM (SELECT * FROM campaign_analytics WHERE campaign_id = '1') v",
    ],
)
def test_whole_row_references_request_every_metric(sql):
    s = only(plan_sql(sql))
    assert len(s.metrics) == len([c for c in s.table.columns if c.metric])


# --------------------------------------------------------------------------
# Values the API would reject (pattern, enum, type) are never sent


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM campaigns WHERE id = 'x'",  # query-list parameter, ^\d+$
        "SELECT * FROM campaigns WHERE id = '12\n'",  # $ is the very end, as in the spec's regex dialect
        "SELECT * FROM campaigns WHERE id = -5",
        "SELECT * FROM campaigns WHERE id = 1.5",
        "SELECT * FROM campaigns WHERE ad_account_id = 'act-1'",  # path parameter of every endpoint
        "SELECT * FROM pins WHERE id = 'abc'",  # path parameter (get by id)
        "SELECT * FROM board_pins WHERE board_id IN ('a', 'b')",  # required path parameter: no fan-out either
        "SELECT * FROM pins WHERE board_id = '1' AND creative_type = 'regular'",  # enum values are upper case
        "SELECT * FROM campaign_analytics WHERE campaign_id = '1' AND click_window_days = 1.5",  # BIGINT: never equal
    ],
)
def test_values_the_api_rejects_plan_no_call(sql):
    scans = plan_sql(sql)
    assert len(scans) == 1 and scans[0].empty and scans[0].estimate == 0


def test_only_acceptable_values_are_sent():
    s = only(plan_sql("SELECT * FROM campaigns WHERE id IN ('x', '42', '-1', ' 7', '0042')"))
    assert binding(s, "id").values == ("0042", "42")  # leading zeros are digits: the API answers (no row)
    s = only(plan_sql("SELECT * FROM pins WHERE id IN ('abc', '9')"))
    assert s.endpoint.name == "get" and binding(s, "id").values == ("9",) and s.estimate == 1


def test_numbers_are_compared_as_duckdb_does():
    # DuckDB compares VARCHAR = number numerically ('42' = 42): the canonical text is what can match
    assert binding(only(plan_sql("SELECT * FROM campaigns WHERE id = 42.0")), "id").values == ("42",)
    s = only(plan_sql("SELECT * FROM campaign_analytics WHERE campaign_id = 1 AND click_window_days IN ('7', 1.5)"))
    assert binding(s, "click_window_days").values == (7,)
    assert binding(s, "campaign_id").values == ("1",)


def test_scalar_subquery_supplies_one_semi_join_key():
    p, b = plan_sql("SELECT * FROM pins WHERE board_id = (SELECT id FROM boards ORDER BY id LIMIT 1)")
    assert p.endpoint.name == "by_board" and p.estimate == 1
    key = binding(p, "board_id")
    assert key.kind == "semijoin" and key.source.other == b.ref.id and key.source.max_keys == 1
    assert p.depends_on == [b.ref.id]
    # the subquery on its own: every row ranked within the LIMIT (ties included)
    assert "DENSE_RANK() OVER (ORDER BY boards.id)" in key.source.query and "<= 1" in key.source.query


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM pins p WHERE board_id = (SELECT id FROM boards b WHERE b.name = p.title)",  # correlated
        "SELECT * FROM pins WHERE board_id = (SELECT max(id) FROM boards)",  # not a plain column
        "SELECT * FROM pins WHERE board_id = (SELECT 1)",  # no catalog table
    ],
)
def test_scalar_subqueries_that_give_no_keys_keep_the_full_list(sql):
    p = plan_sql(sql)[0]
    assert p.table.name == "pins" and p.endpoint.name == "list"


def test_key_query_is_refused_for_volatile_or_multi_table_subqueries():
    for sql in (
        "SELECT * FROM pins WHERE board_id IN (SELECT id FROM boards WHERE random() < 0.5 ORDER BY id LIMIT 1)",
        ("SELECT * FROM pins WHERE board_id IN (SELECT id FROM boards WHERE id IN (SELECT board_id FROM board_sections "
         "WHERE board_id = '1') ORDER BY id LIMIT 1)"),
    ):
        p = plan_sql(sql)[0]
        key = binding(p, "board_id")
        assert key.kind == "semijoin" and key.source.query is None  # keys: every row passing the subquery's WHERE


# --------------------------------------------------------------------------
# Constant date expressions and dates the planner cannot read


def test_current_date_arithmetic_is_pushed_as_dates():
    today = dt.datetime.now(dt.timezone.utc).date()
    s = only(plan_sql("SELECT * FROM campaign_analytics WHERE campaign_id = '1' AND date >= current_date - 60",
                      today=today))
    assert binding(s, "date").windows == ((today - dt.timedelta(days=60), today),)
    s = only(plan_sql(
        "SELECT * FROM campaign_analytics WHERE campaign_id = '1' "
        "AND date BETWEEN current_date - INTERVAL 2 WEEK AND date_add(current_date, INTERVAL -1 DAY)", today=today))
    assert binding(s, "date").windows == ((today - dt.timedelta(days=14), today - dt.timedelta(days=1)),)


def test_unreadable_date_predicates_fetch_every_day_the_api_serves():
    # a month is no fixed number of days: the planner cannot bound it, so it must not guess 30 days
    s = only(plan_sql(
        "SELECT * FROM campaign_analytics WHERE campaign_id = '1' AND date >= current_date - INTERVAL 2 MONTH"
    ))
    assert binding(s, "date").windows == ((TODAY - dt.timedelta(days=90), TODAY),)
    s = only(plan_sql("SELECT * FROM campaign_analytics WHERE campaign_id = '1'"))  # no dates at all: the default
    assert binding(s, "date").windows == ((TODAY - dt.timedelta(days=29), TODAY),)


def test_top_pins_range_settings_default_to_the_last_30_days():
    s = only(plan_sql("SELECT * FROM top_pins"))
    assert binding(s, "start_date").values == (TODAY - dt.timedelta(days=29),)
    assert binding(s, "end_date").values == (TODAY,)
    assert binding(s, "sort_by").values == ("IMPRESSION",)
    s = only(plan_sql("SELECT * FROM top_pins WHERE start_date IN ('2026-11-01', '2026-11-15') AND end_date = '2026-11-20'"))
    assert binding(s, "start_date").values == (dt.date(2026, 11, 1), dt.date(2026, 11, 15)) and s.estimate == 2


def test_dates_compared_with_other_tables_fetch_every_day_the_api_serves():
    scans = plan_sql(
        "SELECT * FROM campaign_analytics a JOIN (SELECT DATE '2026-09-01' AS d) c ON a.date = c.d "
        "WHERE a.campaign_id = '1'"
    )
    a = next(s for s in scans if s.table.name == "campaign_analytics")
    assert binding(a, "date").windows == ((TODAY - dt.timedelta(days=90), TODAY),)
