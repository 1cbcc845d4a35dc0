"""The emulator's built-in tables (routes, categories, scopes, enums) agree with openapi.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pinsql.emulator import spec_facts as facts

SPEC = Path(__file__).resolve().parents[2] / ".." / "shared" / "pinterest-openapi" / "openapi.json"
if not SPEC.exists():
    pytest.skip(f"the API spec is not at {SPEC} (it lives next to the repository, not in it)",
                allow_module_level=True)


@pytest.fixture(scope="module")
def spec() -> dict:
    return json.loads(SPEC.read_text())


def _resolve(spec, node):
    while "$ref" in node:
        node = spec["components"][node["$ref"].split("/")[2]][node["$ref"].split("/")[-1]]
    return node


def _param(spec, path, name):
    for p in spec["paths"][path]["get"]["parameters"]:
        p = _resolve(spec, p)
        if p["name"] == name:
            return p
    raise KeyError(name)


def _enum(spec, path, name):
    schema = _resolve(spec, _param(spec, path, name)["schema"])
    if "items" in schema:
        schema = _resolve(spec, schema["items"])
    return schema["enum"]


def test_routes_categories_and_scopes(spec):
    for template, category, scopes in facts.ROUTES:
        op = spec["paths"][template]["get"]
        assert op["x-ratelimit-category"] == category, template
        oauth = [s["pinterest_oauth2"] for s in op["security"] if "pinterest_oauth2" in s]
        assert [sorted(scopes)] == [sorted(x) for x in oauth], template
    assert spec["paths"]["/oauth/token"]["post"]["x-ratelimit-category"] == \
        facts.OAUTH_TOKEN_CATEGORY


def test_columns_and_targeting_types(spec):
    aa = "/ad_accounts/{ad_account_id}"
    for path in ("/analytics", "/campaigns/analytics", "/ad_groups/analytics", "/ads/analytics",
                 "/pins/analytics", "/product_groups/analytics", "/targeting_analytics"):
        assert set(_enum(spec, aa + path, "columns")) == facts.ADS_ANALYTICS_COLUMNS, path
    for level, path in (("ad_account", ""), ("campaign", "/campaigns"),
                        ("ad_group", "/ad_groups"), ("ad", "/ads")):
        allowed, max_items = facts.TARGETING_TYPES[level]
        param = _param(spec, f"{aa}{path}/targeting_analytics", "targeting_types")
        assert set(_enum(spec, f"{aa}{path}/targeting_analytics", "targeting_types")) == allowed
        assert _resolve(spec, param["schema"]).get("maxItems") == max_items
    assert set(_enum(spec, aa + "/campaigns/analytics", "granularity")) == facts.GRANULARITIES
    assert set(_enum(spec, aa + "/campaigns/analytics", "click_window_days")) == \
        facts.ATTRIBUTION_WINDOW_DAYS


def test_organic_enums(spec):
    assert tuple(_enum(spec, "/user_account/analytics", "metric_types")) == \
        facts.USER_ACCOUNT_METRICS
    assert set(_enum(spec, "/user_account/analytics", "split_field")) == facts.SPLIT_FIELDS
    assert set(_enum(spec, "/user_account/analytics/top_pins", "sort_by")) == \
        facts.TOP_PINS_SORT_BY
    assert tuple(_enum(spec, "/user_account/analytics/top_video_pins", "metric_types")) == \
        facts.TOP_VIDEO_PINS_METRICS
    assert set(_enum(spec, "/pins", "creative_types")) == facts.CREATIVE_TYPES
    assert set(_enum(spec, "/ad_accounts/{ad_account_id}/keywords", "match_types")) == \
        facts.MATCH_TYPES
    assert tuple(_enum(spec, "/ad_accounts/{ad_account_id}/campaigns", "entity_statuses")) == \
        facts.ENTITY_STATUSES
    pin_metrics = _resolve(spec, _param(spec, "/pins/{pin_id}/analytics", "metric_types")
                           ["schema"])["items"]
    variants = [_resolve(spec, v)["enum"] for v in _resolve(spec, pin_metrics)["oneOf"]]
    assert set().union(*variants) == facts.PIN_METRICS


def test_scopes(spec):
    flows = spec["components"]["securitySchemes"]["pinterest_oauth2"]["flows"]
    assert set(flows["authorizationCode"]["scopes"]) == set(facts.ALL_SCOPES)
