"""No secret ever reaches logs, reprs or exception messages, at the most verbose logging level."""

from __future__ import annotations

import logging
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from pinsql.auth import TokenProvider, flows
from pinsql.client import ApiClient, test_connection
from pinsql.client.logs import reset_logging
from pinsql.exceptions import Error
from pinsql.properties import parse_properties

emulator = pytest.importorskip("pinsql.emulator", reason="the emulator package is not importable")


@pytest.fixture(autouse=True)
def restore_logging():
    yield
    reset_logging()  # Verbosity=5 below attaches handlers and levels; leave none behind


def test_no_secret_in_logs_reprs_or_errors(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)  # every logger, urllib3 and requests_oauthlib included
    logfile = tmp_path / "pinsql.log"
    secrets: set[str] = set()
    codes: list[str] = []
    texts: list[str] = []

    with emulator.Emulator(seed=9, size="tiny") as emu:
        secrets |= {emu.client_secret, emu.access_token, emu.refresh_token}
        base = {k: v for k, v in emu.connection_properties().items() if k != "OAuthAccessToken"}
        base["CacheTTL"] = 0  # the error path below needs real calls
        base.update(OAuthSettingsLocation=str(tmp_path / "tokens"), CallbackURL="http://127.0.0.1:0/cb",
                    Verbosity=5, Logfile=str(logfile), RetryBaseDelay=0.001, MaxRetries=1)

        def browser(url: str) -> bool:
            # Stands in for the user's browser, which writes nothing to our logs: plain urllib, no logging.
            with urllib.request.urlopen(url, timeout=5) as reply:
                codes.extend(parse_qs(urlsplit(reply.geturl()).query).get("code", []))
            return True

        # 1. interactive sign-in, 2. API calls with the resulting token
        client = ApiClient(parse_properties(**base), browser=browser)
        client.get("/user_account", category="org_read")
        secrets |= {client.auth.token.access_token, client.auth.token.refresh_token}
        texts += [repr(client), repr(client.auth), repr(client.auth.token), repr(client.props), str(client.props)]

        # 3. refresh flow (rotation) with an expired access token, then a 401 code 2 retry
        issued = emu.issue_token(ttl=0)
        secrets |= {issued["access_token"], issued["refresh_token"]}
        props = parse_properties(**base, OAuthAccessToken=issued["access_token"],
                                 OAuthRefreshToken=issued["refresh_token"])
        refreshing = ApiClient(props)
        refreshing.get("/user_account", category="org_read")
        secrets |= {refreshing.auth.token.access_token, refreshing.auth.token.refresh_token}
        texts += [repr(props), str(props.redacted()), repr(refreshing.auth.store), repr(refreshing.auth.token)]

        # 4. client credentials
        cc = ApiClient(parse_properties(**base, AuthScheme="ClientCredentials"))
        cc.get("/user_account", category="org_read")
        secrets.add(cc.auth.token.access_token)

        # Failures: spent refresh token, wrong client secret, invalid access token, rate limit, connection test
        failures = []
        with requests.Session() as http:
            for attempt in (
                lambda: flows.refresh(http, props, issued["refresh_token"]),
                lambda: ApiClient(parse_properties(**{**base, "OAuthClientSecret": "wrong-secret-value-1"},
                                                   AuthScheme="ClientCredentials")).get(
                    "/user_account", category="org_read"),
                lambda: ApiClient(parse_properties(**base, OAuthAccessToken="pina_invalid_token_value",
                                                   InitiateOAuth="OFF")).get("/user_account", category="org_read"),
            ):
                with pytest.raises(Error) as info:
                    attempt()
                failures.append(info.value)
        secrets |= {"wrong-secret-value-1", "pina_invalid_token_value"}
        emu.faults.daily_quota_exhausted = True
        with pytest.raises(Error) as info:
            client.get("/user_account", category="org_read")
        failures.append(info.value)
        emu.faults.reset()
        result = test_connection(ApiClient(parse_properties(**base, OAuthAccessToken="pina_invalid_token_value",
                                                            InitiateOAuth="OFF")))
        texts.append(repr(result))
        for exc in failures:
            texts += [str(exc), repr(exc), str(getattr(exc, "api_message", ""))]

    texts.append(caplog.text)
    texts.append(logfile.read_text())
    secrets.discard(None)
    assert len(codes) == 1
    secrets.update(codes)
    assert len(secrets) >= 10
    assert "GET /user_account" in caplog.text  # the logs did capture the traffic
    leaks = {s for s in secrets for t in texts if s and s in t}
    where = [t[max(0, t.find(s) - 200):t.find(s) + 40] for s in leaks for t in texts if s in t]
    assert not leaks, f"secrets leaked: {sorted(x[:6] + '...' for x in leaks)} in {where}"


def test_token_provider_repr_names_no_token(tmp_path):
    props = parse_properties(OAuthAccessToken="access-token-value-123", BaseURL="http://127.0.0.1:1/v5")
    provider = TokenProvider(props)
    assert "access-token-value-123" not in repr(provider)
    assert provider.access_token() == "access-token-value-123"
