"""Fixtures for the OAuth tests: a clean environment and a private settings directory."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for name in ("PINTEREST_APP_ID", "PINTEREST_APP_SECRET", "PINTEREST_ACCESS_TOKEN",
                 "PINTEREST_REFRESH_ACCESS_TOKEN", "PINTEREST_API_URI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PINSQL_CONFIG_DIR", str(tmp_path / "config"))
