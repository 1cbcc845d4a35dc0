"""Filter keys that decide what may be sent: pattern, values, date defaults."""

from __future__ import annotations

import pytest

from pinsql.catalog import Filter, SchemaError, load_catalog, parse_table


def _table(**filter_keys):
    return {
        "name": "t", "group": "ads", "description": "d", "rate_limit_category": "ads_read",
        "endpoints": [{"name": "get", "path": "/t/{t_id}", "shape": "object",
                       "filters": [{"column": "id", "path_param": "t_id", **filter_keys}]}],
        "columns": [{"name": "id", "type": "VARCHAR", "description": "x"}],
    }


@pytest.mark.parametrize("value, ok", [
    ("123", True), ("0123", True), ("", False), ("12a", False), ("-1", False), ("1.5", False),
    ("12\n", False), ("\u0661\u0662", False),  # Arabic-Indic digits are not ASCII digits
    (123, True), (True, False),
])
def test_pattern_is_applied_as_the_spec_means_it(value, ok):
    assert Filter(column="id", param="ids", pattern=r"^\d+$").allows(value) is ok


def test_values_and_pattern_both_apply():
    f = Filter(column="s", param="s", values=("A1", "B"), pattern=r"^[A-Z]\d$")
    assert [v for v in ("A1", "B", "C1") if f.allows(v)] == ["A1"]


def test_bad_pattern_and_date_default_fail_at_load_time():
    with pytest.raises(SchemaError, match="not a valid regular expression"):
        parse_table(_table(pattern="^(\\d+$"))
    with pytest.raises(SchemaError, match="quote it"):
        parse_table(_table(pattern=5))
    with pytest.raises(SchemaError, match="default_days_ago"):
        parse_table(_table(default_days_ago=-1))
    with pytest.raises(SchemaError, match="default_days_ago"):
        parse_table(_table(default_days_ago=3, default="x"))
    assert parse_table(_table(pattern="^\\d+$")).endpoint("get").filters[0].pattern == "^\\d+$"


def test_every_id_filter_of_the_shipped_catalog_has_a_pattern():
    for t in load_catalog():
        for e in t.endpoints:
            for f in e.filters:
                if f.path_param and f.column.endswith("id") and t.name != "pin_analytics":
                    assert f.pattern == r"^\d+$", (t.name, e.name, f.column)
