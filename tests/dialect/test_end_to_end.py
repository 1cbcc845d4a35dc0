"""The dialect against the emulator over HTTP: reflection, Core queries, ping, caching, temp tables."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    create_engine,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy import exc as sa_exc

import pinsql


def test_reflection_makes_no_api_call(emu, sa_conn):
    before = emu.calls()
    insp = inspect(sa_conn)
    assert insp.default_schema_name == "pinterest"
    assert insp.get_schema_names() == ["pinterest"]
    names = insp.get_table_names()
    assert names == sorted(t.name for t in pinsql.catalog.load_catalog())
    assert insp.get_table_names(schema="PINTEREST") == names
    assert insp.get_table_names(schema="public") == []
    for name in names:
        insp.get_columns(name)
        insp.get_pk_constraint(name)
        insp.get_foreign_keys(name)
        insp.get_indexes(name)
        insp.get_table_comment(name)
    assert insp.get_view_names() == []
    assert emu.calls() == before


def test_pandas_style_has_table_probe_is_cheap(emu, engine, sa_conn):
    before = emu.calls()
    assert engine.dialect.has_table(sa_conn, "SELECT * FROM campaigns WHERE id = '1'") is False
    assert engine.dialect.has_table(sa_conn, "campaigns") is True
    assert engine.dialect.has_table(sa_conn, "campaigns", schema="pinterest") is True
    assert engine.dialect.has_table(sa_conn, "no_such_table") is False
    assert emu.calls() == before


def test_autoload_and_core_select(sa_conn, campaigns):
    md = MetaData()
    t = Table("campaigns", md, autoload_with=sa_conn)
    assert t.c.id.primary_key and t.c.created_time.type.timezone
    stmt = (
        select(t.c.status, func.count().label("n"))
        .where(t.c.daily_spend_cap > 0)
        .group_by(t.c.status)
        .order_by(func.count().desc(), t.c.status)
        .limit(2)
    )
    rows = sa_conn.execute(stmt).fetchall()
    expected = Counter(c["status"] for c in campaigns if (c["daily_spend_cap"] or 0) > 0)
    want = sorted(expected.items(), key=lambda kv: (-kv[1], kv[0]))[:2]
    assert [tuple(r) for r in rows] == want


def test_schema_qualified_table_and_values(sa_conn, campaigns):
    t = Table("campaigns", MetaData(), autoload_with=sa_conn, schema="pinterest")
    first = min(campaigns, key=lambda c: c["id"])
    row = sa_conn.execute(select(t).where(t.c.id == first["id"])).mappings().one()
    assert row["name"] == first["name"]
    assert row["tracking_urls"] == first["tracking_urls"]  # JSON arrives as Python objects
    assert row["created_time"] == dt.datetime.fromtimestamp(first["created_time"], tz=dt.timezone.utc)
    assert isinstance(row["is_performance_plus"], bool)


def test_join_between_two_api_tables(emu, sa_conn):
    md = MetaData()
    groups = Table("ad_groups", md, autoload_with=sa_conn)
    camps = Table("campaigns", md, autoload_with=sa_conn)
    stmt = (
        select(camps.c.name, func.count(groups.c.id).label("groups"))
        .select_from(groups.join(camps, groups.c.campaign_id == camps.c.id))
        .group_by(camps.c.name)
        .order_by(camps.c.name)
    )
    rows = sa_conn.execute(stmt).fetchall()
    account = emu.data.main_ad_account_id()
    names = {c["id"]: c["name"] for c in emu.data.campaigns(account)}
    want = Counter(names[g["campaign_id"]] for g in emu.data.ad_groups(account) if g["campaign_id"] in names)
    assert [tuple(r) for r in rows] == sorted(want.items())


def test_foreign_keys_reflect_to_joinable_relationships(sa_conn):
    md = MetaData()
    pins = Table("pins", md, autoload_with=sa_conn, resolve_fks=True)
    assert "boards" in md.tables
    fk = next(iter(pins.c.board_id.foreign_keys))
    assert fk.column is md.tables["boards"].c.id
    # SQLAlchemy can now infer the ON clause.
    join = pins.join(md.tables["boards"])
    assert str(join.onclause) == "boards.id = pins.board_id"


def test_bound_parameters_and_in_lists(sa_conn, campaigns):
    ids = sorted(c["id"] for c in campaigns)[:3]
    t = Table("campaigns", MetaData(), autoload_with=sa_conn)
    rows = sa_conn.execute(select(t.c.id).where(t.c.id.in_(ids)).order_by(t.c.id)).scalars().all()
    assert rows == ids
    raw = sa_conn.execute(text("SELECT name FROM campaigns WHERE id = :id"), {"id": ids[0]}).scalar_one()
    assert raw == next(c["name"] for c in campaigns if c["id"] == ids[0])


def test_statement_cache_reuses_sql_without_baking_in_values(engine, campaigns):
    """One cached compilation serves every value (supports_statement_cache = True)."""
    t = Table("campaigns", MetaData(), autoload_with=engine)
    statuses = sorted({c["status"] for c in campaigns})
    assert len(statuses) > 1
    with engine.connect() as c:
        sizes = []
        for s in statuses:
            stmt = select(func.count()).select_from(t).where(t.c.status == s).limit(50)
            assert c.execute(stmt).scalar_one() == sum(x["status"] == s for x in campaigns)
            sizes.append(len(engine._compiled_cache))
    assert sizes[0] > 0 and len(set(sizes)) == 1  # compiled once, then cache hits


def test_offset_and_limit_page_through_rows(sa_conn, campaigns):
    t = Table("campaigns", MetaData(), autoload_with=sa_conn)
    ids = sorted(c["id"] for c in campaigns)
    page = sa_conn.execute(select(t.c.id).order_by(t.c.id).limit(3).offset(2)).scalars().all()
    assert page == ids[2:5]


def test_ping_reaches_the_api(emu, engine):
    with engine.connect() as c:
        before = emu.calls()
        assert engine.dialect.do_ping(c.connection.dbapi_connection) is True
        assert emu.calls() > before


def test_ping_fails_for_a_wrong_token(emu):
    bad = create_engine("pinterest://?BaseURL=" + emu.url, connect_args={"OAuthAccessToken": "pina_wrong"})
    with bad.connect() as c:
        with pytest.raises(pinsql.exceptions.OperationalError, match="invalid or expired") as info:
            bad.dialect.do_ping(c.connection.dbapi_connection)
        assert "pina_wrong" not in str(info.value)
    bad.dispose()


def test_pre_ping_pool(emu):
    props = emu.connection_properties()
    eng = create_engine("pinterest://?BaseURL=" + emu.url, pool_pre_ping=True,
                        connect_args={"OAuthAccessToken": props["OAuthAccessToken"]})
    for _ in range(2):
        with eng.connect() as c:
            assert c.execute(text("SELECT 1")).scalar_one() == 1
    eng.dispose()


def test_temp_tables_create_reflect_insert_select(sa_conn):
    md = MetaData()
    scratch = Table("scratch", md, Column("id", Integer), Column("label", String(20)), prefixes=["TEMPORARY"])
    md.create_all(sa_conn)
    insp = inspect(sa_conn)
    assert insp.get_temp_table_names() == ["scratch"]
    assert insp.get_table_names()[-1] == "scratch"  # after the catalog's tables
    assert sa_conn.dialect.has_table(sa_conn, "scratch")
    cols = {c["name"]: type(c["type"]).__name__ for c in insp.get_columns("scratch")}
    assert cols == {"id": "INTEGER", "label": "VARCHAR"}
    sa_conn.execute(scratch.insert(), [{"id": 1, "label": "a"}, {"id": 2, "label": "b"}])
    assert sa_conn.execute(select(scratch.c.label).where(scratch.c.id == 2)).scalar_one() == "b"
    reflected = Table("scratch", MetaData(), autoload_with=sa_conn)
    assert [c.name for c in reflected.columns] == ["id", "label"]
    reflected_all = MetaData()
    reflected_all.reflect(sa_conn, only=["scratch", "campaigns"])
    assert {"scratch", "campaigns", "ad_accounts"} == set(reflected_all.tables)  # FKs are followed
    md.drop_all(sa_conn)
    assert inspect(sa_conn).get_temp_table_names() == []


def test_unknown_table_reflection_raises(sa_conn):
    with pytest.raises(sa_exc.NoSuchTableError):
        Table("no_such_table", MetaData(), autoload_with=sa_conn)


def test_sql_errors_surface_as_dbapi_errors(sa_conn):
    with pytest.raises(sa_exc.ProgrammingError, match="unknown table"):
        sa_conn.execute(text("SELECT * FROM campaign"))


def test_writes_to_pinterest_tables_are_refused(sa_conn):
    t = Table("campaigns", MetaData(), autoload_with=sa_conn)
    with pytest.raises(sa_exc.NotSupportedError, match="read-only"):
        sa_conn.execute(t.delete().where(and_(t.c.id == "1")))


def test_json_element_access(sa_conn, campaigns):
    t = Table("campaigns", MetaData(), autoload_with=sa_conn)
    first = min(campaigns, key=lambda c: c["id"])
    urls = t.c.tracking_urls
    row = sa_conn.execute(
        select(urls["click"], urls[("click", 0)].as_string(), urls["nope"]).where(t.c.id == first["id"])
    ).one()
    assert row[0] == first["tracking_urls"]["click"]
    assert row[1] == first["tracking_urls"]["click"][0]
    assert row[2] is None
    clicks = sa_conn.execute(
        select(func.count()).select_from(t).where(urls[("click", 0)].as_string().like("https://%"))
    ).scalar_one()
    assert clicks == sum(bool((c["tracking_urls"] or {}).get("click")) for c in campaigns)


def test_arrow_results_are_reachable_through_sqlalchemy(sa_conn, campaigns):
    """The DB-API cursor behind a SQLAlchemy result hands out Arrow (fetch_arrow_table)."""
    result = sa_conn.exec_driver_sql("SELECT id, daily_spend_cap FROM campaigns ORDER BY id")
    table = result.cursor.fetch_arrow_table()
    assert table.column_names == ["id", "daily_spend_cap"]
    assert table.column("id").to_pylist() == sorted(c["id"] for c in campaigns)
    assert str(table.schema.field("daily_spend_cap").type) == "int64"
