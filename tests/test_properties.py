"""Connection properties: parsing, defaults, environment fallbacks, validation and redaction."""

from __future__ import annotations

from pathlib import Path

import pytest

from pinsql.exceptions import InterfaceError
from pinsql.properties import (
    DEFAULT_RATE_LIMITS,
    DEFAULT_SCOPE,
    PRODUCTION_BASE_URL,
    SANDBOX_BASE_URL,
    describe_properties,
    parse_properties,
    split_connection_string,
)

ENV_NAMES = ("PINTEREST_APP_ID", "PINTEREST_APP_SECRET", "PINTEREST_ACCESS_TOKEN",
             "PINTEREST_REFRESH_ACCESS_TOKEN", "PINTEREST_API_URI", "PINSQL_CONFIG_DIR", "XDG_CONFIG_HOME")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)


def test_connection_string_and_kwargs_with_kwargs_winning():
    props = parse_properties(" oauthaccesstoken = tok-123456 ; AdAccountId=111;;PageSize=50 ", ad_account_id="222",
                             MAXCONCURRENCY="8")
    assert props.oauth_access_token == "tok-123456"
    assert props.ad_account_id == "222"
    assert props.page_size == 50 and props.max_concurrency == 8


def test_quoted_values_may_contain_separators():
    parts = split_connection_string("""A='x;y=z' ; B="it's" ;C = plain ; D=''""")
    assert parts == {"A": "x;y=z", "B": "it's", "C": "plain", "D": ""}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("A='open", "never closed"),
        ("A='x' junk", "unexpected text"),
        ("=x", "no property name"),
        ("Name", "has no value"),
    ],
)
def test_malformed_connection_strings(text, message):
    with pytest.raises(InterfaceError, match=message):
        split_connection_string(text)


def test_defaults_with_only_an_access_token():
    props = parse_properties(OAuthAccessToken="tok-123456")
    assert props.base_url == PRODUCTION_BASE_URL
    assert props.oauth_token_url == PRODUCTION_BASE_URL + "/oauth/token"
    assert props.oauth_authorization_url == "https://www.pinterest.com/oauth/"
    assert props.callback_url == "http://localhost:8765/"
    assert props.scope == DEFAULT_SCOPE
    assert (props.timeout, props.page_size, props.max_concurrency, props.max_retries) == (60.0, 250, 4, 5)
    assert props.initiate_oauth == "OFF" and props.auth_scheme == "OAUTH"
    assert props.rate_limits == DEFAULT_RATE_LIMITS
    assert props.rate_limits["ads_read"] == (1000, 60.0) and props.rate_limits["overall"] == (100, 1.0)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"OAuthAccessToken": "tok-123456"}, "OFF"),
        ({"OAuthClientId": "1", "OAuthClientSecret": "s-123456"}, "GETANDREFRESH"),
        ({"OAuthClientId": "1", "OAuthClientSecret": "s-123456", "OAuthRefreshToken": "r-123456"}, "GETANDREFRESH"),
        ({"OAuthClientId": "1", "OAuthClientSecret": "s-123456", "OAuthRefreshToken": "r-123456",
              "OAuthAccessToken": "tok-123456"}, "REFRESH"),
        ({"OAuthClientId": "1", "OAuthClientSecret": "s-123456", "OAuthAccessToken": "tok-123456"}, "OFF"),
        ({"OAuthClientId": "1", "OAuthClientSecret": "s-123456", "InitiateOAuth": "refresh"}, "REFRESH"),
    ],
)
def test_initiate_oauth_default_rule(given, expected):
    assert parse_properties(**given).initiate_oauth == expected


def test_client_credentials_selection():
    explicit = parse_properties(OAuthClientId="1", OAuthClientSecret="s-123456", AuthScheme="client_credentials")
    implied = parse_properties(OAuthClientId="1", OAuthClientSecret="s-123456", InitiateOAuth="OFF")
    user = parse_properties(OAuthClientId="1", OAuthClientSecret="s-123456")
    assert explicit.uses_client_credentials and implied.uses_client_credentials
    assert not user.uses_client_credentials


def test_sandbox_switches_default_urls_only():
    props = parse_properties("UseSandbox=yes;OAuthAccessToken=tok-123456")
    assert props.use_sandbox is True
    assert props.base_url == SANDBOX_BASE_URL and props.oauth_token_url == SANDBOX_BASE_URL + "/oauth/token"
    custom = parse_properties(UseSandbox=True, BaseURL="http://127.0.0.1:9/v5/", OAuthAccessToken="tok-123456")
    assert custom.base_url == "http://127.0.0.1:9/v5"


@pytest.mark.parametrize(("raw", "value"), [("true", True), ("Yes", True), ("1", True), ("on", True),
                                            ("false", False), ("NO", False), ("0", False), ("off", False)])
def test_booleans(raw, value):
    assert parse_properties(UseSandbox=raw, OAuthAccessToken="tok-123456").use_sandbox is value


def test_max_concurrency_is_capped():
    assert parse_properties(MaxConcurrency=64, OAuthAccessToken="tok-123456").max_concurrency == 16


@pytest.mark.parametrize(
    ("prop", "value", "message"),
    [
        ("PageSize", "0", "out of range"),
        ("PageSize", "251", "out of range"),
        ("PageSize", "ten", "whole number"),
        ("MaxConcurrency", "0", "out of range"),
        ("Timeout", "-1", "out of range"),
        ("Verbosity", "6", "out of range"),
        ("MaxRetries", "-1", "out of range"),
        ("UseSandbox", "maybe", "true or false"),
        ("InitiateOAuth", "ALWAYS", "OFF, GETANDREFRESH, REFRESH"),
        ("InitiateOAuth", "getandrefesh", "did you mean 'GETANDREFRESH'"),
        ("AuthScheme", "basic", "OAUTH, CLIENTCREDENTIALS"),
        ("BaseURL", "api.pinterest.com", "not an http"),
        ("CallbackURL", "localhost:8765", "not an http"),
        ("RateLimits", "ads_read", "category=N/unit"),
        ("RateLimits", "ads_read=10/fortnight", "unit s, min, h or day"),
        ("RateLimits", "ads_read=0/min", "at least 1"),
        ("RateLimits", "Ads Read=1/s", "not a rate-limit category"),
    ],
)
def test_invalid_values_raise_interface_error_naming_the_property(prop, value, message):
    with pytest.raises(InterfaceError, match=message) as info:
        parse_properties(**{prop: value, "OAuthAccessToken": "tok-123456"})
    assert prop in str(info.value)


def test_unknown_property_suggests_the_close_match():
    with pytest.raises(InterfaceError, match=r"Unknown connection property 'OAuthClientID2'.*'OAuthClientId'"):
        parse_properties("OAuthClientID2=x;OAuthAccessToken=tok-123456")
    with pytest.raises(InterfaceError, match="'PageSize'"):
        parse_properties(page_sise=10, OAuthAccessToken="tok-123456")


def test_rate_limit_overrides():
    props = parse_properties(OAuthAccessToken="tok-123456",
                             RateLimits="ads_read=500/min; ads_analytics = 2/s ,overall=off,trends_read=10/2h")
    assert props.rate_limits["ads_read"] == (500, 60.0)
    assert props.rate_limits["ads_analytics"] == (2, 1.0)
    assert props.rate_limits["overall"] is None
    assert props.rate_limits["trends_read"] == (10, 7200.0)
    assert props.rate_limits["org_read"] == DEFAULT_RATE_LIMITS["org_read"]
    quoted = parse_properties("OAuthAccessToken=tok-123456;RateLimits='ads_read=5/s;org_read=1/min'")
    assert quoted.rate_limits["org_read"] == (1, 60.0)
    as_dict = parse_properties(OAuthAccessToken="tok-123456", rate_limits={"ads_read": (7, 1)})
    assert as_dict.rate_limits["ads_read"] == (7, 1.0)


def test_environment_fallbacks_and_explicit_values_win(monkeypatch):
    monkeypatch.setenv("PINTEREST_APP_ID", "env-app")
    monkeypatch.setenv("PINTEREST_APP_SECRET", "env-secret-123")
    monkeypatch.setenv("PINTEREST_REFRESH_ACCESS_TOKEN", "env-refresh-123")
    monkeypatch.setenv("PINTEREST_API_URI", "http://127.0.0.1:1/v5")
    props = parse_properties()
    assert (props.oauth_client_id, props.oauth_client_secret, props.oauth_refresh_token) == (
        "env-app", "env-secret-123", "env-refresh-123")
    assert props.base_url == "http://127.0.0.1:1/v5"
    assert props.oauth_token_url == "http://127.0.0.1:1/v5/oauth/token"
    explicit = parse_properties("OAuthClientId=mine", BaseURL="https://x.test/v5")
    assert explicit.oauth_client_id == "mine" and explicit.base_url == "https://x.test/v5"
    assert parse_properties(UseSandbox=True).base_url == SANDBOX_BASE_URL
    monkeypatch.setenv("PINTEREST_ACCESS_TOKEN", "env-access-123")
    assert parse_properties().oauth_access_token == "env-access-123"


def test_missing_credentials_say_what_to_set():
    with pytest.raises(InterfaceError) as info:
        parse_properties()
    text = str(info.value)
    assert "OAuthAccessToken" in text and "OAuthClientId" in text and "PINTEREST_ACCESS_TOKEN" in text
    with pytest.raises(InterfaceError, match="OAuthClientSecret is missing: the App secret key.*developers.pinterest"):
        parse_properties(OAuthClientId="123")
    with pytest.raises(InterfaceError, match="OAuthClientId is missing: the App id of your app"):
        parse_properties(OAuthRefreshToken="r-123456")
    with pytest.raises(InterfaceError, match="InitiateOAuth=REFRESH"):
        parse_properties(OAuthClientId="1", OAuthClientSecret="s-123456", OAuthRefreshToken="r-123456",
                         InitiateOAuth="OFF")


def test_empty_values_mean_unset():
    props = parse_properties("AdAccountId=;OAuthAccessToken=tok-123456", Logfile=None)
    assert props.ad_account_id is None and props.logfile is None


def test_repr_str_and_redacted_hide_secrets():
    props = parse_properties(OAuthClientId="app-1", OAuthClientSecret="client-secret-XYZ",
                             OAuthAccessToken="access-token-XYZ", OAuthRefreshToken="refresh-token-XYZ")
    for text in (repr(props), str(props), str(props.redacted()), str(props.to_dict())):
        assert "XYZ" not in text
        assert "app-1" in text
    red = props.redacted()
    assert red["oauth_client_secret"] == red["oauth_access_token"] == red["oauth_refresh_token"] == "***"
    assert set(props.secrets()) == {"client-secret-XYZ", "access-token-XYZ", "refresh-token-XYZ"}
    hash(props)  # usable as a dict key


def test_settings_location_defaults_and_store_paths(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    props = parse_properties(OAuthClientId="1", OAuthClientSecret="s-123456")
    assert props.oauth_settings_location == tmp_path / "xdg" / "pinsql"
    monkeypatch.setenv("PINSQL_CONFIG_DIR", str(tmp_path / "cfg"))
    a = parse_properties(OAuthClientId="1", OAuthClientSecret="s-123456")
    b = parse_properties(OAuthClientId="2", OAuthClientSecret="s-123456")
    c = parse_properties(OAuthClientId="1", OAuthClientSecret="s-123456", UseSandbox=True)
    paths = {a.token_store_path(), b.token_store_path(), c.token_store_path()}
    assert len(paths) == 3 and all(p.parent == tmp_path / "cfg" for p in paths)
    explicit = parse_properties(OAuthClientId="1", OAuthClientSecret="s-123456",
                                OAuthSettingsLocation=str(tmp_path / "tokens.json"))
    assert explicit.token_store_path() == tmp_path / "tokens.json"
    assert isinstance(explicit.oauth_settings_location, Path)


def test_describe_properties_lists_every_property():
    rows = describe_properties()
    names = {r["name"] for r in rows}
    assert {"OAuthClientId", "OAuthClientSecret", "OAuthAccessToken", "OAuthRefreshToken", "AdAccountId",
            "InitiateOAuth", "OAuthSettingsLocation", "CallbackURL", "Scope", "BaseURL", "UseSandbox",
            "OAuthAuthorizationURL", "OAuthTokenURL", "Timeout", "PageSize", "MaxConcurrency", "Verbosity",
            "Logfile", "RateLimits", "MaxRetries", "AuthScheme", "CacheTTL"} <= names
    secrets = {r["name"] for r in rows if r["secret"]}
    assert secrets == {"OAuthClientSecret", "OAuthAccessToken", "OAuthRefreshToken"}
    assert all(r["description"] for r in rows)
    assert {r["name"]: r["environment"] for r in rows}["OAuthClientId"] == "PINTEREST_APP_ID"


def test_rate_limits_format_round_trips():
    from pinsql.properties import format_rate_limits, parse_rate_limits

    text = format_rate_limits({**DEFAULT_RATE_LIMITS, "ads_write": None, "odd": (5, 90.0)})
    assert "overall=100/s" in text and "ads_read=1000/min" in text and "ads_write=off" in text
    assert parse_rate_limits(text) == {**DEFAULT_RATE_LIMITS, "ads_write": None, "odd": (5, 90.0)}
