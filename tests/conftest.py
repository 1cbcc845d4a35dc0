"""Shared fixtures: one emulator per test session, and connections to it.

``emulator`` - a running :class:`pinsql.emulator.Emulator` (seed 7, size "small"),
shared by the whole session: do not change its data; reset faults you set.
``emu`` - a "tiny" emulator per test module, for tests that do not need
much data (dialect and dataframe tests).
``conn`` - a fresh pinsql connection to ``emulator``, with AdAccountId set to the
emulator's main ad account (so call counts never include the lookup of the
default account).

Every test also runs isolated from the developer's machine: no ``PINTEREST_*``
variable from the shell, and pinsql's config directory (tokens, named
connections, history) under the test's temporary directory.
"""

from __future__ import annotations

import pytest

import pinsql
from pinsql.emulator import Emulator

SDK_ENVIRONMENT = ("PINTEREST_APP_ID", "PINTEREST_APP_SECRET", "PINTEREST_ACCESS_TOKEN",
                   "PINTEREST_REFRESH_ACCESS_TOKEN", "PINTEREST_API_URI")


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch, tmp_path):
    for name in SDK_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PINSQL_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture(scope="session")
def emulator():
    with Emulator(seed=7, size="small") as emu:
        yield emu


@pytest.fixture(scope="module")
def emu():
    with Emulator(seed=7, size="tiny") as emulator:
        yield emulator


@pytest.fixture
def conn(emulator):
    # CacheTTL=0: tests count the calls each statement makes (the cache has tests of its own).
    c = pinsql.connect(**emulator.connection_properties(), AdAccountId=emulator.data.main_ad_account_id(), CacheTTL=0)
    try:
        yield c
    finally:
        c.close()
