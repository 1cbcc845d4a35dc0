"""The GET endpoints of API v5: parameter rules, paging and response shapes.

Each handler takes a ``Call`` (path parameters, query, token scopes) and returns the JSON body, or
raises ``ApiError`` with the status and Pinterest error code the real API uses.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .analytics import TARGETING_VALUES
from .data import Dataset, stable_hash
from .spec_facts import (
    ADS_ANALYTICS_COLUMNS,
    APP_TYPES,
    ATTRIBUTION_WINDOW_DAYS,
    CREATIVE_TYPES,
    ENTITY_STATUSES,
    GRANULARITIES,
    MATCH_TYPES,
    PIN_METRICS,
    ROUTES,
    SPLIT_FIELDS,
    TARGETING_TYPES,
    TOP_PINS_SORT_BY,
    TOP_VIDEO_PINS_METRICS,
    USER_ACCOUNT_METRICS,
)

MAX_PAGE_SIZE = 250
DEFAULT_PAGE_SIZE = 25


class ApiError(Exception):
    def __init__(self, status: int, code: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **self.extra}


def bad_request(message: str, code: int = 1) -> ApiError:
    return ApiError(400, code, message)


@dataclass
class Call:
    """One API request as the handlers see it."""

    path: str                          # below /v5, e.g. "/ad_accounts/1/campaigns"
    template: str                      # the matched route template
    path_params: dict[str, str]
    query: dict[str, list[str]]
    scopes: frozenset[str] = field(default_factory=frozenset)
    today: dt.date = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc).date())
    trailing_empty_page: bool = False  # see Faults.trailing_empty_page

    # ------------------------------------------------------------ parameters
    def one(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def required(self, name: str) -> str:
        value = self.one(name)
        if value is None or value == "":
            raise bad_request(f"Missing required parameter: {name}")
        return value

    def many(self, name: str, max_items: int | None = None,
             allowed: Sequence[str] | frozenset[str] | None = None) -> list[str] | None:
        """An array parameter: repeated keys and/or comma-separated values; None when absent."""
        if name not in self.query:
            return None
        values = [v.strip() for raw in self.query[name] for v in raw.split(",") if v.strip()]
        if not values:
            raise bad_request(f"Parameter '{name}' must have at least 1 item.")
        if max_items is not None and len(values) > max_items:
            raise bad_request(f"Parameter '{name}' has {len(values)} items; the maximum is "
                              f"{max_items}.")
        if allowed is not None:
            bad = [v for v in values if v not in allowed]
            if bad:
                raise bad_request(f"Invalid value(s) for '{name}': {', '.join(bad[:5])}")
        return values

    def enum(self, name: str, allowed: Sequence[str] | frozenset[str],
             default: str | None = None) -> str | None:
        value = self.one(name, default)
        if value is not None and value not in allowed:
            raise bad_request(f"Invalid value for '{name}': {value!r}. Allowed: "
                              f"{', '.join(sorted(allowed))}")
        return value

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.one(name)
        if value is None:
            return default
        if value.lower() in ("true", "1"):
            return True
        if value.lower() in ("false", "0"):
            return False
        raise bad_request(f"Parameter '{name}' must be true or false, got {value!r}")

    def integer(self, name: str, default: int | None = None, minimum: int | None = None,
                maximum: int | None = None) -> int | None:
        raw = self.one(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise bad_request(f"Parameter '{name}' was not numeric") from None
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            raise bad_request(f"Parameter '{name}' must be between {minimum} and {maximum}, "
                              f"got {value}")
        return value


# ---------------------------------------------------------------- paging
def _query_fingerprint(call: Call) -> str:
    items = sorted((k, tuple(v)) for k, v in call.query.items() if k not in ("bookmark",
                                                                                "page_size"))
    return format(stable_hash(call.path, items) % 16**10, "010x")


def make_bookmark(call: Call, offset: int) -> str:
    raw = json.dumps({"o": offset, "q": _query_fingerprint(call)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def read_bookmark(call: Call) -> int:
    token = call.one("bookmark")
    if not token:
        return 0
    try:
        state = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        offset, fingerprint = int(state["o"]), state["q"]
    except (ValueError, KeyError, TypeError):
        raise bad_request("Invalid bookmark.") from None
    if fingerprint != _query_fingerprint(call):
        raise bad_request("Invalid bookmark: it was issued for a different request. Re-send the "
                          "same path and filters with every bookmark.")
    return offset


def page(call: Call, items: Sequence[Any], build: Callable[[Any], Any] | None = None,
         offset_cap: int | None = None) -> dict[str, Any]:
    """The ``{items, bookmark}`` envelope for one page of ``items``."""
    size = call.integer("page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE) or DEFAULT_PAGE_SIZE
    offset = read_bookmark(call)
    if offset_cap is not None and offset >= offset_cap and len(items) > offset_cap:
        raise bad_request("Pagination beyond 100.000 pins are not allowed")
    chunk = items[offset:offset + size]
    nxt = offset + size
    more = nxt < len(items) or (call.trailing_empty_page and len(chunk) > 0)
    return {"items": [build(x) for x in chunk] if build else list(chunk),
            "bookmark": make_bookmark(call, nxt) if more else None}


# ------------------------------------------------------------- the handlers
class Handlers:
    """Endpoint implementations over one dataset."""

    def __init__(self, data: Dataset, board_pins_cap: int = 100_000) -> None:
        self.data = data
        self.board_pins_cap = board_pins_cap
        # Filtered index lists, so paging through a big filtered list does not rescan it for
        # every page (the data never changes, so entries never go stale).
        self._index_cache: OrderedDict[tuple, list[int]] = OrderedDict()
        self._index_lock = threading.Lock()
        self.table: dict[str, Callable[[Call], Any]] = {}
        aa = "/ad_accounts/{ad_account_id}"
        for template, fn in {
            "/user_account": self.user_account, "/user_account/followers": self.followers,
            "/user_account/following": self.following, "/user_account/websites": self.websites,
            "/user_account/analytics": self.user_analytics,
            "/user_account/analytics/top_pins": self.top_pins,
            "/user_account/analytics/top_video_pins": self.top_video_pins,
            "/boards": self.boards, "/boards/{board_id}": self.board,
            "/boards/{board_id}/sections": self.sections,
            "/boards/{board_id}/pins": self.board_pins,
            "/boards/{board_id}/sections/{section_id}/pins": self.section_pins,
            "/pins": self.pins, "/pins/analytics": self.multi_pin_analytics,
            "/pins/{pin_id}": self.pin, "/pins/{pin_id}/analytics": self.pin_analytics,
            "/ad_accounts": self.ad_accounts, aa: self.ad_account,
            aa + "/analytics": self.ad_account_analytics,
            aa + "/targeting_analytics": self.targeting_analytics,
            aa + "/campaigns": self.campaigns,
            aa + "/campaigns/analytics": self.campaign_analytics,
            aa + "/campaigns/targeting_analytics": self.targeting_analytics,
            aa + "/campaigns/{campaign_id}": self.campaign,
            aa + "/ad_groups": self.ad_groups,
            aa + "/ad_groups/analytics": self.ad_group_analytics,
            aa + "/ad_groups/targeting_analytics": self.targeting_analytics,
            aa + "/ad_groups/{ad_group_id}": self.ad_group,
            aa + "/ads": self.ads, aa + "/ads/analytics": self.ad_analytics,
            aa + "/ads/targeting_analytics": self.targeting_analytics,
            aa + "/ads/{ad_id}": self.ad,
            aa + "/pins/analytics": self.ad_pin_analytics,
            aa + "/product_groups/analytics": self.product_group_analytics,
            aa + "/keywords": self.keywords, aa + "/audiences": self.audiences,
            aa + "/audiences/{audience_id}": self.audience,
            aa + "/customer_lists": self.customer_lists,
            aa + "/customer_lists/{customer_list_id}": self.customer_list,
            aa + "/conversion_tags": self.conversion_tags,
            aa + "/product_group_promotions": self.product_group_promotions,
            aa + "/product_group_promotions/{product_group_promotion_id}":
                self.product_group_promotion,
            "/catalogs": self.catalogs, "/catalogs/feeds": self.feeds,
            "/catalogs/feeds/{feed_id}": self.feed,
            "/catalogs/product_groups": self.product_groups,
            "/catalogs/product_groups/{product_group_id}": self.product_group,
        }.items():
            self.table[template] = fn
        missing = {t for t, _, _ in ROUTES} ^ set(self.table)
        assert not missing, f"route table and handlers differ: {missing}"

    # ------------------------------------------------------------- helpers
    def _cached(self, key: tuple, compute: Callable[[], list[int]]) -> list[int]:
        with self._index_lock:
            hit = self._index_cache.get(key)
            if hit is not None:
                self._index_cache.move_to_end(key)
                return hit
        value = compute()
        with self._index_lock:
            self._index_cache[key] = value
            while len(self._index_cache) > 256:
                self._index_cache.popitem(last=False)
        return value

    def _get(self, kind: str, id_: str, what: str, code: int = 404) -> tuple[int, dict[str, Any]]:
        index = self.data.index_of(kind, id_)
        if index is None:
            raise ApiError(404, code, f"{what} not found.")
        return index, self.data.get(kind, index)

    def _account(self, call: Call) -> int:
        a = self.data.index_of("ad_account", call.path_params["ad_account_id"])
        if a is None:
            raise ApiError(403, 29, "You are not permitted to access that resource: the ad "
                                    "account does not exist or you have no role on it.")
        return a

    def _in_account(self, call: Call, kind: str, table: str, id_key: str, what: str
                    ) -> dict[str, Any]:
        a = self._account(call)
        index, obj = self._get(kind, call.path_params[id_key], what)
        if self.data.account_of(table, index) != a:
            raise ApiError(404, 404, f"{what} not found in this ad account.")
        return obj

    def _ordered(self, call: Call, indexes: list[int]) -> list[int]:
        order = call.enum("order", ("ASCENDING", "DESCENDING"))
        return indexes[::-1] if order == "DESCENDING" else indexes

    def _statuses(self, call: Call) -> set[str]:
        return set(call.many("entity_statuses", allowed=ENTITY_STATUSES) or ("ACTIVE", "PAUSED"))

    def _ids(self, call: Call, name: str, kind: str, max_items: int = 250) -> list[int] | None:
        """An id-list filter as indexes (ids that are not ours simply match nothing)."""
        values = call.many(name, max_items)
        if values is None:
            return None
        for v in values:
            if not v.isdigit():
                raise bad_request(f"Invalid id in '{name}': {v!r} (ids are digit strings)")
        found = (self.data.index_of(kind, v) for v in values)
        return sorted({i for i in found if i is not None})

    def _build(self, kind: str) -> Callable[[int], dict[str, Any]]:
        return lambda i: self.data.get(kind, i)

    # ----------------------------------------------------------- user account
    def user_account(self, call: Call) -> Any:
        return self.data.user_account()

    def followers(self, call: Call) -> Any:
        return page(call, range(self.data.counts["followers"]),
                    lambda i: self.data._user_summary("follower", i))

    def following(self, call: Call) -> Any:
        call.enum("feed_type", ("ALL", "RANKED", "CREATOR_ONLY", "RANKED_CREATOR_ONLY"))
        call.flag("explicit_following")
        return page(call, range(self.data.counts["following"]),
                    lambda i: self.data._user_summary("following", i))

    def websites(self, call: Call) -> Any:
        return page(call, self.data.websites())

    # ---------------------------------------------------------------- boards
    def _visible_boards(self, call: Call) -> list[int]:
        privacy = call.enum("privacy", ("ALL", "PUBLIC", "PROTECTED", "SECRET",
                                        "PUBLIC_AND_SECRET"))
        wanted = {None: {"PUBLIC", "PROTECTED", "SECRET"}, "ALL": {"PUBLIC", "PROTECTED", "SECRET"},
                  "PUBLIC": {"PUBLIC"}, "PROTECTED": {"PROTECTED"}, "SECRET": {"SECRET"},
                  "PUBLIC_AND_SECRET": {"PUBLIC", "SECRET"}}[privacy]
        if "boards:read_secret" not in call.scopes:
            wanted = wanted - {"SECRET"}  # secret boards need boards:read_secret
        return [b for b in range(self.data.kind_count("board"))
                if self.data.board_privacy(b) in wanted]

    def boards(self, call: Call) -> Any:
        return page(call, self._visible_boards(call), self._build("board"))

    def _board_index(self, call: Call) -> int:
        b, _ = self._get("board", call.path_params["board_id"], "Board", 40)
        if self.data.board_privacy(b) == "SECRET" and "boards:read_secret" not in call.scopes:
            raise ApiError(404, 40, "Board not found.")
        return b

    def board(self, call: Call) -> Any:
        return self.data.get("board", self._board_index(call))

    def sections(self, call: Call) -> Any:
        b = self._board_index(call)
        return page(call, self.data.sections_of_board(b), self._build("section"))

    def _pin_builder(self, call: Call) -> Callable[[int], dict[str, Any]]:
        if not call.flag("pin_metrics"):
            return self._build("pin")

        def with_metrics(p: int) -> dict[str, Any]:
            h = stable_hash(self.data.seed, "pin_metrics", p)
            return {**self.data.get("pin", p), "pin_metrics": {
                "90d": {"pin_click": h % 500, "impression": h % 9000, "clickthrough": h % 70},
                "lifetime_metrics": {"pin_click": h % 5000, "impression": h % 90000,
                                     "clickthrough": h % 700, "reaction": h % 90,
                                     "comment": h % 40}}}
        return with_metrics

    def _creative_filter(self, call: Call, indexes: Sequence[int]) -> Sequence[int]:
        types = call.many("creative_types", allowed=CREATIVE_TYPES)
        if types is None:
            return indexes
        wanted = set(types)
        return [p for p in indexes if self.data.pin_creative_type(p) in wanted]

    def board_pins(self, call: Call) -> Any:
        b = self._board_index(call)
        pins = self._creative_filter(call, self.data.board_pin_indexes(b))
        return page(call, pins, self._pin_builder(call), offset_cap=self.board_pins_cap)

    def section_pins(self, call: Call) -> Any:
        b = self._board_index(call)
        s, _ = self._get("section", call.path_params["section_id"], "Board section", 40)
        if self.data.board_of_section(s) != b:
            raise ApiError(404, 40, "Board section not found on this board.")
        return page(call, self.data.section_pin_indexes(s), self._build("pin"))

    # ------------------------------------------------------------------ pins
    def pins(self, call: Call) -> Any:
        d = self.data
        pin_filter = call.enum("pin_filter", ("exclude_native", "exclude_repins",
                                              "has_been_promoted"))
        include_protected = call.flag("include_protected_pins")
        pin_type = call.enum("pin_type", ("PRIVATE",))
        types = call.many("creative_types", allowed=CREATIVE_TYPES)

        def compute() -> list[int]:
            nb = d.kind_count("board")
            privacy = [d.board_privacy(b) for b in range(nb)]
            keep: list[Callable[[int], bool]] = []
            if not include_protected:
                keep.append(lambda p: privacy[p % nb] != "PROTECTED")
            if pin_type == "PRIVATE":
                keep.append(lambda p: privacy[p % nb] == "SECRET")
            if pin_filter == "exclude_repins":
                keep.append(lambda p: not d.pin_is_repin(p))
            elif pin_filter == "exclude_native":
                keep.append(d.pin_is_repin)
            elif pin_filter == "has_been_promoted":
                keep.append(d.pin_is_promoted)
            if types is not None:
                wanted = set(types)
                keep.append(lambda p: d.pin_creative_type(p) in wanted)
            return [p for p in range(d.counts["pins"]) if all(k(p) for k in keep)]

        key = ("pins", include_protected, pin_type, pin_filter, tuple(types or ()))
        return page(call, self._cached(key, compute), self._pin_builder(call))

    def pin(self, call: Call) -> Any:
        p, _ = self._get("pin", call.path_params["pin_id"], "Pin", 50)
        return self._pin_builder(call)(p)

    # -------------------------------------------------------- date windows
    def _dates(self, call: Call, granularity: str | None = None) -> tuple[dt.date, dt.date]:
        start_s, end_s = call.required("start_date"), call.required("end_date")
        try:
            start = dt.date.fromisoformat(start_s)
            end = dt.date.fromisoformat(end_s)
        except ValueError:
            raise bad_request("Invalid date: start_date and end_date must be YYYY-MM-DD.") \
                from None
        back, span = (8, 3) if granularity == "HOUR" else (90, 90)
        if end < start:
            raise bad_request("end_date must not be before start_date.")
        if start < call.today - dt.timedelta(days=back):
            raise bad_request(f"start_date cannot be more than {back} days back from today. You "
                              f"can only get data from the last {back} days.")
        if (end - start).days > span:
            raise bad_request(f"end_date cannot be more than {span} days past start_date.")
        return start, end

    def _ads_settings(self, call: Call, targeting: bool = False) -> dict[str, Any]:
        settings: dict[str, Any] = {}
        for name in ("click_window_days", "engagement_window_days", "view_window_days"):
            value = call.integer(name)
            if value is not None:
                if value not in ATTRIBUTION_WINDOW_DAYS:
                    raise bad_request(f"Invalid {name}: {value}. Allowed: 0, 1, 7, 14, 30, 60.")
                settings[name] = value
        crt = call.enum("conversion_report_time", ("TIME_OF_AD_ACTION", "TIME_OF_CONVERSION"))
        if crt:
            settings["conversion_report_time"] = crt
        tz = call.enum("reporting_timezone", ("PINTEREST_TIME_ZONE", "AD_ACCOUNT_TIME_ZONE"))
        if tz:
            settings["reporting_timezone"] = tz
        if targeting:
            types = call.many("attribution_types", 2, ("INDIVIDUAL", "HOUSEHOLD"))
            if types:
                settings["attribution_types"] = ",".join(types)
        return settings

    def _ads_common(self, call: Call) -> tuple[dt.date, dt.date, list[str], str]:
        columns = call.many("columns")
        if columns is None:
            raise bad_request("Missing required parameter: columns")
        bad = [c for c in columns if c not in ADS_ANALYTICS_COLUMNS]
        if bad:
            raise bad_request(f"Invalid columns: {', '.join(bad[:5])}")
        granularity = call.required("granularity")
        if granularity not in GRANULARITIES:
            raise bad_request(f"Invalid granularity {granularity!r}: use TOTAL, DAY, HOUR, WEEK "
                              f"or MONTH.")
        start, end = self._dates(call, granularity)
        return start, end, columns, granularity

    def _required_ids(self, call: Call, name: str, kind: str, max_items: int = 250) -> list[int]:
        ids = self._ids(call, name, kind, max_items)
        if ids is None:
            raise bad_request(f"Missing required parameter: {name}")
        return ids

    def _owned(self, call: Call, table: str, indexes: list[int]) -> list[int]:
        a = self._account(call)
        return [i for i in indexes if self.data.account_of(table, i) == a]

    def _ads_rows(self, call: Call, level: str, kind: str, indexes: list[int]) -> Any:
        start, end, columns, granularity = self._ads_common(call)
        settings = self._ads_settings(call)
        ids = [self.data.make_id(kind, i) for i in indexes]
        return self.data.analytics.rows(level, ids, start, end, columns, granularity, **settings)

    # ---------------------------------------------------------- ads analytics
    def ad_account_analytics(self, call: Call) -> Any:
        a = self._account(call)
        start, end, columns, granularity = self._ads_common(call)
        settings = self._ads_settings(call)
        return self.data.analytics.rows("ad_account", [self.data.make_id("ad_account", a)],
                                        start, end, columns, granularity, **settings)

    def campaign_analytics(self, call: Call) -> Any:
        ids = self._owned(call, "campaigns", self._required_ids(call, "campaign_ids", "campaign"))
        return self._ads_rows(call, "campaign", "campaign", ids)

    def ad_group_analytics(self, call: Call) -> Any:
        ids = self._owned(call, "ad_groups", self._required_ids(call, "ad_group_ids", "ad_group"))
        return self._ads_rows(call, "ad_group", "ad_group", ids)

    def ad_analytics(self, call: Call) -> Any:
        ad_ids = self._ids(call, "ad_ids", "ad")
        campaign_ids = self._ids(call, "campaign_ids", "campaign")
        pin_ids = self._ids(call, "pin_ids", "pin", 100)
        if ad_ids is None and (campaign_ids is None or pin_ids is None):
            raise bad_request("Provide either ad_ids, or both campaign_ids and pin_ids.")
        if ad_ids is None:
            pins = set(pin_ids or ())
            ad_ids = [ad for c in self._owned(call, "campaigns", campaign_ids or [])
                      for g in self.data.ad_groups_of_campaign(c)
                      for ad in self.data.ads_of_ad_group(g)
                      if (ad * 7919) % self.data.counts["pins"] in pins]
        return self._ads_rows(call, "ad", "ad", self._owned(call, "ads", ad_ids))

    def ad_pin_analytics(self, call: Call) -> Any:
        campaign_id = call.required("campaign_id")
        c = self.data.index_of("campaign", campaign_id)
        pins = self._required_ids(call, "pin_ids", "pin", 100)
        start, end, columns, granularity = self._ads_common(call)
        settings = self._ads_settings(call)
        if c is None or c not in self._owned(call, "campaigns", [c]):
            return []
        promoted = {(ad * 7919) % self.data.counts["pins"] for g in
                    self.data.ad_groups_of_campaign(c) for ad in self.data.ads_of_ad_group(g)}
        ids = [self.data.make_id("pin", p) for p in pins if p in promoted]
        return self.data.analytics.rows("pin", ids, start, end, columns, granularity,
                                        campaign_id=campaign_id, **settings)

    def product_group_analytics(self, call: Call) -> Any:
        self._account(call)
        ids = self._required_ids(call, "product_group_ids", "product_group")
        return self._ads_rows(call, "product_group", "product_group", ids)

    def targeting_analytics(self, call: Call) -> Any:
        level, id_param, kind, table = {
            "/ad_accounts/{ad_account_id}/targeting_analytics": ("ad_account", None, "ad_account",
                                                                 None),
            "/ad_accounts/{ad_account_id}/campaigns/targeting_analytics":
                ("campaign", "campaign_ids", "campaign", "campaigns"),
            "/ad_accounts/{ad_account_id}/ad_groups/targeting_analytics":
                ("ad_group", "ad_group_ids", "ad_group", "ad_groups"),
            "/ad_accounts/{ad_account_id}/ads/targeting_analytics": ("ad", "ad_ids", "ad", "ads"),
        }[call.template]
        a = self._account(call)
        if id_param is None or table is None:
            indexes = [a]
        else:
            indexes = self._owned(call, table, self._required_ids(call, id_param, kind))
        allowed, max_types = TARGETING_TYPES[level]
        types = call.many("targeting_types", max_types, allowed)
        if types is None:
            raise bad_request("Missing required parameter: targeting_types")
        start, end, columns, granularity = self._ads_common(call)
        settings = self._ads_settings(call, targeting=True)
        ids = [self.data.make_id(kind, i) for i in indexes]
        return {"data": self.data.analytics.targeting_rows(level, ids, types, start, end, columns,
                                                           granularity, **settings)}

    # ------------------------------------------------------ organic analytics
    def _organic_filters(self, call: Call) -> dict[str, Any]:
        return {
            "from_claimed_content": call.enum("from_claimed_content", ("OTHER", "CLAIMED",
                                                                       "BOTH"), "BOTH"),
            "pin_format": call.enum("pin_format", (
                "ALL", "ORGANIC_IMAGE", "ORGANIC_PRODUCT", "ORGANIC_VIDEO", "ADS_STANDARD",
                "ADS_PRODUCT", "ADS_VIDEO", "ADS_IDEA"), "ALL"),
            "app_types": call.enum("app_types", APP_TYPES, "ALL"),
            "content_type": call.enum("content_type", ("ALL", "PAID", "ORGANIC"), "ALL"),
            "source": call.enum("source", ("ALL", "YOUR_PINS", "OTHER_PINS"), "ALL"),
        }

    def user_analytics(self, call: Call) -> Any:
        start, end = self._dates(call)
        metrics = call.many("metric_types", allowed=USER_ACCOUNT_METRICS) or \
            list(USER_ACCOUNT_METRICS)
        split = call.enum("split_field", SPLIT_FIELDS, "NO_SPLIT")
        filters = self._organic_filters(call)
        keys = {"NO_SPLIT": ("all",), "APP_TYPE": ("MOBILE", "TABLET", "WEB"),
                "OWNED_CONTENT": ("CLAIMED", "OTHER"), "SOURCE": ("YOUR_PINS", "OTHER_PINS"),
                "PIN_FORMAT": ("ORGANIC_IMAGE", "ORGANIC_VIDEO", "ADS_STANDARD")}[split or
                                                                                   "NO_SPLIT"]
        return {key: self.data.analytics.organic_block(f"user:{key}", start, end, metrics,
                                                       **filters) for key in keys}

    def _top(self, call: Call, sort_by_allowed: Sequence[str] | frozenset[str],
             metrics_allowed: Sequence[str], video: bool) -> Any:
        start, end = self._dates(call)
        sort_by = call.required("sort_by")
        if sort_by not in sort_by_allowed:
            raise bad_request(f"Invalid sort_by: {sort_by!r}")
        n = call.integer("num_of_pins", 10, 1, 50)
        call.integer("created_in_last_n_days")
        metrics = call.many("metric_types", allowed=metrics_allowed) or list(metrics_allowed)
        if sort_by not in metrics:
            metrics = metrics + [sort_by]
        filters = self._organic_filters(call)
        d = self.data
        # A deterministic sample keeps this cheap on large datasets.
        candidates = [p for p in range(min(d.counts["pins"], 400))
                      if not video or d.pin_creative_type(p) == "VIDEO"]
        scored = []
        for p in candidates:
            pin_id = d.make_id("pin", p)
            summary = d.analytics.organic_block(pin_id, start, end, metrics, daily=False,
                                                **filters)["summary_metrics"]
            scored.append((summary.get(sort_by, 0), pin_id, summary))
        scored.sort(key=lambda t: (-t[0], t[1]))
        latest = dt.datetime.combine(call.today, dt.time(), dt.timezone.utc).timestamp() - 1
        return {"date_availability": {"is_realtime": False,
                                      "latest_available_timestamp": int(latest * 1000)},
                "pins": [{"pin_id": pin_id, "metrics": summary,
                          "data_status": {m: "READY" for m in summary}}
                         for _, pin_id, summary in scored[:n]],
                "sort_by": sort_by}

    def top_pins(self, call: Call) -> Any:
        return self._top(call, TOP_PINS_SORT_BY, USER_ACCOUNT_METRICS, video=False)

    def top_video_pins(self, call: Call) -> Any:
        return self._top(call, TOP_VIDEO_PINS_METRICS, TOP_VIDEO_PINS_METRICS, video=True)

    def _pin_metrics_param(self, call: Call) -> list[str]:
        metrics = call.many("metric_types", allowed=PIN_METRICS)
        if metrics is None:
            raise bad_request("Missing required parameter: metric_types")
        return metrics

    def pin_analytics(self, call: Call) -> Any:
        _, pin = self._get("pin", call.path_params["pin_id"], "Pin", 50)
        start, end = self._dates(call)
        metrics = self._pin_metrics_param(call)
        app_types = call.enum("app_types", APP_TYPES, "ALL")
        split = call.enum("split_field", ("NO_SPLIT", "APP_TYPE"), "NO_SPLIT")
        keys = ("all",) if split == "NO_SPLIT" else ("MOBILE", "TABLET", "WEB")
        return {key: self.data.analytics.organic_block(
            f"{pin['id']}:{key}" if key != "all" else pin["id"], start, end, metrics,
            lifetime=True, app_types=app_types) for key in keys}

    def multi_pin_analytics(self, call: Call) -> Any:
        pin_ids = call.many("pin_ids", 100)
        if pin_ids is None:
            raise bad_request("Missing required parameter: pin_ids")
        start, end = self._dates(call)
        metrics = self._pin_metrics_param(call)
        app_types = call.enum("app_types", APP_TYPES, "ALL")
        result = {}
        for pin_id in pin_ids:
            if self.data.index_of("pin", pin_id) is None:
                continue
            result[pin_id] = {"all": self.data.analytics.organic_block(
                pin_id, start, end, metrics, lifetime=True, app_types=app_types)}
        return result

    # ------------------------------------------------------------ ad accounts
    def ad_accounts(self, call: Call) -> Any:
        shared = call.flag("include_shared_accounts", True)
        return page(call, self.data.ad_accounts(include_shared=shared))

    def ad_account(self, call: Call) -> Any:
        return self.data.get("ad_account", self._account(call))

    def _account_list(self, call: Call, table: str, kind: str,
                      keep: Callable[[int], bool] | None = None,
                      indexes: Sequence[int] | None = None, key: tuple | None = None) -> Any:
        """One page of an ad account's objects; ``key`` names the filter for the index cache
        (leave it None when ``keep``/``indexes`` are not fully described by the query)."""
        a = self._account(call)
        span = self.data.account_spans[table][a]

        def compute() -> list[int]:
            candidates = span.range() if indexes is None else indexes
            return [i for i in candidates
                    if span.start <= i < span.stop and (keep is None or keep(i))]

        chosen = compute() if key is None else self._cached((table, a) + key, compute)
        return page(call, self._ordered(call, chosen), self._build(kind))

    @staticmethod
    def _key(call: Call, *names: str) -> tuple:
        """The cache key of the query parameters that define a filtered list."""
        return tuple((n, tuple(call.query.get(n, ()))) for n in names)

    def campaigns(self, call: Call) -> Any:
        ids = self._ids(call, "campaign_ids", "campaign")
        statuses = self._statuses(call)
        return self._account_list(call, "campaigns", "campaign",
                                  lambda c: self.data.status_of("campaign", c) in statuses, ids,
                                  self._key(call, "campaign_ids", "entity_statuses"))

    def campaign(self, call: Call) -> Any:
        return self._in_account(call, "campaign", "campaigns", "campaign_id", "Campaign")

    def ad_groups(self, call: Call) -> Any:
        campaign_ids = self._ids(call, "campaign_ids", "campaign")
        ad_group_ids = self._ids(call, "ad_group_ids", "ad_group")
        if campaign_ids is not None and ad_group_ids is not None:
            raise bad_request("Provide only campaign_id or ad_group_id. Do not provide both.")
        statuses = self._statuses(call)
        indexes = ad_group_ids
        if campaign_ids is not None:
            indexes = [g for c in campaign_ids for g in self.data.ad_groups_of_campaign(c)]
        return self._account_list(call, "ad_groups", "ad_group",
                                  lambda g: self.data.status_of("ad_group", g) in statuses, indexes,
                                  self._key(call, "campaign_ids", "ad_group_ids",
                                            "entity_statuses"))

    def ad_group(self, call: Call) -> Any:
        return self._in_account(call, "ad_group", "ad_groups", "ad_group_id", "Ad group")

    def ads(self, call: Call) -> Any:
        campaign_ids = self._ids(call, "campaign_ids", "campaign")
        ad_group_ids = self._ids(call, "ad_group_ids", "ad_group")
        ad_ids = self._ids(call, "ad_ids", "ad")
        if sum(x is not None for x in (campaign_ids, ad_group_ids, ad_ids)) > 1:
            raise bad_request("Provide only campaign_id or ad_group_id or ad_id. Do not provide "
                              "more than one type.")
        statuses = self._statuses(call)
        d = self.data
        indexes = ad_ids
        if campaign_ids is not None:
            indexes = [ad for c in campaign_ids for g in d.ad_groups_of_campaign(c)
                       for ad in d.ads_of_ad_group(g)]
        elif ad_group_ids is not None:
            indexes = [ad for g in ad_group_ids for ad in d.ads_of_ad_group(g)]
        return self._account_list(call, "ads", "ad",
                                  lambda ad: d.status_of("ad", ad) in statuses, indexes,
                                  self._key(call, "campaign_ids", "ad_group_ids", "ad_ids",
                                            "entity_statuses"))

    def ad(self, call: Call) -> Any:
        return self._in_account(call, "ad", "ads", "ad_id", "Ad")

    def keywords(self, call: Call) -> Any:
        d = self.data
        a = self._account(call)
        campaign_id = call.one("campaign_id")
        ad_group_id = call.one("ad_group_id")
        ad_group_ids = self._ids(call, "ad_group_ids", "ad_group")
        given = [x is not None for x in (campaign_id, ad_group_id, ad_group_ids)]
        if sum(given) > 1:
            raise bad_request("Provide only one of campaign_id, ad_group_id or ad_group_ids.")
        match_types = call.many("match_types", 5, MATCH_TYPES)
        def compute() -> list[int]:
            if campaign_id is not None:
                c = d.index_of("campaign", campaign_id)
                groups = list(d.ad_groups_of_campaign(c)) if c is not None else []
            elif ad_group_id is not None:
                g = d.index_of("ad_group", ad_group_id)
                groups = [g] if g is not None else []
            else:
                groups = ad_group_ids  # type: ignore[assignment]
            if groups is None:
                # No filter: only keywords whose parent is the ad account itself.
                indexes = list(d.account_keyword_indexes(a))
            else:
                indexes = [k for g in groups for k in d.keywords_of_ad_group(g)]
            if match_types:
                wanted = set(match_types)
                indexes = [k for k in indexes if d.get("keyword", k)["match_type"] in wanted]
            return indexes

        indexes = self._cached(("keywords", a) + self._key(
            call, "campaign_id", "ad_group_id", "ad_group_ids", "match_types"), compute)
        return self._account_list(call, "keywords", "keyword", None, indexes)

    def audiences(self, call: Call) -> Any:
        ownership = call.enum("ownership_type", ("OWNED", "RECEIVED"), "OWNED")
        if ownership == "RECEIVED":
            self._account(call)
            return page(call, [])
        return self._account_list(call, "audiences", "audience")

    def audience(self, call: Call) -> Any:
        return self._in_account(call, "audience", "audiences", "audience_id", "Audience")

    def customer_lists(self, call: Call) -> Any:
        return self._account_list(call, "customer_lists", "customer_list")

    def customer_list(self, call: Call) -> Any:
        return self._in_account(call, "customer_list", "customer_lists", "customer_list_id",
                                "Customer list")

    def conversion_tags(self, call: Call) -> Any:
        a = self._account(call)
        filter_deleted = call.flag("filter_deleted")
        tags = [self.data.get("conversion_tag", i)
                for i in self.data.account_spans["conversion_tags"][a].range()]
        if filter_deleted:
            tags = [t for t in tags if t.get("status") != "DELETED"]
        return {"items": tags}

    def product_group_promotions(self, call: Call) -> Any:
        ids = self._ids(call, "product_group_promotion_ids", "product_group_promotion")
        ad_group_id = call.one("ad_group_id")
        if ids is None and ad_group_id is None:
            raise bad_request("Provide ad_group_id or product_group_promotion_ids.")
        statuses = self._statuses(call)
        if ids is None:  # ids take precedence when both are given
            g = self.data.index_of("ad_group", ad_group_id or "")
            ids = list(self.data.pgps_of_ad_group(g)) if g is not None else []
        return self._account_list(
            call, "product_group_promotions", "product_group_promotion",
            lambda p: self.data.status_of("product_group_promotion", p) in statuses, ids)

    def product_group_promotion(self, call: Call) -> Any:
        return self._in_account(call, "product_group_promotion", "product_group_promotions",
                                "product_group_promotion_id", "Product group promotion")

    # --------------------------------------------------------------- catalogs
    def catalogs(self, call: Call) -> Any:
        return page(call, range(self.data.counts["catalogs"]), self._build("catalog"))

    def feeds(self, call: Call) -> Any:
        catalog_id = call.one("catalog_id")
        items = [i for i in range(self.data.counts["feeds"])
                 if catalog_id is None or self.data.get("feed", i)["catalog_id"] == catalog_id]
        return page(call, items, self._build("feed"))

    def feed(self, call: Call) -> Any:
        return self._get("feed", call.path_params["feed_id"], "Catalogs feed", 4161)[1]

    def product_groups(self, call: Call) -> Any:
        ids = call.many("id", 1000)
        feed_id, catalog_id = call.one("feed_id"), call.one("catalog_id")
        d = self.data
        indexes: Sequence[int] = range(d.counts["product_groups"])
        if ids is not None:
            found = (d.index_of("product_group", v) for v in ids)
            indexes = sorted({i for i in found if i is not None})
        items = [i for i in indexes
                 if (feed_id is None or d.get("product_group", i)["feed_id"] == feed_id)
                 and (catalog_id is None or d.get("product_group", i)["catalog_id"] == catalog_id)]
        return page(call, items, self._build("product_group"))

    def product_group(self, call: Call) -> Any:
        return self._get("product_group", call.path_params["product_group_id"], "Product group",
                         4180)[1]


def compile_routes() -> list[tuple[re.Pattern[str], str, str, tuple[str, ...]]]:
    """(regex, template, category, scopes) in ROUTES order: literal segments win by ordering."""
    compiled = []
    for template, category, scopes in ROUTES:
        pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
        compiled.append((re.compile(f"^{pattern}/?$"), template, category, scopes))
    return compiled


__all__ = ["TARGETING_VALUES", "ApiError", "Call", "Handlers", "compile_routes"]
