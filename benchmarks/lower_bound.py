"""Lower bounds: the fewest API calls a query needs, and the shortest time they can take.

A plan is a list of *stages* that must run one after another (a fan-out
needs its parent list first). A stage holds independent *chains*; a chain is
a run of calls that must be sequential (bookmark pages of one list: page n+1
needs page n's bookmark). Chains of one stage may overlap, but at most
``concurrency`` calls are in flight at once (the driver's MaxConcurrency).

The critical path of a stage is therefore at least
``max(longest chain, ceil(calls in the stage / concurrency))`` calls long,
and the plan's critical path is the sum over its stages. Multiplied by the
injected per-call latency it is the shortest wall time any client can reach.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

#: Largest page_size the API accepts, and the one a call gets when page_size is omitted.
MAX_PAGE = 250
DEFAULT_PAGE = 25
#: Most ids per campaign_ids / ad_group_ids filter (lists and analytics).
MAX_IDS = 250
#: Synchronous analytics: start_date at most 90 days before today, and
#: end_date - start_date at most 90 days, so one call covers up to 91 days and
#: every range the API can serve at all fits in one call.
MAX_LOOKBACK_DAYS = 90
MAX_SPAN_DAYS = 90


def pages(rows: int, page_size: int = MAX_PAGE) -> int:
    """Calls to read ``rows`` items of a bookmark-paged list: an empty list still costs one call."""
    return max(1, math.ceil(rows / page_size))


def windows(days: int, span: int = MAX_SPAN_DAYS) -> int:
    """Analytics calls per id chunk for a range of ``days`` days (end - start <= span per call)."""
    return max(1, math.ceil(days / (span + 1)))


@dataclass
class Plan:
    """Lower bound of one query: stages of parallel chains of sequential calls."""

    rule: str
    stages: list[list[int]] = field(default_factory=list)

    def stage(self, *chains: int) -> "Plan":
        self.stages.append([c for c in chains if c > 0])
        return self

    def fan_out(self, chains: list[int]) -> "Plan":
        self.stages.append([c for c in chains if c > 0])
        return self

    @property
    def calls(self) -> int:
        return sum(sum(s) for s in self.stages)

    def critical_calls(self, concurrency: int) -> int:
        return sum(max(max(s), math.ceil(sum(s) / concurrency)) for s in self.stages if s)

    def critical_seconds(self, concurrency: int, latency: float) -> float:
        return self.critical_calls(concurrency) * latency
