"""How analytics metric names become SQL columns: type rule and description.

One rule for every analytics table, so a metric has the same type wherever it
appears. docs/schema-format.md ("Metric columns") documents the same rule.
"""

from __future__ import annotations

import re

#: Metrics whose kind the name alone does not give away.
TYPE_OVERRIDES = {
    "CAMPAIGN_BUDGET_OPTIMIZATION": "BOOLEAN",
    "AD_GROUP_OPTIMIZATION": "VARCHAR",
    "AD_GROUP_BUDGET_IN_LOCAL_CURRENCY": "DOUBLE",
    "AD_GROUP_BID_MULTIPLIER": "DOUBLE",
    "CAMPAIGN_DAILY_SPEND_CAP": "BIGINT",
    "CAMPAIGN_LIFETIME_SPEND_CAP": "BIGINT",
    "VIDEO_LENGTH": "DOUBLE",
    "TOTAL_IMPRESSION_FREQUENCY": "DOUBLE",
    "LEADS": "BIGINT",
}

_TEXT_SUFFIXES = ("_NAME", "_STATUS", "_TYPE", "_LABEL", "_TAG")
# Ratios and averages: fractional even when expressed in micro-units.
_FRACTION = re.compile(
    r"(RATE|CTR|ROAS|COST_PER|^CP[CMV]_|^ECP|AVG|AVERAGE|_IN_DOLLAR|_IN_SECOND|WATCH_TIME)"
)


def metric_type(name: str) -> str:
    """SQL type of one metric (upper-case API name)."""
    if name in TYPE_OVERRIDES:
        return TYPE_OVERRIDES[name]
    if name.endswith("_ID"):
        return "VARCHAR"
    if name.startswith("IS_"):
        return "BOOLEAN"
    if name.endswith(_TEXT_SUFFIXES):
        return "VARCHAR"
    if _FRACTION.search(name):
        return "DOUBLE"
    # Everything else is a count of events or an amount in micro-units.
    return "BIGINT"


_WORDS = {
    "CTR": "click-through rate",
    "ECTR": "effective click-through rate",
    "CPC": "cost per click",
    "CPM": "cost per thousand impressions",
    "ECPC": "effective cost per click",
    "ECPM": "effective cost per thousand impressions",
    "ECPE": "effective cost per engagement",
    "ECPV": "effective cost per video view",
    "ECPCV": "effective cost per completed video view",
    "EENGAGEMENT": "effective engagement",
    "ROAS": "return on ad spend",
    "MRC": "MRC-viewable",
    "INAPP": "in-app",
    "P0": "started (0%)",
    "P25": "25% watched",
    "P50": "50% watched",
    "P75": "75% watched",
    "P95": "95% watched",
    "P100": "100% watched",
    "3SEC": "3-second",
    "15SEC": "15-second",
    "WATCHTIME": "watch time",
    "REPIN": "save",
    "CLICKTHROUGH": "click-through",
    "PROMO": "promotion",
    "APP": "app",
}


def metric_description(name: str) -> str:
    """A short description built from the metric name (the API documents none per metric)."""
    t = metric_type(name)
    base = name
    unit = ""
    if base.endswith("_IN_MICRO_DOLLAR"):
        base, unit = base[: -len("_IN_MICRO_DOLLAR")], " in micro-units of the ad account currency"
    elif "_IN_DOLLAR" in base:
        base = base.replace("_IN_DOLLAR", "")
        unit = " in units of the ad account currency"
    elif base.endswith("_IN_SECOND"):
        base, unit = base[: -len("_IN_SECOND")], " in seconds"
    audience = ""
    if re.search(r"_1(_|$)", base):
        audience = " (paid)"
        base = re.sub(r"_1(_|$)", r"\1", base).strip("_")
    elif re.search(r"_2(_|$)", base):
        audience = " (earned)"
        base = re.sub(r"_2(_|$)", r"\1", base).strip("_")
    words = [_WORDS.get(w, w.lower()) for w in base.split("_") if w]
    text = " ".join(words)
    text = text[:1].upper() + text[1:]
    kind = {"BIGINT": "", "DOUBLE": "", "VARCHAR": "", "BOOLEAN": " (flag)"}[t]
    return f"{text}{audience}{unit}{kind}. API metric {name}."


def metric_column(name: str, path_prefix: str = "") -> dict[str, str]:
    """The column dict (schema-file form) for one metric."""
    return {
        "name": name.lower(),
        "type": metric_type(name),
        "path": f"{path_prefix}{name}",
        "metric": name,
        "description": metric_description(name),
    }
