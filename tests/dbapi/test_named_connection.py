"""pinsql.connect(connection="NAME") starts from a connection saved by the command line."""

from __future__ import annotations

import pytest

import pinsql
from pinsql.connections import save_connection


def test_connect_uses_saved_connection(emulator):
    props = emulator.connection_properties()
    save_connection("emu", {"BaseURL": props["BaseURL"], "OAuthAccessToken": props["OAuthAccessToken"],
                            "AdAccountId": "0"})
    # The saved AdAccountId is overridden by the connection string, which the keyword overrides in turn.
    main = emulator.data.main_ad_account_id()
    with pinsql.connect(f"Connection=emu;AdAccountId={main}") as conn:
        cur = conn.cursor()
        cur.execute("SELECT count(*) FROM campaigns")
        assert cur.fetchone()[0] == len(emulator.data.campaigns(main))
    with pinsql.connect(connection="emu", AdAccountId=main) as conn:
        cur = conn.cursor()
        cur.execute("SELECT DISTINCT ad_account_id FROM campaigns")
        assert cur.fetchall() == [(main,)]


def test_unknown_saved_connection_suggests_names(emulator):
    save_connection("production", {"BaseURL": emulator.url})
    with pytest.raises(pinsql.InterfaceError, match="production"):
        pinsql.connect(connection="productoin")
