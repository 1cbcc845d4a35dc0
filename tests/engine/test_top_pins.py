"""top_pins: the ranking endpoint as a table, its date range and settings pushed as parameters."""

from __future__ import annotations

import datetime as dt

import pytest
import requests
from http_helpers import execute_logged

from pinsql.engine import shapes
from pinsql.exceptions import DataError

TODAY = dt.datetime.now(dt.timezone.utc).date()


@pytest.fixture
def run(conn, emulator):
    def run(sql, params=None):
        return execute_logged(conn, emulator, sql, params)

    return run


def _api_top(emulator, **params):
    """The ranking as the API itself serves it (the reference)."""
    r = requests.get(f"{emulator.url}/user_account/analytics/top_pins", params=params, timeout=10,
                     headers={"Authorization": f"Bearer {emulator.access_token}"})
    assert r.status_code == 200, r.text
    return r.json()["pins"]


def test_default_range_and_ranking_in_one_call(run, emulator):
    rows, log = run("SELECT rank, pin_id, start_date, end_date, sort_by, impression FROM top_pins ORDER BY rank")
    (req,) = log
    start, end = TODAY - dt.timedelta(days=29), TODAY
    assert req.path == "/user_account/analytics/top_pins"
    assert req.query["start_date"] == [start.isoformat()] and req.query["end_date"] == [end.isoformat()]
    assert req.query["sort_by"] == ["IMPRESSION"] and req.query["num_of_pins"] == ["50"]
    assert req.query["metric_types"] == ["IMPRESSION"]
    ref = _api_top(emulator, start_date=start.isoformat(), end_date=end.isoformat(), sort_by="IMPRESSION",
                   num_of_pins=50, metric_types="IMPRESSION")
    assert rows == [(i, p["pin_id"], start, end, "IMPRESSION", p["metrics"].get("IMPRESSION"))
                    for i, p in enumerate(ref, start=1)]
    assert len(rows) == 50 and [r[5] for r in rows] == sorted((r[5] for r in rows), reverse=True)


def test_range_and_sort_from_where(run, emulator):
    rows, log = run(
        "SELECT sort_by, rank, pin_id, save FROM top_pins WHERE sort_by IN ('SAVE', 'PIN_CLICK') "
        "AND start_date = current_date - 6 AND end_date = current_date AND rank <= 3 ORDER BY 1, 2"
    )
    assert sorted(r.query["sort_by"][0] for r in log) == ["PIN_CLICK", "SAVE"]  # one call per ranking
    assert {(r.query["start_date"][0], r.query["end_date"][0]) for r in log} == {
        ((TODAY - dt.timedelta(days=6)).isoformat(), TODAY.isoformat())}
    ref = _api_top(emulator, start_date=(TODAY - dt.timedelta(days=6)).isoformat(), end_date=TODAY.isoformat(),
                   sort_by="SAVE", num_of_pins=3, metric_types="SAVE")
    assert [r[2:] for r in rows if r[0] == "SAVE"] == [(p["pin_id"], p["metrics"].get("SAVE")) for p in ref]
    assert [r[1] for r in rows] == [1, 2, 3, 1, 2, 3]


def test_impossible_settings_make_no_call(run):
    rows, log = run("SELECT count(*) FROM top_pins WHERE sort_by = 'save'")  # enum values are upper case
    assert rows == [(0,)] and log == []


def test_dates_older_than_the_api_serves_fail_before_any_call(conn, emulator):
    emulator.clear_log()
    with pytest.raises(DataError, match="earliest allowed date"):
        conn.cursor().execute("SELECT * FROM top_pins WHERE start_date = DATE '2020-01-01'")
    assert emulator.calls() == 0


def test_rank_is_the_position_in_the_response():
    from pinsql.catalog import load_catalog

    e = load_catalog().table("top_pins").endpoint("top_pins")
    body = {"pins": [{"pin_id": "9", "metrics": {"SAVE": 5}}, {"pin_id": "3", "metrics": {}}], "sort_by": "SAVE"}
    assert shapes.extractor(e.shape)(body, e) == [
        {"pin_id": "9", "metrics": {"SAVE": 5}, "_rank": 1}, {"pin_id": "3", "metrics": {}, "_rank": 2}]
    assert shapes.extractor(e.shape)({"pins": []}, e) == []
