"""Semi-join keys taken by Arrow (passthrough.key_values) against the same keys taken by DuckDB.

A subquery or join source whose filters Arrow checks exactly gives its keys without a DuckDB
statement; every other shape keeps DuckDB's. Both ways must send the same calls and give the
same answer, against the emulator over HTTP.
"""

from __future__ import annotations

import pytest

from http_helpers import execute_logged
from pinsql.engine import passthrough

ARROW = [
    "SELECT id, name FROM ad_groups WHERE campaign_id IN (SELECT id FROM campaigns WHERE status = 'ACTIVE')",
    "SELECT id FROM ad_groups WHERE campaign_id IN (SELECT c.id FROM campaigns c "
    "WHERE c.status IN ('ACTIVE', 'PAUSED') AND (c.objective_type = 'AWARENESS'))",
    "SELECT g.id, c.name FROM campaigns c JOIN ad_groups g ON g.campaign_id = c.id WHERE c.status = 'ARCHIVED'",
    "SELECT count(*) FROM board_pins WHERE board_id IN (SELECT id FROM boards WHERE privacy = 'PUBLIC')",
    "SELECT id FROM ad_groups WHERE campaign_id IN (SELECT id FROM campaigns WHERE objective_type = 'NO_SUCH_OBJECTIVE')",
]
DUCKDB = [
    "SELECT id FROM ad_groups WHERE campaign_id IN (SELECT id FROM campaigns WHERE name LIKE 'C%')",
    "SELECT id FROM ad_groups WHERE campaign_id IN (SELECT DISTINCT id FROM campaigns WHERE status = 'ACTIVE')",
    "SELECT id FROM ad_groups WHERE campaign_id IN (SELECT id FROM campaigns WHERE status <> 'DRAFT')",
    "SELECT id FROM ad_groups WHERE campaign_id IN (SELECT id FROM campaigns WHERE status = 'ACTIVE' ORDER BY id LIMIT 3)",
    "SELECT id FROM ad_groups WHERE campaign_id IN (SELECT lower(id) FROM campaigns WHERE status = 'ACTIVE')",
    "SELECT g.id FROM campaigns c JOIN ad_groups g ON g.campaign_id = c.id WHERE c.status = 'ARCHIVED' OR c.name = 'x'",
]


def _run(conn, emulator, sql):
    """The answer, the calls' paths with their scalar parameters, and the list values sent per path.

    Sets, not the calls one by one: DuckDB's DISTINCT has no order, so which chunk carries an
    id (hence its bookmarks, and whether a chunk's answer takes a second page) may differ."""
    rows, log = execute_logged(conn, emulator, sql)
    calls = {(r.path, tuple(sorted((k, v) for k, v in r.query.items() if not isinstance(v, list) and k != "bookmark")))
             for r in log}
    sent = {(r.path, k, x) for r in log for k, v in r.query.items() if isinstance(v, list) and k != "bookmark" for x in v}
    return sorted(rows, key=repr), calls, sent


@pytest.mark.parametrize("sql,by_arrow", [(s, True) for s in ARROW] + [(s, False) for s in DUCKDB])
def test_keys_by_arrow_are_duckdbs(conn, emulator, monkeypatch, sql, by_arrow):
    taken = []
    real = passthrough.key_values

    def spy(*args):
        keys = real(*args)
        taken.append(keys is not None)
        return keys

    monkeypatch.setattr(passthrough, "key_values", spy)
    fast = _run(conn, emulator, sql)
    assert (bool(taken) and all(taken)) if by_arrow else not any(taken)
    monkeypatch.setattr(passthrough, "key_values", lambda *args: None)
    assert _run(conn, emulator, sql) == fast
    assert fast[1]  # the statement did call the API
