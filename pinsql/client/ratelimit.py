"""Proactive rate limiting: token buckets per rate-limit category plus an overall bucket.

A call reserves one token in every bucket that applies (its category and
``overall``) and waits for the longest delay, so it never has to be refused by
Pinterest first. A 429 pauses a whole category: every thread waits together,
which avoids 429 storms.
"""

from __future__ import annotations

import os
import threading
import time
import weakref
from collections.abc import Callable, Mapping

from pinsql.properties import UNVERIFIED_CATEGORY_LIMIT

OVERALL = "overall"


class TokenBucket:
    """``count`` requests per ``per`` seconds, bursts up to ``count``; reservations may go into debt."""

    def __init__(self, count: int, per: float, now: float) -> None:
        self.rate = count / per
        self.capacity = float(count)
        self.tokens = float(count)
        self.updated = now

    def reserve(self, now: float) -> float:
        """Take one token; return how long the caller must wait before using it."""
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        self.tokens -= 1.0
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate


class RateLimiter:
    """Buckets per category (created on first use) and category-wide pauses."""

    def __init__(
        self,
        limits: Mapping[str, tuple[int, float] | None],
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._limits = dict(limits)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._buckets: dict[str, TokenBucket | None] = {}
        self._paused_until: dict[str, float] = {}

    def _bucket(self, category: str, now: float) -> TokenBucket | None:
        if category not in self._buckets:
            limit = self._limits.get(category, UNVERIFIED_CATEGORY_LIMIT)
            self._buckets[category] = TokenBucket(limit[0], limit[1], now) if limit else None
        return self._buckets[category]

    def acquire(self, category: str | None, sleep: Callable[[float], None] | None = None) -> float:
        """Wait until a call in ``category`` may go out; return the seconds waited.

        ``sleep``: the caller's way of waiting (one it can interrupt); default the limiter's.
        """
        sleep = sleep or self._sleep
        names = [OVERALL] + ([category] if category and category != OVERALL else [])
        with self._lock:
            now = self._clock()
            wait = 0.0
            for name in names:
                bucket = self._bucket(name, now)
                if bucket is not None:
                    wait = max(wait, bucket.reserve(now))
        waited = 0.0
        if wait > 0:
            sleep(wait)
            waited += wait
        # Honour category pauses (set by 429s); loop in case another thread extends one meanwhile.
        slept_until = 0.0
        while True:
            with self._lock:
                now = self._clock()
                until = max((self._paused_until.get(n, 0.0) for n in names), default=0.0)
            if until <= max(now, slept_until):
                return waited
            sleep(until - now)
            waited += until - now
            slept_until = until

    def pause(self, category: str | None, seconds: float) -> None:
        """Hold every call in ``category`` (or all calls) for ``seconds``."""
        name = category or OVERALL
        with self._lock:
            until = self._clock() + seconds
            self._paused_until[name] = max(self._paused_until.get(name, 0.0), until)


_shared: weakref.WeakValueDictionary[tuple, RateLimiter] = weakref.WeakValueDictionary()
_shared_lock = threading.Lock()


def _forget_shared() -> None:
    """In a forked child: its own budgets (a lock held by another thread at the fork stays held)."""
    global _shared, _shared_lock
    _shared, _shared_lock = weakref.WeakValueDictionary(), threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_shared)


def shared_limiter(identity: str, limits: Mapping[str, tuple[int, float] | None]) -> RateLimiter:
    """The process's one limiter for ``identity`` (an app and user) and these limits.

    Pinterest counts calls per user per app, so every connection of that user and
    app in a process (a BI tool's connection pool, say) draws on one budget, and a
    429 seen by one pauses them all. Kept while some connection holds it.
    """
    key = (identity, tuple(sorted(limits.items())))
    with _shared_lock:
        limiter = _shared.get(key)
        if limiter is None:
            limiter = RateLimiter(limits)
            _shared[key] = limiter
        return limiter
