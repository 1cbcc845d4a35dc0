"""Named connections: the library functions and the ``pinsql connection`` command (no network)."""

from __future__ import annotations

import json
import stat

import pytest

from pinsql import connections
from pinsql.connections import load_connection
from pinsql.exceptions import InterfaceError


def test_add_show_list_remove(cli, isolated_config):
    r = cli("connection", "add", "prod", "--OAuthClientId", "1234", "--OAuthClientSecret=s3cret-value", "--adaccountid", "987")
    assert r.code == 0, r.err
    assert "Saved connection 'prod'" in r.out and "pinsql login --connection prod" in r.out

    # plain properties in the config file, the secret only in the 0600 secrets file
    ini = (isolated_config / "connections.ini").read_text()
    assert "OAuthClientId = 1234" in ini and "AdAccountId = 987" in ini  # spelled as the driver spells it
    assert "s3cret-value" not in ini
    secrets = isolated_config / "secrets.json"
    assert json.loads(secrets.read_text()) == {"prod": {"OAuthClientSecret": "s3cret-value"}}
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600

    assert load_connection("prod") == {"OAuthClientId": "1234", "AdAccountId": "987", "OAuthClientSecret": "s3cret-value"}

    r = cli("connection", "show", "prod")
    assert r.code == 0 and "OAuthClientSecret = ****" in r.out and "s3cret-value" not in r.out

    r = cli("connection", "list", "--no-check")
    assert r.code == 0 and "prod" in r.out and "(not checked)" in r.out and "s3cret-value" not in r.out

    r = cli("connection", "remove", "prod")
    assert r.code == 0
    assert connections.list_connections() == []
    assert json.loads(secrets.read_text()) == {}


def test_add_refuses_overwrite_without_replace(cli):
    assert cli("connection", "add", "a", "--OAuthClientId", "1").code == 0
    r = cli("connection", "add", "a", "--OAuthClientId", "2")
    assert r.code == 1 and "--replace" in r.err
    assert cli("connection", "add", "a", "--OAuthClientId", "2", "--replace").code == 0
    assert load_connection("a") == {"OAuthClientId": "2"}


def test_add_rejects_unknown_property_with_suggestion(cli):
    r = cli("connection", "add", "a", "--OAuthClientIdd", "1")
    assert r.code == 1
    assert r.err.startswith("pinsql: error: unknown connection property 'OAuthClientIdd' (did you mean OAuthClientId?)")
    assert connections.list_connections() == []


@pytest.mark.parametrize(
    "argv, message",
    [
        (["connection", "add", "a"], "give at least one property"),
        (["connection", "add", "a", "OAuthClientId"], "expected --Property VALUE"),
        (["connection", "add", "a", "--OAuthClientId"], "--OAuthClientId needs a value"),
        (["connection", "add", "bad name!", "--OAuthClientId", "1"], "invalid connection name"),
    ],
)
def test_add_usage_errors(cli, argv, message):
    r = cli(*argv)
    assert r.code in (1, 2) and message in r.err


def test_unknown_connection_is_a_clear_error(cli):
    cli("connection", "add", "production", "--OAuthClientId", "1")
    with pytest.raises(InterfaceError, match="did you mean 'production'"):
        load_connection("prodution")
    r = cli("--connection", "prodution", "query", "SELECT 1")
    assert r.code == 1 and "no connection named 'prodution'" in r.err


def test_secret_prompted_when_dash(cli, monkeypatch):
    monkeypatch.setattr("getpass.getpass", lambda prompt: "typed-secret")
    assert cli("connection", "add", "p", "--OAuthClientId", "1", "--OAuthClientSecret", "-").code == 0
    assert load_connection("p")["OAuthClientSecret"] == "typed-secret"


def test_merge_properties_is_case_and_style_insensitive():
    merged = connections.merge_properties({"OAuthClientId": "1", "PageSize": "10"}, {"oauth_client_id": "2"})
    assert merged == {"PageSize": "10", "oauth_client_id": "2"}


def test_list_when_empty(cli):
    r = cli("connection", "list")
    assert r.code == 0 and "No saved connections" in r.out


def test_properties_lists_every_property(cli):
    from pinsql.properties import property_names

    r = cli("connection", "properties")
    assert r.code == 0
    for name in property_names():
        assert name in r.out


def test_add_from_a_connection_string(cli):
    r = cli("connection", "add", "d", "--dsn", "OAuthClientId=42; AdAccountId='7;8'", "--PageSize", "10")
    assert r.code == 0, r.err
    assert load_connection("d") == {"OAuthClientId": "42", "AdAccountId": "7;8", "PageSize": "10"}


def test_every_secret_property_stays_out_of_the_plain_file(cli, isolated_config):
    from pinsql.properties import describe_properties

    secret_names = [row["name"] for row in describe_properties() if row["secret"]]
    assert {"OAuthClientSecret", "OAuthAccessToken", "OAuthRefreshToken"} <= set(secret_names)
    args = []
    for i, name in enumerate(secret_names):
        args += [f"--{name}", f"secret-value-{i}"]
    r = cli("connection", "add", "s", "--OAuthClientId", "1", *args)
    assert r.code == 0, r.err
    ini = (isolated_config / "connections.ini").read_text()
    assert "secret-value" not in ini
    stored = json.loads((isolated_config / "secrets.json").read_text())["s"]
    assert stored == {name: f"secret-value-{i}" for i, name in enumerate(secret_names)}
    assert "tip: '--OAuthClientSecret -' asks for the value" in r.err
