"""Analytics endpoints: parameter validation, date windows, sparse rows, recomputable values."""

from __future__ import annotations

import datetime as dt

import pytest

from pinsql.emulator.analytics import periods

COLS = "SPEND_IN_MICRO_DOLLAR,TOTAL_CLICKTHROUGH,CTR,TOTAL_CONVERSIONS,CAMPAIGN_NAME"


@pytest.fixture()
def window(days_ago):
    return {"start_date": days_ago(6), "end_date": days_ago(0)}


def test_campaign_rows_are_recomputable(api, emu, aid, window):
    campaigns = [c["id"] for c in emu.data.campaigns(aid)[:4]]
    rows = api.ok(f"/ad_accounts/{aid}/campaigns/analytics", campaign_ids=campaigns,
                  columns=COLS, granularity="DAY", **window)
    assert rows and all("DATE" in r for r in rows)
    for row in rows:
        expected = emu.data.analytics_row("campaign", str(row["CAMPAIGN_ID"]), row["DATE"],
                                          COLS.split(","), "DAY")
        assert row == expected
    # Some (entity, day) rows are absent, some requested columns omitted, some ids are numbers.
    assert len(rows) < len(campaigns) * 7
    assert any(len(r) < 2 + len(COLS.split(",")) for r in rows)
    assert any(isinstance(r["CAMPAIGN_ID"], int) for r in rows)
    assert any(isinstance(r["CAMPAIGN_ID"], str) for r in rows)
    assert {r["CAMPAIGN_NAME"] for r in rows if "CAMPAIGN_NAME" in r} <= {
        c["name"] for c in emu.data.campaigns(aid)}


def test_total_has_no_date_and_settings_change_conversions(api, emu, aid, window):
    camp = emu.data.campaigns(aid)[0]["id"]
    base = api.ok(f"/ad_accounts/{aid}/campaigns/analytics", campaign_ids=camp, columns=COLS,
                  granularity="TOTAL", **window)
    assert len(base) == 1 and "DATE" not in base[0]
    assert base[0] == emu.data.analytics_row("campaign", camp, window["start_date"],
                                             COLS.split(","), "TOTAL", window["end_date"])
    other = api.ok(f"/ad_accounts/{aid}/campaigns/analytics", campaign_ids=camp, columns=COLS,
                   granularity="TOTAL", click_window_days=7, **window)[0]
    assert other == emu.data.analytics_row("campaign", camp, window["start_date"],
                                           COLS.split(","), "TOTAL", window["end_date"],
                                           click_window_days=7)
    # Delivery metrics do not depend on attribution windows; conversions do.
    assert other.get("TOTAL_CLICKTHROUGH") == base[0].get("TOTAL_CLICKTHROUGH")


@pytest.mark.parametrize("granularity", ["WEEK", "MONTH", "HOUR"])
def test_other_granularities(api, emu, aid, days_ago, granularity):
    camp = emu.data.campaigns(aid)[1]["id"]
    start, end = days_ago(2), days_ago(0)
    rows = api.ok(f"/ad_accounts/{aid}/campaigns/analytics", campaign_ids=camp, columns=COLS,
                  granularity=granularity, start_date=start, end_date=end)
    dates = periods(dt.date.fromisoformat(start), dt.date.fromisoformat(end), granularity)
    assert {r["DATE"] for r in rows} <= set(dates)
    if granularity == "HOUR":  # HOUR no longer provides conversion metrics
        assert rows and not any("TOTAL_CONVERSIONS" in r for r in rows)


@pytest.mark.parametrize("missing", ["start_date", "end_date", "columns", "granularity",
                                     "campaign_ids"])
def test_required_parameters(api, emu, aid, window, missing):
    params = {"campaign_ids": emu.data.campaigns(aid)[0]["id"], "columns": COLS,
              "granularity": "DAY", **window}
    del params[missing]
    body = api.error(f"/ad_accounts/{aid}/campaigns/analytics", **params)
    assert missing in body["message"]


@pytest.mark.parametrize("params,fragment", [
    ({"columns": "SPEND_IN_DOLLAR,NOT_A_COLUMN"}, "NOT_A_COLUMN"),
    ({"granularity": "DAILY"}, "granularity"),
    ({"click_window_days": "3"}, "click_window_days"),
    ({"view_window_days": "90"}, "view_window_days"),
    ({"conversion_report_time": "NOW"}, "conversion_report_time"),
    ({"start_date": "2024-13-01"}, "YYYY-MM-DD"),
])
def test_invalid_parameters(api, emu, aid, window, params, fragment):
    query = {"campaign_ids": emu.data.campaigns(aid)[0]["id"], "columns": COLS,
             "granularity": "DAY", **window, **params}
    assert fragment in api.error(f"/ad_accounts/{aid}/campaigns/analytics", **query)["message"]


def test_date_windows(api, emu, aid, days_ago):
    path = f"/ad_accounts/{aid}/analytics"
    common = {"columns": "SPEND_IN_DOLLAR", "granularity": "DAY"}
    api.ok(path, start_date=days_ago(90), end_date=days_ago(0), **common)
    too_old = api.error(path, start_date=days_ago(91), end_date=days_ago(80), **common)
    assert "90 days" in too_old["message"]
    reversed_ = api.error(path, start_date=days_ago(1), end_date=days_ago(3), **common)
    assert "end_date" in reversed_["message"]
    hour = {"columns": "SPEND_IN_DOLLAR", "granularity": "HOUR"}
    api.ok(path, start_date=days_ago(8), end_date=days_ago(5), **hour)
    assert "8 days" in api.error(path, start_date=days_ago(9), end_date=days_ago(7),
                                 **hour)["message"]
    assert "3 days" in api.error(path, start_date=days_ago(6), end_date=days_ago(2),
                                 **hour)["message"]


def test_span_limit_with_fixed_today(days_ago):
    import requests

    from pinsql.emulator import Emulator

    # A fixed "today" makes the 90-day span rule checkable with absolute dates.
    with Emulator(size="tiny", today=dt.date(2025, 6, 30)) as emu:
        aid = emu.data.main_ad_account_id()
        headers = {"Authorization": f"Bearer {emu.access_token}"}
        base = {"columns": "SPEND_IN_DOLLAR", "granularity": "DAY"}
        ok = requests.get(f"{emu.url}/ad_accounts/{aid}/analytics", headers=headers,
                          params={**base, "start_date": "2025-04-01", "end_date": "2025-06-30"})
        assert ok.status_code == 200 and ok.json()
        wide = requests.get(f"{emu.url}/ad_accounts/{aid}/analytics", headers=headers,
                            params={**base, "start_date": "2025-04-01", "end_date": "2025-07-01"})
        assert wide.status_code == 400 and "90 days past start_date" in wide.json()["message"]


def test_ad_level_and_id_limits(api, emu, aid, window):
    ads = emu.data.ads(aid)
    rows = api.ok(f"/ad_accounts/{aid}/ads/analytics", ad_ids=[a["id"] for a in ads[:3]],
                  columns="SPEND_IN_DOLLAR,PIN_ID", granularity="TOTAL", **window)
    assert {str(r["AD_ID"]) for r in rows} == {a["id"] for a in ads[:3]}
    assert all(r.get("PIN_ID") in {a["pin_id"] for a in ads[:3]} for r in rows)
    camp = ads[0]["campaign_id"]
    by_pin = api.ok(f"/ad_accounts/{aid}/ads/analytics", campaign_ids=camp,
                    pin_ids=ads[0]["pin_id"], columns="SPEND_IN_DOLLAR", granularity="TOTAL",
                    **window)
    assert ads[0]["id"] in {str(r["AD_ID"]) for r in by_pin}
    assert "ad_ids" in api.error(f"/ad_accounts/{aid}/ads/analytics", campaign_ids=camp,
                                 columns="SPEND_IN_DOLLAR", granularity="TOTAL",
                                 **window)["message"]
    too_many_pins = ",".join(p["id"] for p in emu.data.pins()[:101])
    assert "100" in api.error(f"/ad_accounts/{aid}/ads/analytics", campaign_ids=camp,
                              pin_ids=too_many_pins, columns="SPEND_IN_DOLLAR",
                              granularity="TOTAL", **window)["message"]
    too_many_ads = ",".join(a["id"] for a in ads[:251])
    assert "250" in api.error(f"/ad_accounts/{aid}/ads/analytics", ad_ids=too_many_ads,
                              columns="SPEND_IN_DOLLAR", granularity="TOTAL",
                              **window)["message"]


def test_ad_pin_and_product_group_analytics(api, emu, aid, window):
    ad = emu.data.ads(aid)[0]
    rows = api.ok(f"/ad_accounts/{aid}/pins/analytics", campaign_id=ad["campaign_id"],
                  pin_ids=ad["pin_id"], columns="SPEND_IN_DOLLAR", granularity="DAY", **window)
    assert rows and {str(r["PIN_ID"]) for r in rows} == {ad["pin_id"]}
    assert rows[0] == emu.data.analytics_row("pin", ad["pin_id"], rows[0]["DATE"],
                                             ["SPEND_IN_DOLLAR"], "DAY",
                                             campaign_id=ad["campaign_id"])
    group = emu.data.catalog_product_groups()[0]["id"]
    pg = api.ok(f"/ad_accounts/{aid}/product_groups/analytics", product_group_ids=group,
                columns="SPEND_IN_DOLLAR", granularity="TOTAL", **window)
    assert len(pg) == 1 and str(pg[0]["PRODUCT_GROUP_ID"]) == group


def test_targeting_analytics(api, emu, aid, window):
    camp = emu.data.campaigns(aid)[0]["id"]
    body = api.ok(f"/ad_accounts/{aid}/campaigns/targeting_analytics", campaign_ids=camp,
                  targeting_types="APPTYPE,GENDER", columns="SPEND_IN_DOLLAR",
                  granularity="TOTAL", **window)
    data = body["data"]
    assert {d["targeting_type"] for d in data} == {"APPTYPE", "GENDER"}
    assert all(str(d["metrics"]["CAMPAIGN_ID"]) == camp for d in data)
    assert "targeting_types" in api.error(
        f"/ad_accounts/{aid}/campaigns/targeting_analytics", campaign_ids=camp,
        targeting_types="QUIZ_RESULT", columns="SPEND_IN_DOLLAR", granularity="TOTAL",
        **window)["message"]
    account = api.ok(f"/ad_accounts/{aid}/targeting_analytics", targeting_types="COUNTRY",
                     columns="SPEND_IN_DOLLAR", granularity="DAY", **window)["data"]
    assert account and all(d["targeting_type"] == "COUNTRY" for d in account)


def test_user_account_analytics(api, emu, window):
    body = api.ok("/user_account/analytics", metric_types="IMPRESSION,SAVE", **window)
    assert set(body) == {"all"}
    daily = body["all"]["daily_metrics"]
    assert [d["date"] for d in daily] == [
        (dt.date.fromisoformat(window["start_date"]) + dt.timedelta(days=i)).isoformat()
        for i in range(7)]
    assert all(set(d["metrics"]) <= {"IMPRESSION", "SAVE"} for d in daily)
    total = sum(d["metrics"].get("IMPRESSION", 0) for d in daily)
    assert body["all"]["summary_metrics"].get("IMPRESSION", 0) == total
    split = api.ok("/user_account/analytics", split_field="APP_TYPE", **window)
    assert len(split) > 1
    assert api.error("/user_account/analytics", metric_types="LIKES", **window)["code"] == 1


def test_top_pins(api, emu, window):
    body = api.ok("/user_account/analytics/top_pins", sort_by="SAVE", num_of_pins=5, **window)
    values = [p["metrics"].get("SAVE", 0) for p in body["pins"]]
    assert len(values) == 5 and values == sorted(values, reverse=True)
    assert body["sort_by"] == "SAVE"
    assert "num_of_pins" in api.error("/user_account/analytics/top_pins", sort_by="SAVE",
                                      num_of_pins=51, **window)["message"]
    assert "sort_by" in api.error("/user_account/analytics/top_pins", **window)["message"]
    video = api.ok("/user_account/analytics/top_video_pins", sort_by="VIDEO_START", **window)
    video_ids = {p["id"] for p in emu.data.pins() if p["creative_type"] == "VIDEO"}
    assert video["pins"] and {p["pin_id"] for p in video["pins"]} <= video_ids


def test_pin_analytics(api, emu, window):
    pins = emu.data.pins()[:3]
    one = api.ok(f"/pins/{pins[0]['id']}/analytics", metric_types="IMPRESSION,PIN_CLICK",
                 **window)
    assert set(one) == {"all"} and "lifetime_metrics" in one["all"]
    assert "metric_types" in api.error(f"/pins/{pins[0]['id']}/analytics", **window)["message"]
    multi = api.ok("/pins/analytics", pin_ids=[p["id"] for p in pins],
                   metric_types="IMPRESSION", **window)
    assert set(multi) == {p["id"] for p in pins}
    # The same pin, day and metric give the same number on both endpoints.
    assert [d["metrics"].get("IMPRESSION") for d in multi[pins[0]["id"]]["all"]["daily_metrics"]] \
        == [d["metrics"].get("IMPRESSION") for d in one["all"]["daily_metrics"]]
    too_many = [p["id"] for p in emu.data.pins()[:101]]
    assert "100" in api.error("/pins/analytics", pin_ids=too_many, metric_types="IMPRESSION",
                              **window)["message"]


def test_analytics_is_deterministic_across_instances(days_ago):
    from pinsql.emulator.data import Dataset, resolve_counts

    a = Dataset(seed=3, counts=resolve_counts("tiny", {}))
    b = Dataset(seed=3, counts=resolve_counts("tiny", {}))
    camp = a.campaigns(a.main_ad_account_id())[0]["id"]
    assert a.analytics_row("campaign", camp, days_ago(3), ["SPEND_IN_DOLLAR", "CTR"]) == \
        b.analytics_row("campaign", camp, days_ago(3), ["SPEND_IN_DOLLAR", "CTR"])
