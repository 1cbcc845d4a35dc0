"""The fixed query set: each an analyst's question, its SQL, and the lower bound of its API calls.

Parameters (ids, dates) are picked from the emulator's dataset (``facts``) so
every query has a known answer size; the same parameters go to the two
baselines. The lower-bound rules are written next to each query (and in
README.md); ``lower_bound.py`` turns them into call counts and critical paths.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Callable

from lower_bound import DEFAULT_PAGE, MAX_IDS, MAX_LOOKBACK_DAYS, Plan, pages, windows

Facts = dict[str, Any]
Params = dict[str, Any]

#: Metrics the analytics queries read (columns of campaign_analytics).
METRICS = ("SPEND_IN_MICRO_DOLLAR", "IMPRESSION_1", "CLICKTHROUGH_1")


@dataclass(frozen=True)
class Query:
    name: str
    question: str
    params: Callable[[Facts], Params]
    sql: Callable[[Params], str]
    plan: Callable[[Facts, Params], Plan]
    #: Rows the correct answer has, from the dataset (None when unknown).
    expected_rows: Callable[[Facts, Params], int | None]
    #: The correct outcome is a clear error before any call (the API cannot serve the query).
    expect_error: bool = False
    #: Calls a script needs for the full answer at the default page size (25) once it
    #: also asks for every entity status; reported when a baseline misses rows.
    calls_to_match: Callable[[Facts, Params], int] | None = None


def _campaigns(f: Facts, status: str | None = None) -> list[str]:
    return [cid for cid, s in f["campaigns"] if status is None or s == status]


def _quote(values: list[str]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def _date_range(f: Facts, days: int) -> tuple[str, str]:
    """The last ``days`` complete days before the emulator's today (UTC)."""
    end = dt.date.fromisoformat(f["today"]) - dt.timedelta(days=1)
    return (end - dt.timedelta(days=days - 1)).isoformat(), end.isoformat()


def _analytics_rows(f: Facts, p: Params) -> int | None:
    days = f.get("analytics_days")
    if days is None:
        return None
    return sum(1 for cid in _campaigns(f, "ACTIVE") if any(p["start"] <= d <= p["end"] for d in days.get(cid, [])))


# ----------------------------------------------------------------- the set

def _campaign_scan() -> Query:
    return Query(
        "campaigns_scan", "Every campaign of the account, whatever its status",
        params=lambda f: {},
        sql=lambda p: "SELECT * FROM campaigns",
        # One bookmark chain over all statuses at page_size=250.
        plan=lambda f, p: Plan("ceil(campaigns/250) sequential pages").stage(pages(len(f["campaigns"]))),
        expected_rows=lambda f, p: len(f["campaigns"]),
        calls_to_match=lambda f, p: pages(len(f["campaigns"]), DEFAULT_PAGE),
    )


def _campaign_by_id() -> Query:
    def params(f: Facts) -> Params:
        ids = _campaigns(f)
        return {"id": ids[len(ids) // 2]}

    return Query(
        "campaign_by_id", "One campaign by id",
        params=params,
        sql=lambda p: f"SELECT id, name, status, daily_spend_cap FROM campaigns WHERE id = '{p['id']}'",
        plan=lambda f, p: Plan("1 call (GET by id, or the list filtered by campaign_ids)").stage(1),
        expected_rows=lambda f, p: 1,
    )


def _campaigns_by_ids(k: int = 600) -> Query:
    def params(f: Facts) -> Params:
        ids = _campaigns(f)
        step = max(1, len(ids) // k)
        return {"ids": ids[::step][:k]}

    def plan(f: Facts, p: Params) -> Plan:
        # campaign_ids takes 250 ids per call (one page each, independent), unless
        # scanning the whole account is cheaper.
        chunks, scan = math.ceil(len(p["ids"]) / MAX_IDS), pages(len(f["campaigns"]))
        if scan < chunks:
            return Plan("min(ceil(ids/250) parallel calls, full scan pages) = full scan").stage(scan)
        return Plan("min(ceil(ids/250) parallel calls, full scan pages) = id chunks").stage(*[1] * chunks)

    return Query(
        f"campaigns_{k}_ids", f"{k} campaigns by an id list (e.g. pasted from a spreadsheet)",
        params=params,
        sql=lambda p: f"SELECT id, name, status FROM campaigns WHERE id IN ({_quote(p['ids'])})",
        plan=plan,
        expected_rows=lambda f, p: len(p["ids"]),
        calls_to_match=lambda f, p: pages(len(f["campaigns"]), DEFAULT_PAGE),
    )


def _campaigns_limit() -> Query:
    return Query(
        "campaigns_limit_10", "A peek at ten campaigns",
        params=lambda f: {},
        sql=lambda p: "SELECT id, name, status FROM campaigns LIMIT 10",
        plan=lambda f, p: Plan("1 call with page_size=10").stage(1),
        expected_rows=lambda f, p: min(10, len(f["campaigns"])),
    )


def _ad_groups_of_campaign() -> Query:
    def params(f: Facts) -> Params:
        per = f["ad_groups_per_campaign"]
        cid = max(per, key=lambda c: (per[c], c))  # the campaign with the most ad groups
        return {"campaign_id": cid}

    return Query(
        "ad_groups_of_campaign", "The ad groups of one campaign",
        params=params,
        sql=lambda p: f"SELECT * FROM ad_groups WHERE campaign_id = '{p['campaign_id']}'",
        plan=lambda f, p: Plan("ceil(ad groups of the campaign/250) sequential pages").stage(
            pages(f["ad_groups_per_campaign"][p["campaign_id"]])),
        expected_rows=lambda f, p: f["ad_groups_per_campaign"][p["campaign_id"]],
    )


def _pins_of_board() -> Query:
    def params(f: Facts) -> Params:
        bid, _ = max(f["boards"], key=lambda b: (b[1], b[0]))  # the fullest board
        return {"board_id": bid}

    def pins_on(f: Facts, p: Params) -> int:
        return dict(map(tuple, f["boards"]))[p["board_id"]]

    return Query(
        "pins_of_board", "The pins of one board (the fullest)",
        params=params,
        sql=lambda p: f"SELECT * FROM board_pins WHERE board_id = '{p['board_id']}'",
        plan=lambda f, p: Plan("ceil(pins on the board/250) sequential pages").stage(pages(pins_on(f, p))),
        expected_rows=pins_on,
    )


def _all_board_pins() -> Query:
    def plan(f: Facts, p: Params) -> Plan:
        return (Plan("ceil(boards/250) pages, then per board ceil(pins/250) pages (boards in parallel)")
                .stage(pages(len(f["boards"])))
                .fan_out([pages(n) for _, n in f["boards"]]))

    return Query(
        "all_board_pins", "Every pin on every board (fan-out over boards)",
        params=lambda f: {},
        sql=lambda p: "SELECT * FROM board_pins",
        plan=plan,
        expected_rows=lambda f, p: sum(n for _, n in f["boards"]),
    )


def _analytics(days: int) -> Query:
    def params(f: Facts) -> Params:
        start, end = _date_range(f, days)
        return {"start": start, "end": end, "days": days}

    def plan(f: Facts, p: Params) -> Plan:
        if days > MAX_LOOKBACK_DAYS:
            return Plan(f"none: the API serves only the last {MAX_LOOKBACK_DAYS} days, so the right "
                        "answer is a clear error before any call")
        active = len(_campaigns(f, "ACTIVE"))
        # entity_statuses=ACTIVE narrows the campaign list; then 250 ids per analytics
        # call, one call per window (any range the API serves fits one window).
        analytics = math.ceil(active / MAX_IDS) * windows(days)
        return (Plan(f"ceil(active/250) pages, then ceil(active/250) x {windows(days)} window(s) "
                     "parallel analytics calls")
                .stage(pages(active))
                .fan_out([1] * analytics))

    return Query(
        f"active_analytics_{days}d",
        f"Spend, impressions and clicks of the active campaigns over the last {days} days"
        + (" (beyond the API's 90-day reach)" if days > MAX_LOOKBACK_DAYS else ""),
        params=params,
        sql=lambda p: (
            "SELECT campaign_id, SUM(spend_in_micro_dollar) AS spend, SUM(impression_1) AS impressions, "
            "SUM(clickthrough_1) AS clicks FROM campaign_analytics "
            "WHERE campaign_id IN (SELECT id FROM campaigns WHERE status = 'ACTIVE') "
            f"AND date BETWEEN DATE '{p['start']}' AND DATE '{p['end']}' GROUP BY campaign_id"),
        plan=plan,
        expected_rows=_analytics_rows if days <= MAX_LOOKBACK_DAYS else (lambda f, p: None),
        expect_error=days > MAX_LOOKBACK_DAYS,
    )


def _campaign_ad_group_counts() -> Query:
    return Query(
        "campaign_ad_group_counts", "Each campaign with its number of ad groups (join + GROUP BY)",
        params=lambda f: {},
        sql=lambda p: (
            "SELECT c.id, c.name, COUNT(g.id) AS ad_groups FROM campaigns c "
            "LEFT JOIN ad_groups g ON g.campaign_id = c.id GROUP BY c.id, c.name"),
        # Two independent lists of the account, each one bookmark chain.
        plan=lambda f, p: Plan("ceil(campaigns/250) and ceil(ad groups/250) pages, the two lists in parallel")
        .stage(pages(len(f["campaigns"])), pages(f["ad_groups_total"])),
        expected_rows=lambda f, p: len(f["campaigns"]),
        calls_to_match=lambda f, p: (pages(len(f["campaigns"]), DEFAULT_PAGE)
                                     + pages(f["ad_groups_total"], DEFAULT_PAGE)),
    )


def _board_pin_counts() -> Query:
    def plan(f: Facts, p: Params) -> Plan:
        return (Plan("ceil(boards/250) pages, then per board ceil(pins/250) pages (boards in parallel)")
                .stage(pages(len(f["boards"])))
                .fan_out([pages(n) for _, n in f["boards"]]))

    return Query(
        "board_pin_counts", "Each board with the number of pins on it, counted (join + GROUP BY)",
        params=lambda f: {},
        sql=lambda p: (
            "SELECT b.id, b.name, COUNT(p.id) AS pins FROM boards b "
            "LEFT JOIN board_pins p ON p.board_id = b.id GROUP BY b.id, b.name"),
        plan=plan,
        expected_rows=lambda f, p: len(f["boards"]),
    )


QUERIES: list[Query] = [
    _campaign_scan(),
    _campaign_by_id(),
    _campaigns_by_ids(600),
    _campaigns_limit(),
    _ad_groups_of_campaign(),
    _pins_of_board(),
    _all_board_pins(),
    _analytics(30),
    _analytics(90),
    _analytics(120),
    _campaign_ad_group_counts(),
    _board_pin_counts(),
]
BY_NAME = {q.name: q for q in QUERIES}
