"""The emulator's optional response memo (benchmarks use it)."""

from __future__ import annotations

import requests

from pinsql.emulator import Emulator
from pinsql.memo import BytesMemo


def test_memoised_responses_are_the_same_answers_built_once():
    with Emulator(seed=7, size="tiny", cache_responses=True) as emu:
        built = []
        table = emu.handlers.table
        template = next(t for t in table if t == "/boards")
        original = table[template]
        table[template] = lambda call: built.append(call.query) or original(call)
        headers = {"Authorization": f"Bearer {emu.access_token}"}
        first = requests.get(f"{emu.url}/boards", params={"page_size": 2}, headers=headers)
        again = requests.get(f"{emu.url}/boards", params={"page_size": 2}, headers=headers)
        other = requests.get(f"{emu.url}/boards", params={"page_size": 3}, headers=headers)
        assert first.status_code == again.status_code == other.status_code == 200
        assert first.content == again.content and first.content != other.content
        assert len(built) == 2  # the repeated request was served from the memo
        assert emu.calls("/boards") == 3  # ... and still logged (and rate limited, delayed) as a call
        bad = requests.get(f"{emu.url}/boards", params={"page_size": 0}, headers=headers)
        assert bad.status_code == 400  # errors are answered, not memoised
        assert requests.get(f"{emu.url}/boards", params={"page_size": 0}, headers=headers).status_code == 400


def test_the_memo_keeps_within_its_byte_budget_and_time_to_live():
    now = [0.0]
    cache = BytesMemo(max_bytes=10, ttl=5, clock=lambda: now[0])
    cache.put("a", b"12345")
    cache.put("b", b"12345")
    assert cache.get("a") == b"12345"  # now the most recently used
    cache.put("c", b"123")
    assert cache.get("b") is None and cache.get("a") == b"12345" and cache.get("c") == b"123"
    cache.put("huge", b"x" * 11)
    assert cache.get("huge") is None
    now[0] = 6.0
    assert cache.get("a") is None  # older than its time to live
