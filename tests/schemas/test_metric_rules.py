"""The metric typing rule (tools/schema_metrics.py) on representative names of each kind."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "name, expected",
    [
        ("SPEND_IN_MICRO_DOLLAR", "BIGINT"),
        ("TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR", "BIGINT"),
        ("IMPRESSION_1", "BIGINT"),
        ("TOTAL_CONVERSIONS", "BIGINT"),
        ("SPEND_IN_DOLLAR", "DOUBLE"),
        ("CPC_IN_MICRO_DOLLAR", "DOUBLE"),
        ("CTR", "DOUBLE"),
        ("OUTBOUND_CTR_1", "DOUBLE"),
        ("CHECKOUT_ROAS", "DOUBLE"),
        ("PAGE_VISIT_COST_PER_ACTION", "DOUBLE"),
        ("TOTAL_VIDEO_AVG_WATCHTIME_IN_SECOND", "DOUBLE"),
        ("SAVE_RATE", "DOUBLE"),
        ("CAMPAIGN_ID", "VARCHAR"),
        ("CAMPAIGN_NAME", "VARCHAR"),
        ("CAMPAIGN_ENTITY_STATUS", "VARCHAR"),
        ("IS_PREMIERE_CAMPAIGN", "BOOLEAN"),
        ("CAMPAIGN_DAILY_SPEND_CAP", "BIGINT"),
    ],
)
def test_metric_type(tools, name, expected):
    import schema_metrics

    assert schema_metrics.metric_type(name) == expected


def test_metric_column_shape(tools):
    import schema_metrics

    col = schema_metrics.metric_column("REPIN_2", "metrics.")
    assert col["name"] == "repin_2" and col["path"] == "metrics.REPIN_2" and col["metric"] == "REPIN_2"
    assert "(earned)" in col["description"] and "REPIN_2" in col["description"]
