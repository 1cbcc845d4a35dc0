"""The token set pinsql keeps: what the token endpoint issued, plus when."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from pinsql.exceptions import AuthenticationError

#: Refresh this long before the access token expires (capped at half its lifetime).
REFRESH_MARGIN_SECONDS = 60.0


@dataclass(frozen=True, repr=False)
class TokenSet:
    access_token: str
    refresh_token: str | None = None
    #: Unix time the access token expires, None when unknown (a token given as is).
    expires_at: float | None = None
    issued_at: float | None = None
    refresh_token_expires_at: float | None = None
    scope: str | None = None
    token_type: str = "bearer"

    def __repr__(self) -> str:
        return f"TokenSet(access_token='***', refresh_token={'***' if self.refresh_token else None}, " \
               f"expires_at={self.expires_at!r}, scope={self.scope!r})"

    __str__ = __repr__

    def needs_refresh(self, now: float | None = None) -> bool:
        """True once the access token is inside its refresh margin."""
        if self.expires_at is None:
            return False
        now = time.time() if now is None else now
        lifetime = self.expires_at - (self.issued_at or now)
        margin = min(REFRESH_MARGIN_SECONDS, max(lifetime, 0) / 2)
        return now >= self.expires_at - margin

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TokenSet:
        fields: dict[str, Any] = {k: data.get(k) for k in cls.__dataclass_fields__ if k in data}
        if not fields.get("access_token"):
            raise ValueError("no access_token")
        return cls(**fields)

    @classmethod
    def from_token_response(cls, body: Any, *, now: float | None = None, previous_refresh: str | None = None) -> TokenSet:
        """Build from ``POST /oauth/token``'s JSON. Keeps the old refresh token when none is returned."""
        now = time.time() if now is None else now
        if not isinstance(body, Mapping) or not body.get("access_token"):
            raise AuthenticationError("The token endpoint answered without an access_token; sign in again "
                                      "(`pinsql login` or InitiateOAuth=GETANDREFRESH).")
        expires_in = _number(body.get("expires_in"))
        refresh_expires_at = _number(body.get("refresh_token_expires_at"))
        refresh_expires_in = _number(body.get("refresh_token_expires_in"))
        if refresh_expires_at is None and refresh_expires_in is not None:
            refresh_expires_at = now + refresh_expires_in
        scope = body.get("scope")
        return cls(
            access_token=str(body["access_token"]),
            refresh_token=str(body["refresh_token"]) if body.get("refresh_token") else previous_refresh,
            expires_at=now + expires_in if expires_in is not None else None,
            issued_at=now,
            refresh_token_expires_at=refresh_expires_at,
            scope=",".join(scope) if isinstance(scope, list) else scope,
            token_type=str(body.get("token_type") or "bearer"),
        )


def _number(value: Any) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None
