"""Fixtures for the HTTP client tests: fast retry settings (isolation comes from tests/conftest.py)."""

from __future__ import annotations

import pytest

from pinsql.properties import parse_properties

BASE = "https://api.test/v5"


@pytest.fixture
def fast_props():
    """Properties with tiny retry delays, for tests against responses or the emulator."""

    def make(**overrides):
        values = {"BaseURL": BASE, "OAuthAccessToken": "access-token-SECRET-1", "RetryBaseDelay": 0.001,
                      "RetryMaxDelay": 0.01, "RateLimitDefaultWait": 0.01, "MaxRetries": 3}
        values.update(overrides)
        return parse_properties(**values)

    return make


class SleepRecorder:
    """Stands in for time.sleep: records requested delays without waiting."""

    def __init__(self):
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def sleeps():
    return SleepRecorder()
