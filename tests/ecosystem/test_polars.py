"""polars.read_database through the dialect and on a raw pinsql connection."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy
from sqlalchemy import text

import pinsql

pl = pytest.importorskip("polars")


def test_read_database_with_an_engine(engine, campaigns):
    df = pl.read_database("SELECT id, status, daily_spend_cap FROM campaigns ORDER BY id", connection=engine)
    assert df["id"].to_list() == sorted(c["id"] for c in campaigns)
    assert df.schema["daily_spend_cap"] == pl.Int64


def test_read_database_with_a_sqlalchemy_connection_and_params(engine, campaigns):
    status = campaigns[0]["status"]
    # polars passes execute_options to Connection.execute as keywords: 2.x takes
    # them as parameters=..., 1.4 as the bind values themselves.
    options = {"parameters": {"s": status}} if sqlalchemy.__version__ >= "2" else {"s": status}
    with engine.connect() as conn:
        df = pl.read_database(text("SELECT id FROM campaigns WHERE status = :s ORDER BY id"), connection=conn,
                              execute_options=options)
    assert df["id"].to_list() == sorted(c["id"] for c in campaigns if c["status"] == status)


def test_read_database_with_a_dbapi_connection(emu, campaigns):
    with pinsql.connect(**emu.connection_properties()) as conn:
        df = pl.read_database("SELECT id, created_time FROM campaigns ORDER BY id", connection=conn)
    assert df["id"].to_list() == sorted(c["id"] for c in campaigns)
    # polars builds frames from rows for drivers it does not know; tz-aware UTC
    # datetimes may arrive as naive UTC, so compare as UTC instants.
    want = [dt.datetime.fromtimestamp(c["created_time"], tz=dt.timezone.utc)
            for c in sorted(campaigns, key=lambda c: c["id"])]
    got = [v if v.tzinfo else v.replace(tzinfo=dt.timezone.utc) for v in df["created_time"].to_list()]
    assert got == want


def test_read_database_in_batches(engine, campaigns):
    batches = list(pl.read_database("SELECT id FROM campaigns ORDER BY id", connection=engine,
                                    iter_batches=True, batch_size=4))
    assert all(len(b) <= 4 for b in batches)
    assert pl.concat(batches)["id"].to_list() == sorted(c["id"] for c in campaigns)
