"""The data model agrees with the official OpenAPI spec (tools/schemas.py check), and the
checker really catches each kind of disagreement."""

from __future__ import annotations

import copy

import pytest
import yaml

from pinsql.catalog import parse_table

SCHEMAS = __import__("pathlib").Path(__file__).resolve().parents[2] / "schemas"


def test_catalog_matches_spec(tools, openapi):
    problems = tools.check(openapi)
    assert problems == [], "\n".join(problems)


def test_analytics_metrics_cover_the_spec_enum(tools, openapi):
    enum = openapi.param_enum("/ad_accounts/{ad_account_id}/campaigns/analytics", "columns")
    assert len(enum) == 175
    table = tools.load_catalog().table("campaign_analytics")
    names = set(table.column_names)
    assert {m.lower() for m in enum} <= names
    # one column per metric, and entity ids kept as hand-written key columns
    assert table.column("campaign_id").metric is None
    assert table.column("spend_in_micro_dollar").metric == "SPEND_IN_MICRO_DOLLAR"


def _raw(name):
    return yaml.safe_load((SCHEMAS / f"{name}.yaml").read_text(encoding="utf-8"))


def _problems(tools, openapi, raw):
    return tools.check_table(openapi, parse_table(raw, "mutated.yaml"))


def _column(raw, name):
    return next(c for c in raw["columns"] if c["name"] == name)


MUTATIONS = {
    "wrong type": ("campaigns", lambda r: _column(r, "daily_spend_cap").update(type="VARCHAR"), "is VARCHAR but the spec says"),
    "id as integer": ("campaigns", lambda r: _column(r, "id").update(type="BIGINT"), "is BIGINT"),
    "iso time as unix": ("boards", lambda r: _column(r, "created_at").update(format="unix_seconds"), "TIMESTAMP (unix_seconds)"),
    "date-time as text": ("boards", lambda r: _column(r, "created_at").update(type="VARCHAR", format=None), "use TIMESTAMP"),
    "unknown path": ("boards", lambda r: r["columns"].append({"name": "x", "type": "VARCHAR", "path": "owner.nope", "description": "x"}), "is not in the spec's response schema"),
    "unknown param": ("campaigns", lambda r: r["endpoints"][0]["filters"].append({"column": "name", "param": "name"}), "'name' is not a query parameter"),
    "too many values": ("campaigns", lambda r: r["endpoints"][0]["filters"][1].update(max_values=251), "exceeds the spec's maxItems 250"),
    "wrong category": ("boards", lambda r: r.update(rate_limit_category="ads_read"), "but the spec says 'org_read'"),
    "extra scope": ("boards", lambda r: r["scopes"].append("ads:read"), "scope 'ads:read' is not required"),
    "missing scope": ("board_pins", lambda r: r["scopes"].remove("pins:read"), "requires scope 'pins:read'"),
    "sandbox flag": ("audiences", lambda r: r.update(sandbox=True), "x-sandbox disabled"),
    "unknown metric": ("campaign_analytics", lambda r: r["columns"].append({"name": "nope", "type": "BIGINT", "path": "NOPE", "metric": "NOPE", "description": "x"}), "not in the spec's columns enum"),
    "open row key": ("campaign_analytics", lambda r: r["columns"].append({"name": "nope", "type": "BIGINT", "path": "NOPE", "description": "x"}), "neither a declared row key nor a metric"),
    "organic row key": ("pin_analytics", lambda r: _column(r, "data_status").update(path="status"), "neither a declared row key nor a metric"),
    "organic type": ("user_account_analytics", lambda r: _column(r, "data_status").update(type="BIGINT"), "is BIGINT but the spec says"),
    "page size": ("boards", lambda r: r["endpoints"][0].update(page_size_max=500), "exceeds the spec's maximum 250"),
    "enum value": ("boards", lambda r: r["endpoints"][0]["filters"][0]["values"].append("HIDDEN"), "not allowed by the spec"),
    "missing pattern": ("campaigns", lambda r: r["endpoints"][0]["filters"][1].pop("pattern"), "add pattern: '^\\d+$'"),
    "missing path pattern": ("pins", lambda r: r["endpoints"][1]["filters"][0].pop("pattern"), "'pin_id' to match ^\\d+$"),
    "wrong pattern": ("campaigns", lambda r: r["endpoints"][1]["filters"][1].update(pattern="^\\w+$"), "but the spec says ^\\d+$"),
    "pattern the spec lacks": ("boards", lambda r: r["endpoints"][0]["filters"][0].update(pattern="^[A-Z]+$"), "gives 'privacy' no pattern"),
    "bad from_param": ("board_sections", lambda r: _column(r, "board_id").update(from_param="board"), "from_param 'board'"),
}


@pytest.mark.parametrize("case", sorted(MUTATIONS))
def test_checker_catches(tools, openapi, case):
    table, mutate, expected = MUTATIONS[case]
    raw = copy.deepcopy(_raw(table))
    assert _problems(tools, openapi, raw) == []
    mutate(raw)
    problems = _problems(tools, openapi, raw)
    assert any(expected in p for p in problems), problems


def test_stale_generated_block_is_reported(tools, openapi, tmp_path, monkeypatch):
    src = (SCHEMAS / "ad_group_analytics.yaml").read_text(encoding="utf-8")
    line = next(l for l in src.splitlines() if "name: ctr," in l)
    (tmp_path / "ad_group_analytics.yaml").write_text(src.replace(line + "\n", ""), encoding="utf-8")
    monkeypatch.setattr(tools, "SCHEMA_DIR", tmp_path)
    changed = tools.generate(openapi)
    assert [p.name for p in changed] == ["ad_group_analytics.yaml"]
    assert (tmp_path / "ad_group_analytics.yaml").read_text(encoding="utf-8") == src


def test_missing_patterns_are_added_from_the_spec(tools, openapi, tmp_path, monkeypatch):
    src = (SCHEMAS / "campaigns.yaml").read_text(encoding="utf-8")
    assert src.count("pattern: '^\\d+$'") == 4
    (tmp_path / "campaigns.yaml").write_text(src.replace(", pattern: '^\\d+$'", ""), encoding="utf-8")
    monkeypatch.setattr(tools, "SCHEMA_DIR", tmp_path)
    changed = tools.add_patterns(openapi)
    assert [p.name for p in changed] == ["campaigns.yaml"]
    assert (tmp_path / "campaigns.yaml").read_text(encoding="utf-8") == src
    assert tools.add_patterns(openapi) == []  # nothing left to add
