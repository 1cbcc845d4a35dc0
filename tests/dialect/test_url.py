"""pinterest:// URLs -> pinsql.connect arguments, and the URL builder. No network."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url as sa_make_url

from pinsql.dialect.base import PinterestDialect
from pinsql.dialect.url import connect_kwargs_from_url, make_url, normalize_properties
from pinsql.exceptions import InterfaceError


def args(url: str) -> dict:
    cargs, kwargs = PinterestDialect().create_connect_args(sa_make_url(url))
    assert cargs == []
    return kwargs


def test_query_properties_get_their_official_names():
    assert args("pinterest://?adaccountid=123&page_size=50&OAUTHCLIENTID=app") == {
        "AdAccountId": "123",
        "PageSize": "50",
        "OAuthClientId": "app",
    }


def test_values_are_decoded_exactly_once():
    # SQLAlchemy decodes the query once (%2B -> "+"); a second decode would turn
    # "%2B" (from %252B) into "+" and "+" into a space.
    kwargs = args("pinterest://?OAuthAccessToken=pina_a%2Bb%26c%3D%25d&OAuthClientSecret=x%252By")
    assert kwargs["OAuthAccessToken"] == "pina_a+b&c=%d"
    assert kwargs["OAuthClientSecret"] == "x%2By"


def test_unknown_property_is_refused_with_a_suggestion():
    with pytest.raises(InterfaceError, match=r"Unknown connection property 'AdAcountId'.*AdAccountId"):
        args("pinterest://?AdAcountId=1")


def test_repeated_property_is_refused():
    with pytest.raises(InterfaceError, match="given 2 times"):
        args("pinterest://?AdAccountId=1&AdAccountId=2")


@pytest.mark.parametrize("url", ["pinterest://api.pinterest.com", "pinterest://user:hunter2@/", "pinterest:///mydb"])
def test_host_user_and_database_parts_are_refused(url):
    with pytest.raises(InterfaceError, match="only in the query string") as info:
        args(url)
    assert "hunter2" not in str(info.value)


def test_connect_args_win_over_the_url_case_insensitively():
    merged = normalize_properties({"oauthaccesstoken": "from-url", "AdAccountId": "1"}, {"OAuthAccessToken": "from-args"})
    assert merged == {"OAuthAccessToken": "from-args", "AdAccountId": "1"}


def test_engine_passes_connect_args_to_the_driver(monkeypatch):
    seen = {}

    import pinsql

    def fake_connect(*cargs, **kwargs):
        seen.update(kwargs)
        raise pinsql.exceptions.OperationalError("stop here")

    monkeypatch.setattr(pinsql, "connect", fake_connect, raising=False)
    engine = create_engine(
        "pinterest://?AdAccountId=42&oauth_access_token=url-token",
        connect_args={"OAuthAccessToken": "secret-token", "MaxConcurrency": 2},
    )
    with pytest.raises(Exception, match="stop here"):
        engine.connect()
    assert seen == {"AdAccountId": "42", "OAuthAccessToken": "secret-token", "MaxConcurrency": 2}
    assert "secret-token" not in repr(engine)


def test_make_url_round_trips_awkward_values():
    url = make_url(AdAccountId="549755885175", oauth_access_token="a+b/c=d&e f", UseSandbox=True, PageSize=None)
    assert url.drivername == "pinterest"
    text = url.render_as_string(hide_password=False)
    assert text.startswith("pinterest://?")
    assert connect_kwargs_from_url(sa_make_url(text)) == {
        "AdAccountId": "549755885175",
        "OAuthAccessToken": "a+b/c=d&e f",
        "UseSandbox": "true",
    }


def test_make_url_refuses_unknown_names():
    with pytest.raises(InterfaceError, match="Unknown connection property"):
        make_url(Token="x")


def test_entry_point_resolves_the_dialect():
    engine = create_engine("pinterest://?AdAccountId=1")
    assert isinstance(engine.dialect, PinterestDialect)
    assert engine.dialect.name == "pinterest"
    assert engine.dialect.paramstyle == "qmark"


def test_named_connection_in_the_url(emu):
    """``?Connection=NAME`` reads a connection saved by ``pinsql connection add``."""
    from sqlalchemy import text

    from pinsql.connections import save_connection

    props = emu.connection_properties()
    save_connection("emu", {"BaseURL": props["BaseURL"], "OAuthAccessToken": props["OAuthAccessToken"]})
    assert args("pinterest://?connection=emu") == {"connection": "emu"}
    with create_engine("pinterest://?Connection=emu").connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM boards")).scalar() == len(emu.data.boards())
