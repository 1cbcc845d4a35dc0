"""JSON rows → Arrow, and the response-shape extractors."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from pinsql.catalog import Column, Endpoint, load_catalog
from pinsql.engine import shapes
from pinsql.engine.convert import rows_to_table, to_array


def col(type_, **kw):
    return Column(name="c", type=type_, description="", path=kw.pop("path", "c"), **kw)


def test_ids_sent_as_numbers_become_text():
    assert to_array(col("VARCHAR"), ["1", 2680067996745, None]).to_pylist() == ["1", "2680067996745", None]


def test_unix_seconds_and_ms():
    assert to_array(col("TIMESTAMP", format="unix_seconds"), [0, None]).to_pylist() == [dt.datetime(1970, 1, 1), None]
    assert to_array(col("TIMESTAMP", format="unix_ms"), [1500]).to_pylist() == [dt.datetime(1970, 1, 1, 0, 0, 1, 500000)]
    # the spec types some of these as number: fractional seconds work too
    assert to_array(col("TIMESTAMP", format="unix_seconds"), [1.5]).to_pylist() == [dt.datetime(1970, 1, 1, 0, 0, 1, 500000)]


def test_iso_timestamps_with_and_without_zone():
    a = to_array(col("TIMESTAMP", format="iso8601"), ["2026-01-02T03:04:05", None])
    assert a.to_pylist() == [dt.datetime(2026, 1, 2, 3, 4, 5), None]
    b = to_array(col("TIMESTAMP", format="iso8601"), ["2026-01-02T03:04:05Z", "2026-01-02T05:04:05+02:00"])
    assert b.to_pylist() == [dt.datetime(2026, 1, 2, 3, 4, 5)] * 2


def test_dates_numbers_booleans_json():
    assert to_array(col("DATE", format="date"), ["2026-11-01"]).to_pylist() == [dt.date(2026, 11, 1)]
    assert to_array(col("BIGINT"), [1, None, "3"]).to_pylist() == [1, None, 3]
    assert to_array(col("DOUBLE"), [1, 2.5]).to_pylist() == [1.0, 2.5]
    assert to_array(col("BOOLEAN"), [True, None]).to_pylist() == [True, None]
    assert to_array(col("JSON"), [{"a": [1]}, None, "x"]).to_pylist() == ['{"a":[1]}', None, '"x"']


def test_rows_to_table_paths_and_from_param():
    t = load_catalog().table("campaign_analytics")
    cols = [t.column("campaign_id"), t.column("ad_account_id"), t.column("date"), t.column("spend_in_micro_dollar")]
    rows = [{"CAMPAIGN_ID": 5, "DATE": "2026-11-01", "SPEND_IN_MICRO_DOLLAR": 7}, {"CAMPAIGN_ID": "6", "DATE": "2026-11-02"}]
    table = rows_to_table(t, cols, rows, [{"ad_account_id": "9"}] * 2)
    assert table.schema.field("date").type == pa.date32()
    assert table.to_pylist() == [
        {"campaign_id": "5", "ad_account_id": "9", "date": dt.date(2026, 11, 1), "spend_in_micro_dollar": 7},
        {"campaign_id": "6", "ad_account_id": "9", "date": dt.date(2026, 11, 2), "spend_in_micro_dollar": None},
    ]
    nested = rows_to_table(load_catalog().table("boards"), [load_catalog().table("boards").column("owner_username")],
                           [{"owner": {"username": "u"}}, {"owner": None}, {}])
    assert nested.column(0).to_pylist() == ["u", None, None]


def test_shapes():
    e = Endpoint(name="x", path="/x", shape="array")
    assert shapes.extractor("paged")({"items": [{"a": 1}], "bookmark": None}, e) == [{"a": 1}]
    assert shapes.extractor("items")({"items": [{"a": 1}]}, e) == [{"a": 1}]
    assert shapes.extractor("array")([{"a": 1}], e) == [{"a": 1}]
    assert shapes.extractor("object")({"a": 1}, e) == [{"a": 1}]
    organic = {"all": {"daily_metrics": [{"date": "2026-11-01", "data_status": "READY", "metrics": {"IMPRESSION": 2}}],
                       "summary_metrics": {"IMPRESSION": 2}}}
    assert shapes.extractor("organic_daily_metrics")(organic, e) == [
        {"date": "2026-11-01", "data_status": "READY", "metrics": {"IMPRESSION": 2}, "_split": "all"}
    ]
    targeting = {"data": [{"targeting_type": "APPTYPE", "targeting_value": "iphone", "metrics": {"DATE": "2026-11-01"}}]}
    assert shapes.extractor("targeting_metrics")(targeting, e) == targeting["data"]
