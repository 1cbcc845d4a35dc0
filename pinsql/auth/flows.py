"""OAuth 2.0 grants against Pinterest's token endpoint, and the browser sign-in.

Request bodies come from oauthlib's clients (WebApplicationClient for the
authorization-code and refresh grants, BackendApplicationClient for
client_credentials); the POST itself is ours, with HTTP Basic client
authentication as Pinterest requires. requests-oauthlib's OAuth2Session is not
used for token traffic because it logs request bodies and token responses at
DEBUG level, which would put secrets in users' log files.
"""

from __future__ import annotations

import hmac
import json
import logging
import sys
import time
import webbrowser
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import requests
from oauthlib.common import generate_token
from oauthlib.oauth2 import BackendApplicationClient, WebApplicationClient

from pinsql.auth.callback import CallbackServer
from pinsql.auth.redact import register_secret, scrub
from pinsql.auth.tokens import TokenSet
from pinsql.exceptions import AuthenticationError, InterfaceError, OperationalError
from pinsql.properties import ConnectionProperties

logger = logging.getLogger("pinsql.auth")

Browser = Callable[[str], Any]

SIGN_IN_AGAIN = ("Sign in again: run `pinsql login`, or connect with InitiateOAuth=GETANDREFRESH "
                 "(opens the browser), or give a new OAuthRefreshToken / OAuthAccessToken.")


def _interactive_terminal() -> bool:
    """Whether a person can see the sign-in address we print (a terminal on stderr)."""
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def authorization_url(props: ConnectionProperties, redirect_uri: str, state: str) -> str:
    """The Pinterest consent page URL (scopes comma-separated, as Pinterest expects)."""
    query = urlencode({
        "client_id": props.oauth_client_id,
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": props.scope,
        "state": state,
    })
    base = props.oauth_authorization_url
    return f"{base}{'&' if '?' in base else '?'}{query}"


def _require_app_credentials(props: ConnectionProperties) -> tuple[str, str]:
    if not props.oauth_client_id or not props.oauth_client_secret:
        raise InterfaceError("OAuthClientId and OAuthClientSecret are both needed to get tokens from Pinterest "
                             "(developer portal: https://developers.pinterest.com/apps/).")
    return props.oauth_client_id, props.oauth_client_secret


def _post_token(http: requests.Session, props: ConnectionProperties, body: str, grant: str,
                *, previous_refresh: str | None = None) -> TokenSet:
    client_id, client_secret = _require_app_credentials(props)
    started = time.monotonic()
    try:
        resp = http.post(
            props.oauth_token_url,
            data=body,
            auth=(client_id, client_secret),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
            timeout=props.timeout,
        )
    except requests.RequestException as exc:
        raise OperationalError(f"Could not reach the token endpoint {props.oauth_token_url} ({type(exc).__name__}); "
                               "check the network and OAuthTokenURL.") from None
    logger.debug("POST %s (%s) -> %s in %.3fs", props.oauth_token_url, grant, resp.status_code,
                 time.monotonic() - started)
    try:
        payload = json.loads(resp.content) if resp.content else None
    except ValueError:
        payload = None
    if resp.status_code >= 500 or resp.status_code == 429:
        raise OperationalError(f"The token endpoint failed with HTTP {resp.status_code} during the {grant} grant; "
                               "try again later.")
    if resp.status_code >= 400:
        detail = ""
        if isinstance(payload, dict):
            detail = str(payload.get("message") or payload.get("error_description") or payload.get("error") or "")
        what = {"refresh_token": "refresh token", "authorization_code": "authorization code",
                "client_credentials": "client credentials"}.get(grant, grant)
        if resp.status_code == 401 or grant == "client_credentials":
            # 401 at the token endpoint is client authentication: the app id or secret is wrong.
            problem, advice = "the app credentials", (
                "Check OAuthClientId and OAuthClientSecret against the developer portal "
                "(https://developers.pinterest.com/apps/).")
        else:
            problem, advice = f"the {what}", SIGN_IN_AGAIN
        raise AuthenticationError(
            scrub(f"Pinterest rejected {problem} (HTTP {resp.status_code}{': ' + detail if detail else ''}) "
                  f"during the {what} grant. {advice}"),
            status=resp.status_code,
            code=payload.get("code") if isinstance(payload, dict) else None,
            api_message=scrub(detail) or None,
            request_id=resp.headers.get("x-pinterest-rid"),
            endpoint="/oauth/token",
        )
    token = TokenSet.from_token_response(payload, previous_refresh=previous_refresh)
    register_secret(token.access_token, token.refresh_token)
    logger.info("Obtained an access token (%s grant; expires in %s s)", grant,
                "?" if token.expires_at is None else int(token.expires_at - time.time()))
    return token


def refresh(http: requests.Session, props: ConnectionProperties, refresh_token: str) -> TokenSet:
    """Exchange a refresh token (continuous refresh: Pinterest may rotate it)."""
    register_secret(refresh_token)
    body = WebApplicationClient(props.oauth_client_id).prepare_refresh_body(
        refresh_token=refresh_token, scope=None, continuous_refresh="true")
    return _post_token(http, props, body, "refresh_token", previous_refresh=refresh_token)


def exchange_code(http: requests.Session, props: ConnectionProperties, code: str, redirect_uri: str) -> TokenSet:
    """Trade an authorization code for tokens (``redirect_uri`` repeated verbatim)."""
    register_secret(code)
    body = WebApplicationClient(props.oauth_client_id).prepare_request_body(
        code=code, redirect_uri=redirect_uri, include_client_id=False)
    return _post_token(http, props, body, "authorization_code")


def client_credentials(http: requests.Session, props: ConnectionProperties) -> TokenSet:
    """App-only token from the client id and secret."""
    body = BackendApplicationClient(props.oauth_client_id).prepare_request_body(
        scope=props.scope, include_client_id=False)
    return _post_token(http, props, body, "client_credentials")


def interactive_sign_in(
    http: requests.Session,
    props: ConnectionProperties,
    *,
    browser: Browser | None = None,
    timeout: float = 300.0,
) -> TokenSet:
    """Browser sign-in: open the consent page, catch the redirect locally, check state, exchange the code."""
    _require_app_credentials(props)
    open_page = browser or webbrowser.open
    state = generate_token(32)
    with CallbackServer(props.callback_url) as server:
        url = authorization_url(props, server.redirect_uri, state)
        logger.info("Opening the browser for Pinterest sign-in; waiting for the redirect to %s", server.redirect_uri)
        opened = open_page(url)
        if opened is False:
            if not _interactive_terminal():
                raise AuthenticationError(
                    "Pinterest sign-in needs a browser, and none could be opened here (a server or a job?). "
                    "Sign in once where a browser is available with `pinsql login`, then connect with "
                    "InitiateOAuth=REFRESH and the same OAuthSettingsLocation, or pass OAuthRefreshToken.")
            print(f"Open this page to sign in to Pinterest:\n{url}", file=sys.stderr)
        result = server.wait(timeout)
    if result is None:
        raise AuthenticationError(f"Sign-in timed out after {timeout:.0f} s with no redirect to {server.redirect_uri}. "
                                  "Check that CallbackURL is registered on your app and try again.")
    if result.get("error"):
        reason = result.get("error_description") or result["error"]
        raise AuthenticationError(f"Pinterest sign-in was not completed: {scrub(reason)}. {SIGN_IN_AGAIN}")
    if not hmac.compare_digest(str(result.get("state") or ""), state):
        raise AuthenticationError("Sign-in rejected: the redirect's state does not match the request "
                                  "(possible cross-site request forgery). Try again.")
    code = result.get("code")
    if not code:
        raise AuthenticationError("The sign-in redirect carried no authorization code. " + SIGN_IN_AGAIN)
    return exchange_code(http, props, code, server.redirect_uri)
