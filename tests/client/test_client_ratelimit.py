"""Token buckets and category pauses, on a fake clock."""

from __future__ import annotations

import pytest

from pinsql.client import Counters, RateLimiter, TokenBucket


class FakeTime:
    def __init__(self):
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_bucket_allows_a_burst_then_spaces_calls():
    bucket = TokenBucket(3, 1.0, now=0.0)
    assert [bucket.reserve(0.0) for _ in range(3)] == [0, 0, 0]
    assert bucket.reserve(0.0) == pytest.approx(1 / 3)
    assert bucket.reserve(0.0) == pytest.approx(2 / 3)
    assert bucket.reserve(10.0) == 0  # refilled (to capacity, not beyond)


def test_limiter_waits_for_the_longest_bucket():
    t = FakeTime()
    limiter = RateLimiter({"overall": (100, 1.0), "ads_analytics": (2, 60.0)}, clock=t.clock, sleep=t.sleep)
    assert limiter.acquire("ads_analytics") == 0
    assert limiter.acquire("ads_analytics") == 0
    assert limiter.acquire("ads_analytics") == pytest.approx(30.0)  # 2/min: next token in 30 s
    assert t.slept == [pytest.approx(30.0)]
    assert limiter.acquire("ads_read") == 0  # other categories are not held back


def test_overall_bucket_applies_to_every_category():
    t = FakeTime()
    limiter = RateLimiter({"overall": (2, 1.0)}, clock=t.clock, sleep=t.sleep)
    limiter.acquire("ads_read")
    limiter.acquire("org_read")
    assert limiter.acquire(None) == pytest.approx(0.5)


def test_disabled_bucket_and_unknown_category_defaults():
    t = FakeTime()
    limiter = RateLimiter({"overall": None, "ads_read": None}, clock=t.clock, sleep=t.sleep)
    assert sum(limiter.acquire("ads_read") for _ in range(1000)) == 0
    waits = [limiter.acquire("brand_new_category") for _ in range(301)]
    assert waits[-1] > 0  # unknown categories get the conservative 300/min bucket


def test_pause_holds_the_whole_category():
    t = FakeTime()
    limiter = RateLimiter({"overall": None}, clock=t.clock, sleep=t.sleep)
    limiter.pause("ads_read", 5.0)
    assert limiter.acquire("org_read") == 0
    assert limiter.acquire("ads_read") == pytest.approx(5.0)
    assert limiter.acquire("ads_read") == 0  # the pause is over


def test_counters_snapshot_and_reset():
    c = Counters()
    c.add_call("ads_read")
    c.add("pages", 2)
    c.add_wait(0.25)
    c.add_wait(-1)  # ignored
    snap = c.snapshot()
    assert snap["calls"] == 1 and snap["pages"] == 2 and snap["rate_limit_wait_seconds"] == 0.25
    assert {"calls", "pages", "retries", "rate_limit_wait_seconds", "errors"} <= snap.keys()
    c.reset()
    assert c.snapshot()["calls"] == 0 and c.snapshot()["calls_by_category"] == {}
