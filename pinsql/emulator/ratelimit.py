"""Token-bucket rate limits per ``x-ratelimit-category`` (operations in a category share quota)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

# Generous enough that normal tests and benchmarks never hit a limit.
DEFAULT_LIMIT = (100_000, 1.0)


@dataclass
class Bucket:
    capacity: float
    refill_per_second: float
    tokens: float
    stamp: float


class RateLimiter:
    """``limits`` maps a category to (requests, per_seconds); missing categories use the default."""

    def __init__(self, limits: dict[str, tuple[float, float]] | None = None,
                 default: tuple[float, float] | None = DEFAULT_LIMIT) -> None:
        self.limits = dict(limits or {})
        self.default = default
        self._buckets: dict[str, Bucket] = {}
        self._lock = threading.Lock()

    def configure(self, category: str, requests: float, per_seconds: float) -> None:
        with self._lock:
            self.limits[category] = (requests, per_seconds)
            self._buckets.pop(category, None)

    def acquire(self, category: str) -> float:
        """Take one token; returns 0 when allowed, else the seconds until a token is free."""
        limit = self.limits.get(category, self.default)
        if limit is None:
            return 0.0
        requests, per_seconds = limit
        now = time.monotonic()
        with self._lock:
            bucket = self._buckets.get(category)
            if bucket is None:
                bucket = Bucket(requests, requests / per_seconds, requests, now)
                self._buckets[category] = bucket
            bucket.tokens = min(bucket.capacity,
                                bucket.tokens + (now - bucket.stamp) * bucket.refill_per_second)
            bucket.stamp = now
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return 0.0
            return (1 - bucket.tokens) / bucket.refill_per_second
