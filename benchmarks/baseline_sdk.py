"""Baseline 2: the official ``pinterest-api-sdk`` (0.2.7), used the way its README shows.

Runs in its own virtual environment (``.venv-sdk``, made by ``sdk_env.py``:
the SDK pins an old urllib3), one query per process, and prints one JSON
line: ``{"rows": n, "wall": s, "cpu": s}`` or ``{"error": "..."}``.

The SDK reads its configuration from the environment before anything is
imported: ``PINTEREST_API_URI`` (the emulator's base URL, e.g.
``http://127.0.0.1:PORT/v5``) and ``PINTEREST_ACCESS_TOKEN``; models then
use the default client. Lists go through the models' ``get_all`` (or
``Board.list_pins``) and ``Bookmark.get_next()`` with the default page size
and no ``entity_statuses``, as in the SDK's examples. The SDK has no
analytics model, so analytics use the generated ``CampaignsApi`` on the
SDK's client with up to 250 campaign ids per call (its ``campaign_ids`` is a
list). Aggregations are plain Python (the SDK has no tabular layer).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import sys
import time
from collections import Counter
from typing import Any, Callable

METRICS = ["SPEND_IN_MICRO_DOLLAR", "IMPRESSION_1", "CLICKTHROUGH_1"]


def _drain(first: tuple[list, Any]) -> list:
    """All items of a model list call: follow ``Bookmark.get_next()`` to the end."""
    items, bookmark = first
    items = list(items)
    while bookmark is not None:
        more, bookmark = bookmark.get_next()
        items.extend(more)
    return items


def campaigns(acct: str, **kw: Any) -> list:
    from pinterest.ads.campaigns import Campaign

    return _drain(Campaign.get_all(ad_account_id=acct, **kw))


def campaigns_scan(acct: str, p: dict) -> int:
    return len([(c.id, c.name, c.status) for c in campaigns(acct)])


def campaign_by_id(acct: str, p: dict) -> int:
    from pinterest.ads.campaigns import Campaign

    c = Campaign(ad_account_id=acct, campaign_id=p["id"])
    return len([(c.id, c.name, c.status)])


def campaigns_600_ids(acct: str, p: dict) -> int:
    wanted = set(p["ids"])
    return len([c for c in campaigns(acct) if c.id in wanted])


def campaigns_limit_10(acct: str, p: dict) -> int:
    from pinterest.ads.campaigns import Campaign

    items, _ = Campaign.get_all(ad_account_id=acct)
    return len(items[:10])


def ad_groups_of_campaign(acct: str, p: dict) -> int:
    from pinterest.ads.ad_groups import AdGroup

    return len(_drain(AdGroup.get_all(ad_account_id=acct, campaign_ids=[p["campaign_id"]])))


def _board_pins(board: Any) -> list:
    return _drain(board.list_pins())


def pins_of_board(acct: str, p: dict) -> int:
    from pinterest.organic.boards import Board

    return len(_board_pins(Board(board_id=p["board_id"])))


def all_board_pins(acct: str, p: dict) -> int:
    from pinterest.organic.boards import Board

    return sum(len(_board_pins(b)) for b in _drain(Board.get_all()))


def board_pin_counts(acct: str, p: dict) -> int:
    from pinterest.organic.boards import Board

    counts = {b.id: len(_board_pins(b)) for b in _drain(Board.get_all())}
    return len(counts)


def campaign_ad_group_counts(acct: str, p: dict) -> int:
    from pinterest.ads.ad_groups import AdGroup

    per_campaign = Counter(g.campaign_id for g in _drain(AdGroup.get_all(ad_account_id=acct)))
    return len({c.id: per_campaign.get(c.id, 0) for c in campaigns(acct)})


def _windows(start: str, end: str, span: int = 90) -> list[tuple[dt.date, dt.date]]:
    s, e, out = dt.date.fromisoformat(start), dt.date.fromisoformat(end), []
    while s <= e:
        w = min(e, s + dt.timedelta(days=span - 1))
        out.append((s, w))
        s = w + dt.timedelta(days=1)
    return out


def active_analytics(acct: str, p: dict) -> int:
    from openapi_generated.pinterest_client.api.campaigns_api import CampaignsApi
    from openapi_generated.pinterest_client.model.granularity import Granularity
    from pinterest.client import PinterestSDKClient

    api = CampaignsApi(PinterestSDKClient.create_default_client())
    active = [c.id for c in campaigns(acct) if c.status == "ACTIVE"]
    totals: dict[str, list[float]] = {}
    for i in range(0, len(active), 250):
        for start, end in _windows(p["start"], p["end"]):
            response = api.campaigns_analytics(acct, start, end, active[i:i + 250], METRICS, Granularity("DAY"))
            for row in response.value:  # a model wrapping the JSON array
                # Ids the API sends as JSON numbers come back as floats here (precision lost).
                t = totals.setdefault(str(row["CAMPAIGN_ID"]), [0.0] * len(METRICS))
                for k, m in enumerate(METRICS):
                    t[k] += row.get(m) or 0
    return len(totals)


class BudgetExceeded(BaseException):
    """Raised by the timer: a BaseException so the SDK's own ``except Exception`` cannot swallow it."""


def _over_budget(signum: int, frame: Any) -> None:
    raise BudgetExceeded


QUERIES: dict[str, Callable[[str, dict], int]] = {
    "campaigns_scan": campaigns_scan,
    "campaign_by_id": campaign_by_id,
    "campaigns_600_ids": campaigns_600_ids,
    "campaigns_limit_10": campaigns_limit_10,
    "ad_groups_of_campaign": ad_groups_of_campaign,
    "pins_of_board": pins_of_board,
    "all_board_pins": all_board_pins,
    "active_analytics_30d": active_analytics,
    "active_analytics_90d": active_analytics,
    "active_analytics_120d": active_analytics,
    "campaign_ad_group_counts": campaign_ad_group_counts,
    "board_pin_counts": board_pin_counts,
}


def main() -> None:
    parser = argparse.ArgumentParser(description="Run one benchmark query with pinterest-api-sdk.")
    parser.add_argument("--ad-account", required=True)
    parser.add_argument("--query", required=True, choices=sorted(QUERIES))
    parser.add_argument("--params", default="{}")
    parser.add_argument("--budget", type=float, default=0, help="stop after this many seconds (0: no limit)")
    args = parser.parse_args()
    if not os.environ.get("PINTEREST_API_URI", "").startswith("http://127.0.0.1"):
        sys.exit("PINTEREST_API_URI must point at the local emulator (http://127.0.0.1:...)")
    import pinterest.client  # noqa: F401  (import cost stays out of the timing)
    import pinterest.ads.campaigns  # noqa: F401
    import pinterest.organic.boards  # noqa: F401

    if args.budget:
        signal.signal(signal.SIGALRM, _over_budget)
        signal.setitimer(signal.ITIMER_REAL, args.budget)
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        rows = QUERIES[args.query](args.ad_account, json.loads(args.params))
    except BudgetExceeded:
        print(json.dumps({"note": f"stopped after {args.budget:.0f} s budget",
                          "wall": time.perf_counter() - t0, "cpu": time.process_time() - c0}))
        return
    except Exception as exc:  # report, do not crash the harness
        print(json.dumps({"error": f"{type(exc).__name__}: {exc}"[:300],
                          "wall": time.perf_counter() - t0, "cpu": time.process_time() - c0}))
        return
    print(json.dumps({"rows": rows, "wall": time.perf_counter() - t0, "cpu": time.process_time() - c0}))


if __name__ == "__main__":
    main()
