"""ApiClient edge cases against canned HTTP answers (responses). Integration tests use the emulator."""

from __future__ import annotations

import threading
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses

from pinsql.client import ApiClient, ApiDataError
from pinsql.exceptions import (
    ApiError,
    ApiProgrammingError,
    AuthenticationError,
    DataError,
    InterfaceError,
    OperationalError,
    PermissionDeniedError,
    ProgrammingError,
    RateLimitError,
)
from tests.client.conftest import BASE


def query_of(call) -> dict[str, list[str]]:
    return parse_qs(urlsplit(call.request.url).query)


@pytest.fixture
def client(fast_props, sleeps):
    c = ApiClient(fast_props(), sleep=sleeps)
    yield c
    c.close()


@responses.activate
def test_get_sends_bearer_and_encodes_params(client):
    responses.get(f"{BASE}/ad_accounts/1/campaigns", json={"ok": 1})
    body = client.get("/ad_accounts/1/campaigns", {"campaign_ids": ["1", "2"], "flag": True, "skip": None},
                      category="ads_read")
    assert body == {"ok": 1}
    req = responses.calls[0].request
    assert req.headers["Authorization"] == "Bearer access-token-SECRET-1"
    assert query_of(responses.calls[0]) == {"campaign_ids": ["1", "2"], "flag": ["true"]}
    snap = client.counters.snapshot()
    assert snap["calls"] == 1 and snap["retries"] == 0 and snap["errors"] == 0
    assert snap["calls_by_category"] == {"ads_read": 1}


@responses.activate
def test_get_follows_a_redirect_and_sends_the_session_headers(client):
    responses.get(f"{BASE}/old", status=301, headers={"Location": f"{BASE}/new?page_size=5"})
    responses.get(f"{BASE}/new", json={"items": [], "bookmark": None})
    assert client.get("/old", {"page_size": 5}, category="ads_read") == {"items": [], "bookmark": None}
    first = responses.calls[0].request
    assert first.headers["User-Agent"].startswith("pinsql") and first.headers["Accept"] == "application/json"
    assert first.headers["Authorization"] == "Bearer access-token-SECRET-1"
    assert responses.calls[-1].request.url == f"{BASE}/new?page_size=5"


@responses.activate
def test_query_values_that_need_quoting_arrive_intact(client):
    """The client writes the query string itself; anything but plain text is quoted as urlencode would,
    except commas, which separate the values of list parameters and stay as they are."""
    responses.get(f"{BASE}/search/pins", json={"ok": 1})
    odd = ["a b&c=d", "é/ü?#%", "x+y", "~plain-1_2.3", "1,2 ,3"]
    client.get("/search/pins", {"query": odd, "a key": "v", "n": 5, "off": False, "ids": "10,20,30"},
               category="pins_read")
    assert query_of(responses.calls[0]) == {"query": odd, "a key": ["v"], "n": ["5"], "off": ["false"],
                                            "ids": ["10,20,30"]}
    raw = urlsplit(responses.calls[0].request.url).query
    assert raw.startswith("query=a+b%26c%3Dd&query=%C3%A9%2F%C3%BC%3F%23%25&query=x%2By&query=~plain-1_2.3"
                          "&query=1,2+,3&a+key=v")
    assert raw.endswith("&ids=10,20,30")


@responses.activate
def test_paginate_follows_bookmarks_and_sizes_pages(fast_props, sleeps):
    client = ApiClient(fast_props(PageSize=2), sleep=sleeps)
    pages = {None: ([{"id": "1"}, {"id": "2"}], "b1"), "b1": ([{"id": "3"}, {"id": "4"}], "b2"),
             "b2": ([{"id": "5"}], None)}

    def serve(request):
        bookmark = parse_qs(urlsplit(request.url).query).get("bookmark", [None])[0]
        items, nxt = pages[bookmark]
        return 200, {}, __import__("json").dumps({"items": items, "bookmark": nxt})

    responses.add_callback(responses.GET, f"{BASE}/boards", callback=serve)
    got = list(client.paginate("/boards", {"privacy": "ALL"}, category="org_read"))
    assert got == [[{"id": "1"}, {"id": "2"}], [{"id": "3"}, {"id": "4"}], [{"id": "5"}]]
    assert [query_of(c)["page_size"] for c in responses.calls] == [["2"]] * 3
    assert all(query_of(c)["privacy"] == ["ALL"] for c in responses.calls)
    assert client.counters.snapshot()["pages"] == 3
    assert client.counters.snapshot()["rows"] == 5


@responses.activate
def test_paginate_max_rows_asks_for_the_remainder_only(client):
    responses.get(f"{BASE}/boards", json={"items": [{"id": str(i)} for i in range(3)], "bookmark": "b1"})
    responses.get(f"{BASE}/boards", json={"items": [{"id": "3"}, {"id": "4"}], "bookmark": "b2"})
    rows = [r for page in client.paginate("/boards", category="org_read", page_size=3, max_rows=5) for r in page]
    assert [r["id"] for r in rows] == ["0", "1", "2", "3", "4"]
    assert [query_of(c)["page_size"] for c in responses.calls] == [["3"], ["2"]]
    assert len(responses.calls) == 2  # stopped without fetching page 3


@responses.activate
def test_paginate_repeated_bookmark_is_an_error_not_a_hang(client):
    responses.get(f"{BASE}/boards", json={"items": [{"id": "1"}], "bookmark": "same"})
    with pytest.raises(OperationalError, match="same bookmark twice"):
        list(client.paginate("/boards", category="org_read"))
    assert len(responses.calls) == 2


@responses.activate
def test_paginate_long_run_of_empty_pages_is_an_error(client):
    counter = iter(range(1000))
    responses.add_callback(responses.GET, f"{BASE}/boards",
                           callback=lambda r: (200, {}, f'{{"items": [], "bookmark": "b{next(counter)}"}}'))
    with pytest.raises(OperationalError, match="empty pages"):
        list(client.paginate("/boards", category="org_read"))
    assert len(responses.calls) == 20


@responses.activate
def test_paginate_rejects_non_page_bodies(client):
    responses.get(f"{BASE}/boards", json=[1, 2])
    with pytest.raises(OperationalError, match="expected a page"):
        list(client.paginate("/boards", category="org_read"))


@responses.activate
def test_5xx_is_retried_with_jittered_backoff(client, sleeps):
    responses.get(f"{BASE}/x", status=503, json={"code": 4197, "message": "ramped down"})
    responses.get(f"{BASE}/x", status=500, json={"code": 12, "message": "Something went wrong"})
    responses.get(f"{BASE}/x", json={"ok": True})
    assert client.get("/x", category="ads_read") == {"ok": True}
    assert client.counters.snapshot()["retries"] == 2
    # full jitter: each delay is within [0, base * 2**attempt]
    assert len(sleeps.calls) == 2 and sleeps.calls[0] <= 0.001 and sleeps.calls[1] <= 0.002


@responses.activate
def test_5xx_gives_up_after_max_retries(client):
    responses.get(f"{BASE}/x", status=502, json={"code": 0, "message": "bad gateway"},
                  headers={"x-pinterest-rid": "rid-9"})
    with pytest.raises(ApiError) as info:
        client.get("/x", category="ads_read")
    assert len(responses.calls) == 4  # 1 + MaxRetries=3
    assert info.value.status == 502 and info.value.request_id == "rid-9"
    assert "rid-9" in str(info.value)
    assert client.counters.snapshot()["errors"] == 1


@responses.activate
def test_code_12_on_a_400_is_transient(client):
    responses.get(f"{BASE}/x", status=400, json={"code": 12, "message": "Something went wrong on our end"})
    responses.get(f"{BASE}/x", json=[1])
    assert client.get("/x", category="ads_read") == [1]


@responses.activate
def test_connection_errors_and_undecodable_bodies_are_retried(client):
    responses.get(f"{BASE}/x", body=requests.ConnectionError("reset"))
    responses.get(f"{BASE}/x", body='{"items": [1, 2')  # truncated JSON
    responses.get(f"{BASE}/x", json={"items": [1, 2]})
    assert client.get("/x", category="ads_read") == {"items": [1, 2]}
    assert client.counters.snapshot()["retries"] == 2


@responses.activate
def test_timeouts_give_up_with_operational_error(client):
    responses.get(f"{BASE}/x", body=requests.Timeout("slow"))
    with pytest.raises(OperationalError, match="Timeout"):
        client.get("/x", category="ads_read")
    assert len(responses.calls) == 4


@responses.activate
def test_short_429_pauses_the_category_then_retries(client, sleeps):
    responses.get(f"{BASE}/x", status=429, json={"code": 8, "message": "rate limit"}, headers={"Retry-After": "2"})
    responses.get(f"{BASE}/x", json={"ok": 1})
    assert client.get("/x", category="ads_analytics") == {"ok": 1}
    snap = client.counters.snapshot()
    assert snap["throttled"] == 1 and snap["retries"] == 1
    assert snap["rate_limit_wait_seconds"] == pytest.approx(2, abs=0.1)
    assert any(abs(s - 2) < 0.1 for s in sleeps.calls)


@responses.activate
def test_429_without_hint_uses_the_default_pause(client, sleeps):
    responses.get(f"{BASE}/x", status=429, json={"code": 8, "message": "rate limit"})
    responses.get(f"{BASE}/x", json={})
    client.get("/x", category="ads_read")
    assert any(abs(s - 0.01) < 0.005 for s in sleeps.calls)  # RateLimitDefaultWait=0.01


@responses.activate
def test_long_429_reset_fails_at_once_and_says_when(client):
    responses.get(f"{BASE}/x", status=429, json={"code": 8, "message": "exceeded"},
                  headers={"X-RateLimit-Reset": "67000"})
    with pytest.raises(RateLimitError) as info:
        client.get("/x", category="ads_read")
    assert len(responses.calls) == 1
    err = info.value
    assert err.reset_seconds == pytest.approx(67000, abs=2) and err.category == "ads_read"
    assert "ads_read" in str(err) and "18 h 36 min" in str(err)


@responses.activate
def test_spam_block_is_never_retried(client):
    responses.get(f"{BASE}/x", status=429, json={"code": 8, "message": "blocked",
                                                  "message_detail": "Request blocked as spam"})
    with pytest.raises(RateLimitError, match="spam"):
        client.get("/x", category="ads_read")
    assert len(responses.calls) == 1


@responses.activate
def test_429_storm_gives_up_after_max_retries(client):
    responses.get(f"{BASE}/x", status=429, json={"code": 8, "message": "rate limit"}, headers={"Retry-After": "1"})
    with pytest.raises(RateLimitError, match="still limited"):
        client.get("/x", category="ads_read")
    assert len(responses.calls) == 4


@responses.activate
def test_400_retry_after_text_waits_then_retries(client, sleeps):
    responses.get(f"{BASE}/x", status=400, json={"code": 1, "message": "Retry after 3 seconds"})
    responses.get(f"{BASE}/x", json={"done": True})
    assert client.get("/x", category="ads_analytics") == {"done": True}
    assert 3 in sleeps.calls


@pytest.mark.parametrize(
    ("status", "body", "exc", "words"),
    [
        (401, {"code": 3, "message": "insufficient permissions"}, PermissionDeniedError, "scope"),
        (403, {"code": 29, "message": "not permitted"}, PermissionDeniedError, "Business Access"),
        (403, {"code": 2625, "message": "disapproved"}, PermissionDeniedError, "disapproved"),
        (404, {"code": 30, "message": "User not found"}, ApiProgrammingError, "User not found"),
        (409, {"code": 4182, "message": "no catalog"}, ApiProgrammingError, "no catalog"),
        (400, {"code": 1, "message": "The time range specified is too large"}, ApiDataError, "time range"),
        (400, {"code": 1, "message": "Parameter 'page_size' was not numeric"}, ApiProgrammingError, "page_size"),
        (401, {"code": 2, "message": "Authentication failed."}, AuthenticationError, "pinsql login"),
    ],
)
@responses.activate
def test_4xx_maps_to_pep249_errors_with_code_and_request_id(client, status, body, exc, words):
    responses.get(f"{BASE}/ad_accounts/9", status=status, json=body, headers={"x-pinterest-rid": "rid-1"})
    with pytest.raises(exc) as info:
        client.get("/ad_accounts/9", category="ads_read")
    err = info.value
    assert (err.status, err.code, err.request_id, err.endpoint) == (status, body["code"], "rid-1", "/ad_accounts/9")
    assert words in str(err) and "rid-1" in str(err)
    assert len(responses.calls) == 1  # not retried (OFF: no refresh possible)
    if exc is ApiDataError:
        assert isinstance(err, DataError)


@responses.activate
def test_401_code_2_refreshes_once_and_retries(fast_props, sleeps, tmp_path):
    props = fast_props(OAuthAccessToken="old-access-token", OAuthRefreshToken="refresh-token-1",
                       OAuthClientId="app1", OAuthClientSecret="app-secret-XYZ",
                       OAuthSettingsLocation=str(tmp_path / "store"))
    assert props.initiate_oauth == "REFRESH"
    client = ApiClient(props, sleep=sleeps)
    responses.get(f"{BASE}/x", status=401, json={"code": 2, "message": "Authentication failed."})
    responses.get(f"{BASE}/x", json={"ok": True})
    responses.post(f"{BASE}/oauth/token", json={"access_token": "new-access-token", "refresh_token": "refresh-token-2",
                                                "expires_in": 3600, "token_type": "bearer", "scope": "ads:read"})
    assert client.get("/x", category="ads_read") == {"ok": True}
    token_call = responses.calls[1].request
    assert token_call.headers["Authorization"].startswith("Basic ")
    assert parse_qs(token_call.body) == {"grant_type": ["refresh_token"], "refresh_token": ["refresh-token-1"],
                                         "continuous_refresh": ["true"]}
    assert responses.calls[2].request.headers["Authorization"] == "Bearer new-access-token"
    assert client.counters.snapshot()["token_refreshes"] == 1


@responses.activate
def test_401_after_refresh_fails_with_authentication_error(fast_props, sleeps, tmp_path):
    props = fast_props(OAuthAccessToken="old-access-token", OAuthRefreshToken="refresh-token-1",
                       OAuthClientId="app1", OAuthClientSecret="app-secret-XYZ",
                       OAuthSettingsLocation=str(tmp_path / "store"))
    client = ApiClient(props, sleep=sleeps)
    responses.get(f"{BASE}/x", status=401, json={"code": 2, "message": "Authentication failed."})
    responses.post(f"{BASE}/oauth/token", json={"access_token": "new-access-token", "expires_in": 3600})
    with pytest.raises(AuthenticationError, match="Sign in again|pinsql login"):
        client.get("/x", category="ads_read")
    assert [c.request.method for c in responses.calls] == ["GET", "POST", "GET"]


@responses.activate
def test_failed_refresh_says_how_to_sign_in_again(fast_props, sleeps, tmp_path):
    props = fast_props(OAuthAccessToken="old-access-token", OAuthRefreshToken="refresh-token-1",
                       OAuthClientId="app1", OAuthClientSecret="app-secret-XYZ",
                       OAuthSettingsLocation=str(tmp_path / "store"))
    client = ApiClient(props, sleep=sleeps)
    responses.get(f"{BASE}/x", status=401, json={"code": 2, "message": "Authentication failed."})
    responses.post(f"{BASE}/oauth/token", status=400, json={"code": 1, "message": "Invalid refresh token"})
    with pytest.raises(AuthenticationError) as info:
        client.get("/x", category="ads_read")
    assert "pinsql login" in str(info.value) and "InitiateOAuth=GETANDREFRESH" in str(info.value)


@responses.activate
def test_default_ad_account_is_given_or_looked_up_once(fast_props, sleeps):
    given = ApiClient(fast_props(AdAccountId="42"), sleep=sleeps)
    assert given.default_ad_account_id() == "42"
    assert len(responses.calls) == 0
    responses.get(f"{BASE}/ad_accounts", json={"items": [{"id": "777"}], "bookmark": "more"})
    client = ApiClient(fast_props(), sleep=sleeps)
    results = client.parallel_map(lambda _: client.default_ad_account_id(), range(8))
    assert results == ["777"] * 8
    assert len(responses.calls) == 1 and query_of(responses.calls[0])["page_size"] == ["1"]


@responses.activate
def test_no_visible_ad_account_is_a_clear_error(client):
    responses.get(f"{BASE}/ad_accounts", json={"items": [], "bookmark": None})
    with pytest.raises(ProgrammingError, match="no ad account"):
        client.default_ad_account_id()


def test_parallel_map_keeps_order_and_bounds_threads(fast_props):
    client = ApiClient(fast_props(MaxConcurrency=3))
    active, peak, lock = [0], [0], threading.Lock()

    def work(x):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        threading.Event().wait(0.05)
        with lock:
            active[0] -= 1
        return x * x

    assert client.parallel_map(work, range(12)) == [x * x for x in range(12)]
    assert 1 < peak[0] <= 3


def test_parallel_map_raises_the_first_error_and_cancels_the_rest(fast_props):
    client = ApiClient(fast_props(MaxConcurrency=2))
    started = []

    def work(x):
        started.append(x)
        if x == 1:
            raise OperationalError("boom")
        threading.Event().wait(0.02)
        return x

    with pytest.raises(OperationalError, match="boom"):
        client.parallel_map(work, range(50))
    assert len(started) < 50


def test_task_group_waits_for_tasks_that_tasks_add(fast_props):
    client = ApiClient(fast_props(MaxConcurrency=2))
    done = []

    def work(n):
        threading.Event().wait(0.01)
        if n > 0:
            group.submit(work, n - 1)  # added while the group is waiting
        done.append(n)

    with client.tasks() as group:
        group.submit(work, 5)
        group.wait()
    assert sorted(done) == [0, 1, 2, 3, 4, 5]


def test_task_group_raises_a_late_tasks_error_and_starts_nothing_more(fast_props):
    client = ApiClient(fast_props(MaxConcurrency=2))
    started = []

    def work(n):
        started.append(n)
        if n == 3:
            raise OperationalError("late boom")
        for k in (10 * n + 10, 10 * n + 11):
            group.submit(slow, k)
        group.submit(work, n + 1)

    def slow(k):
        started.append(k)
        threading.Event().wait(0.02)

    with pytest.raises(OperationalError, match="late boom"):
        with client.tasks() as group:
            group.submit(work, 0)
            group.wait()
    count = len(started)
    threading.Event().wait(0.1)
    assert len(started) == count  # queued tasks were dropped, none started after the error


def test_parallel_map_interrupted_caller_starts_nothing_more(fast_props, monkeypatch):
    """Ctrl-C while the caller waits: queued items never start, instead of the pool draining them."""
    import pinsql.client.tasks as tasks

    client = ApiClient(fast_props(MaxConcurrency=2))
    started = []
    real_wait = tasks.wait

    def interrupted_wait(futures, **kw):
        real_wait(futures[:1])  # the first item ran ...
        raise KeyboardInterrupt  # ... then the user pressed Ctrl-C

    monkeypatch.setattr(tasks, "wait", interrupted_wait)
    monkeypatch.setattr(tasks.TaskGroup, "help", lambda self: None)  # the caller only waits here

    def work(x):
        started.append(x)
        threading.Event().wait(0.02)
        return x

    with pytest.raises(KeyboardInterrupt):
        client.parallel_map(work, range(50))
    assert len(started) <= 4


def test_parallel_map_ctrl_c_in_the_callers_own_item_starts_nothing_more(fast_props):
    """The caller runs items too: Ctrl-C arriving while it runs one stops the statement the same way."""
    client = ApiClient(fast_props(MaxConcurrency=2))
    started = []
    main = threading.current_thread()

    def work(x):
        started.append(x)
        if threading.current_thread() is main and len(started) > 2:
            raise KeyboardInterrupt
        threading.Event().wait(0.02)
        return x

    with pytest.raises(KeyboardInterrupt):
        client.parallel_map(work, range(50))
    count = len(started)
    threading.Event().wait(0.1)
    assert count <= 6 and len(started) == count


def test_parallel_map_runs_the_first_item_on_the_callers_thread(fast_props):
    client = ApiClient(fast_props(MaxConcurrency=4))
    names = client.parallel_map(lambda _: (threading.Event().wait(0.01), threading.current_thread().name)[1], range(4))
    assert names[0] == threading.current_thread().name
    assert all(n.startswith("pinsql-worker-") for n in names[1:])


def test_closed_client_and_foreign_urls_are_refused(fast_props):
    client = ApiClient(fast_props())
    with pytest.raises(InterfaceError, match="outside BaseURL"):
        client.get("https://evil.example/v5/x", category="ads_read")
    client.close()
    client.close()  # idempotent
    with pytest.raises(InterfaceError, match="closed"):
        client.get("/x", category="ads_read")


@responses.activate
def test_connection_pool_is_at_least_max_concurrency(fast_props):
    client = ApiClient(fast_props(MaxConcurrency=16))
    adapter = client.session.get_adapter(BASE)
    assert adapter._pool_maxsize >= 16


@responses.activate
def test_parallel_map_failure_stops_running_workers_at_their_next_request(fast_props):
    client = ApiClient(fast_props(MaxConcurrency=2))
    responses.get(f"{BASE}/ok", json={"items": [{"id": "1"}], "bookmark": None})
    first_page_done = threading.Event()

    def work(x):
        if x == 0:
            first_page_done.wait(5)
            raise OperationalError("boom")
        for _ in range(100):  # a long worker: many requests, 10 ms apart
            client.get("/ok", category="ads_read")
            first_page_done.set()
            threading.Event().wait(0.01)
        return x

    with pytest.raises(OperationalError, match="boom"):
        client.parallel_map(work, range(2))
    assert len(responses.calls) < 50
    assert client.counters.snapshot()["errors"] == 0  # the cancellation is not counted as a failure


@responses.activate
def test_400_retry_after_beyond_the_max_wait_is_a_rate_limit_error(client):
    responses.get(f"{BASE}/x", status=400, json={"code": 1, "message": "Retry after 3600 seconds"})
    with pytest.raises(RateLimitError, match="1 h 0 min") as info:
        client.get("/x", category="ads_analytics")
    assert info.value.reset_seconds == 3600 and len(responses.calls) == 1


@responses.activate
def test_logfile_gets_one_line_per_request_and_no_token(fast_props, tmp_path):
    from pinsql.client.logs import reset_logging

    logfile = tmp_path / "logs" / "pinsql.log"
    try:
        client = ApiClient(fast_props(Verbosity=2, Logfile=str(logfile)))
        responses.get(f"{BASE}/x", status=503, json={"code": 0, "message": "down"})
        responses.get(f"{BASE}/x", json={}, headers={"x-pinterest-rid": "rid-77"})
        client.get("/x", category="ads_read")
    finally:
        reset_logging()
    text = logfile.read_text()
    assert "GET /x -> 503" in text and "GET /x -> 200" in text and "rid=rid-77" in text
    assert "retry 1/3" in text
    assert "access-token-SECRET-1" not in text and "Bearer" not in text


def test_proxy_and_ca_bundle_environment_is_read_once(fast_props, monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/corp.pem")
    c = ApiClient(fast_props())
    try:
        assert c.session.proxies.get("https") == "http://proxy.example:3128"
        assert c.session.verify == "/etc/ssl/corp.pem"
        assert c.session.trust_env is False  # not re-read on every request
    finally:
        c.close()
    monkeypatch.setenv("NO_PROXY", urlsplit(BASE).hostname)
    c = ApiClient(fast_props())
    try:
        assert "https" not in c.session.proxies  # BaseURL's host bypasses the proxy
    finally:
        c.close()
