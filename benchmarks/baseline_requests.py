"""Baseline 1: the query set written the way people script the Pinterest API today.

``requests`` in a loop, the API's DEFAULT page size (no ``page_size`` → 25
items per page), one call after another, no ``entity_statuses`` (so the API's
ACTIVE+PAUSED default applies), one campaign id per analytics call, then
pandas for filtering, joining and aggregating.

Each function takes the :class:`PlainApi` and the query's parameters and
returns a pandas DataFrame (the answer). ``run.py`` times them; run alone::

    python benchmarks/baseline_requests.py --url http://127.0.0.1:PORT/v5 --token T --ad-account ID \\
        --query campaigns_scan --params '{}'
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from typing import Any, Callable

import pandas as pd
import requests

METRICS = "SPEND_IN_MICRO_DOLLAR,IMPRESSION_1,CLICKTHROUGH_1"


class BudgetExceeded(RuntimeError):
    """The run took longer than the benchmark allows; the calls made so far are still counted."""


class PlainApi:
    """What a typical script has: a session with the bearer token and a bookmark loop."""

    def __init__(self, base_url: str, token: str, ad_account_id: str, budget_seconds: float | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.ad_account_id = ad_account_id
        self.session = requests.Session()
        self.session.trust_env = False  # 127.0.0.1 only
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.deadline = time.monotonic() + budget_seconds if budget_seconds else None

    def get(self, path: str, **params: Any) -> Any:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise BudgetExceeded("stopped: over the time budget")
        r = self.session.get(self.base_url + path, params=params, timeout=60)
        r.raise_for_status()
        return r.json()

    def get_all(self, path: str, **params: Any) -> list[dict]:
        items, bookmark = [], None
        while True:
            page = self.get(path, **params, **({"bookmark": bookmark} if bookmark else {}))
            items.extend(page["items"])
            bookmark = page.get("bookmark")
            if not bookmark:
                return items

    @property
    def account(self) -> str:
        return f"/ad_accounts/{self.ad_account_id}"


def campaigns_scan(api: PlainApi, p: dict) -> pd.DataFrame:
    return pd.DataFrame(api.get_all(f"{api.account}/campaigns"))


def campaign_by_id(api: PlainApi, p: dict) -> pd.DataFrame:
    return pd.DataFrame([api.get(f"{api.account}/campaigns/{p['id']}")])


def campaigns_600_ids(api: PlainApi, p: dict) -> pd.DataFrame:
    # The usual way: pull the list, filter in pandas.
    df = pd.DataFrame(api.get_all(f"{api.account}/campaigns"))
    return df[df["id"].isin(p["ids"])][["id", "name", "status"]]


def campaigns_limit_10(api: PlainApi, p: dict) -> pd.DataFrame:
    return pd.DataFrame(api.get(f"{api.account}/campaigns")["items"][:10])[["id", "name", "status"]]


def ad_groups_of_campaign(api: PlainApi, p: dict) -> pd.DataFrame:
    return pd.DataFrame(api.get_all(f"{api.account}/ad_groups", campaign_ids=p["campaign_id"]))


def pins_of_board(api: PlainApi, p: dict) -> pd.DataFrame:
    return pd.DataFrame(api.get_all(f"/boards/{p['board_id']}/pins"))


def _all_pins(api: PlainApi) -> tuple[pd.DataFrame, pd.DataFrame]:
    boards = pd.DataFrame(api.get_all("/boards"))
    pins = []
    for board_id in boards["id"]:
        pins.extend(api.get_all(f"/boards/{board_id}/pins"))
    return boards, pd.DataFrame(pins)


def all_board_pins(api: PlainApi, p: dict) -> pd.DataFrame:
    return _all_pins(api)[1]


def _windows(start: str, end: str, span: int = 90) -> list[tuple[str, str]]:
    """The API refuses ranges over 90 days: split like a script author does after the first 400."""
    s, e, out = dt.date.fromisoformat(start), dt.date.fromisoformat(end), []
    while s <= e:
        w = min(e, s + dt.timedelta(days=span - 1))
        out.append((s.isoformat(), w.isoformat()))
        s = w + dt.timedelta(days=1)
    return out


def _active_analytics(api: PlainApi, p: dict) -> pd.DataFrame:
    campaigns = pd.DataFrame(api.get_all(f"{api.account}/campaigns"))
    active = campaigns[campaigns["status"] == "ACTIVE"]["id"]
    rows = []
    for campaign_id in active:  # one id per call, as the common connectors do
        for start, end in _windows(p["start"], p["end"]):
            rows.extend(api.get(f"{api.account}/campaigns/analytics", campaign_ids=campaign_id,
                                start_date=start, end_date=end, columns=METRICS, granularity="DAY"))
    df = pd.DataFrame(rows, columns=["CAMPAIGN_ID", "DATE", *METRICS.split(",")])
    if df.empty:
        return df
    df["CAMPAIGN_ID"] = df["CAMPAIGN_ID"].astype(str)
    return df.groupby("CAMPAIGN_ID", as_index=False)[METRICS.split(",")].sum()


def campaign_ad_group_counts(api: PlainApi, p: dict) -> pd.DataFrame:
    campaigns = pd.DataFrame(api.get_all(f"{api.account}/campaigns"))
    ad_groups = pd.DataFrame(api.get_all(f"{api.account}/ad_groups"))
    counts = ad_groups.groupby("campaign_id").size().rename("ad_groups")
    out = campaigns[["id", "name"]].merge(counts, left_on="id", right_index=True, how="left")
    return out.fillna({"ad_groups": 0})


def board_pin_counts(api: PlainApi, p: dict) -> pd.DataFrame:
    boards, pins = _all_pins(api)
    counts = pins.groupby("board_id").size().rename("pins") if len(pins) else pd.Series(dtype=int, name="pins")
    out = boards[["id", "name"]].merge(counts, left_on="id", right_index=True, how="left")
    return out.fillna({"pins": 0})


BASELINES: dict[str, Callable[[PlainApi, dict], pd.DataFrame]] = {
    "campaigns_scan": campaigns_scan,
    "campaign_by_id": campaign_by_id,
    "campaigns_600_ids": campaigns_600_ids,
    "campaigns_limit_10": campaigns_limit_10,
    "ad_groups_of_campaign": ad_groups_of_campaign,
    "pins_of_board": pins_of_board,
    "all_board_pins": all_board_pins,
    "active_analytics_30d": _active_analytics,
    "active_analytics_90d": _active_analytics,
    "active_analytics_120d": _active_analytics,
    "campaign_ad_group_counts": campaign_ad_group_counts,
    "board_pin_counts": board_pin_counts,
}


def main() -> None:
    parser = argparse.ArgumentParser(description="Run one query the plain requests + pandas way.")
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--ad-account", required=True)
    parser.add_argument("--query", required=True, choices=sorted(BASELINES))
    parser.add_argument("--params", default="{}")
    args = parser.parse_args()
    api = PlainApi(args.url, args.token, args.ad_account)
    t0, c0 = time.perf_counter(), time.process_time()
    df = BASELINES[args.query](api, json.loads(args.params))
    print(json.dumps({"rows": len(df), "wall": time.perf_counter() - t0, "cpu": time.process_time() - c0}))


if __name__ == "__main__":
    main()
