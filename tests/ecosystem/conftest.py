"""Fixtures for the dataframe-ecosystem tests: a tiny emulator and a pinterest:// engine on it."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine


@pytest.fixture(scope="module")
def engine(emu):
    token = emu.connection_properties()["OAuthAccessToken"]
    eng = create_engine("pinterest://?BaseURL=" + emu.url, connect_args={"OAuthAccessToken": token})
    yield eng
    eng.dispose()


@pytest.fixture(scope="module")
def campaigns(emu):
    return emu.data.campaigns(emu.data.main_ad_account_id())
