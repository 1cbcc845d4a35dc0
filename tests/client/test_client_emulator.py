"""ApiClient over real HTTP against the local emulator: paging, faults, errors, rate limits."""

from __future__ import annotations

import time

import pytest

from pinsql.client import ApiClient, test_connection
from pinsql.exceptions import (
    ApiProgrammingError,
    OperationalError,
    PermissionDeniedError,
    RateLimitError,
)
from pinsql.properties import parse_properties

ALL_STATUSES = ["ACTIVE", "PAUSED", "ARCHIVED", "DRAFT", "DELETED_DRAFT"]


@pytest.fixture(autouse=True)
def no_faults(emu):
    emu.faults.reset()
    yield
    emu.faults.reset()


def make_client(emu, **overrides) -> ApiClient:
    values = dict(emu.connection_properties(), RetryBaseDelay=0.001, RetryMaxDelay=0.01, MaxRetries=5,
                  RateLimitDefaultWait=0.01)
    values.update(overrides)
    return ApiClient(parse_properties(**values))


def test_paginate_returns_exactly_the_emulator_rows(emu):
    account = emu.data.main_ad_account_id()
    client = make_client(emu, PageSize=3)
    emu.clear_log()
    pages = list(client.paginate(f"/ad_accounts/{account}/campaigns", {"entity_statuses": ALL_STATUSES},
                                 category="ads_read"))
    expected = emu.data.campaigns(account)
    assert [row for page in pages for row in page] == expected
    assert all(len(p) <= 3 for p in pages)
    assert emu.calls(f"/ad_accounts/{account}/campaigns") == -(-len(expected) // 3)
    assert client.counters.snapshot()["pages"] == emu.calls(f"/ad_accounts/{account}/campaigns")


def test_paginate_max_rows_stops_early_with_a_small_page(emu):
    client = make_client(emu)
    emu.clear_log()
    rows = [r for page in client.paginate("/boards", {"privacy": "ALL"}, category="org_read", max_rows=2)
            for r in page]
    assert rows == emu.data.boards()[:2]
    (record,) = emu.request_log.snapshot()
    assert record.query["page_size"] == ["2"]


def test_connection_test_reports_user_and_ad_account(emu):
    result = test_connection(make_client(emu))
    assert result.authenticated and result.reason is None
    assert result.username == emu.data.user_account()["username"]
    assert result.ad_account_id == emu.data.ad_account_ids()[0]


def test_connection_test_returns_the_reason_instead_of_raising(emu):
    result = test_connection(make_client(emu, OAuthAccessToken="pina_not_a_valid_token"))
    assert not result.authenticated and result.username is None
    assert "401" in result.reason and "sign in again" in result.reason.lower()


def test_random_5xx_are_retried_to_a_complete_result(emu):
    emu.faults.error_rate = 0.5  # the fault sequence is seeded, so this run is repeatable
    client = make_client(emu, PageSize=1, MaxRetries=10)
    rows = [r for page in client.paginate("/boards", {"privacy": "ALL"}, category="org_read") for r in page]
    assert rows == emu.data.boards()
    assert client.counters.snapshot()["retries"] >= 1


def test_persistent_5xx_fail_the_whole_iteration(emu):
    client = make_client(emu, PageSize=2, MaxRetries=2)
    it = client.paginate("/boards", {"privacy": "ALL"}, category="org_read")
    first = next(it)
    assert first == emu.data.boards()[:2]
    emu.faults.error_rate = 1.0
    with pytest.raises(OperationalError, match="HTTP 50"):
        list(it)
    assert client.counters.snapshot()["retries"] == 2


def test_truncated_bodies_are_retried(emu):
    emu.faults.truncate_body_rate = 0.5
    client = make_client(emu, PageSize=1, MaxRetries=10)
    rows = [r for page in client.paginate("/boards", {"privacy": "ALL"}, category="org_read") for r in page]
    assert rows == emu.data.boards()
    assert client.counters.snapshot()["retries"] >= 1


def test_slow_responses_time_out_then_give_up(emu):
    emu.faults.slow_response = 0.5
    client = make_client(emu, Timeout=0.1, MaxRetries=1)
    with pytest.raises(OperationalError, match="Timeout|ConnectionError"):
        client.get("/user_account", category="org_read")
    assert client.counters.snapshot()["calls"] == 2


def test_short_429_burst_pauses_and_succeeds(emu):
    emu.faults.burst_429 = 1
    emu.faults.burst_429_reset = 0.2  # the emulator rounds up to 1 s
    client = make_client(emu)
    started = time.monotonic()
    assert client.get("/user_account", category="org_read")["username"]
    snap = client.counters.snapshot()
    assert snap["throttled"] == 1 and snap["retries"] == 1
    assert snap["rate_limit_wait_seconds"] >= 0.9 and time.monotonic() - started >= 0.9


def test_daily_quota_exhaustion_fails_fast_with_reset_time(emu):
    emu.faults.daily_quota_exhausted = True
    client = make_client(emu)
    emu.clear_log()
    with pytest.raises(RateLimitError) as info:
        client.get("/user_account", category="org_read")
    assert emu.calls() == 1
    assert info.value.reset_seconds == pytest.approx(67000, abs=5)
    assert "18 h" in str(info.value) and "org_read" in str(info.value)


def test_spam_block_fails_without_retry(emu):
    emu.faults.spam_block = True
    client = make_client(emu)
    emu.clear_log()
    with pytest.raises(RateLimitError, match="spam"):
        client.get("/user_account", category="org_read")
    assert emu.calls() == 1


def test_missing_scope_is_permission_denied_naming_it(emu):
    token = emu.issue_token(scopes=["user_accounts:read"])["access_token"]
    client = make_client(emu, OAuthAccessToken=token)
    with pytest.raises(PermissionDeniedError) as info:
        client.get("/ad_accounts", category="ads_read")
    assert info.value.code == 3 and "ads:read" in str(info.value)


def test_unknown_path_is_a_programming_error_with_request_id(emu):
    client = make_client(emu)
    with pytest.raises(ApiProgrammingError) as info:
        client.get("/no_such_endpoint", category="org_read")
    assert info.value.status == 404 and info.value.request_id


def test_proactive_bucket_spaces_calls_without_429s(emu):
    client = make_client(emu, RateLimits="org_read=10/s", CacheTTL=0)
    emu.clear_log()
    client.parallel_map(lambda _: client.get("/user_account", category="org_read"), range(14))
    snap = client.counters.snapshot()
    assert snap["throttled"] == 0 and emu.calls() == 14
    assert snap["rate_limit_wait_seconds"] >= 0.3  # 4 calls beyond the burst of 10, 0.1 s apart


def test_default_ad_account_is_resolved_once(emu):
    client = make_client(emu)
    emu.clear_log()
    ids = client.parallel_map(lambda _: client.default_ad_account_id(), range(6))
    assert ids == [emu.data.ad_account_ids()[0]] * 6
    assert emu.calls("/ad_accounts") == 1


@pytest.mark.parametrize("max_concurrency", [2, 8])
def test_calls_in_flight_are_capped_across_threads(emu, max_concurrency):
    import threading

    emu.faults.latency = 0.1
    client = make_client(emu, MaxConcurrency=max_concurrency, CacheTTL=0)  # identical calls: not shared
    threads = [threading.Thread(target=client.get, args=("/user_account",), kwargs={"category": "org_read"})
               for _ in range(8)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    rounds = 8 / max_concurrency
    assert elapsed >= rounds * 0.1  # never more than max_concurrency calls at once
    assert elapsed < rounds * 0.1 + 0.55  # ...but they do overlap (8 calls one by one take 0.8 s)
    assert client.counters.snapshot()["calls"] == 8


def test_connections_of_one_user_share_one_rate_budget(emu):
    """Pinterest counts calls per user and app: two clients of the same tokens draw on one bucket."""
    props = dict(emu.connection_properties(), RateLimits="org_read=10/s", CacheTTL=0)
    a, b = ApiClient(parse_properties(**props)), ApiClient(parse_properties(**props))
    other = ApiClient(parse_properties(**dict(props, OAuthAccessToken=props["OAuthAccessToken"] + "x")))
    stricter = ApiClient(parse_properties(**dict(props, RateLimits="org_read=5/s")))
    assert a.limiter is b.limiter
    assert other.limiter is not a.limiter and stricter.limiter is not a.limiter
    emu.clear_log()
    a.parallel_map(lambda _: a.get("/user_account", category="org_read"), range(7))
    b.parallel_map(lambda _: b.get("/user_account", category="org_read"), range(7))
    waited = a.counters.snapshot()["rate_limit_wait_seconds"] + b.counters.snapshot()["rate_limit_wait_seconds"]
    assert emu.calls() == 14 and waited >= 0.3  # together 4 calls beyond the shared burst of 10
    from pinsql.client import ratelimit

    assert not any(props["OAuthAccessToken"] in repr(key) for key in ratelimit._shared.keys())  # hashed


def test_a_failure_cuts_short_the_rate_limit_waits_of_the_other_tasks(emu):
    """A task waiting a second for its rate-limit turn stops at once when a sibling fails: no hang, no call."""
    client = make_client(emu, RateLimits="org_read=1/s", CacheTTL=0, MaxConcurrency=4)

    def work(i):
        if i == 3:
            time.sleep(0.2)
            raise OperationalError("boom")
        return client.get("/user_account", category="org_read")

    emu.clear_log()
    started = time.monotonic()
    with pytest.raises(OperationalError, match="boom"):
        client.parallel_map(work, range(8))
    assert time.monotonic() - started < 0.8  # the waits were 1 s and 2 s
    time.sleep(0.3)
    assert emu.calls() == 1  # only the call the burst allowed at once


def test_clients_share_keep_alive_connections(emu):
    """A client opened after another one closed reuses its connections: no TCP handshake per pinsql connection."""
    account = emu.data.main_ad_account_id()
    path = f"/ad_accounts/{account}/campaigns"
    first = make_client(emu)
    first.get(path, {"page_size": 2}, category="ads_read")
    first.close()
    opened = emu.connections_accepted
    for _ in range(3):  # one request at a time: each can take the connection the one before gave back
        client = make_client(emu)
        client.get(path, {"page_size": 2}, category="ads_read")
        client.close()
    assert emu.connections_accepted == opened
    with pytest.raises(Exception, match="closed"):
        client.get(path, category="ads_read")
    # a session passed in keeps a pool of its own
    import requests

    own = ApiClient(parse_properties(**emu.connection_properties()), session=requests.Session())
    own.get(path, {"page_size": 1}, category="ads_read")
    own.close()
    assert emu.connections_accepted == opened + 1


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs fork")
def test_a_forked_child_opens_its_own_connections_and_threads(emu):
    """gunicorn/Celery workers fork after pinsql was used: the child must not read the parent's
    pooled sockets, nor hand work to the parent's threads (which do not exist in the child)."""
    import os
    import signal
    import warnings

    account = emu.data.main_ad_account_id()
    path = f"/ad_accounts/{account}/campaigns"
    parent = make_client(emu, MaxConcurrency=3)
    parent.parallel_map(lambda _: parent.get(path, {"page_size": 1}, category="ads_read"), range(3))
    before = emu.connections_accepted
    with warnings.catch_warnings():  # Python 3.12+ warns about forking with threads: that is the point here
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: exit status 0 only if both work
        code = 1
        try:
            signal.alarm(20)  # a job handed to a thread that does not exist would wait forever
            child = make_client(emu, MaxConcurrency=3)
            got = child.parallel_map(lambda _: child.get(path, {"page_size": 1}, category="ads_read"), range(3))
            code = 0 if len(got) == 3 and all(g["items"] for g in got) else 2
        finally:
            os._exit(code)
    deadline = time.monotonic() + 30
    while (done := os.waitpid(pid, os.WNOHANG))[0] == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    if done[0] == 0:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        pytest.fail("the forked child hung")
    assert os.waitstatus_to_exitcode(done[1]) == 0
    assert emu.connections_accepted > before  # the child opened connections of its own
    assert parent.get(path, {"page_size": 1}, category="ads_read")["items"]  # the parent's still work
