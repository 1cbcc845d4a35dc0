"""The connection's cache of API answers (CacheTTL), over HTTP against the emulator."""

from __future__ import annotations

import time

from http_helpers import execute_logged

import pinsql


def connect(emulator, **props):
    return pinsql.connect(**emulator.connection_properties(), AdAccountId=emulator.data.main_ad_account_id(), **props)


def run(conn, emulator, sql):
    rows, _ = execute_logged(conn, emulator, sql)
    return rows, emulator.calls()


def test_a_repeated_query_is_answered_from_the_cache(emulator):
    sql = "SELECT id, name, status FROM campaigns ORDER BY id"
    with connect(emulator) as conn:  # the default: CacheTTL=300
        first, calls = run(conn, emulator, sql)
        again, calls_again = run(conn, emulator, sql)
        assert calls > 0 and calls_again == 0
        assert again == first
        assert conn.api_calls["cache_hits"] == calls
        # a different request (LIMIT: another page_size) is not the same answer
        _, limited = run(conn, emulator, "SELECT id FROM campaigns LIMIT 3")
        assert limited == 1
        conn.clear_cache()
        _, after_clear = run(conn, emulator, sql)
        assert after_clear == calls


def test_cache_ttl_zero_and_expiry(emulator):
    sql = "SELECT id FROM boards"
    with connect(emulator, CacheTTL=0) as conn:
        assert run(conn, emulator, sql)[1] == run(conn, emulator, sql)[1] > 0
    with connect(emulator, CacheTTL=0.3) as conn:
        calls = run(conn, emulator, sql)[1]
        assert run(conn, emulator, sql)[1] == 0
        time.sleep(0.4)
        assert run(conn, emulator, sql)[1] == calls


def test_failures_are_not_cached(emulator):
    sql = "SELECT id FROM ad_groups"
    with connect(emulator, MaxRetries=0) as conn:
        emulator.faults.error_rate = 1.0
        try:
            try:
                run(conn, emulator, sql)
            except pinsql.Error:
                pass
            else:
                raise AssertionError("the 5xx answers did not fail the query")
        finally:
            emulator.faults.reset()
        rows, calls = run(conn, emulator, sql)
        assert rows and calls > 0


def test_the_same_request_in_flight_twice_is_sent_once(emulator):
    """A self-join or a UNION of one table pages the same list on two threads at once: one call per page."""
    with connect(emulator) as conn:
        single, calls = run(conn, emulator, "SELECT count(*) FROM campaigns")
    for sql in ("SELECT count(*) FROM campaigns a JOIN campaigns b ON a.id = b.id",
                "SELECT count(*) FROM (SELECT id FROM campaigns UNION ALL SELECT id FROM campaigns)"):
        with connect(emulator) as conn:
            rows, both = run(conn, emulator, sql)
            assert both == calls, sql
            assert rows[0][0] in (single[0][0], 2 * single[0][0])
    with connect(emulator, CacheTTL=0) as conn:  # without the cache each scan makes its own calls
        assert run(conn, emulator, "SELECT count(*) FROM campaigns a JOIN campaigns b ON a.id = b.id")[1] == 2 * calls
