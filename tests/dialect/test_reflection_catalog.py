"""Reflection answers straight from the catalog. These call the dialect's
methods without a connection at all, which proves no API call can happen;
test_end_to_end.py repeats the key ones through a real Inspector."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import exc
from sqlalchemy import types as sqltypes

from pinsql.catalog import load_catalog
from pinsql.dialect.base import PinterestDialect

D = PinterestDialect()
CATALOG = load_catalog()


def test_one_schema_named_pinterest():
    assert D.get_schema_names(None) == ["pinterest"]
    assert D._get_default_schema_name(None) == "pinterest"


@pytest.mark.parametrize("schema", [None, "pinterest", "PINTEREST"])
def test_no_views(schema):
    assert D.get_view_names(None, schema=schema) == []


def test_unknown_schema_has_no_tables():
    assert D.get_table_names(None, schema="public") == []
    assert D.has_table(None, "campaigns", schema="public") is False


def test_columns_carry_types_nullability_and_descriptions():
    cols = D.get_columns(None, "campaigns")
    table = CATALOG.table("campaigns")
    assert [c["name"] for c in cols] == table.column_names
    by_name = {c["name"]: c for c in cols}
    assert isinstance(by_name["id"]["type"], sqltypes.VARCHAR)
    assert by_name["id"]["nullable"] is False  # primary key
    assert isinstance(by_name["daily_spend_cap"]["type"], sqltypes.BIGINT)
    created = by_name["created_time"]["type"]
    assert isinstance(created, sqltypes.TIMESTAMP) and created.timezone is True
    assert isinstance(by_name["is_performance_plus"]["type"], sqltypes.BOOLEAN)
    assert isinstance(by_name["tracking_urls"]["type"], sqltypes.JSON)
    assert by_name["name"]["comment"] == table.column("name").description
    for col in cols:
        assert col["default"] is None and col["autoincrement"] is False


def test_every_catalog_type_reflects_to_an_instance():
    seen = set()
    for table in CATALOG:
        for col, spec in zip(D.get_columns(None, table.name), table.columns):
            assert isinstance(col["type"], sqltypes.TypeEngine)
            seen.add((spec.type, type(col["type"]).__name__))
    kinds = {k for k, _ in seen}
    assert {"VARCHAR", "BIGINT", "BOOLEAN", "TIMESTAMP", "DATE", "JSON"} <= kinds
    date_types = {name for kind, name in seen if kind == "DATE"}
    assert date_types == {"DATE"}


def test_primary_key_and_foreign_keys():
    assert D.get_pk_constraint(None, "campaign_analytics") == {"name": None, "constrained_columns": ["campaign_id", "date"]}
    fks = D.get_foreign_keys(None, "pins")
    assert {
        "name": None,
        "constrained_columns": ["board_id"],
        "referred_schema": None,
        "referred_table": "boards",
        "referred_columns": ["id"],
        "options": {},
    } in fks
    # Every declared foreign key is reported, pointing at a reflectable table.
    for table in CATALOG:
        reported = D.get_foreign_keys(None, table.name, schema="pinterest")
        assert len(reported) == len(table.foreign_keys)
        for fk in reported:
            assert fk["referred_schema"] == "pinterest"
            assert D.has_table(None, fk["referred_table"])
            referred = {c["name"] for c in D.get_columns(None, fk["referred_table"])}
            assert set(fk["referred_columns"]) <= referred


def test_no_indexes_or_constraints_and_table_comment():
    assert D.get_indexes(None, "boards") == []
    assert D.get_unique_constraints(None, "boards") == []
    assert D.get_table_comment(None, "boards") == {"text": CATALOG.table("boards").description}


def test_has_table_is_instant_for_sql_strings():
    sql = "SELECT id, name FROM campaigns WHERE status = 'ACTIVE' " * 20
    started = time.perf_counter()
    for _ in range(1000):
        assert D.has_table(None, sql) is False
    assert time.perf_counter() - started < 0.5
    assert D.has_table(None, "CAMPAIGNS") is True


def test_unknown_table_raises_no_such_table_in_other_schemas():
    with pytest.raises(exc.NoSuchTableError):
        D.get_columns(None, "campaigns", schema="public")
