"""The SQL shapes Apache Superset sends, run through the dialect against the emulator.

Superset is not needed: the statements below are the ones it generates (virtual
datasets, time grains from PinterestEngineSpec, convert_dttm literals or bare
string timestamps, ORDER BY an aggregate alias, series limits, column-metadata
probes, select_star). Each is also passed through sqlglot's generic dialect
first, as Superset does for an engine it has no sqlglot dialect for.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import pytest
import sqlglot
from sqlalchemy import literal_column, select, table, text

from pinsql.dialect.superset import TIME_GRAIN_EXPRESSIONS, PinterestEngineSpec

UTC = dt.timezone.utc


def via_superset_parser(sql: str) -> str:
    """Superset re-renders SQL it rewrites (e.g. to set LIMIT) with sqlglot's generic dialect."""
    return sqlglot.transpile(sql, read=None, write=None)[0]


def run(sa_conn, sql: str) -> list[tuple]:
    rows = sa_conn.exec_driver_sql(via_superset_parser(sql)).fetchall()
    return [tuple(r) for r in rows]


def created(c: dict) -> dt.datetime:
    return dt.datetime.fromtimestamp(c["created_time"], tz=UTC)


def test_virtual_dataset_with_order_by_aggregate_alias(sa_conn, campaigns):
    sql = (
        "SELECT status AS status, COUNT(*) AS count FROM "
        "(SELECT id, status, daily_spend_cap FROM campaigns WHERE daily_spend_cap IS NOT NULL) AS virtual_table "
        "GROUP BY status ORDER BY count DESC, status LIMIT 10000"
    )
    want = Counter(c["status"] for c in campaigns if c["daily_spend_cap"] is not None)
    assert run(sa_conn, sql) == sorted(want.items(), key=lambda kv: (-kv[1], kv[0]))


def test_hidden_order_by_aggregate(sa_conn, campaigns):
    sql = "SELECT status FROM campaigns GROUP BY status ORDER BY SUM(daily_spend_cap) DESC NULLS LAST, status LIMIT 3"
    sums: dict[str, int] = defaultdict(int)
    for c in campaigns:
        sums[c["status"]] += c["daily_spend_cap"] or 0
    got = [r[0] for r in run(sa_conn, sql)]
    assert got == [s for s, _ in sorted(sums.items(), key=lambda kv: (-kv[1], kv[0]))][:3]


@pytest.mark.parametrize("grain, truncate", [
    ("P1D", lambda t: t.replace(hour=0, minute=0, second=0)),
    ("P1W", lambda t: (t - dt.timedelta(days=t.weekday())).replace(hour=0, minute=0, second=0)),
    ("P1M", lambda t: t.replace(day=1, hour=0, minute=0, second=0)),
    ("P1Y", lambda t: t.replace(month=1, day=1, hour=0, minute=0, second=0)),
    ("PT1H", lambda t: t.replace(minute=0, second=0)),
])
def test_time_grain_grouping_on_a_timestamp(sa_conn, campaigns, grain, truncate):
    expr = TIME_GRAIN_EXPRESSIONS[grain].format(col="created_time")
    sql = f'SELECT {expr} AS created_time, COUNT(*) AS "COUNT(*)" FROM pinterest.campaigns GROUP BY {expr} ORDER BY 1'
    got = {r[0].astimezone(UTC): r[1] for r in run(sa_conn, sql)}
    want = Counter(truncate(created(c)) for c in campaigns)
    assert got == dict(want)


@pytest.mark.parametrize("grain", sorted(g for g in TIME_GRAIN_EXPRESSIONS if g))
def test_every_time_grain_runs(sa_conn, grain):
    expr = TIME_GRAIN_EXPRESSIONS[grain].format(col="created_time")
    rows = run(sa_conn, f"SELECT {expr} AS t, COUNT(*) FROM campaigns GROUP BY {expr}")
    assert rows and all(isinstance(r[0], dt.datetime) for r in rows)


@pytest.mark.parametrize("literal", ["string", "convert_dttm"])
def test_time_range_filters(sa_conn, campaigns, literal):
    times = sorted(created(c) for c in campaigns)
    start, end = times[2], times[-3]
    if literal == "string":  # what Superset sends without a convert_dttm answer
        lo, hi = (f"'{t.replace(tzinfo=None).isoformat(sep=' ', timespec='microseconds')}'" for t in (start, end))
    else:
        lo, hi = (PinterestEngineSpec.convert_dttm("TIMESTAMP WITH TIME ZONE", t.replace(tzinfo=None)) for t in (start, end))
    sql = f"SELECT COUNT(*) FROM campaigns WHERE created_time >= {lo} AND created_time < {hi}"
    assert run(sa_conn, sql) == [(sum(start <= created(c) < end for c in campaigns),)]


def test_analytics_date_trunc_with_pushed_down_date_range(emu, sa_conn):
    """A chart on an analytics table: the time range must become the API's start/end dates."""
    today = dt.datetime.now(UTC).date()
    start, end = today - dt.timedelta(days=20), today - dt.timedelta(days=5)
    lo = PinterestEngineSpec.convert_dttm("DATE", dt.datetime.combine(start, dt.time()))
    hi = f"'{end.isoformat()} 00:00:00.000000'"  # a bare string literal, as Superset sends for unknown types
    sql = (
        "SELECT DATE_TRUNC('week', date) AS date, SUM(spend_in_micro_dollar) AS \"SUM(spend_in_micro_dollar)\" "
        f"FROM pinterest.campaign_analytics WHERE date >= {lo} AND date < {hi} "
        "GROUP BY DATE_TRUNC('week', date) ORDER BY \"SUM(spend_in_micro_dollar)\" DESC LIMIT 10000"
    )
    emu.clear_log()
    rows = run(sa_conn, sql)
    calls = [r for r in emu.request_log.snapshot() if r.path.endswith("/campaigns/analytics")]
    assert calls, "no analytics call was made"
    for call in calls:
        assert call.query["start_date"] == [start.isoformat()]
        assert call.query["end_date"][0] <= end.isoformat()
    # Cross-check with plain daily rows, summed here.
    daily = run(sa_conn, f"SELECT date, spend_in_micro_dollar FROM campaign_analytics "
                      f"WHERE date >= DATE '{start}' AND date < DATE '{end}'")
    weekly: dict[dt.date, int] = defaultdict(int)
    for day, spend in daily:
        weekly[day - dt.timedelta(days=day.weekday())] += spend or 0
    got = {(r[0].date() if isinstance(r[0], dt.datetime) else r[0]): r[1] for r in rows}
    assert got == dict(weekly)
    assert [r[1] for r in rows] == sorted((r[1] for r in rows), reverse=True)


def test_series_limit_inner_join(sa_conn, campaigns):
    sql = (
        "SELECT campaigns.status AS status, DATE_TRUNC('year', created_time) AS __timestamp, COUNT(*) AS count "
        "FROM campaigns JOIN (SELECT status AS status__, COUNT(*) AS mme_inner__ FROM campaigns "
        "GROUP BY status ORDER BY mme_inner__ DESC, status__ LIMIT 2) AS series_limit "
        "ON campaigns.status = series_limit.status__ "
        "GROUP BY campaigns.status, DATE_TRUNC('year', created_time) ORDER BY count DESC, 1, 2 LIMIT 10000"
    )
    by_status = Counter(c["status"] for c in campaigns)
    top = {s for s, _ in sorted(by_status.items(), key=lambda kv: (-kv[1], kv[0]))[:2]}
    want = Counter((c["status"], created(c).year) for c in campaigns if c["status"] in top)
    got = {(r[0], r[1].year): r[2] for r in run(sa_conn, sql)}
    assert got == dict(want)


def test_column_metadata_probes(emu, sa_conn):
    """SQL Lab / dataset probes: LIMIT 1 over the query, and WHERE false for ad-hoc columns."""
    result = sa_conn.exec_driver_sql(via_superset_parser(
        "SELECT * FROM (SELECT id, created_time, daily_spend_cap, tracking_urls FROM campaigns) AS virtual_table LIMIT 1"))
    types = {d[0]: d[1] for d in result.cursor.description}  # read before fetching closes the cursor
    assert result.fetchall()
    assert types["id"] == "VARCHAR" and types["daily_spend_cap"] == "BIGINT"
    assert types["created_time"].startswith("TIMESTAMP")
    probe = sa_conn.exec_driver_sql(via_superset_parser("SELECT created_time FROM pinterest.campaigns WHERE false LIMIT 1"))
    assert probe.cursor.description[0][1].startswith("TIMESTAMP")
    assert probe.fetchall() == []


def test_select_star_quotes_through_the_dialect(sa_conn, campaigns):
    """BaseEngineSpec.select_star: SELECT * FROM <quoted table> LIMIT n, compiled by our dialect."""
    stmt = select(literal_column("*")).select_from(table("campaigns", schema="pinterest")).limit(100)
    sql = str(stmt.compile(dialect=sa_conn.dialect, compile_kwargs={"literal_binds": True}))
    assert "FROM pinterest.campaigns" in sql and "LIMIT 100" in sql
    rows = sa_conn.execute(text(sql)).fetchall()
    assert len(rows) == min(100, len(campaigns))


def test_sql_lab_row_limit_applied_by_superset(sa_conn, campaigns):
    sql = via_superset_parser("SELECT id FROM campaigns ORDER BY id")
    limited = sqlglot.parse_one(sql).limit(3).sql()  # what Superset's FORCE_LIMIT does
    assert [r[0] for r in run(sa_conn, limited)] == sorted(c["id"] for c in campaigns)[:3]
