"""Analytics numbers hold together the way real reports do (and stay sparse)."""

from __future__ import annotations

import pytest

from pinsql.catalog import load_catalog
from pinsql.emulator.analytics import MODELED_METRICS


@pytest.fixture(scope="module")
def metric_names():
    table = load_catalog().table("campaign_analytics")
    return {c.metric: c.type for c in table.columns if c.metric and c.metric in MODELED_METRICS}


@pytest.fixture(scope="module")
def rows(api, emu, aid, days_ago, metric_names):
    """Every modeled metric of 20 campaigns over two weeks, as the API serves them."""
    campaigns = [c["id"] for c in emu.data.campaigns(aid)[:20]]
    return api.ok(f"/ad_accounts/{aid}/campaigns/analytics", campaign_ids=",".join(campaigns),
                  columns=",".join(sorted(metric_names)), granularity="DAY",
                  start_date=days_ago(13), end_date=days_ago(0))


def test_metric_values_have_the_column_types(rows, metric_names):
    assert len(rows) > 200
    for row in rows:
        for name, value in row.items():
            if name in metric_names:
                expected = int if metric_names[name] == "BIGINT" else (int, float)
                assert isinstance(value, expected) and not isinstance(value, bool), (name, value)


def _v(row, name):
    return row.get(name, 0)


def test_counts_never_exceed_what_they_are_part_of(rows):
    for r in rows:
        assert _v(r, "CLICKTHROUGH_1") <= _v(r, "IMPRESSION_1") <= _v(r, "IMPRESSION_1_GROSS")
        assert _v(r, "CLICKTHROUGH_2") <= _v(r, "IMPRESSION_2")
        assert _v(r, "OUTBOUND_CLICK_1") <= _v(r, "CLICKTHROUGH_1") <= _v(r, "ENGAGEMENT_1")
        assert _v(r, "TOTAL_IMPRESSION") == _v(r, "IMPRESSION_1") + _v(r, "IMPRESSION_2")
        assert _v(r, "TOTAL_CLICKTHROUGH") == _v(r, "CLICKTHROUGH_1") + _v(r, "CLICKTHROUGH_2")
        assert _v(r, "TOTAL_ENGAGEMENT") == _v(r, "ENGAGEMENT_1") + _v(r, "ENGAGEMENT_2")
        assert _v(r, "TOTAL_IMPRESSION_USER") <= _v(r, "TOTAL_IMPRESSION")
        assert _v(r, "TOTAL_WEB_SESSIONS") <= _v(r, "OUTBOUND_CLICK_1") + _v(r, "OUTBOUND_CLICK_2")
        assert _v(r, "VIDEO_3SEC_VIEWS_1") <= _v(r, "VIDEO_MRC_VIEWS_1") <= _v(r, "IMPRESSION_1")
        funnel = [_v(r, f"TOTAL_VIDEO_{p}_COMBINED") for p in ("P0", "P25", "P50", "P75", "P95")]
        assert funnel == sorted(funnel, reverse=True) and _v(r, "TOTAL_VIDEO_P100_COMPLETE") <= funnel[-1]
        for event in ("SIGNUP", "CHECKOUT", "LEAD"):
            parts = sum(_v(r, f"TOTAL_{path}_{event}") for path in ("CLICK", "ENGAGEMENT", "VIEW"))
            assert _v(r, f"TOTAL_{event}") == parts
            assert _v(r, f"TOTAL_CLICK_{event}") <= _v(r, "TOTAL_CLICKTHROUGH")
        assert _v(r, "TOTAL_WEB_CHECKOUT") <= _v(r, "TOTAL_CHECKOUT") <= _v(r, "TOTAL_CONVERSIONS")
        assert _v(r, "TOTAL_WEB_CHECKOUT_VALUE_IN_MICRO_DOLLAR") <= _v(r, "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR")


def test_rates_and_costs_are_computed_from_the_counts(rows):
    checked = 0
    for r in rows:
        i1, c1, spend = _v(r, "IMPRESSION_1"), _v(r, "CLICKTHROUGH_1"), _v(r, "SPEND_IN_MICRO_DOLLAR")
        if not (i1 and c1 and spend):
            continue
        checked += 1
        assert r["CTR"] == round(c1 / i1, 5)
        assert r["ECTR"] == round(r["TOTAL_CLICKTHROUGH"] / r["TOTAL_IMPRESSION"], 5)
        assert r["SPEND_IN_DOLLAR"] == round(spend / 1e6, 2)
        assert r["CPC_IN_MICRO_DOLLAR"] == round(spend / c1, 2)
        assert r["CPM_IN_MICRO_DOLLAR"] == round(spend * 1000 / i1, 2)
        assert 2e6 <= r["CPM_IN_MICRO_DOLLAR"] <= 15e6  # a plausible CPM
        if "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR" in r:
            assert r["CHECKOUT_ROAS"] == round(r["TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR"] / spend, 4)
        if "VIDEO_SPEND_IN_DOLLAR" in r:
            assert r["VIDEO_SPEND_IN_DOLLAR"] <= r["SPEND_IN_DOLLAR"]
    assert checked > 100


def test_rows_stay_sparse(rows):
    assert any("IMPRESSION_2" not in r for r in rows)  # no earned activity
    assert any("TOTAL_CONVERSIONS" not in r for r in rows) and any("TOTAL_CONVERSIONS" in r for r in rows)
    assert any("VIDEO_MRC_VIEWS_1" not in r for r in rows) and any("VIDEO_MRC_VIEWS_1" in r for r in rows)
    assert all(v != 0 for r in rows for v in r.values())  # empty columns are left out, not zero


def test_attribution_settings_change_conversions_only(api, emu, aid, days_ago):
    camp = emu.data.campaigns(aid)[3]["id"]
    common = {"campaign_ids": camp, "columns": "TOTAL_IMPRESSION,SPEND_IN_MICRO_DOLLAR,TOTAL_CONVERSIONS",
              "granularity": "TOTAL", "start_date": days_ago(29), "end_date": days_ago(0)}
    a = api.ok(f"/ad_accounts/{aid}/campaigns/analytics", **common)[0]
    b = api.ok(f"/ad_accounts/{aid}/campaigns/analytics", click_window_days=1, **common)[0]
    assert a["TOTAL_IMPRESSION"] == b["TOTAL_IMPRESSION"] and a["SPEND_IN_MICRO_DOLLAR"] == b["SPEND_IN_MICRO_DOLLAR"]
    assert a.get("TOTAL_CONVERSIONS") != b.get("TOTAL_CONVERSIONS")


def test_organic_metrics_are_consistent_and_summaries_add_up(api, emu, days_ago):
    pins = [p["id"] for p in emu.data.pins()[:20]]
    metrics = "IMPRESSION,PIN_CLICK,OUTBOUND_CLICK,SAVE,SAVE_RATE,TOTAL_COMMENTS,VIDEO_START,VIDEO_MRC_VIEW"
    body = api.ok("/pins/analytics", pin_ids=pins, metric_types=metrics, start_date=days_ago(89),
                  end_date=days_ago(0))
    for block in (b["all"] for b in body.values()):
        for day in block["daily_metrics"]:
            m = day["metrics"]
            assert max(_v(m, "PIN_CLICK"), _v(m, "OUTBOUND_CLICK"), _v(m, "SAVE"), _v(m, "VIDEO_START")) <= _v(m, "IMPRESSION")
            assert _v(m, "VIDEO_MRC_VIEW") <= _v(m, "VIDEO_START")
            if m.get("SAVE"):
                assert m["SAVE_RATE"] == round(m["SAVE"] / m["IMPRESSION"], 5)
        summary = block["summary_metrics"]
        for name in ("IMPRESSION", "SAVE", "TOTAL_COMMENTS"):
            assert _v(summary, name) == sum(_v(d["metrics"], name) for d in block["daily_metrics"])
        assert summary["SAVE_RATE"] == round(summary["SAVE"] / summary["IMPRESSION"], 5)
        assert block["lifetime_metrics"]["TOTAL_COMMENTS"] >= _v(summary, "TOTAL_COMMENTS")
    user = api.ok("/user_account/analytics", metric_types="ENGAGEMENT,PIN_CLICK,SAVE,OUTBOUND_CLICK",
                  start_date=days_ago(6), end_date=days_ago(0))["all"]
    for day in user["daily_metrics"]:
        m = day["metrics"]
        assert _v(m, "ENGAGEMENT") >= _v(m, "PIN_CLICK") + _v(m, "SAVE") + _v(m, "OUTBOUND_CLICK")


def test_sql_never_sees_more_clicks_than_impressions(emu, aid):
    import pinsql

    with pinsql.connect(**emu.connection_properties(), AdAccountId=aid) as conn:
        cur = conn.cursor()
        cur.execute(
            "SELECT count(*), count(*) FILTER (WHERE total_clickthrough > total_impression "
            "OR clickthrough_1 > impression_1 OR ctr > 1) FROM campaign_analytics WHERE date >= current_date - 13"
        )
        total, bad = cur.fetchone()
    assert total > 0 and bad == 0
