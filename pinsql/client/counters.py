"""Call counters of one client (thread-safe), for EXPLAIN ANALYZE, benchmarks and tests."""

from __future__ import annotations

import threading

_FIELDS = ("calls", "pages", "rows", "retries", "throttled", "token_refreshes", "errors", "cache_hits")


class Counters:
    """``calls`` HTTP requests sent (retries included), ``pages`` pages yielded by paginate,
    ``rows`` items yielded (for large pages the engine parses after paging: the rows kept, without
    null items or rows an endpoint's residual filter drops), ``retries`` repeated requests, ``throttled`` 429 answers,
    ``token_refreshes`` refreshes after a 401, ``errors`` exceptions raised to callers,
    ``cache_hits`` requests answered from the connection's cache (CacheTTL) without a call,
    ``rate_limit_wait_seconds`` time spent waiting for rate limits (buckets and 429 pauses)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._counts = dict.fromkeys(_FIELDS, 0)
            self._wait = 0.0
            self._by_category: dict[str, int] = {}

    def add(self, name: str, n: int = 1) -> None:
        with self._lock:
            self._counts[name] += n

    def add_call(self, category: str | None) -> None:
        with self._lock:
            self._counts["calls"] += 1
            key = category or "uncategorized"
            self._by_category[key] = self._by_category.get(key, 0) + 1

    def add_wait(self, seconds: float) -> None:
        if seconds > 0:
            with self._lock:
                self._wait += seconds

    def snapshot(self) -> dict:
        with self._lock:
            out: dict = dict(self._counts)
            out["rate_limit_wait_seconds"] = round(self._wait, 6)
            out["calls_by_category"] = dict(self._by_category)
            return out

    def __repr__(self) -> str:
        return f"Counters({self.snapshot()})"
