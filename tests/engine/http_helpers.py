"""Shared helpers for engine tests that run SQL against the emulator over HTTP."""

from __future__ import annotations


def execute_logged(conn, emulator, sql, params=None):
    """Run one statement; returns (rows, the emulator's request log of it).

    The cursor's own call count must agree with what the emulator served.
    """
    emulator.clear_log()
    cur = conn.cursor()
    cur.execute(sql, params)
    rows = cur.fetchall()
    assert cur.api_calls == emulator.calls()
    return rows, emulator.request_log.snapshot()
