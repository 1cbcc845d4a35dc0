"""OAuth 2.0 for pinsql: token flows (requests-oauthlib/oauthlib), the token store, secret scrubbing."""

from pinsql.auth.flows import (
    authorization_url,
    client_credentials,
    exchange_code,
    interactive_sign_in,
    refresh,
)
from pinsql.auth.provider import TokenProvider
from pinsql.auth.redact import SecretFilter, register_secret, scrub
from pinsql.auth.store import TokenStore
from pinsql.auth.tokens import TokenSet

__all__ = [
    "SecretFilter",
    "TokenProvider",
    "TokenSet",
    "TokenStore",
    "authorization_url",
    "client_credentials",
    "exchange_code",
    "interactive_sign_in",
    "refresh",
    "register_secret",
    "scrub",
]
