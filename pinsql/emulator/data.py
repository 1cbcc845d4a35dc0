"""The emulator's dataset: deterministic from a seed, derived per index so huge sizes start instantly.

Every entity kind has a global index space. An id is ``KIND_PREFIX * 10**16 + seed_part * 10**12 +
index + 1`` (18 digits, above 2**53), so ids sort like indexes and an id maps back to its index in
O(1). Parent links are arithmetic (child ``g`` of ``G`` belongs to parent ``g * P // G``), so lists
and filters never need the whole dataset in memory. Objects are built on demand from a per-object
random generator and kept in a small LRU cache.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .spec_facts import ENTITY_STATUSES

# Entity counts per size. Per-account kinds are split over the three ad accounts (about 87% in
# the main one), so "small" has ~300 campaigns in the main account and "large" over 10,000.
_KINDS = ("boards", "pins", "collaborator_pins", "followers", "following", "websites",
          "campaigns", "ad_groups", "ads", "keywords", "audiences", "customer_lists",
          "conversion_tags", "product_group_promotions", "catalogs", "feeds", "product_groups")
SIZES: dict[str, dict[str, int]] = {
    name: dict(zip(_KINDS, counts)) for name, counts in {
        "tiny": (4, 30, 6, 5, 4, 2, 12, 24, 40, 30, 4, 3, 2, 8, 2, 3, 4),
        "small": (30, 2000, 200, 120, 60, 3, 345, 690, 1380, 800, 40, 30, 5, 100, 3, 6, 30),
        "medium": (80, 20000, 2000, 1000, 400, 4, 2000, 5000, 12000, 8000, 200, 100, 8, 800, 4,
                   10, 120),
        "large": (200, 100000, 10000, 5000, 1000, 5, 11500, 29000, 69000, 40000, 500, 300, 10,
                  3000, 5, 15, 300),
    }.items()
}
COUNT_NAMES = tuple(SIZES["tiny"])

# Two-digit id prefixes, one per kind (values only need to be distinct).
_KIND_PREFIX = {
    "user": 10, "board": 11, "section": 12, "pin": 13, "ad_account": 54, "campaign": 62,
    "ad_group": 26, "ad": 68, "keyword": 38, "audience": 25, "customer_list": 27,
    "conversion_tag": 21, "product_group_promotion": 37, "catalog": 31, "feed": 32,
    "product_group": 33,
}
# Ad accounts: index 0 is owned by the user (the big one), 1 is shared with the user by another
# business, 2 is a small second owned account. Per-account entity counts are scaled by these weights.
_ACCOUNT_WEIGHTS = (1.0, 0.1, 0.05)
_PER_ACCOUNT = ("campaigns", "ad_groups", "ads", "keywords", "audiences", "customer_lists",
                "conversion_tags", "product_group_promotions")
_BASE_TS = 1672531200  # 2023-01-01T00:00:00Z: every generated timestamp is after this
_WORDS = ("spring", "garden", "recipe", "travel", "denim", "studio", "coastal", "rustic", "vintage",
          "minimal", "autumn", "bright", "cozy", "urban", "kitchen", "summer", "bold", "fresh")
_COUNTRIES = ("US", "GB", "DE", "FR", "CA", "AU")
_CURRENCIES = {"US": "USD", "GB": "GBP", "DE": "EUR", "FR": "EUR", "CA": "CAD", "AU": "AUD"}
# Weighted so most campaigns/ad groups/ads are visible with the default ACTIVE+PAUSED filter,
# while every status still occurs in any list of ten or more.
_STATUS_CYCLE = ("ACTIVE", "ACTIVE", "PAUSED", "ARCHIVED", "ACTIVE", "DRAFT", "PAUSED", "ACTIVE",
                 "DELETED_DRAFT", "ACTIVE")


def stable_hash(*parts: Any) -> int:
    """A 64-bit hash of ``parts`` that is the same in every process (unlike ``hash()``)."""
    text = "\x1f".join(str(p) for p in parts).encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big")


_MASK = (1 << 64) - 1


def mix(a: int, b: int) -> int:
    """A cheap deterministic 64-bit mix of two integers (splitmix64 finaliser), for hot paths
    that derive one attribute of many objects (statuses of 60,000 ads per filter)."""
    z = (a * 0x9E3779B97F4A7C15 + b + 0x632BE59BD9B4E019) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


def iso(ts: int, zone: str = "") -> str:
    """ISO-8601 UTC. Organic objects (pins, boards) come without a zone like the live API;
    catalogs objects carry a "Z"."""
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S") + zone


def _split_counts(total: int) -> list[int]:
    """Split ``total`` over the ad accounts by weight, each getting at least one."""
    weight_sum = sum(_ACCOUNT_WEIGHTS)
    counts = [max(1, int(total * w / weight_sum)) for w in _ACCOUNT_WEIGHTS]
    counts[0] = max(1, total - sum(counts[1:]))
    return counts


@dataclass(frozen=True)
class Span:
    """A contiguous index range ``[start, stop)``."""

    start: int
    stop: int

    def __len__(self) -> int:
        return max(0, self.stop - self.start)

    def range(self) -> range:
        return range(self.start, self.stop)


def _children(parent: int, n_parents: int, n_children: int) -> range:
    """Indexes of the children of ``parent`` under the mapping child -> child * P // C."""
    if n_parents <= 0:
        return range(0)
    lo = -(-parent * n_children // n_parents)
    hi = -(-(parent + 1) * n_children // n_parents)
    return range(lo, hi)


@dataclass
class Dataset:
    """The generated account. Methods named after tables return the API's own JSON objects."""

    seed: int = 7
    counts: dict[str, int] = field(default_factory=lambda: dict(SIZES["small"]))
    username: str = "pinsql_demo"

    def __post_init__(self) -> None:
        self._seed_part = self.seed % 10000
        self._salts: dict[str, int] = {}
        c = self.counts
        # Per-account spans over each per-account kind's global index space.
        self.account_spans: dict[str, list[Span]] = {}
        for kind in _PER_ACCOUNT:
            start, spans = 0, []
            for n in _split_counts(c[kind]):
                spans.append(Span(start, start + n))
                start += n
            self.account_spans[kind] = spans
        # Keywords: the first few of each account sit at account level, the rest under ad groups.
        self._account_keywords = [min(len(s), 3 + len(s) // 50)
                                  for s in self.account_spans["keywords"]]
        # Boards: every fifth board is a group board (collaborators pin there too); every
        # seventh is secret; board 3 (when present) is protected.
        nb = max(1, c["boards"])
        self.group_boards = [b for b in range(nb) if b % 5 == 1] or [0]
        self._group_pos = {b: k for k, b in enumerate(self.group_boards)}
        self._section_counts = [stable_hash(self.seed, "sections", b) % 4 for b in range(nb)]
        self._section_offsets = [0]
        for n in self._section_counts:
            self._section_offsets.append(self._section_offsets[-1] + n)
        self._kind_counts = self._count_kinds()
        self._cache = lru_cache(maxsize=20000)(self._build)
        self._status_cached = lru_cache(maxsize=200000)(self._status)
        self.pin_creative_type = lru_cache(maxsize=200000)(self.pin_creative_type)  # type: ignore[method-assign]
        from .analytics import Analytics  # late import: analytics imports this module

        self.analytics = Analytics(self)

    def analytics_row(self, level: str, entity_id: str, date: str | None, columns: Any,
                      granularity: str = "DAY", end_date: str | None = None,
                      **settings: Any) -> dict[str, Any]:
        """One ads analytics row exactly as served (see ``Analytics.analytics_row``)."""
        return self.analytics.analytics_row(level, entity_id, date, columns, granularity,
                                            end_date, **settings)

    # ------------------------------------------------------------------ ids
    def make_id(self, kind: str, index: int) -> str:
        return str(_KIND_PREFIX[kind] * 10**16 + self._seed_part * 10**12 + index + 1)

    def index_of(self, kind: str, id_: str | int) -> int | None:
        """The index of an id of ``kind``, or None when it is not one of ours."""
        try:
            value = int(str(id_))
        except ValueError:
            return None
        index = value - _KIND_PREFIX[kind] * 10**16 - self._seed_part * 10**12 - 1
        if 0 <= index < self.kind_count(kind):
            return index
        return None

    def kind_count(self, kind: str) -> int:
        return self._kind_counts[kind]

    def _count_kinds(self) -> dict[str, int]:
        c = self.counts
        return {
            "user": 1, "board": max(1, c["boards"]), "section": self._section_offsets[-1],
            "pin": c["pins"] + c["collaborator_pins"], "ad_account": len(_ACCOUNT_WEIGHTS),
            "campaign": c["campaigns"], "ad_group": c["ad_groups"], "ad": c["ads"],
            "keyword": c["keywords"], "audience": c["audiences"],
            "customer_list": c["customer_lists"], "conversion_tag": c["conversion_tags"],
            "product_group_promotion": c["product_group_promotions"], "catalog": c["catalogs"],
            "feed": c["feeds"], "product_group": c["product_groups"],
        }

    def get(self, kind: str, index: int) -> dict[str, Any]:
        """The object of ``kind`` at ``index`` (cached; callers must not mutate it)."""
        return self._cache(kind, index)

    def get_by_id(self, kind: str, id_: str) -> dict[str, Any] | None:
        index = self.index_of(kind, id_)
        return None if index is None else self.get(kind, index)

    def _rng(self, kind: str, index: int) -> random.Random:
        return random.Random(stable_hash(self.seed, kind, index))

    def _build(self, kind: str, index: int) -> dict[str, Any]:
        return getattr(self, "_make_" + kind)(index, self._rng(kind, index))

    # ------------------------------------------------------- cheap attributes
    def account_of(self, kind: str, index: int) -> int:
        spans = self.account_spans[kind]
        return bisect.bisect_right([s.start for s in spans], index) - 1

    def status_of(self, kind: str, index: int) -> str:
        return self._status_cached(kind, index)

    def _status(self, kind: str, index: int) -> str:
        return _STATUS_CYCLE[mix(self._salt(kind + ":status"), index) % len(_STATUS_CYCLE)]

    def _salt(self, name: str) -> int:
        salt = self._salts.get(name)
        if salt is None:
            salt = self._salts[name] = stable_hash(self.seed, name)
        return salt

    def campaign_of_ad_group(self, g: int) -> int:
        """Ad groups map to campaigns within the same account."""
        a = self.account_of("ad_groups", g)
        gs, cs = self.account_spans["ad_groups"][a], self.account_spans["campaigns"][a]
        return cs.start + (g - gs.start) * len(cs) // len(gs)

    def ad_groups_of_campaign(self, c: int) -> range:
        a = self.account_of("campaigns", c)
        gs, cs = self.account_spans["ad_groups"][a], self.account_spans["campaigns"][a]
        r = _children(c - cs.start, len(cs), len(gs))
        return range(gs.start + r.start, gs.start + r.stop)

    def ad_group_of_ad(self, ad: int) -> int:
        a = self.account_of("ads", ad)
        ads, gs = self.account_spans["ads"][a], self.account_spans["ad_groups"][a]
        return gs.start + (ad - ads.start) * len(gs) // len(ads)

    def ads_of_ad_group(self, g: int) -> range:
        a = self.account_of("ad_groups", g)
        ads, gs = self.account_spans["ads"][a], self.account_spans["ad_groups"][a]
        r = _children(g - gs.start, len(gs), len(ads))
        return range(ads.start + r.start, ads.start + r.stop)

    def keyword_parent(self, k: int) -> tuple[str, int]:
        """('ad_account', account index) or ('ad_group', ad group index)."""
        a = self.account_of("keywords", k)
        ks, gs = self.account_spans["keywords"][a], self.account_spans["ad_groups"][a]
        n_account = self._account_keywords[a]
        local = k - ks.start
        if local < n_account:
            return "ad_account", a
        return "ad_group", gs.start + (local - n_account) * len(gs) // max(1, len(ks) - n_account)

    def account_keyword_indexes(self, a: int) -> range:
        """Keywords whose parent is ad account ``a`` itself."""
        start = self.account_spans["keywords"][a].start
        return range(start, start + self._account_keywords[a])

    def keywords_of_ad_group(self, g: int) -> range:
        a = self.account_of("ad_groups", g)
        ks, gs = self.account_spans["keywords"][a], self.account_spans["ad_groups"][a]
        n_account = self._account_keywords[a]
        r = _children(g - gs.start, len(gs), len(ks) - n_account)
        return range(ks.start + n_account + r.start, ks.start + n_account + r.stop)

    def pgp_ad_group(self, p: int) -> int:
        a = self.account_of("product_group_promotions", p)
        ps, gs = self.account_spans["product_group_promotions"][a], self.account_spans["ad_groups"][a]
        return gs.start + (p - ps.start) * len(gs) // len(ps)

    def pgps_of_ad_group(self, g: int) -> range:
        a = self.account_of("ad_groups", g)
        ps, gs = self.account_spans["product_group_promotions"][a], self.account_spans["ad_groups"][a]
        r = _children(g - gs.start, len(gs), len(ps))
        return range(ps.start + r.start, ps.start + r.stop)

    def board_privacy(self, b: int) -> str:
        if b % 7 == 6:
            return "SECRET"
        if b == 3:
            return "PROTECTED"
        return "PUBLIC"

    def is_group_board(self, b: int) -> bool:
        return b in self._group_pos

    def board_of_pin(self, p: int) -> int:
        own = self.counts["pins"]
        if p < own:
            return p % self.kind_count("board")
        return self.group_boards[(p - own) % len(self.group_boards)]

    def sections_of_board(self, b: int) -> range:
        return range(self._section_offsets[b], self._section_offsets[b + 1])

    def board_of_section(self, s: int) -> int:
        return bisect.bisect_right(self._section_offsets, s) - 1

    def section_of_pin(self, p: int) -> int | None:
        """Own pins on a board cycle through its sections plus 'no section'."""
        if p >= self.counts["pins"]:
            return None
        b = self.board_of_pin(p)
        n_sec = self._section_counts[b]
        slot = (p // self.kind_count("board")) % (n_sec + 1)
        return self._section_offsets[b] + slot if slot < n_sec else None

    def board_pin_indexes(self, b: int) -> list[int]:
        """Pins shown on board ``b``: its own pins, then collaborators' pins (group boards)."""
        nb, own = self.kind_count("board"), self.counts["pins"]
        result = list(range(b, own, nb))
        if b in self._group_pos:
            result.extend(range(own + self._group_pos[b], own + self.counts["collaborator_pins"],
                                len(self.group_boards)))
        return result

    def section_pin_indexes(self, s: int) -> list[int]:
        b = self.board_of_section(s)
        nb, n_sec = self.kind_count("board"), self._section_counts[b]
        slot = s - self._section_offsets[b]
        return list(range(b + slot * nb, self.counts["pins"], nb * (n_sec + 1)))

    def pin_creative_type(self, p: int) -> str:
        return ("REGULAR", "REGULAR", "VIDEO", "REGULAR", "IDEA", "REGULAR", "CAROUSEL",
                "REGULAR", "SHOPPING", "VIDEO")[mix(self._salt("ctype"), p) % 10]

    def pin_is_promoted(self, p: int) -> bool:
        return mix(self._salt("promoted"), p) % 4 == 0

    def pin_is_repin(self, p: int) -> bool:
        return mix(self._salt("repin"), p) % 5 == 0

    # -------------------------------------------------- public reference API
    def user_account(self) -> dict[str, Any]:
        return self.get("user", 0)

    def ad_accounts(self, include_shared: bool = True) -> list[dict[str, Any]]:
        return [self.get("ad_account", a) for a in range(len(_ACCOUNT_WEIGHTS))
                if include_shared or a != 1]

    def ad_account_ids(self) -> list[str]:
        return [self.make_id("ad_account", a) for a in range(len(_ACCOUNT_WEIGHTS))]

    def main_ad_account_id(self) -> str:
        return self.make_id("ad_account", 0)

    def boards(self, privacy: str | None = None) -> list[dict[str, Any]]:
        boards = [self.get("board", b) for b in range(self.kind_count("board"))]
        return [x for x in boards if privacy is None or x["privacy"] == privacy]

    def board_sections(self, board_id: str) -> list[dict[str, Any]]:
        b = self.index_of("board", board_id)
        return [] if b is None else [self.get("section", s) for s in self.sections_of_board(b)]

    def pins(self) -> list[dict[str, Any]]:
        """``GET /pins``: the user's own pins only."""
        return [self.get("pin", p) for p in range(self.counts["pins"])]

    def board_pins(self, board_id: str) -> list[dict[str, Any]]:
        b = self.index_of("board", board_id)
        return [] if b is None else [self.get("pin", p) for p in self.board_pin_indexes(b)]

    def section_pins(self, section_id: str) -> list[dict[str, Any]]:
        s = self.index_of("section", section_id)
        return [] if s is None else [self.get("pin", p) for p in self.section_pin_indexes(s)]

    def followers(self) -> list[dict[str, Any]]:
        return [self._user_summary("follower", i) for i in range(self.counts["followers"])]

    def following(self) -> list[dict[str, Any]]:
        return [self._user_summary("following", i) for i in range(self.counts["following"])]

    def websites(self) -> list[dict[str, Any]]:
        return [{"website": f"www.{_WORDS[i % len(_WORDS)]}-{self.username}{i}.example.com",
                 "status": "verified" if i % 3 != 2 else "unverified",
                 "verified_at": iso(_BASE_TS + 86400 * (10 + i))}
                for i in range(self.counts["websites"])]

    def _account_objects(self, kind: str, table: str, ad_account_id: str) -> list[dict[str, Any]]:
        a = self.index_of("ad_account", ad_account_id)
        if a is None:
            return []
        return [self.get(kind, i) for i in self.account_spans[table][a].range()]

    def campaigns(self, ad_account_id: str) -> list[dict[str, Any]]:
        """Every campaign of the account, all statuses, ascending id."""
        return self._account_objects("campaign", "campaigns", ad_account_id)

    def ad_groups(self, ad_account_id: str) -> list[dict[str, Any]]:
        return self._account_objects("ad_group", "ad_groups", ad_account_id)

    def ads(self, ad_account_id: str) -> list[dict[str, Any]]:
        return self._account_objects("ad", "ads", ad_account_id)

    def keywords(self, ad_account_id: str) -> list[dict[str, Any]]:
        """All keywords of the account (account level and ad group level)."""
        return self._account_objects("keyword", "keywords", ad_account_id)

    def audiences(self, ad_account_id: str) -> list[dict[str, Any]]:
        return self._account_objects("audience", "audiences", ad_account_id)

    def customer_lists(self, ad_account_id: str) -> list[dict[str, Any]]:
        return self._account_objects("customer_list", "customer_lists", ad_account_id)

    def conversion_tags(self, ad_account_id: str) -> list[dict[str, Any]]:
        return self._account_objects("conversion_tag", "conversion_tags", ad_account_id)

    def product_group_promotions(self, ad_account_id: str) -> list[dict[str, Any]]:
        return self._account_objects("product_group_promotion", "product_group_promotions",
                                     ad_account_id)

    def catalogs(self) -> list[dict[str, Any]]:
        return [self.get("catalog", i) for i in range(self.counts["catalogs"])]

    def catalog_feeds(self) -> list[dict[str, Any]]:
        return [self.get("feed", i) for i in range(self.counts["feeds"])]

    def catalog_product_groups(self) -> list[dict[str, Any]]:
        return [self.get("product_group", i) for i in range(self.counts["product_groups"])]

    # ---------------------------------------------------------------- builders
    def _ts(self, kind: str, index: int, spread_days: int = 600) -> int:
        """Creation time rising with the index (ids are 'more recent' when larger)."""
        n = max(1, self.kind_count(kind))
        return _BASE_TS + (index * spread_days * 86400) // n + stable_hash(self.seed, kind, index) % 3600

    def _name(self, rng: random.Random, noun: str, index: int) -> str:
        return f"{rng.choice(_WORDS).title()} {rng.choice(_WORDS)} {noun} {index}"

    def _user_summary(self, role: str, i: int) -> dict[str, Any]:
        return {"username": f"{role}_{stable_hash(self.seed, role, i) % 10**8:08d}",
                "type": "user"}

    def _make_user(self, index: int, rng: random.Random) -> dict[str, Any]:
        return {
            "account_type": "BUSINESS", "id": self.make_id("user", 0), "username": self.username,
            "about": "Demo account served by the pinsql emulator.",
            "business_name": "pinsql demo shop", "board_count": self.kind_count("board"),
            "pin_count": self.counts["pins"], "follower_count": self.counts["followers"],
            "following_count": self.counts["following"], "monthly_views": rng.randint(1000, 10**6),
            "profile_image": f"https://i.pinimg.com/600x600_R/{self._seed_part:04d}/profile.jpg",
            "website_url": f"https://www.{self.username}.example.com",
        }

    def _make_ad_account(self, a: int, rng: random.Random) -> dict[str, Any]:
        country = ("US", "GB", "US")[a]
        shared = a == 1
        return {
            "id": self.make_id("ad_account", a),
            "name": ("Main ads", "Agency shared account", "Test ads")[a],
            "owner": {"id": str(stable_hash(self.seed, "other-owner") % 10**18) if shared
                      else self.make_id("user", 0),
                      "username": "partner_agency" if shared else self.username},
            "country": country, "currency": _CURRENCIES[country],
            "permissions": ["ADMIN", "ANALYST"] if shared else ["OWNER"],
            "created_time": _BASE_TS - 86400 * (100 - a), "updated_time": _BASE_TS + 86400 * a,
        }

    def _tracking(self, rng: random.Random) -> dict[str, list[str]] | None:
        if rng.random() < 0.6:
            return None
        return {"impression": [f"https://track.example.com/i/{rng.randint(1, 10**6)}"],
                "click": [f"https://track.example.com/c/{rng.randint(1, 10**6)}"]}

    def _make_campaign(self, c: int, rng: random.Random) -> dict[str, Any]:
        created = self._ts("campaign", c)
        status = self.status_of("campaign", c)
        start = created + 86400 if rng.random() < 0.8 else None
        end = start + 86400 * rng.randint(7, 120) if start and rng.random() < 0.5 else None
        summary = {"ACTIVE": "RUNNING", "PAUSED": "PAUSED", "ARCHIVED": "ARCHIVED",
                   "DRAFT": "DRAFT", "DELETED_DRAFT": "DELETED_DRAFT"}[status]
        daily = rng.choice([None, 5_000_000, 20_000_000, 100_000_000])
        return {
            "id": self.make_id("campaign", c),
            "ad_account_id": self.make_id("ad_account", self.account_of("campaigns", c)),
            "name": self._name(rng, "campaign", c), "status": status,
            "objective_type": rng.choice(["AWARENESS", "CONSIDERATION", "WEB_CONVERSION",
                                          "CATALOG_SALES", "VIDEO_COMPLETION"]),
            "daily_spend_cap": daily,
            "lifetime_spend_cap": None if daily else rng.choice([None, 1_000_000_000]),
            "start_time": start, "end_time": end,
            "order_line_id": None, "tracking_urls": self._tracking(rng),
            "is_flexible_daily_budgets": rng.random() < 0.3,
            "is_automated_campaign": rng.random() < 0.1,
            "is_campaign_budget_optimization": rng.random() < 0.2,
            "is_performance_plus": rng.random() < 0.15,
            "created_time": created, "updated_time": created + rng.randint(0, 86400 * 30),
            "summary_status": summary, "type": "campaign",
        }

    def _make_ad_group(self, g: int, rng: random.Random) -> dict[str, Any]:
        created = self._ts("ad_group", g)
        c = self.campaign_of_ad_group(g)
        status = self.status_of("ad_group", g)
        obj: dict[str, Any] = {
            "id": self.make_id("ad_group", g), "campaign_id": self.make_id("campaign", c),
            "ad_account_id": self.make_id("ad_account", self.account_of("ad_groups", g)),
            "name": self._name(rng, "ad group", g), "status": status,
            "budget_in_micro_currency": rng.choice([None, 10_000_000, 50_000_000]),
            "bid_in_micro_currency": rng.choice([None, 1_500_000, 3_000_000]),
            "bid_strategy_type": rng.choice(["AUTOMATIC_BID", "MAX_BID", "TARGET_AVG"]),
            "budget_type": rng.choice(["DAILY", "LIFETIME"]),
            "start_time": created + 86400, "end_time": None,
            "targeting_spec": {"AGE_BUCKET": rng.sample(["18-24", "25-34", "35-44", "45-49"], 2),
                               "APPTYPE": ["iphone", "web"], "GENDER": ["female", "male"],
                               "LOCATION": [rng.choice(["US", "GB", "CA"])],
                               "LOCALE": ["en-US"]},
            "lifetime_frequency_cap": rng.randint(1, 10), "tracking_urls": self._tracking(rng),
            "auto_targeting_enabled": rng.random() < 0.5,
            "placement_group": rng.choice(["ALL", "SEARCH", "BROWSE"]),
            "pacing_delivery_type": "STANDARD", "conversion_learning_mode_type": None,
            "summary_status": {"ACTIVE": "RUNNING"}.get(status, status),
            "feed_profile_id": "0", "type": "adgroup",
            "billable_event": rng.choice(["CLICKTHROUGH", "IMPRESSION"]),
            "created_time": created, "updated_time": created + rng.randint(0, 86400 * 30),
        }
        if rng.random() < 0.3:
            obj["bid_multiplier"] = round(rng.uniform(0.5, 2.0), 2)
        return obj

    def _make_ad(self, ad: int, rng: random.Random) -> dict[str, Any]:
        created = self._ts("ad", ad)
        g = self.ad_group_of_ad(ad)
        status = self.status_of("ad", ad)
        pin = (ad * 7919) % self.counts["pins"]
        review = rng.choice(["APPROVED", "APPROVED", "APPROVED", "PENDING", "REJECTED"])
        return {
            "id": self.make_id("ad", ad), "ad_group_id": self.make_id("ad_group", g),
            "campaign_id": self.make_id("campaign", self.campaign_of_ad_group(g)),
            "ad_account_id": self.make_id("ad_account", self.account_of("ads", ad)),
            "pin_id": self.make_id("pin", pin), "name": self._name(rng, "ad", ad),
            "status": status, "creative_type": self.pin_creative_type(pin),
            "destination_url": f"https://shop.example.com/p/{pin}",
            "android_deep_link": None, "ios_deep_link": None, "click_tracking_url": None,
            "view_tracking_url": None, "tracking_urls": self._tracking(rng),
            "carousel_android_deep_links": None, "carousel_destination_urls": None,
            "carousel_ios_deep_links": None, "customizable_cta_type": None,
            "is_pin_deleted": False, "is_removable": False, "lead_form_id": None,
            "collection_items_destination_url_template": None,
            "grid_click_type": rng.choice(["CLOSEUP", "DIRECT_TO_DESTINATION"]),
            "rejected_reasons": ["LANDING_PAGE"] if review == "REJECTED" else [],
            "rejection_labels": ["Landing page"] if review == "REJECTED" else [],
            "review_status": review,
            "summary_status": {"ACTIVE": review if review != "APPROVED" else "APPROVED"}.get(
                status, status),
            "type": "pinpromotion",
            "created_time": created, "updated_time": created + rng.randint(0, 86400 * 30),
        }

    def _make_keyword(self, k: int, rng: random.Random) -> dict[str, Any]:
        parent_type, parent = self.keyword_parent(k)
        if parent_type == "ad_account":
            parent_id, match = self.make_id("ad_account", parent), rng.choice(
                ["EXACT_NEGATIVE", "PHRASE_NEGATIVE"])
        else:
            parent_id, match = self.make_id("ad_group", parent), rng.choice(
                ["BROAD", "PHRASE", "EXACT", "EXACT", "PHRASE_NEGATIVE"])
        return {
            "id": self.make_id("keyword", k), "value": f"{rng.choice(_WORDS)} {rng.choice(_WORDS)}",
            "match_type": match, "bid": None if match.endswith("NEGATIVE") else rng.choice(
                [None, 1_000_000, 2_500_000]),
            "archived": rng.random() < 0.05, "parent_id": parent_id,
            "parent_type": "advertiser" if parent_type == "ad_account" else "adgroup",
            "type": "keyword",
        }

    def _make_audience(self, i: int, rng: random.Random) -> dict[str, Any]:
        created = self._ts("audience", i)
        a = self.account_of("audiences", i)
        audience_type = rng.choice(["VISITOR", "ENGAGEMENT", "ACTALIKE", "CUSTOMER_LIST"])
        return {
            "id": self.make_id("audience", i), "ad_account_id": self.make_id("ad_account", a),
            "name": self._name(rng, "audience", i), "audience_type": audience_type,
            "description": rng.choice([None, "Built by the emulator"]),
            "rule": {"retention_days": rng.choice([30, 90, 180]), "country": "US"},
            "size": rng.choice([None, rng.randint(1000, 10**7)]), "status": "READY",
            "type": "audience", "created_by_company_name": None,
            "created_timestamp": created, "updated_timestamp": created + 3600,
        }

    def _make_customer_list(self, i: int, rng: random.Random) -> dict[str, Any]:
        created = self._ts("customer_list", i)
        return {
            "id": self.make_id("customer_list", i),
            "ad_account_id": self.make_id("ad_account", self.account_of("customer_lists", i)),
            "name": self._name(rng, "list", i), "created_time": created,
            "updated_time": created + 7200, "num_batches": rng.randint(1, 5),
            "num_removed_user_records": rng.randint(0, 100),
            "num_uploaded_user_records": rng.randint(100, 100000),
            "status": rng.choice(["READY", "READY", "PROCESSING", "TOO_SMALL"]),
            "type": "customerlist", "exceptions": {},
        }

    def _make_conversion_tag(self, i: int, rng: random.Random) -> dict[str, Any]:
        return {
            "id": self.make_id("conversion_tag", i),
            "ad_account_id": self.make_id("ad_account", self.account_of("conversion_tags", i)),
            "name": self._name(rng, "tag", i), "code_snippet": "<script>/* pinsql tag */</script>",
            "configs": {"aem_enabled": rng.random() < 0.5, "md_frequency": 1.0,
                        "aem_fnln_enabled": False, "aem_ph_enabled": False,
                        "aem_ge_enabled": False, "aem_db_enabled": False,
                        "aem_loc_enabled": False},
            "enhanced_match_status": rng.choice(["UNKNOWN", "VALIDATION_COMPLETE", None]),
            "last_fired_time_ms": rng.choice([None, (_BASE_TS + 86400 * 300) * 1000]),
            "status": "DELETED" if i % 5 == 4 else "ACTIVE", "version": "3",
        }

    def _make_product_group_promotion(self, p: int, rng: random.Random) -> dict[str, Any]:
        g = self.pgp_ad_group(p)
        pg = p % max(1, self.counts["product_groups"])
        return {
            "id": self.make_id("product_group_promotion", p),
            "ad_group_id": self.make_id("ad_group", g),
            "bid_in_micro_currency": rng.choice([None, 2_000_000]),
            "included": True, "definition": None, "relative_definition": None, "parent_id": None,
            "slideshow_collections_title": None, "slideshow_collections_description": None,
            "is_mdl": None, "status": self.status_of("product_group_promotion", p),
            "tracking_url": None, "catalog_product_group_id": self.make_id("product_group", pg),
            "catalog_product_group_name": f"Product group {pg}", "creative_type": "SHOPPING",
            "collections_hero_pin_id": None, "collections_hero_destination_url": None,
            "grid_click_type": rng.choice(["CLOSEUP", "DIRECT_TO_DESTINATION"]),
        }

    def _make_board(self, b: int, rng: random.Random) -> dict[str, Any]:
        created = self._ts("board", b, spread_days=400)
        group = self.is_group_board(b)
        thumbs = [f"https://i.pinimg.com/150x150/{b:02x}/{k}.jpg" for k in range(rng.randint(0, 4))]
        return {
            "id": self.make_id("board", b), "name": self._name(rng, "board", b),
            "description": rng.choice([None, "", f"Ideas about {rng.choice(_WORDS)}"]),
            "owner": {"username": self.username}, "privacy": self.board_privacy(b),
            "created_at": iso(created), "board_pins_modified_at": iso(created + 86400 * 30),
            "collaborator_count": rng.randint(1, 6) if group else 0,
            "follower_count": rng.randint(0, 5000), "pin_count": len(self.board_pin_indexes(b)),
            "is_ads_only": False,
            "media": {"image_cover_url": thumbs[0] if thumbs else None,
                      "pin_thumbnail_urls": thumbs},
        }

    def _make_section(self, s: int, rng: random.Random) -> dict[str, Any]:
        return {"id": self.make_id("section", s), "name": f"{rng.choice(_WORDS).title()} {s}"}

    def _make_pin(self, p: int, rng: random.Random) -> dict[str, Any]:
        own = p < self.counts["pins"]
        b = self.board_of_pin(p)
        created = self._ts("pin", p)
        ctype = self.pin_creative_type(p)
        section = self.section_of_pin(p)
        images = {size: {"width": w, "height": h, "url": f"https://i.pinimg.com/{size}/{p:x}.jpg"}
                  for size, w, h in (("150x150", 150, 150), ("400x300", 400, 300),
                                     ("600x", 600, 900), ("1200x", 1200, 1800))}
        if ctype == "VIDEO":
            media: dict[str, Any] = {
                "media_type": "video", "images": images,
                "cover_image_url": images["600x"]["url"], "duration": rng.randint(5, 60) * 1000,
                "height": 1920, "width": 1080,
                "video_url": f"https://v.pinimg.com/videos/{p:x}.mp4"}
        else:
            media = {"media_type": "image", "images": images}
        return {
            "id": self.make_id("pin", p), "created_at": iso(created),
            "link": rng.choice([None, f"https://shop.example.com/item/{p}"]),
            "title": rng.choice([None, self._name(rng, "pin", p)]),
            "description": rng.choice([None, "", f"All about {rng.choice(_WORDS)}"]),
            "dominant_color": f"#{rng.randint(0, 0xFFFFFF):06x}",
            "alt_text": rng.choice([None, "A photo"]),
            "creative_type": ctype, "board_id": self.make_id("board", b),
            "board_section_id": self.make_id("section", section) if section is not None else None,
            "board_owner": {"username": self.username},
            "is_owner": own, "is_standard": ctype != "IDEA",
            "has_been_promoted": self.pin_is_promoted(p),
            "parent_pin_id": self.make_id("pin", (p * 31) % max(1, p)) if own and p and
            self.pin_is_repin(p) else None,
            "media": media,
        }

    def _make_catalog(self, i: int, rng: random.Random) -> dict[str, Any]:
        created = self._ts("catalog", i)
        return {"id": self.make_id("catalog", i), "name": f"Catalog {i}",
                "catalog_type": "RETAIL", "created_at": iso(created, "Z"),
                "updated_at": iso(created + 86400, "Z")}

    def _make_feed(self, i: int, rng: random.Random) -> dict[str, Any]:
        created = self._ts("feed", i)
        country = _COUNTRIES[i % len(_COUNTRIES)]
        return {
            "id": self.make_id("feed", i), "name": f"Feed {i}",
            "catalog_id": self.make_id("catalog", i % max(1, self.counts["catalogs"])),
            "catalog_type": "RETAIL", "created_at": iso(created, "Z"),
            "updated_at": iso(created + 3600, "Z"),
            "credentials": None, "default_availability": rng.choice(["IN_STOCK", None]),
            "default_country": country, "default_currency": _CURRENCIES[country],
            "default_locale": "en-US", "format": rng.choice(["TSV", "CSV", "XML"]),
            "location": f"https://feeds.example.com/feed_{i}.tsv",
            "preferred_processing_schedule": None,
            "status": "ACTIVE" if i % 4 != 3 else "INACTIVE",
        }

    def _make_product_group(self, i: int, rng: random.Random) -> dict[str, Any]:
        created = self._ts("product_group", i)
        feed = i % max(1, self.counts["feeds"])
        return {
            "id": self.make_id("product_group", i), "name": f"Product group {i}",
            "description": rng.choice([None, "Best sellers"]),
            "catalog_id": self.get("feed", feed)["catalog_id"], "catalog_type": "RETAIL",
            "feed_id": self.make_id("feed", feed), "country": None, "locale": None,
            "filters": {"any_of": [{"MIN_PRICE": {"values": rng.randint(1, 50),
                                                  "inclusion": True}}]},
            "is_featured": i % 5 == 0, "status": "ACTIVE" if i % 6 else "INACTIVE",
            "type": "MERCHANT_CREATED" if i % 3 else "ALL_PRODUCTS",
            "created_at": created, "updated_at": created + 3600,
        }


def resolve_counts(size: str | None, overrides: dict[str, int]) -> dict[str, int]:
    """Counts for ``size`` with explicit overrides (``pins=...``); unknown names are an error."""
    if size not in SIZES:
        raise ValueError(f"size must be one of {', '.join(SIZES)}, got {size!r}")
    counts = dict(SIZES[size])
    for name, value in overrides.items():
        if name not in counts:
            raise ValueError(f"unknown count {name!r}; known: {', '.join(COUNT_NAMES)}")
        if int(value) < 0:
            raise ValueError(f"count {name} must be >= 0")
        counts[name] = int(value)
    # Some relations need at least one parent.
    for name in ("boards", "pins", "campaigns", "ad_groups", "ads", "catalogs", "feeds"):
        counts[name] = max(1, counts[name])
    return counts


def iter_indexes(indexes: Iterable[int], keep: Callable[[int], bool] | None) -> list[int]:
    return [i for i in indexes if keep is None or keep(i)]


def paginate_slice(seq: Sequence[Any], offset: int, size: int) -> tuple[Sequence[Any], int | None]:
    """One page of ``seq`` and the next offset (None at the end)."""
    page = seq[offset:offset + size]
    nxt = offset + size
    return page, (nxt if nxt < len(seq) else None)


__all__ = ["COUNT_NAMES", "ENTITY_STATUSES", "SIZES", "Dataset", "resolve_counts", "stable_hash"]
