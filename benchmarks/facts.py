"""What the lower bounds need to know about the emulator's dataset.

Runs inside the emulator's process (``emulator_proc.py``) and reads the
dataset's own reference methods (``emu.data``), never the HTTP API, so the
bounds do not inherit an emulator paging bug. Returns plain JSON.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any


def collect_facts(emu: Any) -> dict[str, Any]:
    data = emu.data
    props = emu.connection_properties()
    account = props.get("AdAccountId") or data.main_ad_account_id()
    campaigns = data.campaigns(account)
    ad_groups = data.ad_groups(account)
    boards = data.boards()
    facts: dict[str, Any] = {
        "ad_account_id": account,
        "ad_account_in_props": "AdAccountId" in props,
        "campaigns": [[c["id"], c["status"]] for c in campaigns],
        "ad_groups_total": len(ad_groups),
        "ad_groups_per_campaign": dict(Counter(g["campaign_id"] for g in ad_groups)),
        "boards": [[b["id"], len(data.board_pins(b["id"]))] for b in boards],
        "today": _today(emu).isoformat(),
    }
    facts["analytics_days"] = _analytics_days(emu, facts)
    return facts


def _today(emu: Any) -> dt.date:
    """The emulator's idea of today (UTC), if it has a clock of its own."""
    for owner in (emu, getattr(emu, "data", None)):
        for name in ("today", "clock_today"):
            value = getattr(owner, name, None)
            value = value() if callable(value) else value
            if isinstance(value, dt.date):
                return value if not isinstance(value, dt.datetime) else value.date()
    return dt.datetime.now(dt.timezone.utc).date()


def _analytics_days(emu: Any, facts: dict[str, Any]) -> dict[str, list[str]] | None:
    """Per active campaign, the days (last 121) on which its daily analytics have a row.

    The emulator omits the rows of idle (campaign, day) pairs, as the API does;
    ``Analytics.row_exists`` is its reference for that. None when that
    reference is missing: the analytics answers are then reported unchecked.
    """
    try:
        from pinsql.emulator.analytics import Analytics
    except ImportError:
        return None
    analytics = Analytics(emu.data)  # pure functions of the dataset's seed: same answers as the server
    today = dt.date.fromisoformat(facts["today"])
    days = [(today - dt.timedelta(days=n)).isoformat() for n in range(1, 122)]
    active = [cid for cid, status in facts["campaigns"] if status == "ACTIVE"]
    return {cid: [d for d in days if analytics.row_exists(cid, d)] for cid in active}
