"""All four OAuth flows over real HTTP against the emulator, plus refresh policy and token reuse."""

from __future__ import annotations

import json
import threading
import time
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
import requests

from pinsql.auth import TokenProvider, flows
from pinsql.client import ApiClient
from pinsql.exceptions import AuthenticationError, InterfaceError
from pinsql.properties import parse_properties


def app_props(emu, tmp_path, **overrides):
    """The emulator's app credentials without its ready-made access token."""
    values = {k: v for k, v in emu.connection_properties().items() if k != "OAuthAccessToken"}
    values.update(CallbackURL="http://127.0.0.1:0/callback", OAuthSettingsLocation=str(tmp_path / "tokens"),
                  RetryBaseDelay=0.001, CacheTTL=0)  # every call reaches the emulator: tokens are checked per call
    values.update(overrides)
    return parse_properties(**values)


def token_posts(emu) -> list:
    return [r for r in emu.request_log.snapshot() if r.path == "/oauth/token"]


class HeadlessBrowser:
    """Opens the consent page with requests; the emulator approves and redirects to our callback server."""

    def __init__(self, tamper=None):
        self.tamper = tamper
        self.opened: list[str] = []
        self.codes: list[str] = []

    def __call__(self, url: str) -> bool:
        self.opened.append(url)
        consent = requests.get(url, allow_redirects=False, timeout=5)
        assert consent.status_code == 302, consent.text
        location = consent.headers["Location"]
        self.codes += parse_qs(urlsplit(location).query).get("code", [])
        if self.tamper:
            location = self.tamper(location)
        requests.get(location, timeout=5)
        return True


def user_of(client: ApiClient) -> str:
    return client.get("/user_account", category="org_read")["username"]


def test_flow_access_token_used_as_is(emu):
    client = ApiClient(parse_properties(BaseURL=emu.url, OAuthAccessToken=emu.issue_token()["access_token"]))
    emu.clear_log()
    assert user_of(client) == emu.data.user_account()["username"]
    assert token_posts(emu) == []
    assert client.auth.store is None  # nothing written for a token given as is


def test_flow_interactive_sign_in_then_reuse_from_store(emu, tmp_path):
    props = app_props(emu, tmp_path)
    assert props.initiate_oauth == "GETANDREFRESH"
    browser = HeadlessBrowser()
    emu.clear_log()
    client = ApiClient(props, browser=browser)
    assert user_of(client) == emu.data.user_account()["username"]
    (url,) = browser.opened
    query = parse_qs(urlsplit(url).query)
    assert query["response_type"] == ["code"] and query["client_id"] == [props.oauth_client_id]
    assert query["scope"] == [props.scope] and "," in props.scope and query["state"][0]
    redirect = urlsplit(query["redirect_uri"][0])
    assert (redirect.hostname, redirect.path) == ("127.0.0.1", "/callback") and redirect.port not in (None, 0, 80)
    assert len(token_posts(emu)) == 1
    stored = json.loads(props.token_store_path().read_text())["token"]
    assert stored["access_token"] and stored["refresh_token"]
    # A later connection reuses the stored token: no browser, no token call.
    emu.clear_log()
    later = ApiClient(props, browser=lambda url: pytest.fail("browser opened again"))
    assert user_of(later) == emu.data.user_account()["username"]
    assert token_posts(emu) == []


def test_interactive_sign_in_rejects_a_forged_state(emu, tmp_path):
    def forge(location: str) -> str:
        parts = urlsplit(location)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        query["state"] = "forged"
        return urlunsplit(parts._replace(query=urlencode(query)))

    with requests.Session() as http, pytest.raises(AuthenticationError, match="state does not match"):
        flows.interactive_sign_in(http, app_props(emu, tmp_path), browser=HeadlessBrowser(forge), timeout=5)


def test_interactive_sign_in_reports_a_denied_consent(emu, tmp_path):
    def deny(url: str) -> bool:
        redirect = parse_qs(urlsplit(url).query)["redirect_uri"][0]
        requests.get(redirect + "?error=access_denied&error_description=User+said+no", timeout=5)
        return True

    with requests.Session() as http, pytest.raises(AuthenticationError, match="not completed: User said no"):
        flows.interactive_sign_in(http, app_props(emu, tmp_path), browser=deny, timeout=5)


def test_interactive_sign_in_times_out_and_prints_the_url(emu, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(flows, "_interactive_terminal", lambda: True)
    with requests.Session() as http, pytest.raises(AuthenticationError, match="timed out"):
        flows.interactive_sign_in(http, app_props(emu, tmp_path), browser=lambda url: False, timeout=0.2)
    assert "Open this page to sign in" in capsys.readouterr().err


def test_no_browser_and_no_terminal_fails_fast(emu, tmp_path, monkeypatch):
    monkeypatch.setattr(flows, "_interactive_terminal", lambda: False)
    started = time.monotonic()
    with requests.Session() as http, pytest.raises(AuthenticationError, match="pinsql login.*InitiateOAuth=REFRESH"):
        flows.interactive_sign_in(http, app_props(emu, tmp_path), browser=lambda url: False, timeout=30)
    assert time.monotonic() - started < 5


def test_getandrefresh_falls_back_to_the_browser_when_the_refresh_token_is_spent(emu, tmp_path):
    issued = emu.issue_token()
    with requests.Session() as http:
        flows.refresh(http, app_props(emu, tmp_path), issued["refresh_token"])  # spends it
    browser = HeadlessBrowser()
    client = ApiClient(app_props(emu, tmp_path / "fresh", OAuthRefreshToken=issued["refresh_token"]), browser=browser)
    assert user_of(client) == emu.data.user_account()["username"]
    assert len(browser.opened) == 1


def test_callback_url_must_be_local_http(emu, tmp_path):
    with requests.Session() as http, pytest.raises(InterfaceError, match="CallbackURL"):
        flows.interactive_sign_in(http, app_props(emu, tmp_path, CallbackURL="https://example.com/cb"),
                                  browser=lambda url: True, timeout=0.1)


def test_flow_refresh_token_rotates_and_persists_the_new_one(emu, tmp_path):
    issued = emu.issue_token()
    props = app_props(emu, tmp_path, OAuthRefreshToken=issued["refresh_token"])
    emu.clear_log()
    client = ApiClient(props)
    assert user_of(client) == emu.data.user_account()["username"]
    assert len(token_posts(emu)) == 1
    stored = json.loads(props.token_store_path().read_text())["token"]
    assert stored["refresh_token"] and stored["refresh_token"] != issued["refresh_token"]
    assert stored["access_token"] == client.auth.token.access_token
    # The old refresh token is spent: the emulator rejects it.
    with requests.Session() as http, pytest.raises(AuthenticationError, match="sign in again|pinsql login"):
        flows.refresh(http, props, issued["refresh_token"])
    # The same properties again: the stored (rotated) tokens are used, no new exchange.
    emu.clear_log()
    assert user_of(ApiClient(props)) == emu.data.user_account()["username"]
    assert token_posts(emu) == []


def test_a_newly_given_refresh_token_replaces_the_stored_chain(emu, tmp_path):
    first = app_props(emu, tmp_path, OAuthRefreshToken=emu.issue_token()["refresh_token"])
    user_of(ApiClient(first))
    second = app_props(emu, tmp_path, OAuthRefreshToken=emu.issue_token()["refresh_token"])
    emu.clear_log()
    client = ApiClient(second)
    user_of(client)
    assert len(token_posts(emu)) == 1  # the new token was exchanged, not the stored one reused


def test_flow_client_credentials(emu, tmp_path):
    props = app_props(emu, tmp_path, AuthScheme="ClientCredentials")
    emu.clear_log()
    client = ApiClient(props)
    assert user_of(client) == emu.data.user_account()["username"]
    assert len(token_posts(emu)) == 1
    assert not props.token_store_path().exists()  # app tokens are not stored


def test_wrong_client_secret_is_an_authentication_error(emu, tmp_path):
    props = app_props(emu, tmp_path, AuthScheme="ClientCredentials", OAuthClientSecret="wrong-secret-123")
    with pytest.raises(AuthenticationError, match="OAuthClientSecret"):
        ApiClient(props).get("/user_account", category="org_read")


def test_expired_access_token_is_refreshed_once_on_401(emu, tmp_path):
    issued = emu.issue_token(ttl=0)  # already expired when first used
    props = app_props(emu, tmp_path, OAuthAccessToken=issued["access_token"],
                      OAuthRefreshToken=issued["refresh_token"])
    assert props.initiate_oauth == "REFRESH"
    emu.clear_log()
    client = ApiClient(props)
    assert user_of(client) == emu.data.user_account()["username"]
    statuses = [(r.path, r.status) for r in emu.request_log.snapshot()]
    assert statuses == [("/user_account", 401), ("/oauth/token", 200), ("/user_account", 200)]
    assert client.counters.snapshot()["token_refreshes"] == 1


def test_concurrent_401s_trigger_a_single_refresh(emu, tmp_path):
    issued = emu.issue_token(ttl=0)
    props = app_props(emu, tmp_path, OAuthAccessToken=issued["access_token"],
                      OAuthRefreshToken=issued["refresh_token"], MaxConcurrency=8)
    client = ApiClient(props)
    emu.clear_log()
    barrier = threading.Barrier(8)

    def call(_):
        barrier.wait(timeout=5)
        return user_of(client)

    assert client.parallel_map(call, range(8)) == [emu.data.user_account()["username"]] * 8
    assert len(token_posts(emu)) == 1


def test_second_connection_adopts_the_token_another_one_refreshed(emu, tmp_path):
    issued = emu.issue_token(ttl=0)
    props = app_props(emu, tmp_path, OAuthAccessToken=issued["access_token"],
                      OAuthRefreshToken=issued["refresh_token"])
    one, two = ApiClient(props), ApiClient(props)
    user_of(one)
    emu.clear_log()
    user_of(two)  # 401 with the expired token, then the stored fresh token: no second exchange
    assert token_posts(emu) == []
    assert two.auth.token.access_token == one.auth.token.access_token


def test_expiring_token_is_refreshed_before_the_call(emu, tmp_path):
    issued = emu.issue_token()
    props = app_props(emu, tmp_path, OAuthRefreshToken=issued["refresh_token"])
    offset = [0.0]
    provider = TokenProvider(props, clock=lambda: time.time() + offset[0])
    client = ApiClient(props, token_provider=provider)
    user_of(client)
    first = provider.token.access_token
    offset[0] = provider.token.expires_at - time.time() - 30  # inside the 60 s margin
    emu.clear_log()
    user_of(client)
    assert provider.token.access_token != first
    assert [(r.path, r.status) for r in emu.request_log.snapshot()] == [("/oauth/token", 200), ("/user_account", 200)]


def test_refresh_mode_without_any_token_says_how_to_sign_in(emu, tmp_path):
    props = app_props(emu, tmp_path, InitiateOAuth="REFRESH")
    with pytest.raises(AuthenticationError, match="No stored token.*pinsql login"):
        ApiClient(props).get("/user_account", category="org_read")


def test_spent_refresh_token_fails_with_guidance(emu, tmp_path):
    issued = emu.issue_token()
    with requests.Session() as http:
        flows.refresh(http, app_props(emu, tmp_path), issued["refresh_token"])  # spends it
    props = app_props(emu, tmp_path / "other", OAuthRefreshToken=issued["refresh_token"], InitiateOAuth="REFRESH")
    with pytest.raises(AuthenticationError) as info:
        ApiClient(props).get("/user_account", category="org_read")
    assert "InitiateOAuth=GETANDREFRESH" in str(info.value) and "pinsql login" in str(info.value)
    assert issued["refresh_token"] not in str(info.value)


def test_failed_proactive_refresh_keeps_using_the_still_valid_token(emu, tmp_path):
    issued = emu.issue_token()
    props = app_props(emu, tmp_path, OAuthRefreshToken=issued["refresh_token"])
    offset = [0.0]
    provider = TokenProvider(props, clock=lambda: time.time() + offset[0])
    client = ApiClient(props, token_provider=provider)
    user_of(client)
    valid = provider.token.access_token
    offset[0] = provider.token.expires_at - time.time() - 30  # inside the margin, not expired
    provider.store.clear()
    provider._token = type(provider.token)(**{**provider.token.to_json(), "refresh_token": "pinr_spent_value"})
    emu.clear_log()
    assert user_of(client) == emu.data.user_account()["username"]  # the refresh failed, the call did not
    assert provider.token.access_token == valid
    user_of(client)
    assert len(token_posts(emu)) == 1  # no second attempt right away
