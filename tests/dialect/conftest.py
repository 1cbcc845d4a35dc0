"""Fixtures for the dialect tests: engines pointing at the tiny emulator of tests/conftest.py."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine


@pytest.fixture(scope="module")
def engine(emu):
    """An engine whose URL carries no secret: the token goes through connect_args."""
    props = emu.connection_properties()
    token = props.pop("OAuthAccessToken")
    eng = create_engine(
        "pinterest://?BaseURL=" + props["BaseURL"] + "&AdAccountId=" + emu.data.main_ad_account_id(),
        connect_args={"OAuthAccessToken": token},
    )
    yield eng
    eng.dispose()


@pytest.fixture()
def sa_conn(engine):
    with engine.connect() as connection:
        yield connection


@pytest.fixture(scope="module")
def campaigns(emu):
    """The emulator's campaigns of the connection's ad account, as the API serves them."""
    return emu.data.campaigns(emu.data.main_ad_account_id())
