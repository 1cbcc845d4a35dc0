"""Connection and cursor behaviour (PEP 249) against the emulator."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

import pinsql


def test_description_right_after_execute_and_types(conn):
    cur = conn.cursor()
    assert cur.description is None and cur.rowcount == -1
    cur.execute("SELECT id, pin_count, created_at, is_ads_only, media_pin_thumbnail_urls, "
                "1.5::DOUBLE AS d, DATE '2026-01-02' AS day FROM boards LIMIT 2")
    d = cur.description
    assert [c.name for c in d] == ["id", "pin_count", "created_at", "is_ads_only", "media_pin_thumbnail_urls", "d", "day"]
    assert [c.type_code for c in d] == ["VARCHAR", "BIGINT", "TIMESTAMP", "BOOLEAN", "JSON", "DOUBLE", "DATE"]
    assert d[0] == ("id", "VARCHAR", None, None, None, None, True) and len(d[0]) == 7
    assert d[1].type_code == pinsql.NUMBER and d[2].type_code == pinsql.DATETIME and d[0].type_code == pinsql.STRING
    assert cur.rowcount == 2
    row = cur.fetchone()
    assert isinstance(row[0], str) and isinstance(row[1], int) and isinstance(row[3], bool)
    assert isinstance(row[2], dt.datetime) and row[2].utcoffset() == dt.timedelta(0)
    assert isinstance(row[4], str) and row[5] == 1.5 and row[6] == dt.date(2026, 1, 2)


def test_sums_of_bigint_are_ints(conn):
    cur = conn.cursor()
    cur.execute("SELECT sum(pin_count) AS s, sum(9223372036854775807) AS big FROM boards")
    assert [d.type_code for d in cur.description] == ["BIGINT", "HUGEINT"]
    s, big = cur.fetchone()
    assert isinstance(s, int) and big > 2**63


def test_fetch_methods_are_views_of_one_result(conn):
    cur = conn.cursor()
    cur.execute("SELECT * FROM range(10) t(i) ORDER BY i")
    assert cur.arraysize == 1
    assert cur.fetchmany() == [(0,)]
    assert cur.fetchmany(0) == []
    cur.arraysize = 3
    assert cur.fetchmany() == [(1,), (2,), (3,)]
    assert cur.fetchone() == (4,)
    assert list(cur)[:2] == [(5,), (6,)]
    assert cur.fetchall() == []
    assert cur.fetchone() is None and cur.fetchmany(5) == []


def test_arrow_fetches(conn):
    cur = conn.cursor()
    cur.execute("SELECT i, i * 2 AS j FROM range(5) t(i) ORDER BY i")
    assert cur.arrow_schema.names == ["i", "j"]
    assert cur.fetchone() == (0, 0)
    table = cur.fetch_arrow_table()
    assert isinstance(table, pa.Table) and table.column("i").to_pylist() == [1, 2, 3, 4]
    assert cur.fetchall() == []
    cur.execute("SELECT i FROM range(5) t(i) ORDER BY i")
    reader = cur.fetch_record_batch(rows_per_batch=2)
    assert isinstance(reader, pa.RecordBatchReader)
    assert [b.num_rows for b in reader] == [2, 2, 1]


def test_timestamps_are_utc_in_arrow(conn):
    cur = conn.cursor()
    cur.execute("SELECT created_at FROM boards LIMIT 1")
    assert cur.fetch_arrow_table().schema.field("created_at").type == pa.timestamp("us", tz="UTC")


def test_fetch_without_result_set_raises(conn):
    cur = conn.cursor()
    with pytest.raises(pinsql.ProgrammingError):
        cur.fetchone()
    cur.execute("CREATE TEMP TABLE t1 (a INTEGER)")
    for fetch in (cur.fetchone, cur.fetchall, lambda: cur.fetchmany(2), cur.fetch_arrow_table):
        with pytest.raises(pinsql.ProgrammingError):
            fetch()


def test_executemany_refuses_select(conn):
    with pytest.raises(pinsql.NotSupportedError):
        conn.cursor().executemany("SELECT ?", [[1], [2]])


def test_misc_cursor_api(conn):
    cur = conn.cursor()
    cur.setinputsizes([10])
    cur.setoutputsize(10)
    cur.setoutputsize(10, 0)
    assert cur.lastrowid is None
    with conn.cursor() as c2:
        c2.execute("SELECT 1")
    assert c2.closed
    with pytest.raises(pinsql.InterfaceError):
        c2.execute("SELECT 1")


def test_parameters_with_quotes_and_sql_fragments(conn, emulator):
    cur = conn.cursor()
    for value in ["O'Brien", "x' OR '1'='1", "'); DROP TABLE x; --", "?"]:
        cur.execute("SELECT ? AS v, count(*) FROM campaigns WHERE name = ?", [value, value])
        assert cur.fetchall() == [(value, 0)]
    cur.execute("SELECT '?' AS q, ? AS p", [5])
    assert cur.fetchall() == [("?", 5)]
    with pytest.raises(pinsql.ProgrammingError):
        cur.execute("SELECT ?, ?", [1])


def test_api_calls_and_query_plan(conn, emulator):
    cur = conn.cursor()
    cur.execute("SELECT id FROM campaigns LIMIT 5")
    assert cur.api_calls == 1
    (scan,) = cur.query_plan
    assert scan.table.name == "campaigns" and scan.limit == 5
    cur.execute("SELECT 1")
    assert cur.api_calls == 0 and cur.query_plan == []
    assert conn.api_calls["calls"] >= 1


def test_connection_lifecycle(emulator):
    conn = pinsql.connect(**emulator.connection_properties())
    assert conn.test().authenticated
    assert "campaigns" in conn.catalog
    conn.commit()
    conn.rollback()
    cur = conn.cursor()
    with conn:
        pass
    assert conn.closed
    conn.close()  # idempotent
    for op in (conn.cursor, conn.commit, conn.rollback):
        with pytest.raises(pinsql.InterfaceError):
            op()
    with pytest.raises(pinsql.InterfaceError):
        cur.execute("SELECT 1")


def test_connection_string_form(emulator):
    props = emulator.connection_properties()
    conn_str = ";".join(f"{k}={v}" for k, v in props.items())
    with pinsql.connect(conn_str) as conn:
        cur = conn.cursor()
        cur.execute("SELECT count(*) FROM ad_accounts")
        assert cur.fetchone() == (len(emulator.data.ad_accounts()),)


def test_secrets_not_in_repr(emulator, conn):
    text = repr(conn) + repr(conn.cursor()) + repr(conn.properties)
    assert emulator.access_token not in text and emulator.client_secret not in text


def test_api_errors_propagate_with_code(conn, emulator):
    cur = conn.cursor()
    with pytest.raises(pinsql.DatabaseError):
        cur.execute("SELECT * FROM campaigns WHERE ad_account_id = '999'")


def test_local_dml_returning_gives_rows_not_a_rowcount(conn):
    cur = conn.cursor()
    cur.execute("CREATE TEMP TABLE ret (a INTEGER, b VARCHAR)")
    cur.execute("INSERT INTO ret VALUES (42, 'x'), (7, 'y') RETURNING a, b")
    assert cur.fetchall() == [(42, "x"), (7, "y")]
    assert [d.name for d in cur.description] == ["a", "b"]
    cur.execute("DELETE FROM ret WHERE a = 7 RETURNING b")
    assert cur.fetchall() == [("y",)]
    cur.execute("UPDATE ret SET b = 'z'")
    assert cur.rowcount == 1 and cur.description is None


def test_local_tables_may_declare_foreign_keys(conn):
    cur = conn.cursor()
    cur.execute("CREATE TEMP TABLE parent (id INTEGER PRIMARY KEY)")
    cur.execute("CREATE TEMP TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id))")
    cur.execute("INSERT INTO parent VALUES (1)")
    cur.execute("INSERT INTO child VALUES (10, 1)")
    cur.execute("SELECT c.id, p.id FROM child c JOIN parent p ON p.id = c.parent_id")
    assert cur.fetchall() == [(10, 1)]
