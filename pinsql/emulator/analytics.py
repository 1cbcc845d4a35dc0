"""Analytics numbers as pure functions of (entity id, period, metric, settings).

Nothing is stored: any date range works and a test can recompute every value with the same calls
the server makes (``Analytics.rows`` is exactly what an ads analytics endpoint returns). The
metrics of one row are consistent with each other (see ``metrics.py``); their volume grows with
the entity's level and the period's length.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from . import metrics as model
from .data import stable_hash

if TYPE_CHECKING:
    from .data import Dataset

# Key column of each ads analytics level.
ID_KEYS = {
    "ad_account": "AD_ACCOUNT_ID", "campaign": "CAMPAIGN_ID", "ad_group": "AD_GROUP_ID",
    "ad": "AD_ID", "pin": "PIN_ID", "product_group": "PRODUCT_GROUP_ID",
}
# Columns whose values depend on the attribution settings (and vanish with HOUR granularity).
_CONVERSION_MARKERS = ("CONVERSION", "CHECKOUT", "ROAS", "LEAD", "SIGNUP", "PAGE_VISIT",
                       "ADD_TO_CART", "CUSTOM", "WEB_SESSION", "COST_PER_ACTION", "APP_INSTALL",
                       "SEARCH", "VIEW_CATEGORY", "WATCH_VIDEO", "UNKNOWN", "WISHLIST", "SUBSCRIBE")
DEFAULT_SETTINGS = {"click_window_days": 30, "engagement_window_days": 30, "view_window_days": 1,
                    "conversion_report_time": "TIME_OF_AD_ACTION", "attribution_types": "",
                    "reporting_timezone": ""}
TARGETING_VALUES = {
    "KEYWORD": ("christmas decor ideas", "summer outfits", "easy recipes"),
    "APPTYPE": ("iphone", "ipad", "web", "web_mobile", "android_mobile", "android_tablet"),
    "GENDER": ("female", "male", "unknown"), "LOCATION": ("807", "803", "501"),
    "PLACEMENT": ("SEARCH", "BROWSE", "OTHER"), "COUNTRY": ("US", "GB", "CA"),
    "TARGETED_INTEREST": ("Home decor", "Food and drinks"),
    "PINNER_INTEREST": ("Travel", "Fashion"), "AUDIENCE_INCLUDE": ("254261234567",),
    "GEO": ("US:94107", "US:10001"), "AGE_BUCKET": ("18-24", "25-34", "35-44", "45-49"),
    "REGION": ("US-CA", "US-NY"), "AGE_BUCKET_AND_GENDER": ("female_25-34", "male_18-24"),
    "CREATIVE_TYPE": ("REGULAR", "VIDEO"), "AUDIENCE_MULTIPLIER": ("254261234568",),
    "CREATIVE_ENHANCEMENTS": ("BACKGROUND",), "QUIZ_RESULT": ("1", "2"),
}


def is_conversion_metric(column: str) -> bool:
    return any(marker in column for marker in _CONVERSION_MARKERS)


def numeric_value(key: int, column: str) -> int | float:
    """A plausible number for ``column`` from the hash ``key``."""
    k = key >> 8
    if "MICRO_DOLLAR" in column:
        return k % 50_000_000
    if "IN_DOLLAR" in column or "VALUE" in column:
        return round((k % 5_000_000) / 100, 2)
    if "RATE" in column or "CTR" in column or "ROAS" in column or "PERCENT" in column:
        return round((k % 10000) / 100000, 5)
    if "TIME" in column:
        return round((k % 600000) / 100, 2)
    return k % 5000


#: Relative size of an entity's numbers by level (an account serves more than one ad).
LEVEL_SCALE = {"ad_account": 20.0, "campaign": 5.0, "ad_group": 2.0, "ad": 1.0, "pin": 1.0,
               "product_group": 2.0}


def _modeled_groups() -> dict[str, str]:
    """Metric → the model group computing it (run once with draws taking every branch)."""
    groups: dict[str, str] = {}
    for value in (0.0, 0.99):
        u = lambda _name, v=value: v
        delivery = model.ads_delivery(u, 1.0)
        for group, names in (("conversions", model.ads_conversions(u, delivery)),
                             ("video", model.ads_video(u, delivery)), ("delivery", delivery)):
            groups.update(dict.fromkeys(names, group))
    return groups


#: Metrics the consistent model computes; other metric columns are settings-like values.
MODELED_METRICS = _modeled_groups()


def period_days(granularity: str, date: str | None, end_date: str | None) -> float:
    """Days one row covers (an hour is 1/24): the volume of its numbers scales with it."""
    if granularity == "DAY" or date is None:
        return 1.0
    if granularity == "HOUR":
        return 1 / 24
    first = dt.date.fromisoformat(date[:10])
    last = dt.date.fromisoformat(end_date) if end_date else None
    if granularity == "TOTAL":
        return float((last - first).days + 1) if last else 1.0
    if granularity == "WEEK":
        after = first + dt.timedelta(days=7 - first.weekday())
    else:  # MONTH
        after = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    if last is not None and last < after:
        after = last + dt.timedelta(days=1)
    return float((after - first).days)


def periods(start: dt.date, end: dt.date, granularity: str) -> list[str | None]:
    """The ``DATE`` values of the rows for one entity (None for TOTAL)."""
    if granularity == "TOTAL":
        return [None]
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    if granularity == "DAY":
        return [d.isoformat() for d in days]
    if granularity == "WEEK":
        return [d.isoformat() for d in days if d == start or d.weekday() == 0]
    if granularity == "MONTH":
        return [d.isoformat() for d in days if d == start or d.day == 1]
    if granularity == "HOUR":
        return [f"{d.isoformat()} {h:02d}:00:00" for d in days for h in range(24)]
    raise ValueError(f"unknown granularity {granularity!r}")


class Analytics:
    """Ads and organic analytics derived from the dataset's seed."""

    def __init__(self, data: Dataset) -> None:
        self.data = data

    # ------------------------------------------------------------- ads
    @staticmethod
    def _settings_keys(settings: dict[str, Any]) -> tuple[str, str]:
        """(scope key, attribution key). Scope settings (a targeting breakdown, the campaign of
        an ad-pin row) change every metric; attribution settings change conversion metrics only."""
        given = {k: v for k, v in settings.items() if v is not None}
        merged = {**DEFAULT_SETTINGS, **given}
        attribution = "|".join(f"{k}={merged[k]}" for k in sorted(DEFAULT_SETTINGS))
        scope = "|".join(f"{k}={given[k]}" for k in sorted(given) if k not in DEFAULT_SETTINGS)
        return scope, attribution

    def attributes(self, level: str, entity_id: str) -> dict[str, Any]:
        """Entity attribute columns (names, statuses, parent ids) of an analytics row."""
        d = self.data
        attrs: dict[str, Any] = {}
        obj: dict[str, Any] | None = None
        if level == "ad":
            obj = d.get_by_id("ad", entity_id)
            if obj:
                attrs.update(AD_ID=obj["id"], PIN_PROMOTION_ID=obj["id"], PIN_ID=obj["pin_id"],
                             AD_NAME=obj["name"])
                level, entity_id = "ad_group", obj["ad_group_id"]
        if level == "ad_group":
            obj = d.get_by_id("ad_group", entity_id)
            if obj:
                attrs.update(AD_GROUP_ID=obj["id"], AD_GROUP_NAME=obj["name"],
                             AD_GROUP_ENTITY_STATUS=obj["status"],
                             AD_GROUP_BUDGET_TYPE=obj["budget_type"])
                level, entity_id = "campaign", obj["campaign_id"]
        if level == "campaign":
            obj = d.get_by_id("campaign", entity_id)
            if obj:
                attrs.update(CAMPAIGN_ID=obj["id"], CAMPAIGN_NAME=obj["name"],
                             CAMPAIGN_ENTITY_STATUS=obj["status"],
                             CAMPAIGN_OBJECTIVE_TYPE=obj["objective_type"])
                if obj["lifetime_spend_cap"] is not None:
                    attrs["CAMPAIGN_LIFETIME_SPEND_CAP"] = obj["lifetime_spend_cap"]
                level, entity_id = "ad_account", obj["ad_account_id"]
        if level == "pin":
            attrs["PIN_ID"] = entity_id
        if level == "ad_account":
            attrs.update(AD_ACCOUNT_ID=entity_id, ADVERTISER_ID=entity_id)
        return attrs

    def row_exists(self, entity_id: str, period: str | None) -> bool:
        """About one (entity, period) in ten has no activity; the API omits such rows."""
        return period is None or stable_hash(self.data.seed, entity_id, period, "row") % 10 != 0

    def analytics_row(self, level: str, entity_id: str, date: str | None, columns: Iterable[str],
                      granularity: str = "DAY", end_date: str | None = None,
                      **settings: Any) -> dict[str, Any]:
        """One row as served. ``date`` is the row's DATE (for TOTAL: the request's start_date,
        with ``end_date`` the request's end_date)."""
        period = date if granularity != "TOTAL" else f"{date}/{end_date}"
        scope, attribution = self._settings_keys(settings)
        id_key = ID_KEYS[level]
        seed = self.data.seed
        number_id = stable_hash(seed, entity_id, period, scope, "number-id") % 4 == 0
        row: dict[str, Any] = {id_key: int(entity_id) if number_id else entity_id}
        if granularity != "TOTAL":
            row["DATE"] = date
        attrs: dict[str, Any] | None = None
        metrics = _RowMetrics(seed, level, entity_id, period, scope, attribution,
                              period_days(granularity, date, end_date))
        for column in columns:
            if column in row:
                continue
            if column.endswith(("_ID", "_NAME")) or "STATUS" in column or \
                    column in ("CAMPAIGN_OBJECTIVE_TYPE", "AD_GROUP_BUDGET_TYPE",
                               "CAMPAIGN_LIFETIME_SPEND_CAP", "CAMPAIGN_BRAND_LABEL"):
                if attrs is None:
                    attrs = self.attributes(level, entity_id)
                if column in attrs:
                    row[column] = attrs[column]
                continue
            conversion = is_conversion_metric(column)
            if conversion and granularity == "HOUR":
                continue  # HOUR no longer provides conversion metrics
            if column in MODELED_METRICS:
                value = metrics.get(column)
                if value:  # the API omits empty columns
                    row[column] = value
                continue
            # Settings-like columns (budgets, bid multipliers, flags): independent values.
            key = stable_hash(seed, entity_id, period, column, scope,
                              attribution if conversion else "")
            if key % 9 == 0:
                continue
            row[column] = numeric_value(key, column)
        return row

    def rows(self, level: str, entity_ids: Iterable[str], start: dt.date, end: dt.date,
             columns: list[str], granularity: str, **settings: Any) -> list[dict[str, Any]]:
        """Every row an ads analytics call returns, entity by entity, period by period."""
        result = []
        ps = periods(start, end, granularity)
        for entity_id in entity_ids:
            for period in ps:
                if self.row_exists(entity_id, period):
                    result.append(self.analytics_row(
                        level, entity_id, period if granularity != "TOTAL" else start.isoformat(),
                        columns, granularity, end.isoformat(), **settings))
        return result

    def targeting_rows(self, level: str, entity_ids: Iterable[str], targeting_types: list[str],
                       start: dt.date, end: dt.date, columns: list[str], granularity: str,
                       **settings: Any) -> list[dict[str, Any]]:
        """``MetricsResponse.data`` of a targeting analytics call."""
        result = []
        ps = periods(start, end, granularity)
        for entity_id in entity_ids:
            for ttype in targeting_types:
                for value in TARGETING_VALUES[ttype]:
                    breakdown = f"{entity_id}:{ttype}:{value}"
                    for period in ps:
                        if not self.row_exists(breakdown, period):
                            continue
                        metrics = self.analytics_row(
                            level, entity_id, period if granularity != "TOTAL"
                            else start.isoformat(), columns, granularity, end.isoformat(),
                            breakdown=breakdown, **settings)
                        result.append({"targeting_type": ttype, "targeting_value": value,
                                       "metrics": metrics})
        return result

    # ---------------------------------------------------------- organic
    def organic_counts(self, scope: str, day: dt.date, **filters: Any) -> dict[str, int]:
        """One day of organic activity of ``scope`` (a pin id, or "user:<split value>")."""
        fkey = "|".join(f"{k}={filters[k]}" for k in sorted(filters))
        return model.organic_counts(model.draws(self.data.seed, "organic", scope, day.isoformat(), fkey),
                                    self._organic_size(scope))

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one Analytics per dataset, kept for its life
    def _organic_size(self, scope: str) -> float:
        size = 0.2 + 1.8 * (stable_hash(self.data.seed, "organic-size", scope) % 1000) / 1000
        return size * 20 if scope.startswith("user:") else size  # a user: the whole account's pins

    def organic_daily(self, scope: str, day: dt.date, metrics: Iterable[str],
                      **filters: Any) -> dict[str, int | float]:
        """Daily organic metrics of ``scope``: the requested ones that are not zero."""
        values = model.organic_metrics(self.organic_counts(scope, day, **filters))
        return {m: values[m] for m in metrics if m in values}

    def organic_block(self, scope: str, start: dt.date, end: dt.date, metrics: list[str],
                      lifetime: bool = False, daily: bool = True, **filters: Any) -> dict[str, Any]:
        """``{daily_metrics, summary_metrics[, lifetime_metrics]}`` for one split value.

        Summary counts are the sums of the days; summary rates are computed from those sums.
        ``daily=False`` leaves the (empty) day list out of the work, for rankings.
        """
        days: list[dict[str, Any]] = []
        totals: dict[str, int] = {}
        for i in range((end - start).days + 1):
            day = start + dt.timedelta(days=i)
            counts = self.organic_counts(scope, day, **filters)
            if daily:
                values = model.organic_metrics(counts)
                days.append({"date": day.isoformat(), "data_status": "READY",
                             "metrics": {m: values[m] for m in metrics if m in values}})
            for k, v in counts.items():
                totals[k] = totals.get(k, 0) + v
        summary_all = model.organic_metrics(totals)
        summary = {m: summary_all[m] for m in metrics if m in summary_all}
        block: dict[str, Any] = {"daily_metrics": days, "summary_metrics": summary}
        if lifetime:
            # More than any 90-day window can hold, so lifetime >= every period's sum.
            block["lifetime_metrics"] = {
                m: 1000 + stable_hash(self.data.seed, "lifetime", scope, m) % 100000
                for m in ("TOTAL_COMMENTS", "TOTAL_REACTIONS")}
        return block


class _RowMetrics:
    """The consistent metrics of one ads row, computed group by group on first use."""

    def __init__(self, seed: int, level: str, entity_id: str, period: str | None, scope: str,
                 attribution: str, days: float) -> None:
        size = 0.2 + 1.8 * (stable_hash(seed, entity_id, "size") % 1000) / 1000
        self.volume = LEVEL_SCALE.get(level, 1.0) * size * days
        self.key = (seed, entity_id, period, scope)
        self.attribution = attribution
        self.groups: dict[str, dict[str, Any]] = {}

    def _group(self, name: str) -> dict[str, Any]:
        if name not in self.groups:
            u = model.draws(*self.key, "delivery")
            if name == "delivery":
                self.groups[name] = model.ads_delivery(u, self.volume)
            elif name == "video":
                self.groups[name] = model.ads_video(u, self._group("delivery"))
            else:  # conversions also depend on the attribution settings
                cu = model.draws(*self.key, self.attribution, "conversions")
                self.groups[name] = model.ads_conversions(cu, self._group("delivery"))
        return self.groups[name]

    def get(self, column: str) -> Any:
        return self._group(MODELED_METRICS[column]).get(column)
