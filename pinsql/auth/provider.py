"""Hands out a valid access token: obtains, stores, reuses and refreshes tokens.

Which flow runs (see ``pinsql.properties`` for the defaults):

* ``AuthScheme=ClientCredentials`` (or InitiateOAuth=OFF with only a client id
  and secret): the client_credentials grant, renewed when it expires.
* ``OAuthAccessToken`` given: used as is; refreshed on expiry only when
  InitiateOAuth is REFRESH/GETANDREFRESH and a refresh token is available.
* Otherwise the token store is read; a stored token is reused, an expiring one
  refreshed with the stored refresh token (or a newly given OAuthRefreshToken);
  with GETANDREFRESH and nothing usable, the browser sign-in runs.

Refreshes are single-flight: one lock per provider, plus a file lock across
processes; a thread that finds the token already renewed reuses the result.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import requests

from pinsql.auth import flows
from pinsql.auth.redact import register_secret
from pinsql.auth.store import TokenStore, fingerprint
from pinsql.auth.tokens import TokenSet
from pinsql.exceptions import AuthenticationError, Error
from pinsql.properties import ConnectionProperties

logger = logging.getLogger("pinsql.auth")

#: After a failed proactive refresh (the token is still valid), wait this long before trying again.
PROACTIVE_RETRY_SECONDS = 10.0


class TokenProvider:
    """Thread-safe source of access tokens for one connection."""

    def __init__(
        self,
        props: ConnectionProperties,
        *,
        http: requests.Session | None = None,
        browser: flows.Browser | None = None,
        store: TokenStore | None = None,
        login_timeout: float = 300.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.props = props
        self._http = http or requests.Session()
        self._browser = browser
        self._login_timeout = login_timeout
        self._clock = clock
        self._lock = threading.Lock()
        self._token: TokenSet | None = None
        self._seed = fingerprint(props.oauth_refresh_token)
        self.refreshes = 0
        self._proactive_pause_until = 0.0
        register_secret(*props.secrets())
        if store is None and self.uses_store:
            store = TokenStore(props.token_store_path(), client_id=props.oauth_client_id, base_url=props.base_url)
        self.store = store

    def __repr__(self) -> str:
        return f"TokenProvider(base_url={self.props.base_url!r}, flow={self.flow!r})"

    # -- policy --------------------------------------------------------------
    @property
    def flow(self) -> str:
        if self.props.uses_client_credentials:
            return "client_credentials"
        if self.props.oauth_access_token:
            return "access_token"
        return "refresh_token" if self.props.initiate_oauth == "REFRESH" else "interactive"

    @property
    def uses_store(self) -> bool:
        return not self.props.uses_client_credentials and self.props.initiate_oauth in ("REFRESH", "GETANDREFRESH")

    @property
    def can_refresh(self) -> bool:
        """Whether a rejected or expiring token can be replaced without the user."""
        if self.props.uses_client_credentials:
            return True
        return not (self.props.initiate_oauth == "OFF" or not self.props.oauth_client_secret)

    @property
    def token(self) -> TokenSet | None:
        return self._token

    # -- public --------------------------------------------------------------
    def access_token(self) -> str:
        """A token to send now: obtained on first use, renewed shortly before it expires."""
        token = self._token
        if token is not None and not self._due_for_refresh(token):
            return token.access_token
        with self._lock:
            token = self._token
            if token is None:
                self._token = self._obtain()
            elif self._due_for_refresh(token):
                logger.info("Access token expires soon; refreshing it")
                try:
                    self._token = self._renew(token.access_token)
                except Error:
                    now = self._clock()
                    if token.expires_at is None or now >= token.expires_at:
                        raise
                    # Still valid for a moment: keep using it, try again a little later.
                    logger.warning("Proactive token refresh failed; retrying in %.0f s", PROACTIVE_RETRY_SECONDS)
                    self._proactive_pause_until = now + PROACTIVE_RETRY_SECONDS
            assert self._token is not None
            return self._token.access_token

    def _due_for_refresh(self, token: TokenSet) -> bool:
        now = self._clock()
        return self.can_refresh and now >= self._proactive_pause_until and token.needs_refresh(now)

    def refresh_after_rejection(self, rejected: str) -> str:
        """After a 401 code 2 for ``rejected``: renew once (or reuse another thread's renewal)."""
        if not self.can_refresh:
            raise AuthenticationError(
                "Pinterest rejected the access token (expired or revoked) and pinsql may not refresh it "
                "(InitiateOAuth=OFF or no client secret). " + flows.SIGN_IN_AGAIN, status=401, code=2)
        with self._lock:
            if self._token is not None and self._token.access_token != rejected:
                return self._token.access_token
            logger.info("Access token rejected (401 code 2); refreshing it once")
            self._token = self._renew(rejected)
            return self._token.access_token

    def sign_in(self) -> TokenSet:
        """Run the browser sign-in now and store the result (``pinsql login``)."""
        with self._lock:
            self._token = self._sign_in_locked()
            return self._token

    # -- internals -------------------------------------------------------------
    def _obtain(self) -> TokenSet:
        props = self.props
        if props.uses_client_credentials:
            return flows.client_credentials(self._http, props)
        if props.oauth_access_token:
            return TokenSet(access_token=props.oauth_access_token, refresh_token=self._initial_refresh_token())
        if self.store is None:
            raise AuthenticationError("No access token: set OAuthAccessToken, or InitiateOAuth=REFRESH/GETANDREFRESH "
                                      "with OAuthClientId and OAuthClientSecret.")
        with self.store.process_lock():
            stored = self._stored_chain()
            if stored is not None and not stored.needs_refresh(self._clock()):
                logger.info("Using the stored access token from %s", self.store.path)
                return stored
            refresh_token = stored.refresh_token if stored is not None else props.oauth_refresh_token
            token = self._try_refresh(refresh_token)
            if token is not None:
                return token
        if props.initiate_oauth == "GETANDREFRESH":
            return self._sign_in_locked()
        raise AuthenticationError(
            f"No stored token in {self.store.path} and no OAuthRefreshToken given. " + flows.SIGN_IN_AGAIN)

    def _initial_refresh_token(self) -> str | None:
        if self.store is not None:
            stored = self._stored_chain()
            if stored is not None and stored.refresh_token:
                return stored.refresh_token
        return self.props.oauth_refresh_token

    def _stored_chain(self) -> TokenSet | None:
        """The stored token set, unless the user has since supplied a different refresh token."""
        assert self.store is not None
        stored, seed = self.store.load()
        if stored is None:
            return None
        if self._seed is not None and seed != self._seed:
            logger.info("A new OAuthRefreshToken was given; ignoring the tokens stored in %s", self.store.path)
            return None
        return stored

    def _renew(self, rejected: str) -> TokenSet:
        props = self.props
        if props.uses_client_credentials:
            return flows.client_credentials(self._http, props)
        current = self._token
        if self.store is not None:
            with self.store.process_lock():
                stored = self._stored_chain()
                # Another process (or connection) may have renewed already: reuse its token.
                if stored is not None and stored.access_token != rejected and not stored.needs_refresh(self._clock()):
                    logger.info("Reusing the token another connection refreshed")
                    return stored
                refresh_token = (stored.refresh_token if stored is not None and stored.refresh_token
                                 else current.refresh_token if current else None)
                token = self._try_refresh(refresh_token)
                if token is not None:
                    return token
        elif current is not None and current.refresh_token:
            return self._refresh_and_save(current.refresh_token)
        if props.initiate_oauth == "GETANDREFRESH":
            return self._sign_in_locked()
        raise AuthenticationError("The access token expired and there is no refresh token to renew it. "
                                  + flows.SIGN_IN_AGAIN, status=401, code=2)

    def _sign_in_locked(self) -> TokenSet:
        """Browser sign-in; the caller holds ``self._lock``. A fresh chain: no given refresh token seeds it."""
        token = flows.interactive_sign_in(self._http, self.props, browser=self._browser, timeout=self._login_timeout)
        self._seed = None
        self._save(token)
        return token

    def _try_refresh(self, refresh_token: str | None) -> TokenSet | None:
        """Refresh; None when there is nothing to refresh with, or when a rejected refresh token
        may be replaced by the browser sign-in (GETANDREFRESH)."""
        if not refresh_token:
            return None
        try:
            return self._refresh_and_save(refresh_token)
        except AuthenticationError:
            if self.props.initiate_oauth != "GETANDREFRESH":
                raise
            logger.warning("The refresh token was rejected; signing in through the browser instead")
            return None

    def _refresh_and_save(self, refresh_token: str) -> TokenSet:
        register_secret(refresh_token)
        token = flows.refresh(self._http, self.props, refresh_token)
        self.refreshes += 1
        # Pinterest may rotate the refresh token: persist the new set before anything else.
        self._save(token)
        return token

    def _save(self, token: TokenSet) -> None:
        register_secret(token.access_token, token.refresh_token)
        if self.store is not None:
            self.store.save(token, seeded_from=self._seed)
