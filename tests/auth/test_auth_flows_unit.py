"""Token-endpoint requests as Pinterest specifies them (form bodies, Basic auth), with canned answers."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses

from pinsql.auth import authorization_url, flows
from pinsql.exceptions import AuthenticationError, OperationalError
from pinsql.properties import parse_properties

TOKEN_URL = "https://api.test/v5/oauth/token"


@pytest.fixture
def props(tmp_path):
    return parse_properties(OAuthClientId="1234", OAuthClientSecret="app-secret-value", BaseURL="https://api.test/v5",
                            OAuthSettingsLocation=str(tmp_path))


def sent_form(call) -> dict:
    return {k: v[0] for k, v in parse_qs(call.request.body).items()}


def basic_credentials(call) -> str:
    scheme, _, value = call.request.headers["Authorization"].partition(" ")
    assert scheme == "Basic"
    return base64.b64decode(value).decode()


def test_authorization_url_has_the_documented_parameters(props):
    url = authorization_url(props, "http://localhost:8765/", "state-1")
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://www.pinterest.com/oauth/"
    assert {k: v[0] for k, v in parse_qs(parts.query).items()} == {
        "client_id": "1234", "redirect_uri": "http://localhost:8765/", "response_type": "code",
        "scope": props.scope, "state": "state-1"}


@responses.activate
def test_refresh_grant_body_and_basic_auth(props):
    responses.post(TOKEN_URL, json={"access_token": "pina_new", "refresh_token": "pinr_new", "expires_in": 60,
                                    "token_type": "bearer", "scope": "ads:read"})
    with requests.Session() as http:
        token = flows.refresh(http, props, "pinr_old")
    call = responses.calls[0]
    assert call.request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert basic_credentials(call) == "1234:app-secret-value"
    assert sent_form(call) == {"grant_type": "refresh_token", "refresh_token": "pinr_old", "continuous_refresh": "true"}
    assert (token.access_token, token.refresh_token, token.scope) == ("pina_new", "pinr_new", "ads:read")


@responses.activate
def test_refresh_without_rotation_keeps_the_refresh_token(props):
    responses.post(TOKEN_URL, json={"access_token": "pina_new", "expires_in": 60})
    with requests.Session() as http:
        assert flows.refresh(http, props, "pinr_kept").refresh_token == "pinr_kept"


@responses.activate
def test_code_and_client_credentials_bodies(props):
    responses.post(TOKEN_URL, json={"access_token": "pina_a", "expires_in": 60})
    with requests.Session() as http:
        flows.exchange_code(http, props, "code-value", "http://localhost:8765/")
        flows.client_credentials(http, props)
    assert sent_form(responses.calls[0]) == {"grant_type": "authorization_code", "code": "code-value",
                                             "redirect_uri": "http://localhost:8765/"}
    assert sent_form(responses.calls[1]) == {"grant_type": "client_credentials", "scope": props.scope}
    assert all("client_secret" not in (c.request.body or "") for c in responses.calls)  # Basic auth only


@responses.activate
def test_token_endpoint_failures(props):
    responses.post(TOKEN_URL, status=503, json={"code": 0, "message": "down"})
    responses.post(TOKEN_URL, status=200, json={"no": "token"})
    responses.post(TOKEN_URL, body=requests.ConnectionError("refused"))
    with requests.Session() as http:
        with pytest.raises(OperationalError, match="HTTP 503"):
            flows.refresh(http, props, "pinr_x1234")
        with pytest.raises(AuthenticationError, match="without an access_token"):
            flows.refresh(http, props, "pinr_x1234")
        with pytest.raises(OperationalError, match="Could not reach the token endpoint"):
            flows.refresh(http, props, "pinr_x1234")


@responses.activate
def test_rejections_name_the_right_culprit(props):
    responses.post(TOKEN_URL, status=401, json={"code": 2, "message": "Authentication failed"})
    responses.post(TOKEN_URL, status=400, json={"code": 1, "message": "Invalid refresh token"})
    with requests.Session() as http:
        with pytest.raises(AuthenticationError, match="app credentials.*OAuthClientSecret"):
            flows.refresh(http, props, "pinr_x1234")
        with pytest.raises(AuthenticationError, match="rejected the refresh token.*pinsql login") as info:
            flows.refresh(http, props, "pinr_x1234")
    assert info.value.status == 400 and info.value.code == 1 and info.value.endpoint == "/oauth/token"
