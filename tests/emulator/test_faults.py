"""Fault injection and rate limits, each observed over real HTTP."""

from __future__ import annotations

import http.client
import json
import time

import pytest
import requests

from pinsql.emulator import Emulator, Faults


def statuses(api, n, path="/user_account"):
    return [api.get(path).status_code for _ in range(n)]


def test_latency(fresh_emu, fresh_api):
    fresh_emu.faults.latency = 0.15
    start = time.perf_counter()
    fresh_api.ok("/user_account")
    assert time.perf_counter() - start >= 0.15
    fresh_emu.faults.latency = 0
    start = time.perf_counter()
    fresh_api.ok("/user_account")
    assert time.perf_counter() - start < 0.15


def test_error_rate_is_deterministic(fresh_emu, fresh_api):
    def run():
        fresh_emu.faults.reset()
        fresh_emu.faults.error_rate = 0.5
        return statuses(fresh_api, 30)

    first, second = run(), run()
    assert first == second
    assert {500, 503} <= set(first) and 200 in first
    fresh_emu.faults.reset()
    fresh_emu.faults.error_rate = 1.0
    r = fresh_api.get("/user_account")
    assert r.status_code in (500, 503) and isinstance(r.json()["code"], int)
    bodies = {fresh_api.get("/user_account").json()["code"] for _ in range(20)}
    assert 12 in bodies


def test_burst_429(fresh_emu, fresh_api):
    fresh_emu.faults.burst_429 = 3
    fresh_emu.faults.burst_429_reset = 2
    responses = [fresh_api.get("/user_account") for _ in range(5)]
    assert [r.status_code for r in responses] == [429, 429, 429, 200, 200]
    first = responses[0]
    assert first.json()["code"] == 8
    assert first.headers["Retry-After"] == "2" and first.headers["X-RateLimit-Reset"] == "2"
    assert fresh_emu.faults.burst_429 == 0


def test_daily_quota_and_spam(fresh_emu, fresh_api):
    fresh_emu.faults.daily_quota_exhausted = True
    r = fresh_api.get("/user_account")
    assert r.status_code == 429 and r.json()["code"] == 8
    assert r.headers["X-RateLimit-Reset"] == "67000"
    fresh_emu.faults.daily_quota_exhausted = False
    fresh_emu.faults.spam_block = True
    r = fresh_api.get("/user_account")
    assert r.status_code == 429 and "spam" in r.json()["message_detail"]
    fresh_emu.faults.spam_block = False
    assert fresh_api.get("/user_account").status_code == 200


def test_path_prefix_limits_faults(fresh_emu, fresh_api):
    fresh_emu.faults.error_rate = 1.0
    fresh_emu.faults.path_prefix = "/ad_accounts"
    assert fresh_api.get("/user_account").status_code == 200
    assert fresh_api.get("/ad_accounts").status_code in (500, 503)


def test_slow_response_stalls_after_headers(fresh_emu):
    fresh_emu.faults.slow_response = 0.3
    conn = http.client.HTTPConnection("127.0.0.1", fresh_emu.port, timeout=5)
    conn.request("GET", "/v5/user_account",
                 headers={"Authorization": f"Bearer {fresh_emu.access_token}"})
    start = time.perf_counter()
    response = conn.getresponse()  # headers arrive at once
    headers_at = time.perf_counter() - start
    body = response.read()
    body_at = time.perf_counter() - start
    conn.close()
    assert headers_at < 0.25 <= body_at
    assert json.loads(body)["id"]
    # A client read timeout shorter than the stall fires while the body is pending.
    with pytest.raises(requests.exceptions.RequestException, match="timed out"):
        requests.get(fresh_emu.url + "/user_account", timeout=(2, 0.1),
                     headers={"Authorization": f"Bearer {fresh_emu.access_token}"})


def test_truncated_body(fresh_emu):
    fresh_emu.faults.truncate_body_rate = 1.0
    with pytest.raises(requests.exceptions.RequestException):
        requests.get(fresh_emu.url + "/pins", timeout=5,
                     headers={"Authorization": f"Bearer {fresh_emu.access_token}"})
    fresh_emu.faults.truncate_body_rate = 0
    r = requests.get(fresh_emu.url + "/pins", timeout=5,
                     headers={"Authorization": f"Bearer {fresh_emu.access_token}"})
    assert r.status_code == 200 and r.json()["items"]


def test_rate_limit_per_category(fresh_emu, fresh_api):
    fresh_emu.set_rate_limit("org_read", 3, 60)
    assert statuses(fresh_api, 4, "/boards") == [200, 200, 200, 429]
    limited = fresh_api.get("/pins")  # same category: same bucket
    assert limited.status_code == 429 and limited.json()["code"] == 8
    assert int(limited.headers["Retry-After"]) >= 1
    # Another category has its own quota.
    assert fresh_api.get("/ad_accounts").status_code == 200
    # Failures are logged with their category, like every call.
    assert fresh_emu.request_log[-2].status == 429
    assert fresh_emu.request_log[-2].category == "org_read"


def test_rate_limit_refills(make_api):
    with Emulator(size="tiny", rate_limits={"ads_read": (2, 0.2)}) as emu:
        api = make_api(emu)
        assert statuses(api, 3, "/ad_accounts") == [200, 200, 429]
        time.sleep(0.25)
        assert api.get("/ad_accounts").status_code == 200


def test_faults_from_constructor_and_request_log(make_api):
    faults = Faults(burst_429=1)
    with Emulator(size="tiny", faults=faults, latency=0.01) as emu:
        api = make_api(emu)
        assert statuses(api, 2) == [429, 200]
        assert emu.faults.latency == 0.01
        api.get("/boards", page_size=2, privacy="PUBLIC")
        record = emu.request_log[-1]
        assert (record.method, record.path, record.status, record.category) == (
            "GET", "/boards", 200, "org_read")
        assert record.query == {"page_size": ["2"], "privacy": ["PUBLIC"]}
        assert emu.calls() == 3 and emu.calls("/boards") == 1
        emu.clear_log()
        assert emu.calls() == 0


def test_concurrent_clients(emu, aid):
    from concurrent.futures import ThreadPoolExecutor

    def fetch(i):
        with requests.Session() as s:
            s.headers["Authorization"] = f"Bearer {emu.access_token}"
            return [s.get(f"{emu.url}/ad_accounts/{aid}/campaigns", params={"page_size": 5},
                          timeout=10).status_code for _ in range(20)]

    with ThreadPoolExecutor(8) as pool:
        results = [code for codes in pool.map(fetch, range(8)) for code in codes]
    assert results == [200] * 160


def test_keep_alive_throughput(emu, aid):
    # Catches keep-alive or Nagle regressions (those cap a connection at ~25 requests/s); the
    # bound is loose because test machines are shared.
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=10)
    headers = {"Authorization": f"Bearer {emu.access_token}"}
    start = time.perf_counter()
    for _ in range(200):
        conn.request("GET", f"/v5/ad_accounts/{aid}/campaigns?page_size=5", headers=headers)
        response = conn.getresponse()
        assert response.status == 200 and json.loads(response.read())["items"]
    elapsed = time.perf_counter() - start
    conn.close()
    assert elapsed < 2.0, f"200 keep-alive requests took {elapsed:.2f}s"


def test_stop_closes_keep_alive_connections():
    emu = Emulator(size="tiny").start()
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {emu.access_token}"
    assert session.get(emu.url + "/user_account", timeout=5).status_code == 200
    emu.stop()
    with pytest.raises(requests.exceptions.ConnectionError):
        session.get(emu.url + "/user_account", timeout=5)
    session.close()


def test_trailing_empty_page(fresh_emu, fresh_api):
    expected = [b["id"] for b in fresh_emu.data.boards()]
    fresh_emu.faults.trailing_empty_page = True
    pages = list(fresh_api.pages("/boards", page_size=2))
    assert pages[-1] == [] and len(pages) == len(expected) // 2 + 1 + len(expected) % 2
    assert [b["id"] for p in pages for b in p] == expected
