"""Invariants of the shipped catalog that need no spec: loading, naming, typing, references."""

from __future__ import annotations

import re

import pytest

from pinsql.catalog import SQL_TYPES, load_catalog

CATALOG = load_catalog()
TABLES = list(CATALOG)

REQUIRED_TABLES = {
    "user_account", "boards", "board_sections", "pins", "board_pins", "followers", "following", "user_websites",
    "ad_accounts", "campaigns", "ad_groups", "ads", "keywords", "audiences", "customer_lists", "conversion_tags",
    "product_group_promotions", "catalogs", "catalog_feeds", "catalog_product_groups",
    "ad_account_analytics", "campaign_analytics", "ad_group_analytics", "ad_analytics", "pin_analytics",
    "user_account_analytics",
}
ATTRIBUTION_SETTINGS = {
    "granularity": "DAY", "click_window_days": 30, "engagement_window_days": 30,
    "view_window_days": 1, "conversion_report_time": "TIME_OF_AD_ACTION",
}
ALL_STATUSES = ["ACTIVE", "PAUSED", "ARCHIVED", "DRAFT", "DELETED_DRAFT"]


def test_every_required_table_is_defined():
    assert REQUIRED_TABLES <= set(CATALOG.tables), sorted(REQUIRED_TABLES - set(CATALOG.tables))


def test_one_file_per_table_named_after_it():
    for t in TABLES:
        assert t.source_file == f"{t.name}.yaml"


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_descriptions_and_types(table):
    assert table.description.strip()
    for c in table.columns:
        assert c.description and c.description.strip(), f"{table.name}.{c.name} has no description"
        assert c.type in SQL_TYPES
        assert re.fullmatch(r"[a-z_][a-z0-9_]*", c.name), c.name
        if c.type in ("TIMESTAMP", "DATE"):
            assert c.format, f"{table.name}.{c.name}: TIMESTAMP/DATE columns must declare their format"


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_ids_are_varchar(table):
    for c in table.columns:
        if c.name == "id" or c.name.endswith("_id"):
            assert c.type == "VARCHAR", f"{table.name}.{c.name} is {c.type}"


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_references_resolve(table):
    assert table.primary_key, f"{table.name} has no primary key"
    for fk in table.foreign_keys:
        target = CATALOG.table(fk.table)
        for col in fk.columns:
            table.column(col)
        for col in fk.ref_columns:
            target.column(col)
    for p in table.parents.values():
        if p.table:
            CATALOG.table(p.table).column(p.column)
        if p.default is not None:
            assert p.default == "connection"


#: Tables that cannot be read without WHERE input, and the columns WHERE must constrain.
NEEDS_WHERE = {
    "pin_analytics": {"pin_id"},
    "ad_pin_analytics": {"pin_id"},
    "ad_account_targeting_analytics": {"targeting_type"},
    "campaign_targeting_analytics": {"targeting_type"},
    "ad_group_targeting_analytics": {"targeting_type"},
    "ad_targeting_analytics": {"targeting_type"},
}


def _unsourced(table, endpoint):
    """Required inputs of an endpoint that neither a parent, a default nor a date window supplies."""
    return {
        f.column for f in endpoint.filters
        if f.required and not f.has_default and f.default_days is None and f.column not in table.parents
    }


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_some_endpoint_serves_a_bare_select(table):
    needs = min((_unsourced(table, e) for e in table.endpoints), key=len)
    assert needs == NEEDS_WHERE.get(table.name, set()), (table.name, needs)


def test_endpoint_names_unique_and_residuals_are_columns():
    for t in TABLES:
        names = [e.name for e in t.endpoints]
        assert len(names) == len(set(names)), t.name
        for e in t.endpoints:
            for col in e.residual:
                t.column(col)


@pytest.mark.parametrize("name", ["campaigns", "ad_groups", "ads", "product_group_promotions"])
def test_status_lists_ask_for_every_status(name):
    for e in CATALOG.table(name).endpoints:
        if e.shape == "paged":
            assert list(e.defaults["entity_statuses"]) == ALL_STATUSES, (name, e.name)


def test_exclusive_id_filters_live_on_separate_endpoints():
    exclusive = {
        "ad_groups": {"campaign_ids", "ad_group_ids"},
        "ads": {"campaign_ids", "ad_group_ids", "ad_ids"},
        "product_group_promotions": {"ad_group_id", "product_group_promotion_ids"},
        "ad_analytics": {"ad_ids", "campaign_ids"},
    }
    for name, params in exclusive.items():
        seen = set()
        for e in CATALOG.table(name).endpoints:
            used = {f.param for f in e.filters} & params
            assert len(used) <= 1, (name, e.name, used)
            seen |= used
        assert seen == params, (name, seen)


def test_pins_alternative_endpoints_recheck_ownership():
    pins = CATALOG.table("pins")
    for e in pins.endpoints:
        if e.path != "/pins":
            assert dict(e.residual) == {"is_owner": True}, e.name


def test_keywords_fan_out_over_ad_groups():
    kw = CATALOG.table("keywords")
    assert kw.parents["ad_group_id"].table == "ad_groups"
    for e in kw.endpoints:
        f = e.filter_for("ad_group_id")
        assert f is not None and f.required and f.param == "ad_group_id"


def test_board_sections_carry_board_id_from_the_request():
    assert CATALOG.table("board_sections").column("board_id").from_param == "board_id"


@pytest.mark.parametrize("table", [t for t in TABLES if t.kind == "analytics"], ids=lambda t: t.name)
def test_analytics_tables_shape(table):
    assert table.group == "analytics"
    assert "date" in table.primary_key
    assert table.column("date").type == "DATE"
    metrics = [c for c in table.columns if c.metric]
    assert metrics, f"{table.name} has no metric columns"
    for c in metrics:
        assert c.name == c.metric.lower()
    for e in table.endpoints:
        assert e.metrics_param in ("columns", "metric_types")
        assert e.filter_for("date").required
    if table.rate_limit_categories == ("ads_analytics",):
        table.column("ad_account_id")
        for name, default in ATTRIBUTION_SETTINGS.items():
            col = table.column(name)
            assert col.from_param == name
            for e in table.endpoints:
                assert e.filter_for(name).default == default, (table.name, e.name, name)
        assert len(metrics) >= 170, f"{table.name}: {len(metrics)} metric columns"


def test_money_and_time_conventions():
    assert CATALOG.table("conversion_tags").column("last_fired_time_ms").format == "unix_ms"
    for name in ("created_time", "updated_time"):
        col = CATALOG.table("customer_lists").column(name)
        assert (col.type, col.format) == ("TIMESTAMP", "unix_seconds")
    assert CATALOG.table("campaign_analytics").column("spend_in_micro_dollar").type == "BIGINT"
    assert CATALOG.table("campaign_analytics").column("spend_in_dollar").type == "DOUBLE"
    assert "credentials_password" not in CATALOG.table("catalog_feeds").column_names
