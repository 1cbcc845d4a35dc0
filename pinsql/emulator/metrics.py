"""Consistent analytics numbers: every metric of a row derived from a few random draws.

Each row draws volumes and rates from uniform numbers that are pure functions of
(seed, entity, period, scope[, attribution]); every other metric is computed from
them, so a row holds together the way real reports do: clicks never exceed
impressions, CTR is clicks / impressions, spend is paid impressions at the row's
CPM and CPC is spend / clicks, TOTAL_* are paid + earned parts, conversions are
split into click, engagement and view attribution, ROAS is value / spend.

Rows stay sparse: a metric that comes out as zero (no earned activity, no
conversions, no video) is left out, as the API omits empty columns.

Ads metric names follow the API's suffixes: ``_1`` paid, ``_2`` earned.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from .data import mix, stable_hash

#: A uniform number in [0, 1) for a draw name.
Draw = Callable[[str], float]

MICRO = 1_000_000
_UNIT = float(1 << 64)

#: Conversion events: (event, cost-per-action/ROAS/value reported, typical value per conversion in dollars).
CONVERSION_EVENTS = ("PAGE_VISIT", "SIGNUP", "CHECKOUT", "CUSTOM", "LEAD", "ADD_TO_CART",
                     "ADD_TO_WISHLIST", "SUBSCRIBE", "VIEW_CATEGORY", "SEARCH", "WATCH_VIDEO",
                     "UNKNOWN", "APP_INSTALL")
#: Events with values (micro-dollars) in the reports.
_VALUED = {"SIGNUP": 20, "CHECKOUT": 80, "CUSTOM": 40, "PAGE_VISIT": 5}


@functools.lru_cache(maxsize=4096)
def _name_key(name: str) -> int:
    return stable_hash("draw", name)


def draws(*key: object) -> Draw:
    """Uniform draws for one key: one hash for the key, a cheap mix per draw name."""
    base = stable_hash(*key)
    return lambda name: mix(base, _name_key(name)) / _UNIT


def _ratio(num: float, den: float, digits: int = 5) -> float | None:
    return round(num / den, digits) if den else None


def _share(total: int, u: float, low: float, high: float) -> int:
    """A part of ``total``: between ``low`` and ``high`` of it."""
    return int(total * (low + (high - low) * u))


# --------------------------------------------------------------------------- ads


def ads_delivery(u: Draw, volume: float) -> dict[str, int | float | None]:
    """Impressions, clicks, engagement, spend and their rates and costs."""
    m: dict[str, int | float | None] = {}
    i1 = int(volume * (200 + 4800 * u("impression")))
    i2 = 0 if u("earned?") < 1 / 6 else _share(i1, u("earned"), 0.05, 0.4)
    total_i = i1 + i2
    ctr = 0.002 + 0.03 * u("ctr")
    c1, c2 = int(i1 * ctr), int(i2 * ctr * (0.5 + u("ctr_2")))
    o1, o2 = _share(c1, u("outbound"), 0.3, 0.9), _share(c2, u("outbound_2"), 0.3, 0.9)
    r1, r2 = _share(i1, u("repin"), 0, 0.01), _share(i2, u("repin_2"), 0, 0.02)
    e1 = c1 + r1 + _share(i1, u("closeup"), 0, 0.01)
    e2 = c2 + r2 + _share(i2, u("closeup_2"), 0, 0.02)
    users = _share(total_i, u("reach"), 0.3, 0.9) if total_i else 0
    m.update(
        IMPRESSION_1=i1, PAID_IMPRESSION=i1, IMPRESSION_1_GROSS=i1 + _share(i1, u("invalid"), 0, 0.03),
        IMPRESSION_2=i2, TOTAL_IMPRESSION=total_i, TOTAL_IMPRESSION_USER=users,
        TOTAL_IMPRESSION_FREQUENCY=_ratio(total_i, users, 4),
        CLICKTHROUGH_1=c1, CLICKTHROUGH_1_GROSS=c1 + _share(c1, u("invalid_click"), 0, 0.05),
        CLICKTHROUGH_2=c2, TOTAL_CLICKTHROUGH=c1 + c2,
        OUTBOUND_CLICK_1=o1, OUTBOUND_CLICK_2=o2, REPIN_1=r1, REPIN_2=r2,
        ENGAGEMENT_1=e1, ENGAGEMENT_2=e2, TOTAL_ENGAGEMENT=e1 + e2,
        CTR=_ratio(c1, i1), CTR_2=_ratio(c2, i2), ECTR=_ratio(c1 + c2, total_i),
        OUTBOUND_CTR_1=_ratio(o1, i1), ENGAGEMENT_RATE=_ratio(e1, i1),
        EENGAGEMENT_RATE=_ratio(e1 + e2, total_i), REPIN_RATE=_ratio(r1, i1),
        TOTAL_REPIN_RATE=_ratio(r1 + r2, total_i),
    )
    # Spend: paid impressions bought at a CPM of $2-$15.
    spend = int(i1 * (2 + 13 * u("cpm")) * MICRO / 1000)
    m.update(
        SPEND_IN_MICRO_DOLLAR=spend, SPEND_IN_DOLLAR=round(spend / MICRO, 2),
        CPM_IN_MICRO_DOLLAR=_ratio(spend * 1000, i1, 2), ECPM_IN_MICRO_DOLLAR=_ratio(spend * 1000, i1, 2),
        CPM_IN_DOLLAR=_ratio(spend * 1000 / MICRO, i1, 4),
        CPC_IN_MICRO_DOLLAR=_ratio(spend, c1, 2), ECPC_IN_MICRO_DOLLAR=_ratio(spend, c1 + c2, 2),
        ECPC_IN_DOLLAR=_ratio(spend / MICRO, c1 + c2, 4), ECPE_IN_DOLLAR=_ratio(spend / MICRO, e1 + e2, 4),
        COST_PER_OUTBOUND_CLICK_IN_DOLLAR=_ratio(spend / MICRO, o1 + o2, 4),
        COST_PER_OUTBOUND_CLICK_IN_DOLLAR_1=_ratio(spend / MICRO, o1, 4),
    )
    p1 = _share(c1, u("product_tag"), 0, 0.1) if u("idea?") < 0.3 else 0
    p2 = _share(c2, u("product_tag_2"), 0, 0.1) if p1 else 0
    m.update(IDEA_PIN_PRODUCT_TAG_VISIT_1=p1, IDEA_PIN_PRODUCT_TAG_VISIT_2=p2,
             TOTAL_IDEA_PIN_PRODUCT_TAG_VISIT=p1 + p2)
    if u("quiz?") < 1 / 6:
        done = _share(c1, u("quiz"), 0, 0.5)
        m.update(QUIZ_COMPLETED=done, QUIZ_PIN_RESULT_OPEN=_share(done, u("quiz_open"), 0, 1),
                 QUIZ_COMPLETION_RATE=_ratio(done, c1))
    if u("showcase?") < 1 / 6:
        m.update(_showcase(u, i1, c1))
    return m


def _showcase(u: Draw, i1: int, c1: int) -> dict[str, int | float | None]:
    sessions = _share(c1, u("sc_sessions"), 0, 1)
    page_imp, pin_imp = _share(i1, u("sc_page_imp"), 0, 0.2), _share(i1, u("sc_pin_imp"), 0, 0.2)
    closeups = _share(page_imp, u("sc_closeup"), 0, 0.2)
    out: dict[str, int | float | None] = {
        "SHOWCASE_PIN_CLICKTHROUGH": sessions,
        "SHOWCASE_SUBPAGE_IMPRESSION": page_imp, "SHOWCASE_SUBPIN_IMPRESSION": pin_imp,
        "SHOWCASE_SUBPAGE_CLICKTHROUGH": _share(page_imp, u("sc_page_click"), 0, 0.1),
        "SHOWCASE_SUBPIN_CLICKTHROUGH": _share(pin_imp, u("sc_pin_click"), 0, 0.1),
        "SHOWCASE_SUBPAGE_CLOSEUP": closeups,
        "SHOWCASE_AVERAGE_SUBPAGE_CLOSEUP_PER_SESSION": _ratio(closeups, sessions, 4),
    }
    for name in ("SUBPAGE_SWIPE_LEFT", "SUBPAGE_SWIPE_RIGHT", "SUBPIN_SWIPE_LEFT", "SUBPIN_SWIPE_RIGHT",
                 "SUBPAGE_REPIN", "SUBPIN_REPIN", "CARD_THUMBNAIL_SWIPE_FORWARD", "CARD_THUMBNAIL_SWIPE_BACKWARD"):
        base = pin_imp if "SUBPIN" in name else page_imp
        out["SHOWCASE_" + name] = _share(base, u("sc_" + name), 0, 0.1)
    return out


def _funnel(u: Draw, start: int, tag: str) -> list[int]:
    """Video viewers reaching 0, 25, 50, 75, 95 and 100 % of the video: never increasing."""
    out = [_share(start, u(tag + "p0"), 0.3, 0.8)]
    for step in ("p25", "p50", "p75", "p95", "p100"):
        out.append(_share(out[-1], u(tag + step), 0.5, 0.95))
    return out


def ads_video(u: Draw, delivery: dict) -> dict[str, int | float | None]:
    """Video views of the row's impressions (half the rows have no video)."""
    if u("video?") < 0.5:
        return {}
    i1, i2 = delivery["IMPRESSION_1"], delivery["IMPRESSION_2"]
    mrc1, mrc2 = _share(i1, u("mrc"), 0.2, 0.7), _share(i2, u("mrc_2"), 0.2, 0.7)
    v3_1, v3_2 = _share(mrc1, u("v3"), 0.4, 0.9), _share(mrc2, u("v3_2"), 0.4, 0.9)
    v15_1, v15_2 = _share(v3_1, u("v15"), 0, 0.5), _share(v3_2, u("v15_2"), 0, 0.5)
    paid, earned = _funnel(u, i1, "paid_"), _funnel(u, i2, "earned_")
    length = round(6 + 54 * u("length"), 1)
    video_spend = _share(delivery["SPEND_IN_MICRO_DOLLAR"], u("video_spend"), 0.6, 1)
    m: dict[str, int | float | None] = {
        "VIDEO_MRC_VIEWS_1": mrc1, "VIDEO_MRC_VIEWS_2": mrc2, "TOTAL_VIDEO_MRC_VIEWS": mrc1 + mrc2,
        "VIDEO_3SEC_VIEWS_1": v3_1, "VIDEO_3SEC_VIEWS_2": v3_2, "TOTAL_VIDEO_3SEC_VIEWS": v3_1 + v3_2,
        "VIDEO_15SEC_UNIQUE_VIEWS_1": v15_1, "VIDEO_15SEC_UNIQUE_VIEWS_2": v15_2,
        "TOTAL_VIDEO_15SEC_UNIQUE_VIEWS": v15_1 + v15_2,
        "PAID_VIDEO_VIEWABLE_RATE": _ratio(mrc1, i1), "VIDEO_LENGTH": length,
        "TOTAL_VIDEO_AVG_WATCHTIME_IN_SECOND": round(length * (0.1 + 0.6 * u("watch")), 2),
        "VIDEO_SPEND_IN_DOLLAR": round(video_spend / MICRO, 2),
        "ECPV_IN_DOLLAR": _ratio(video_spend / MICRO, mrc1, 4),
        "ECPCV_IN_DOLLAR": _ratio(video_spend / MICRO, paid[5], 4),
        "ECPCV_P95_IN_DOLLAR": _ratio(video_spend / MICRO, paid[4], 4),
        "VIDEO_P100_COMPLETE_2": earned[5], "TOTAL_VIDEO_P100_COMPLETE": paid[5] + earned[5],
    }
    for i, step in enumerate(("P0", "P25", "P50", "P75", "P95")):
        m[f"VIDEO_{step}_COMBINED_2"] = earned[i]
        m[f"TOTAL_VIDEO_{step}_COMBINED"] = paid[i] + earned[i]
    return m


def ads_conversions(cu: Draw, delivery: dict) -> dict[str, int | float | None]:
    """Conversions by event and attribution path, with values, costs and ROAS.

    ``cu`` draws depend on the attribution settings too (windows, report time).
    A quarter of the rows have no conversions.
    """
    if cu("converted?") < 0.25:
        return {}
    clicks, engagements = delivery["TOTAL_CLICKTHROUGH"], delivery["TOTAL_ENGAGEMENT"]
    impressions, spend = delivery["TOTAL_IMPRESSION"], delivery["SPEND_IN_MICRO_DOLLAR"]
    outbound = delivery["OUTBOUND_CLICK_1"], delivery["OUTBOUND_CLICK_2"]
    m: dict[str, int | float | None] = {}
    w1, w2 = _share(outbound[0], cu("web_session"), 0.5, 1), _share(outbound[1], cu("web_session_2"), 0.5, 1)
    m.update(WEB_SESSIONS_1=w1, WEB_SESSIONS_2=w2, TOTAL_WEB_SESSIONS=w1 + w2)
    all_conversions = 0
    for event in CONVERSION_EVENTS:
        click = _share(clicks, cu(event + ":click"), 0, 0.08)
        engagement = _share(engagements - clicks, cu(event + ":engagement"), 0, 0.03)
        view = _share(impressions, cu(event + ":view"), 0, 0.0005)
        total = click + engagement + view
        all_conversions += total
        m[f"TOTAL_{event}"] = total
        m[f"TOTAL_CLICK_{event}"], m[f"TOTAL_ENGAGEMENT_{event}"], m[f"TOTAL_VIEW_{event}"] = click, engagement, view
        # Conversion rate: click-through conversions per click (at most 8 %).
        m[f"TOTAL_{event}_CONVERSION_RATE"] = _ratio(click, clicks)
        m[f"{event}_COST_PER_ACTION"] = _ratio(spend, total, 2)
        if event in _VALUED:
            per = int(_VALUED[event] * MICRO * (0.5 + cu(event + ":value")))
            for path, count in (("", total), ("CLICK_", click), ("ENGAGEMENT_", engagement), ("VIEW_", view)):
                m[f"TOTAL_{path}{event}_VALUE_IN_MICRO_DOLLAR"] = count * per
            m[f"{event}_ROAS"] = _ratio(total * per, spend, 4)
            if event == "CHECKOUT":
                m.update(_checkout_channels(cu, click, engagement, view, per, spend))
    m["TOTAL_CONVERSIONS"] = all_conversions
    inapp_installs = _share(m["TOTAL_CLICK_APP_INSTALL"], cu("inapp_install"), 0, 1)
    m["TOTAL_INAPP_APP_INSTALL_CONVERSION_RATE"] = _ratio(inapp_installs, clicks)
    leads = _share(delivery["CLICKTHROUGH_1"], cu("lead_form"), 0, 0.05)
    m.update(LEADS=leads, COST_PER_LEAD=_ratio(spend / MICRO, leads, 4))
    return m


def _checkout_channels(cu: Draw, click: int, engagement: int, view: int, per: int,
                       spend: int) -> dict[str, int | float | None]:
    """Web checkouts are a part of all checkouts; the rest happen in apps (and some offline)."""
    web = [_share(n, cu("web:" + p), 0.5, 1) for n, p in ((click, "click"), (engagement, "eng"), (view, "view"))]
    total, web_total = click + engagement + view, sum(web)
    return {
        "TOTAL_WEB_CHECKOUT": web_total, "TOTAL_WEB_CHECKOUT_VALUE_IN_MICRO_DOLLAR": web_total * per,
        "TOTAL_WEB_CLICK_CHECKOUT": web[0], "TOTAL_WEB_CLICK_CHECKOUT_VALUE_IN_MICRO_DOLLAR": web[0] * per,
        "TOTAL_WEB_ENGAGEMENT_CHECKOUT": web[1], "TOTAL_WEB_ENGAGEMENT_CHECKOUT_VALUE_IN_MICRO_DOLLAR": web[1] * per,
        "TOTAL_WEB_VIEW_CHECKOUT": web[2], "TOTAL_WEB_VIEW_CHECKOUT_VALUE_IN_MICRO_DOLLAR": web[2] * per,
        "WEB_CHECKOUT_COST_PER_ACTION": _ratio(spend, web_total, 2),
        "WEB_CHECKOUT_ROAS": _ratio(web_total * per, spend, 4),
        "INAPP_CHECKOUT_COST_PER_ACTION": _ratio(spend, total - web_total, 2),
        "TOTAL_OFFLINE_CHECKOUT": _share(total, cu("offline"), 0, 0.1),
    }


# ----------------------------------------------------------------------- organic

#: Organic counts that add up over days; the other metrics are derived from them.
ORGANIC_COUNTS = ("IMPRESSION", "PIN_CLICK", "OUTBOUND_CLICK", "SAVE", "TOTAL_COMMENTS",
                  "TOTAL_REACTIONS", "USER_FOLLOW", "PROFILE_VISIT", "VIDEO_START", "VIDEO_MRC_VIEW",
                  "VIDEO_10S_VIEW", "QUARTILE_95_PERCENT_VIEW", "VIDEO_WATCH_TIME", "ENGAGEMENT")


def organic_counts(u: Draw, volume: float) -> dict[str, int]:
    """One day of organic activity (about one day in thirteen has none)."""
    if u("active?") < 1 / 13:
        return {}
    imp = int(volume * (50 + 2000 * u("impression")))
    c = {"IMPRESSION": imp, "PIN_CLICK": _share(imp, u("pin_click"), 0, 0.05),
         "OUTBOUND_CLICK": _share(imp, u("outbound"), 0, 0.02), "SAVE": _share(imp, u("save"), 0, 0.03),
         "TOTAL_COMMENTS": _share(imp, u("comments"), 0, 0.002),
         "TOTAL_REACTIONS": _share(imp, u("reactions"), 0, 0.005),
         "USER_FOLLOW": _share(imp, u("follow"), 0, 0.001), "PROFILE_VISIT": _share(imp, u("profile"), 0, 0.01)}
    c["ENGAGEMENT"] = sum(c[k] for k in ("PIN_CLICK", "OUTBOUND_CLICK", "SAVE", "TOTAL_COMMENTS", "TOTAL_REACTIONS"))
    if u("video?") < 0.4:
        start = _share(imp, u("video_start"), 0.1, 0.6)
        mrc = _share(start, u("video_mrc"), 0.5, 1)
        c.update(VIDEO_START=start, VIDEO_MRC_VIEW=mrc, VIDEO_10S_VIEW=_share(mrc, u("video_10s"), 0, 0.6),
                 QUARTILE_95_PERCENT_VIEW=_share(start, u("video_q95"), 0, 0.3),
                 VIDEO_WATCH_TIME=int(start * (2000 + 20000 * u("watch_ms"))))
    return c


def organic_metrics(counts: dict[str, int]) -> dict[str, int | float]:
    """The reported metrics of a day or a period: its counts plus rates and averages of them."""
    imp, start = counts.get("IMPRESSION", 0), counts.get("VIDEO_START", 0)
    out: dict[str, int | float | None] = {k: v for k, v in counts.items() if k != "VIDEO_WATCH_TIME"}
    for rate, part in (("ENGAGEMENT_RATE", "ENGAGEMENT"), ("PIN_CLICK_RATE", "PIN_CLICK"),
                       ("OUTBOUND_CLICK_RATE", "OUTBOUND_CLICK"), ("SAVE_RATE", "SAVE")):
        out[rate] = _ratio(counts.get(part, 0), imp)
    watch = counts.get("VIDEO_WATCH_TIME", 0)
    out["VIDEO_AVG_WATCH_TIME"] = _ratio(watch, start, 2)  # milliseconds per start
    out["VIDEO_V50_WATCH_TIME"] = _ratio(watch * 0.8, start, 2)  # the median viewer watches a little less
    return {k: v for k, v in out.items() if v}


__all__ = ["ORGANIC_COUNTS", "ads_conversions", "ads_delivery", "ads_video", "draws", "organic_counts",
           "organic_metrics"]
