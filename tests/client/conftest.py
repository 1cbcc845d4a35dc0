"""Fixtures for the HTTP client tests: a clean environment and fast retry settings."""

from __future__ import annotations

import pytest

from pinsql.properties import parse_properties

BASE = "https://api.test/v5"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    """No PINTEREST_* variable from the developer's shell; token store under tmp_path."""
    for name in ("PINTEREST_APP_ID", "PINTEREST_APP_SECRET", "PINTEREST_ACCESS_TOKEN",
                 "PINTEREST_REFRESH_ACCESS_TOKEN", "PINTEREST_API_URI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PINSQL_CONFIG_DIR", str(tmp_path / "config"))


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
