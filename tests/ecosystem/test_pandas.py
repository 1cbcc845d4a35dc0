"""pandas.read_sql / to_sql through the pinterest:// dialect, and on a raw pinsql connection."""

from __future__ import annotations

import warnings

import pytest
from sqlalchemy import text

import pinsql

pd = pytest.importorskip("pandas")


def test_read_sql_table_name(emu, engine, campaigns):
    df = pd.read_sql("campaigns", engine)
    assert sorted(df["id"]) == sorted(c["id"] for c in campaigns)
    assert list(df.columns) == pinsql.catalog.load_catalog().table("campaigns").column_names
    assert str(df["created_time"].dt.tz) == "UTC"


def test_read_sql_query_probes_without_api_calls(emu, engine, campaigns):
    sql = "SELECT id, name FROM campaigns WHERE status = 'ACTIVE' ORDER BY id"
    before = emu.calls()
    with engine.connect() as conn:
        assert engine.dialect.has_table(conn, sql) is False  # what pandas asks first
    assert emu.calls() == before
    df = pd.read_sql(sql, engine)
    assert list(df["id"]) == sorted(c["id"] for c in campaigns if c["status"] == "ACTIVE")


@pytest.mark.parametrize("style", ["qmark", "text"])
def test_read_sql_params(engine, campaigns, style):
    status = campaigns[0]["status"]
    if style == "qmark":
        df = pd.read_sql("SELECT id FROM campaigns WHERE status = ? ORDER BY id", engine, params=(status,))
    else:
        df = pd.read_sql(text("SELECT id FROM campaigns WHERE status = :s ORDER BY id"), engine, params={"s": status})
    assert list(df["id"]) == sorted(c["id"] for c in campaigns if c["status"] == status)


@pytest.mark.parametrize("chunksize", [1, 4, 100])
def test_read_sql_chunksize(engine, campaigns, chunksize):
    chunks = list(pd.read_sql("SELECT id FROM campaigns ORDER BY id", engine, chunksize=chunksize))
    assert all(0 < len(c) <= chunksize for c in chunks)
    assert len(chunks) == -(-len(campaigns) // chunksize)
    assert list(pd.concat(chunks)["id"]) == sorted(c["id"] for c in campaigns)


def test_read_sql_pyarrow_backend(engine, campaigns):
    df = pd.read_sql("SELECT id, daily_spend_cap FROM campaigns", engine, dtype_backend="pyarrow")
    assert "pyarrow" in str(df["daily_spend_cap"].dtype)
    assert df["daily_spend_cap"].sum() == sum(c["daily_spend_cap"] or 0 for c in campaigns)


def test_to_sql_into_a_session_table_and_back(engine):
    frame = pd.DataFrame({"campaign_id": ["1", "2", "3"], "budget": [1.5, 2.5, None]})
    with engine.connect() as conn:
        frame.to_sql("budgets", conn, index=False)
        back = pd.read_sql("SELECT * FROM budgets ORDER BY campaign_id", conn)
    pd.testing.assert_frame_equal(back, frame)


def test_read_sql_on_a_raw_dbapi_connection(emu, campaigns):
    with pinsql.connect(**emu.connection_properties()) as conn:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # pandas prefers SQLAlchemy for non-sqlite DB-API
            df = pd.read_sql("SELECT id FROM campaigns WHERE status = ? ORDER BY id", conn,
                             params=[campaigns[0]["status"]])
    assert list(df["id"]) == sorted(c["id"] for c in campaigns if c["status"] == campaigns[0]["status"])
