"""``pinsql login`` (browser sign-in, tokens saved in the token store) and ``pinsql test``."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
from dataclasses import dataclass
from typing import Any

from pinsql import connections
from pinsql.exceptions import Error

from .session import Session

log = logging.getLogger("pinsql.cli")

LOGIN_EPILOG = """\
examples:
  pinsql login                                  # the "default" connection
  pinsql login --connection prod
  pinsql login --property OAuthClientId=1234 --property OAuthClientSecret=...
  pinsql login --no-browser                     # print the sign-in page's address instead
  pinsql login --emulator                       # try the whole flow against the emulator

Your app needs the redirect URI in CallbackURL (default http://localhost:8765/)
registered in the Pinterest developer portal. Tokens are saved in the token
store (OAuthSettingsLocation), 0600, and reused and refreshed by later
connections with the same OAuthClientId.
"""

TEST_EPILOG = """\
examples:
  pinsql test
  pinsql test --connection prod
  pinsql test --emulator

Makes one cheap call (GET /user_account) and never opens a browser.
Exit code 0 when authenticated, 1 otherwise.
"""


def register(sub: Any, parents: list, formatter: type) -> None:
    p = sub.add_parser(
        "login", parents=parents, formatter_class=formatter, epilog=LOGIN_EPILOG,
        help="sign in to Pinterest in the browser", description="Sign in to Pinterest (OAuth 2.0) and store the tokens.",
    )
    p.add_argument("--no-browser", action="store_true", help="print the sign-in address instead of opening a browser")
    p.add_argument("--timeout", type=float, default=300.0, metavar="SECONDS", help="how long to wait for the sign-in (default 300)")
    p.set_defaults(func=run_login, subparser=p)

    p = sub.add_parser(
        "test", parents=parents, formatter_class=formatter, epilog=TEST_EPILOG,
        help="check that the connection can sign in", description="Check that the connection is authenticated.",
    )
    p.set_defaults(func=run_test, subparser=p)


@dataclass
class Status:
    authenticated: bool
    username: str | None = None
    ad_account_id: str | None = None
    reason: str | None = None


def status_text(status: Status) -> str:
    if status.authenticated:
        text = f"Authenticated as {status.username or '(unknown user)'}"
        return text + (f", ad account {status.ad_account_id}" if status.ad_account_id else ", no ad account")
    from .app import _scrub

    return f"Not Authenticated: {_scrub(status.reason or 'unknown reason')}"


def _no_browser(props: dict[str, str]) -> dict[str, str]:
    """Properties that use stored or given tokens but never start a browser sign-in."""
    keys = {connections.property_key(k): v for k, v in props.items()}
    initiate = (keys.get("initiateoauth") or "").upper()
    if initiate == "OFF":
        return props
    client_id = keys.get("oauthclientid") or os.environ.get("PINTEREST_APP_ID")
    if client_id and (initiate == "GETANDREFRESH" or not initiate):
        return connections.merge_properties(props, {"InitiateOAuth": "REFRESH"})
    return props


def _status_of(result: Any) -> Status:
    get = (lambda k: result.get(k)) if isinstance(result, dict) else (lambda k: getattr(result, k, None))
    return Status(bool(get("authenticated")), get("username"), get("ad_account_id"), get("reason"))


#: A status check should answer in seconds: few retries, a shorter timeout (explicit properties win).
CHECK_DEFAULTS = {"MaxRetries": "1", "Timeout": "20"}


def check(dsn: str | None, props: dict[str, str]) -> Status:
    """Test a set of properties: one GET /user_account; failures become a reason, never an exception."""
    import pinsql

    conn = None
    try:
        props = _no_browser(connections.merge_properties(CHECK_DEFAULTS, props))
        conn = pinsql.connect(dsn, **props) if dsn else pinsql.connect(**props)
        return test_connection(conn)
    except Error as exc:
        from .app import _scrub

        text = _scrub(str(exc)).strip()
        return Status(False, reason=text.splitlines()[0] if text else type(exc).__name__)
    finally:
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()


def test_connection(conn: Any) -> Status:
    tester = getattr(conn, "test", None)
    if callable(tester):
        return _status_of(tester())
    from pinsql.client import (
        test_connection as client_test,  # older engines without Connection.test()
    )

    return _status_of(client_test(conn.client))


def run_test(args: argparse.Namespace, session: Session) -> int:
    dsn, props = session.properties()
    status = check(dsn, props)
    print(status_text(status))
    return 0 if status.authenticated else 1


def _headless_browser(url: str) -> bool:
    """For the emulator: 'open' the consent page with plain HTTP; it approves and redirects to our callback."""
    import requests

    requests.get(url, timeout=10, allow_redirects=True)
    return True


def run_login(args: argparse.Namespace, session: Session) -> int:
    import requests

    from pinsql.auth.flows import interactive_sign_in
    from pinsql.auth.store import TokenStore
    from pinsql.properties import parse_properties

    dsn, props = session.properties()
    if session.use_emulator:
        # Sign in for real against the emulator's OAuth pages: forget its ready-made token,
        # and let the callback server take any free port.
        props = {k: v for k, v in props.items() if connections.property_key(k) not in ("oauthaccesstoken", "oauthrefreshtoken")}
        props = connections.merge_properties({"CallbackURL": "http://127.0.0.1:0/"}, props)
    cp = parse_properties(dsn, **props) if dsn else parse_properties(**props)
    if session.use_emulator:
        browser = _headless_browser
    elif args.no_browser:
        browser = lambda url: False
    else:
        browser = None
    where = "the emulator" if session.use_emulator else f"your browser (redirect to {cp.callback_url})"
    print(f"Signing in to Pinterest for app {cp.oauth_client_id} in {where} ...")
    with requests.Session() as http:
        token = interactive_sign_in(http, cp, browser=browser, timeout=args.timeout)
    store = TokenStore(cp.token_store_path(), client_id=cp.oauth_client_id, base_url=cp.base_url)
    store.save(token)
    print(f"Signed in. Tokens saved in {store.path} (readable only by you).")
    status = check(dsn, props)
    print(status_text(status))
    return 0 if status.authenticated else 1
