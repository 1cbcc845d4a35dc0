"""PEP 249 module surface: globals, exceptions, type objects, constructors (no network)."""

from __future__ import annotations

import datetime as dt
import time

import pytest

import pinsql
from pinsql import exceptions


def test_globals():
    assert pinsql.apilevel == "2.0"
    assert pinsql.threadsafety == 1
    assert pinsql.paramstyle == "qmark"


def test_exception_hierarchy():
    assert issubclass(pinsql.Warning, Exception)
    assert issubclass(pinsql.Error, Exception)
    assert issubclass(pinsql.InterfaceError, pinsql.Error)
    assert issubclass(pinsql.DatabaseError, pinsql.Error)
    for name in ("DataError", "OperationalError", "IntegrityError", "InternalError", "ProgrammingError", "NotSupportedError"):
        assert issubclass(getattr(pinsql, name), pinsql.DatabaseError)
        assert getattr(pinsql, name) is getattr(exceptions, name)
        assert getattr(pinsql.Connection, name) is getattr(exceptions, name)


def test_type_objects_compare_with_type_codes():
    assert "VARCHAR" == pinsql.STRING and pinsql.STRING == "JSON"
    assert pinsql.NUMBER == "BIGINT" and pinsql.NUMBER == "DOUBLE" and pinsql.NUMBER != "VARCHAR"
    assert pinsql.DATETIME == "TIMESTAMP" and pinsql.DATETIME == "DATE"
    assert pinsql.BINARY == "BLOB"
    assert pinsql.ROWID != "VARCHAR"
    assert len({pinsql.STRING, pinsql.NUMBER, pinsql.DATETIME, pinsql.BINARY}) == 4  # hashable


def test_constructors():
    assert pinsql.Date(2026, 1, 2) == dt.date(2026, 1, 2)
    assert pinsql.Time(1, 2, 3) == dt.time(1, 2, 3)
    assert pinsql.Timestamp(2026, 1, 2, 3, 4, 5) == dt.datetime(2026, 1, 2, 3, 4, 5)
    now = time.time()
    assert pinsql.DateFromTicks(now) == dt.date.fromtimestamp(now)
    assert isinstance(pinsql.TimeFromTicks(now), dt.time)
    assert pinsql.TimestampFromTicks(now) == dt.datetime.fromtimestamp(int(now))
    assert pinsql.Binary(b"\x00\x01") == b"\x00\x01"
    assert pinsql.Binary(bytearray(b"ab")) == b"ab"
    assert pinsql.Binary("é") == "é".encode()


def test_connect_rejects_properties_and_client_together():
    with pytest.raises(pinsql.InterfaceError):
        pinsql.connect("BaseURL=http://x", client=object())
