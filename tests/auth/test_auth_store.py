"""The token store: private from creation, atomic replacement, tolerant reads."""

from __future__ import annotations

import json
import os
import stat
import time

import pytest

from pinsql.auth import TokenSet, TokenStore
from pinsql.auth.store import fingerprint
from pinsql.exceptions import AuthenticationError


def mode_of(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_round_trip_and_private_modes(tmp_path):
    store = TokenStore(tmp_path / "dir" / "tokens.json", client_id="app", base_url="http://x/v5")
    token = TokenSet("access-AAAAAA", "refresh-RRRRRR", expires_at=time.time() + 100, issued_at=time.time(),
                     scope="ads:read")
    store.save(token, seeded_from=fingerprint("refresh-given"))
    loaded, seed = store.load()
    assert loaded == token and seed == fingerprint("refresh-given")
    assert mode_of(store.path) == 0o600
    assert mode_of(store.path.parent) == 0o700
    assert json.loads(store.path.read_text())["client_id"] == "app"
    assert "refresh-given" not in store.path.read_text()  # only a fingerprint of the given token


def test_file_is_private_from_creation_even_with_a_permissive_umask(tmp_path, monkeypatch):
    store = TokenStore(tmp_path / "tokens.json")
    seen_modes = []
    real_replace = os.replace

    def checking_replace(src, dst):
        seen_modes.append(mode_of(src))  # the temporary file, before it becomes the store
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", checking_replace)
    old_umask = os.umask(0)
    try:
        store.save(TokenSet("access-AAAAAA"))
    finally:
        os.umask(old_umask)
    assert seen_modes == [0o600] and mode_of(store.path) == 0o600


def test_failed_write_keeps_the_old_file_and_leaves_no_temp_files(tmp_path, monkeypatch):
    store = TokenStore(tmp_path / "tokens.json")
    store.save(TokenSet("access-OLD123"))

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        store.save(TokenSet("access-NEW123"))
    monkeypatch.undo()
    assert store.load()[0].access_token == "access-OLD123"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tokens.json"]


def test_unreadable_or_foreign_files_are_ignored(tmp_path):
    path = tmp_path / "tokens.json"
    path.write_text("{not json")
    assert TokenStore(path).load() == (None, None)
    TokenStore(path, client_id="other").save(TokenSet("access-AAAAAA"))
    assert TokenStore(path, client_id="mine").load() == (None, None)
    assert TokenStore(path).load()[0].access_token == "access-AAAAAA"


def test_missing_file_and_clear(tmp_path):
    store = TokenStore(tmp_path / "none.json")
    assert store.load() == (None, None)
    store.save(TokenSet("access-AAAAAA"))
    store.clear()
    assert store.load() == (None, None)


def test_token_set_refresh_margin_and_repr():
    now = 1_000_000.0
    long_lived = TokenSet("a-123456", expires_at=now + 3600, issued_at=now)
    assert not long_lived.needs_refresh(now + 3600 - 61)
    assert long_lived.needs_refresh(now + 3600 - 59)  # 60 s margin
    short = TokenSet("a-123456", expires_at=now + 10, issued_at=now)
    assert not short.needs_refresh(now + 4) and short.needs_refresh(now + 5)  # margin capped at half the lifetime
    assert not TokenSet("a-123456").needs_refresh(now)  # unknown expiry: used as is
    assert "a-123456" not in repr(TokenSet("a-123456", "r-123456"))


def test_token_response_parsing_keeps_rotation_fields():
    body = {"access_token": "pina_x", "refresh_token": "pinr_y", "expires_in": 2592000, "token_type": "bearer",
            "scope": "ads:read,pins:read", "refresh_token_expires_in": 5184000}
    token = TokenSet.from_token_response(body, now=100.0)
    assert (token.expires_at, token.refresh_token_expires_at, token.refresh_token) == (2592100.0, 5184100.0, "pinr_y")
    kept = TokenSet.from_token_response({"access_token": "pina_z", "expires_in": 10}, now=0, previous_refresh="old")
    assert kept.refresh_token == "old"
    with pytest.raises(AuthenticationError, match="sign in again"):
        TokenSet.from_token_response({"error": "x"})
