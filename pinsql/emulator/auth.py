"""OAuth 2.0 state of the emulator: the registered app, authorization codes and issued tokens."""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from .spec_facts import ALL_SCOPES

ACCESS_TOKEN_TTL = 30 * 86400    # Pinterest's documented 30-day access tokens
REFRESH_TOKEN_TTL = 60 * 86400   # continuous refresh tokens: 60 days, refreshable indefinitely
CODE_TTL = 600


class OAuthError(Exception):
    """A failed OAuth request: HTTP status plus a Pinterest error body."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass
class Grant:
    client_id: str
    scopes: tuple[str, ...]
    expires_at: float
    redirect_uri: str = ""

    def expired(self) -> bool:
        return time.time() >= self.expires_at


def parse_scopes(text: str | None) -> tuple[str, ...]:
    """Scopes are comma-separated on Pinterest (spaces tolerated); unknown ones are an error."""
    if not text:
        return ()
    scopes = tuple(dict.fromkeys(s for s in text.replace(" ", ",").split(",") if s))
    unknown = [s for s in scopes if s not in ALL_SCOPES]
    if unknown:
        raise OAuthError(400, 1, f"Invalid scope: {', '.join(unknown)}")
    return scopes


def is_loopback_uri(uri: str) -> bool:
    parts = urlsplit(uri)
    return parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1", "::1")


class TokenStore:
    """Thread-safe registry of one OAuth app and everything issued to it."""

    def __init__(self, client_id: str, client_secret: str, redirect_uris: tuple[str, ...] = (),
                 access_ttl: float = ACCESS_TOKEN_TTL, refresh_ttl: float = REFRESH_TOKEN_TTL,
                 allow_loopback_redirects: bool = True) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uris = tuple(redirect_uris)
        self.allow_loopback_redirects = allow_loopback_redirects
        self.access_ttl = access_ttl
        self.refresh_ttl = refresh_ttl
        self._codes: dict[str, Grant] = {}
        self._access: dict[str, Grant] = {}
        self._refresh: dict[str, Grant] = {}
        self._lock = threading.Lock()

    # -------------------------------------------------------------- checks
    def check_client(self, client_id: str | None, client_secret: str | None = None,
                     check_secret: bool = True) -> None:
        ok = client_id == self.client_id and (
            not check_secret or secrets.compare_digest(client_secret or "", self.client_secret))
        if not ok:
            raise OAuthError(401, 2, "Authentication failed: unknown client_id or wrong client "
                                     "secret.")

    def check_redirect_uri(self, uri: str | None) -> str:
        if not uri:
            raise OAuthError(400, 1, "Missing redirect_uri.")
        if uri in self.redirect_uris or (self.allow_loopback_redirects and is_loopback_uri(uri)):
            return uri
        raise OAuthError(400, 1, "redirect_uri is not registered for this app: register it, or "
                                 "use an http://localhost redirect.")

    def lookup_access(self, token: str) -> Grant | None:
        with self._lock:
            return self._access.get(token)

    # -------------------------------------------------------------- issuing
    def issue(self, scopes: tuple[str, ...] | None = None, ttl: float | None = None,
              refresh: bool = True, refresh_ttl: float | None = None,
              response_type: str = "authorization_code",
              access_token: str | None = None, refresh_token: str | None = None) -> dict:
        """Mint a token pair and return it as an OauthAccessTokenResponse body."""
        scopes = tuple(scopes) if scopes is not None else ALL_SCOPES
        ttl = self.access_ttl if ttl is None else ttl
        now = time.time()
        access = access_token or "pina_" + secrets.token_urlsafe(32)
        body: dict = {"access_token": access, "token_type": "bearer", "expires_in": int(ttl),
                      "scope": ",".join(scopes), "response_type": response_type}
        with self._lock:
            self._access[access] = Grant(self.client_id, scopes, now + ttl)
            if refresh:
                rttl = self.refresh_ttl if refresh_ttl is None else refresh_ttl
                rtok = refresh_token or "pinr_" + secrets.token_urlsafe(32)
                self._refresh[rtok] = Grant(self.client_id, scopes, now + rttl)
                body.update(refresh_token=rtok, refresh_token_expires_in=int(rttl),
                            refresh_token_expires_at=int(now + rttl))
        return body

    def new_code(self, scopes: tuple[str, ...], redirect_uri: str) -> str:
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = Grant(self.client_id, scopes, time.time() + CODE_TTL, redirect_uri)
        return code

    def exchange_code(self, code: str | None, redirect_uri: str | None) -> dict:
        with self._lock:
            grant = self._codes.pop(code or "", None)  # single use, even when it fails below
        if grant is None or grant.expired():
            raise OAuthError(400, 1, "Invalid authorization code: it is unknown, expired or "
                                     "already used.")
        if redirect_uri != grant.redirect_uri:
            raise OAuthError(400, 1, "redirect_uri does not match the one of the authorization "
                                     "request.")
        return self.issue(grant.scopes, response_type="authorization_code")

    def refresh(self, refresh_token: str | None, scope: str | None) -> dict:
        """Rotate: a new access token AND a new refresh token; the old refresh token is spent."""
        with self._lock:
            grant = self._refresh.pop(refresh_token or "", None)
        if grant is None or grant.expired():
            raise OAuthError(400, 1, "Invalid refresh token: it is unknown, expired or was "
                                     "already used (refresh tokens rotate on every refresh).")
        scopes = grant.scopes
        if scope:
            narrowed = parse_scopes(scope)
            if not set(narrowed) <= set(grant.scopes):
                raise OAuthError(400, 1, "Requested scope exceeds the scope of the refresh token.")
            scopes = narrowed
        return self.issue(scopes, response_type="refresh_token")

    def client_credentials(self, scope: str | None) -> dict:
        scopes = parse_scopes(scope)
        if not scopes:
            raise OAuthError(400, 1, "Missing scope for the client_credentials grant.")
        return self.issue(scopes, refresh=False, response_type="client_credentials")
