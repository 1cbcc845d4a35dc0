"""OAuth 2.0 at the HTTP level, bearer authentication and scope checks."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

REDIRECT = "http://localhost:8085/callback"


def authorize(emu, **overrides):
    params = {"client_id": emu.client_id, "redirect_uri": REDIRECT, "response_type": "code",
              "scope": "boards:read,pins:read,ads:read", "state": "xyz-123", **overrides}
    return requests.get(emu.root_url + "/oauth/", params=params, allow_redirects=False,
                        timeout=10)


def token(emu, secret=None, **form):
    return requests.post(emu.url + "/oauth/token", data=form,
                         auth=(emu.client_id, secret or emu.client_secret), timeout=10)


def code_from(response):
    assert response.status_code == 302, response.text
    location = response.headers["Location"]
    assert location.startswith(REDIRECT + "?")
    return parse_qs(urlsplit(location).query)


def test_authorize_redirects_with_code_and_state(fresh_emu):
    query = code_from(authorize(fresh_emu))
    assert query["state"] == ["xyz-123"] and query["code"][0]
    assert fresh_emu.calls() == 0 and fresh_emu.calls(include_oauth=True) == 1


@pytest.mark.parametrize("overrides", [
    {"client_id": "999"}, {"redirect_uri": "https://evil.example.com/cb"},
    {"response_type": "token"}, {"scope": "boards:read,telepathy:read"}, {"scope": ""},
])
def test_authorize_rejects_bad_requests(fresh_emu, overrides):
    r = authorize(fresh_emu, **overrides)
    assert r.status_code in (400, 401) and "Location" not in r.headers
    assert isinstance(r.json()["code"], int)


def test_code_exchange_is_single_use_and_checks_redirect(fresh_emu, make_api):
    code = code_from(authorize(fresh_emu))["code"][0]
    wrong = token(fresh_emu, grant_type="authorization_code", code=code,
                  redirect_uri="http://localhost:9999/other")
    assert wrong.status_code == 400
    # The failed attempt spent the code (codes are single use).
    code = code_from(authorize(fresh_emu))["code"][0]
    r = token(fresh_emu, grant_type="authorization_code", code=code, redirect_uri=REDIRECT)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "bearer" and body["response_type"] == "authorization_code"
    assert body["scope"] == "boards:read,pins:read,ads:read"
    for key in ("access_token", "refresh_token", "expires_in", "refresh_token_expires_in",
                "refresh_token_expires_at"):
        assert body[key]
    again = token(fresh_emu, grant_type="authorization_code", code=code, redirect_uri=REDIRECT)
    assert again.status_code == 400
    api = make_api(fresh_emu, body["access_token"])
    assert api.ok("/boards")["items"]
    # Scopes of the grant are enforced: no user_accounts:read.
    assert api.error("/user_account", 401)["code"] == 3


def test_refresh_rotates_and_spends_old_token(fresh_emu, make_api):
    first = token(fresh_emu, grant_type="refresh_token", refresh_token=fresh_emu.refresh_token,
                  continuous_refresh="true")
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["response_type"] == "refresh_token"
    assert body["refresh_token"] != fresh_emu.refresh_token
    assert body["refresh_token_expires_at"] > time.time()
    reused = token(fresh_emu, grant_type="refresh_token", refresh_token=fresh_emu.refresh_token)
    assert reused.status_code == 400 and "already used" in reused.json()["message"]
    second = token(fresh_emu, grant_type="refresh_token", refresh_token=body["refresh_token"])
    assert second.status_code == 200
    assert make_api(fresh_emu, second.json()["access_token"]).ok("/user_account")["username"]


def test_refresh_can_narrow_but_not_widen_scope(fresh_emu):
    pair = fresh_emu.issue_token(["boards:read", "pins:read"])
    narrowed = token(fresh_emu, grant_type="refresh_token", refresh_token=pair["refresh_token"],
                     scope="boards:read")
    assert narrowed.status_code == 200 and narrowed.json()["scope"] == "boards:read"
    wider = token(fresh_emu, grant_type="refresh_token",
                  refresh_token=narrowed.json()["refresh_token"], scope="boards:read,ads:read")
    assert wider.status_code == 400


def test_client_credentials(fresh_emu, make_api):
    r = token(fresh_emu, grant_type="client_credentials", scope="ads:read")
    assert r.status_code == 200
    body = r.json()
    assert body["response_type"] == "client_credentials" and "refresh_token" not in body
    api = make_api(fresh_emu, body["access_token"])
    assert api.ok("/ad_accounts")["items"]
    assert api.error("/pins", 401)["code"] == 3
    assert token(fresh_emu, grant_type="client_credentials").status_code == 400


def test_token_endpoint_client_auth_and_form(fresh_emu):
    bad = token(fresh_emu, secret="wrong", grant_type="client_credentials", scope="ads:read")
    assert bad.status_code == 401 and bad.json()["code"] == 2
    no_auth = requests.post(fresh_emu.url + "/oauth/token",
                            data={"grant_type": "client_credentials", "scope": "ads:read"})
    assert no_auth.status_code == 401
    as_json = requests.post(fresh_emu.url + "/oauth/token", auth=(fresh_emu.client_id,
                                                                  fresh_emu.client_secret),
                            json={"grant_type": "client_credentials", "scope": "ads:read"})
    assert as_json.status_code == 400
    unknown = token(fresh_emu, grant_type="password")
    assert unknown.status_code == 400
    # Secrets never appear in answers.
    for r in (bad, no_auth, as_json, unknown):
        assert fresh_emu.client_secret not in r.text


def test_missing_unknown_and_expired_tokens(fresh_emu, make_api):
    r = requests.get(fresh_emu.url + "/user_account", timeout=10)
    assert r.status_code == 401 and r.json()["code"] == 2
    assert make_api(fresh_emu, "pina_nope").error("/user_account", 401)["code"] == 2
    short = fresh_emu.issue_token(ttl=0.3)
    api = make_api(fresh_emu, short["access_token"])
    assert api.ok("/user_account")["id"]
    time.sleep(0.4)
    body = api.error("/user_account", 401)
    assert body["code"] == 2 and "expired" in body["message"]
    # A refresh after expiry gives a working token again.
    refreshed = token(fresh_emu, grant_type="refresh_token", refresh_token=short["refresh_token"])
    assert make_api(fresh_emu, refreshed.json()["access_token"]).ok("/user_account")


def test_token_ttl_option():
    from pinsql.emulator import Emulator

    with Emulator(size="tiny", access_token_ttl=5) as emu:
        r = token(emu, grant_type="refresh_token", refresh_token=emu.refresh_token)
        assert r.json()["expires_in"] == 5


def test_connection_properties(fresh_emu):
    props = fresh_emu.connection_properties()
    assert props == {
        "BaseURL": fresh_emu.url, "OAuthAccessToken": fresh_emu.access_token,
        "OAuthClientId": fresh_emu.client_id, "OAuthClientSecret": fresh_emu.client_secret,
        "OAuthAuthorizationURL": fresh_emu.root_url + "/oauth/",
        "OAuthTokenURL": fresh_emu.url + "/oauth/token"}
    assert fresh_emu.url.startswith("http://127.0.0.1:") and fresh_emu.url.endswith("/v5")
    assert fresh_emu.client_secret not in repr(fresh_emu)
