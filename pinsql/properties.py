"""Connection properties: parsing, defaults, environment fallbacks, validation, redaction.

Properties arrive as a ``Name=value;Name=value`` string, as keyword arguments
(which win), or from the official SDK's environment variables (used only when
a property is not given explicitly). Names are case-insensitive and may be
written in snake_case (``oauth_client_id``) as well (``OAuthClientId``).

Rules worth knowing (also shown by :func:`describe_properties`):

* ``InitiateOAuth`` default: ``GETANDREFRESH`` when a client id is given and no
  access token; ``REFRESH`` when an access token, a refresh token and a client
  id are all given (the access token is used until it expires or is rejected,
  then refreshed); otherwise ``OFF`` (the access token is used as is).
* ``AuthScheme``: ``OAuth`` (default; access/refresh tokens, browser sign-in)
  or ``ClientCredentials`` (app-only token from the client id and secret).
  ``InitiateOAuth=OFF`` with a client id and secret but no tokens also means
  client credentials.
* ``RateLimits``: ``category=N/unit`` pairs separated by ``,`` (or ``;`` when
  the whole value is quoted), unit ``s``, ``min``, ``h`` or ``day``; ``off``
  disables a bucket. ``overall`` is the bucket every call spends from.
  Example: ``RateLimits='ads_read=500/min,ads_analytics=100/min,overall=20/s'``.
* Sign-in is lazy: nothing talks to Pinterest until the first API call. With
  GETANDREFRESH, a stored token is reused, an expiring one refreshed, and the
  browser opens only when no token or refresh token works (where no browser and
  no terminal exist, that fails at once and says to run ``pinsql login``).
* Validation is early: with no access token, a client id and secret are required
  (they are what every token-endpoint flow authenticates with).
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pinsql.exceptions import InterfaceError
from pinsql.userfiles import config_dir

logger = logging.getLogger("pinsql.properties")

PRODUCTION_BASE_URL = "https://api.pinterest.com/v5"
SANDBOX_BASE_URL = "https://api-sandbox.pinterest.com/v5"
AUTHORIZATION_URL = "https://www.pinterest.com/oauth/"
DEFAULT_SCOPE = "user_accounts:read,boards:read,boards:read_secret,pins:read,pins:read_secret,ads:read,catalogs:read"
DEVELOPER_PORTAL = "https://developers.pinterest.com/apps/"

INITIATE_OAUTH_VALUES = ("OFF", "GETANDREFRESH", "REFRESH")
AUTH_SCHEMES = ("OAUTH", "CLIENTCREDENTIALS")
MAX_PAGE_SIZE = 250
MAX_CONCURRENCY_CAP = 16

#: Requests per second allowed by default, per rate-limit category. Pinterest
#: publishes ads_read (1,000/min) and ads_analytics (300/min) for Standard
#: access; the others are unverified, so they get a conservative 300/min.
#: ``overall`` is Pinterest's universal 100 requests/second per user and app.
UNVERIFIED_CATEGORY_LIMIT = (300, 60.0)
DEFAULT_RATE_LIMITS: dict[str, tuple[int, float]] = {
    "overall": (100, 1.0),
    "ads_read": (1000, 60.0),
    "ads_analytics": (300, 60.0),
    "ads_write": UNVERIFIED_CATEGORY_LIMIT,
    "ads_conversions": UNVERIFIED_CATEGORY_LIMIT,
    "org_read": UNVERIFIED_CATEGORY_LIMIT,
    "org_write": UNVERIFIED_CATEGORY_LIMIT,
    "org_analytics": UNVERIFIED_CATEGORY_LIMIT,
    "catalogs_read": UNVERIFIED_CATEGORY_LIMIT,
    "catalogs_write": UNVERIFIED_CATEGORY_LIMIT,
    "trends_read": UNVERIFIED_CATEGORY_LIMIT,
    "msot_write": UNVERIFIED_CATEGORY_LIMIT,
    "advanced_auction_read": UNVERIFIED_CATEGORY_LIMIT,
    "advanced_auction_write": UNVERIFIED_CATEGORY_LIMIT,
}

_UNIT_SECONDS = {
    "s": 1.0, "sec": 1.0, "second": 1.0, "seconds": 1.0,
    "m": 60.0, "min": 60.0, "minute": 60.0, "minutes": 60.0,
    "h": 3600.0, "hour": 3600.0, "hours": 3600.0,
    "d": 86400.0, "day": 86400.0, "days": 86400.0,
}

#: Environment variables of the official Pinterest Python SDK, used as fallbacks.
ENV_FALLBACKS = {
    "oauth_client_id": "PINTEREST_APP_ID",
    "oauth_client_secret": "PINTEREST_APP_SECRET",
    "oauth_access_token": "PINTEREST_ACCESS_TOKEN",
    "oauth_refresh_token": "PINTEREST_REFRESH_ACCESS_TOKEN",
    "base_url": "PINTEREST_API_URI",
}

SECRET_FIELDS = ("oauth_client_secret", "oauth_access_token", "oauth_refresh_token")
REDACTED = "***"


@dataclass(frozen=True)
class PropertySpec:
    """One documented property: its name as users write it, the attribute, type and help."""

    name: str
    attr: str
    kind: str  # str | secret | bool | int | float | choice | rate_limits | path | url
    default: Any
    description: str
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None


PROPERTY_SPECS: tuple[PropertySpec, ...] = (
    PropertySpec("OAuthClientId", "oauth_client_id", "str", None,
                 "App id of your Pinterest app (developer portal, " + DEVELOPER_PORTAL + "). Env: PINTEREST_APP_ID."),
    PropertySpec("OAuthClientSecret", "oauth_client_secret", "secret", None,
                 "App secret key of your Pinterest app. Env: PINTEREST_APP_SECRET."),
    PropertySpec("OAuthAccessToken", "oauth_access_token", "secret", None,
                 "An access token to use as is. Env: PINTEREST_ACCESS_TOKEN."),
    PropertySpec("OAuthRefreshToken", "oauth_refresh_token", "secret", None,
                 "A refresh token to exchange for access tokens (needs the client id and secret). "
                 "Env: PINTEREST_REFRESH_ACCESS_TOKEN."),
    PropertySpec("AdAccountId", "ad_account_id", "str", None,
                 "Ad account used when a query names none; default: the first ad account the token can see."),
    PropertySpec("AuthScheme", "auth_scheme", "choice", "OAUTH",
                 "OAuth (user tokens, browser sign-in) or ClientCredentials (app-only token).",
                 choices=AUTH_SCHEMES),
    PropertySpec("InitiateOAuth", "initiate_oauth", "choice", None,
                 "OFF: use OAuthAccessToken as is. REFRESH: use and refresh stored/given tokens. "
                 "GETANDREFRESH: also sign in through the browser when no token is available. Default: "
                 "GETANDREFRESH with a client id and no access token; REFRESH with access token, refresh token "
                 "and client id; else OFF.",
                 choices=INITIATE_OAUTH_VALUES),
    PropertySpec("OAuthSettingsLocation", "oauth_settings_location", "path", None,
                 "Token store: a directory (one file per client id and base URL) or a .json file. Default: "
                 "$PINSQL_CONFIG_DIR, else $XDG_CONFIG_HOME/pinsql or ~/.config/pinsql."),
    PropertySpec("CallbackURL", "callback_url", "url", "http://localhost:8765/",
                 "Redirect URI registered on your app; a one-shot local server listens there during sign-in."),
    PropertySpec("Scope", "scope", "str", DEFAULT_SCOPE,
                 "OAuth scopes requested at sign-in, comma-separated (default: the read-only minimum)."),
    PropertySpec("BaseURL", "base_url", "url", None,
                 f"API root. Default {PRODUCTION_BASE_URL} ({SANDBOX_BASE_URL} with UseSandbox). Env: PINTEREST_API_URI."),
    PropertySpec("UseSandbox", "use_sandbox", "bool", False, "Use the Pinterest API sandbox as the default BaseURL."),
    PropertySpec("OAuthAuthorizationURL", "oauth_authorization_url", "url", AUTHORIZATION_URL,
                 "Pinterest's authorization page (browser sign-in)."),
    PropertySpec("OAuthTokenURL", "oauth_token_url", "url", None, "Token endpoint. Default {BaseURL}/oauth/token."),
    PropertySpec("Timeout", "timeout", "float", 60.0, "Seconds to wait for one HTTP response.", minimum=0.001),
    PropertySpec("PageSize", "page_size", "int", MAX_PAGE_SIZE, "Items per page on paged endpoints (1-250).",
                 minimum=1, maximum=MAX_PAGE_SIZE),
    PropertySpec("MaxConcurrency", "max_concurrency", "int", 4,
                 f"Most API calls in flight at once per connection; values above {MAX_CONCURRENCY_CAP} are capped.",
                 minimum=1),
    PropertySpec("MaxRetries", "max_retries", "int", 5,
                 "Retries after a transient failure (5xx, code 12, network errors, short 429s).", minimum=0, maximum=20),
    PropertySpec("RetryBaseDelay", "retry_base_delay", "float", 1.0,
                 "First backoff delay in seconds (exponential with full jitter).", minimum=0.0),
    PropertySpec("RetryMaxDelay", "retry_max_delay", "float", 60.0, "Longest single backoff delay in seconds.",
                 minimum=0.0),
    PropertySpec("RateLimits", "rate_limits", "rate_limits", None,
                 "Override rate-limit buckets: 'category=N/unit,...' (unit s, min, h, day; 'off' disables). "
                 "Defaults: overall=100/s, ads_read=1000/min, ads_analytics=300/min, others 300/min."),
    PropertySpec("RateLimitMaxWait", "rate_limit_max_wait", "float", 60.0,
                 "Longest 429 reset (seconds) worth waiting for; longer ones (daily quota) fail at once.", minimum=0.0),
    PropertySpec("RateLimitDefaultWait", "rate_limit_default_wait", "float", 2.0,
                 "Pause after a 429 that says nothing about its reset time, in seconds.", minimum=0.0),
    PropertySpec("CacheTTL", "cache_ttl", "float", 300.0,
                 "Seconds a connection reuses an API answer for the same request (same path and parameters); "
                 "0 turns the cache off. Errors are never cached.", minimum=0.0, maximum=86400.0),
    PropertySpec("Verbosity", "verbosity", "int", 0,
                 "Logging detail 0-5: 0 silent, 1 info, 2 requests, 3 all pinsql debug, 4-5 also HTTP internals.",
                 minimum=0, maximum=5),
    PropertySpec("Logfile", "logfile", "path", None, "Write pinsql logs to this file (Verbosity 1 when unset)."),
)

_SPECS_BY_KEY: dict[str, PropertySpec] = {}
for _spec in PROPERTY_SPECS:
    _SPECS_BY_KEY[_spec.name.lower()] = _spec
    _SPECS_BY_KEY[_spec.attr.replace("_", "")] = _spec


def property_key(name: str) -> str:
    """How property names compare everywhere: case, ``_`` and ``-`` do not matter."""
    return name.strip().lower().replace("_", "").replace("-", "")



def default_settings_dir() -> Path:
    """Where pinsql keeps per-user files (see :mod:`pinsql.userfiles`)."""
    return config_dir()


@dataclass(frozen=True, repr=False)
class ConnectionProperties:
    """Validated connection properties. Secrets never appear in ``repr``/``str``."""

    oauth_client_id: str | None = None
    oauth_client_secret: str | None = None
    oauth_access_token: str | None = None
    oauth_refresh_token: str | None = None
    ad_account_id: str | None = None
    auth_scheme: str = "OAUTH"
    initiate_oauth: str = "OFF"
    oauth_settings_location: Path = field(default_factory=default_settings_dir)
    callback_url: str = "http://localhost:8765/"
    scope: str = DEFAULT_SCOPE
    base_url: str = PRODUCTION_BASE_URL
    use_sandbox: bool = False
    oauth_authorization_url: str = AUTHORIZATION_URL
    oauth_token_url: str = PRODUCTION_BASE_URL + "/oauth/token"
    timeout: float = 60.0
    page_size: int = MAX_PAGE_SIZE
    max_concurrency: int = 4
    max_retries: int = 5
    retry_base_delay: float = 1.0
    retry_max_delay: float = 60.0
    rate_limits: Mapping[str, tuple[int, float] | None] = field(default_factory=lambda: dict(DEFAULT_RATE_LIMITS))
    rate_limit_max_wait: float = 60.0
    rate_limit_default_wait: float = 2.0
    verbosity: int = 0
    logfile: Path | None = None
    cache_ttl: float = 300.0

    # -- secrets -----------------------------------------------------------
    def secrets(self) -> list[str]:
        """The secret values set on these properties (for scrubbing logs and messages)."""
        return [v for v in (getattr(self, f) for f in SECRET_FIELDS) if v]

    def redacted(self) -> dict[str, Any]:
        """Every property as a dict, secrets replaced by ``***``."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name in SECRET_FIELDS and value:
                value = REDACTED
            elif isinstance(value, Mapping):
                value = dict(value)
            out[f.name] = value
        return out

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self.redacted().items() if k != "rate_limits")
        return f"ConnectionProperties({shown})"

    __str__ = __repr__

    def __hash__(self) -> int:  # rate_limits is a dict; hash on identity-defining fields only
        return hash((self.base_url, self.oauth_client_id, self.ad_account_id, self.initiate_oauth))

    # -- derived -----------------------------------------------------------
    @property
    def uses_client_credentials(self) -> bool:
        """Whether tokens come from the client_credentials grant (documented in the module)."""
        if self.auth_scheme == "CLIENTCREDENTIALS":
            return True
        return (
            self.initiate_oauth == "OFF"
            and not self.oauth_access_token
            and not self.oauth_refresh_token
            and bool(self.oauth_client_id and self.oauth_client_secret)
        )

    def token_store_path(self) -> Path:
        """The token file for this client id and base URL."""
        location = Path(self.oauth_settings_location)
        if location.suffix.lower() == ".json":
            return location
        ident = f"{self.oauth_client_id or ''}\n{self.base_url}"
        digest = hashlib.sha256(ident.encode("utf-8")).hexdigest()[:16]
        return location / f"oauth-{digest}.json"

    def replace(self, **changes: Any) -> ConnectionProperties:
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Alias of :meth:`redacted` (secrets hidden)."""
        return self.redacted()


# --------------------------------------------------------------------------
# Parsing


def split_connection_string(conn_str: str) -> dict[str, str]:
    """``"A=1; B='x;y'"`` -> ``{"A": "1", "B": "x;y"}``. Empty segments are ignored."""
    out: dict[str, str] = {}
    i, n = 0, len(conn_str)
    while i < n:
        # name: up to '=' or ';'
        j = i
        while j < n and conn_str[j] not in "=;":
            j += 1
        name = conn_str[i:j].strip()
        if j >= n or conn_str[j] == ";":
            if name:
                raise InterfaceError(
                    f"Connection string segment {name!r} has no value: write it as {name}=<value>; "
                    "separate properties with ';'."
                )
            i = j + 1
            continue
        # value: quoted or up to the next ';'
        k = j + 1
        while k < n and conn_str[k] in " \t":
            k += 1
        if k < n and conn_str[k] in "'\"":
            quote = conn_str[k]
            end = conn_str.find(quote, k + 1)
            if end < 0:
                raise InterfaceError(f"Connection string: the value of {name!r} opens a {quote} quote that is never closed.")
            value = conn_str[k + 1:end]
            rest = end + 1
            while rest < n and conn_str[rest] in " \t":
                rest += 1
            if rest < n and conn_str[rest] != ";":
                raise InterfaceError(
                    f"Connection string: unexpected text after the quoted value of {name!r}; separate properties with ';'."
                )
            i = rest + 1
        else:
            end = conn_str.find(";", j + 1)
            end = n if end < 0 else end
            value = conn_str[j + 1:end].strip()
            i = end + 1
        if not name:
            raise InterfaceError("Connection string: a segment starts with '=' and has no property name.")
        out[name] = value
    return out


def suggest(name: str, candidates: Any) -> str:
    """``" (did you mean 'X'?)"`` for the closest candidates, keeping their spelling, or ``""``."""
    by_lower = {c.lower(): c for c in candidates}
    close = difflib.get_close_matches(property_key(name), list(by_lower), n=2, cutoff=0.6)
    return " (did you mean " + " or ".join(repr(by_lower[c]) for c in close) + "?)" if close else ""


def _lookup(name: str) -> PropertySpec:
    spec = _SPECS_BY_KEY.get(property_key(name))
    if spec is None:
        hint = suggest(name, [s.name for s in PROPERTY_SPECS])
        raise InterfaceError(
            f"Unknown connection property {name!r}{hint}. Known properties: "
            + ", ".join(s.name for s in PROPERTY_SPECS)
        )
    return spec


_TRUE = {"true", "yes", "1", "on", "y", "t"}
_FALSE = {"false", "no", "0", "off", "n", "f", ""}


def parse_rate_limits(value: Any) -> dict[str, tuple[int, float] | None]:
    """``"ads_read=500/min,overall=20/s"`` (or a dict) -> ``{"ads_read": (500, 60.0), ...}``."""
    if isinstance(value, Mapping):
        items = list(value.items())
    else:
        text = str(value).strip()
        items = []
        for part in re.split(r"[;,]", text):
            if not part.strip():
                continue
            if "=" not in part:
                raise InterfaceError(
                    f"RateLimits: {part.strip()!r} is not 'category=N/unit' (e.g. ads_read=1000/min)."
                )
            k, v = part.split("=", 1)
            items.append((k, v))
    out: dict[str, tuple[int, float] | None] = {}
    for category, limit in items:
        category = str(category).strip().lower()
        if not re.fullmatch(r"[a-z_]+", category):
            raise InterfaceError(f"RateLimits: {category!r} is not a rate-limit category name such as ads_read.")
        if limit is None or (isinstance(limit, str) and limit.strip().lower() in ("off", "none", "unlimited")):
            out[category] = None
            continue
        if isinstance(limit, (tuple, list)) and len(limit) == 2:
            count, per = limit
        else:
            m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d*\.?\d*)\s*([a-z]+)\s*", str(limit).lower())
            if not m or m.group(3) not in _UNIT_SECONDS:
                raise InterfaceError(
                    f"RateLimits: {category}={limit!r} is not 'N/unit' with unit s, min, h or day (e.g. 300/min)."
                )
            count = int(m.group(1))
            per = float(m.group(2) or 1) * _UNIT_SECONDS[m.group(3)]
        try:
            count, per = int(count), float(per)
        except (TypeError, ValueError):
            raise InterfaceError(f"RateLimits: {category}={limit!r} is not a number of requests per period.") from None
        if count < 1 or per <= 0:
            raise InterfaceError(f"RateLimits: {category} needs at least 1 request per a positive period.")
        out[category] = (count, per)
    return out


def _coerce(spec: PropertySpec, raw: Any) -> Any:
    """Turn a raw string/keyword value into the property's type, validating ranges."""
    if spec.kind == "rate_limits":
        return parse_rate_limits(raw)
    if spec.kind == "bool":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise InterfaceError(f"{spec.name} must be true or false (yes/no, on/off, 1/0), not {raw!r}.")
    if spec.kind in ("int", "float"):
        try:
            text = "not a number" if isinstance(raw, bool) else str(raw).strip()
            number: float = int(text) if spec.kind == "int" else float(text)
        except ValueError:
            kind = "a whole number" if spec.kind == "int" else "a number"
            raise InterfaceError(f"{spec.name} must be {kind}, not {raw!r}. {spec.description}") from None
        if (spec.minimum is not None and number < spec.minimum) or (spec.maximum is not None and number > spec.maximum):
            lo = "" if spec.minimum is None else f" >= {spec.minimum:g}"
            hi = "" if spec.maximum is None else f" <= {spec.maximum:g}"
            raise InterfaceError(f"{spec.name}={raw!r} is out of range: it must be{lo}{' and' if lo and hi else ''}{hi}.")
        return number
    if spec.kind == "choice":
        text = str(raw).strip().upper().replace("_", "").replace(" ", "")
        if text not in spec.choices:
            hint = suggest(text, spec.choices)
            raise InterfaceError(f"{spec.name}={raw!r} is not allowed{hint}; use one of {', '.join(spec.choices)}.")
        return text
    if spec.kind == "path":
        return Path(str(raw).strip()).expanduser()
    if spec.kind == "url":
        text = str(raw).strip()
        if not re.match(r"^https?://[^/\s]+", text):
            raise InterfaceError(f"{spec.name}={text!r} is not an http(s) URL.")
        return text
    return str(raw).strip()


def _unquote(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
    return value


def parse_properties(conn_str: str | None = None, /, **kwargs: Any) -> ConnectionProperties:
    """Parse, default and validate connection properties.

    ``conn_str`` is ``"Name=value;..."``; keyword arguments override it. Unknown
    names raise :class:`InterfaceError` with the closest known name.
    """
    given: dict[str, Any] = {}
    names: dict[str, str] = {}
    sources: list[Mapping[str, Any]] = []
    if conn_str:
        if not isinstance(conn_str, str):
            raise InterfaceError(f"The connection string must be a str, not {type(conn_str).__name__}.")
        sources.append(split_connection_string(conn_str))
    sources.append(kwargs)
    for source in sources:
        for name, raw in source.items():
            spec = _lookup(name)
            raw = _unquote(raw)
            if raw is None or (isinstance(raw, str) and raw == "" and spec.kind != "bool"):
                given.pop(spec.attr, None)  # an empty value means "not set"
                continue
            given[spec.attr] = _coerce(spec, raw)
            names[spec.attr] = spec.name

    # Environment fallbacks (explicit values win).
    for attr, env in ENV_FALLBACKS.items():
        if attr in given:
            continue
        if attr == "base_url" and given.get("use_sandbox"):
            continue  # an explicit UseSandbox outranks the environment's API root
        value = os.environ.get(env, "").strip()
        if value:
            given[attr] = _coerce(_SPECS_BY_KEY[attr.replace("_", "")], value)

    values: dict[str, Any] = {}
    for spec in PROPERTY_SPECS:
        if spec.attr in given:
            values[spec.attr] = given[spec.attr]
        elif spec.default is not None:
            values[spec.attr] = spec.default

    use_sandbox = bool(values.get("use_sandbox"))
    base_url = values.get("base_url") or (SANDBOX_BASE_URL if use_sandbox else PRODUCTION_BASE_URL)
    values["base_url"] = base_url.rstrip("/")
    values.setdefault("oauth_token_url", values["base_url"] + "/oauth/token")
    values.setdefault("oauth_settings_location", default_settings_dir())
    rate_limits = dict(DEFAULT_RATE_LIMITS)
    rate_limits.update(values.get("rate_limits") or {})
    values["rate_limits"] = rate_limits
    if "initiate_oauth" not in values:
        values["initiate_oauth"] = _default_initiate_oauth(values)
    if values["max_concurrency"] > MAX_CONCURRENCY_CAP:
        logger.info("MaxConcurrency %s capped to %s", values["max_concurrency"], MAX_CONCURRENCY_CAP)
        values["max_concurrency"] = MAX_CONCURRENCY_CAP

    props = ConnectionProperties(**values)
    _check_credentials(props)
    return props


def _default_initiate_oauth(values: Mapping[str, Any]) -> str:
    if values.get("oauth_client_id") and not values.get("oauth_access_token"):
        return "GETANDREFRESH"
    if values.get("oauth_client_id") and values.get("oauth_refresh_token"):
        return "REFRESH"
    return "OFF"


_CLIENT_ID_HELP = (
    "OAuthClientId is missing: the App id of your app in the Pinterest developer portal "
    f"({DEVELOPER_PORTAL}), also read from PINTEREST_APP_ID."
)
_CLIENT_SECRET_HELP = (
    "OAuthClientSecret is missing: the App secret key shown next to the App id in the Pinterest developer portal "
    f"({DEVELOPER_PORTAL}), also read from PINTEREST_APP_SECRET. Pinterest's token endpoint needs it to "
    "issue or refresh tokens."
)


def _check_credentials(props: ConnectionProperties) -> None:
    """Fail early, and say what to set, when no sign-in path exists."""
    if props.oauth_access_token and not props.uses_client_credentials:
        return
    if not props.oauth_client_id:
        if props.oauth_refresh_token:
            raise InterfaceError(_CLIENT_ID_HELP + " A refresh token can only be used together with the app's "
                                 "client id and secret.")
        raise InterfaceError(
            "No credentials: set OAuthAccessToken (an access token, e.g. from the developer portal's token "
            f"generator, {DEVELOPER_PORTAL}; env PINTEREST_ACCESS_TOKEN), or OAuthClientId and OAuthClientSecret "
            "(your app's id and secret key; env PINTEREST_APP_ID / PINTEREST_APP_SECRET) to sign in with OAuth "
            "(run `pinsql login` or connect with InitiateOAuth=GETANDREFRESH)."
        )
    if not props.oauth_client_secret:
        raise InterfaceError(_CLIENT_SECRET_HELP)
    if props.initiate_oauth == "OFF" and props.auth_scheme == "OAUTH" and props.oauth_refresh_token:
        raise InterfaceError(
            "InitiateOAuth=OFF uses only OAuthAccessToken, which is not set. Set InitiateOAuth=REFRESH to exchange "
            "OAuthRefreshToken for an access token, or give OAuthAccessToken."
        )


def format_rate_limits(limits: Mapping[str, tuple[int, float] | None]) -> str:
    """The inverse of :func:`parse_rate_limits`: ``"overall=100/s,ads_read=1000/min,..."``."""
    units = {1.0: "s", 60.0: "min", 3600.0: "h", 86400.0: "day"}
    parts = []
    for category, limit in limits.items():
        if limit is None:
            parts.append(f"{category}=off")
            continue
        count, per = limit
        parts.append(f"{category}={count}/{units[per]}" if per in units else f"{category}={count}/{per:g}s")
    return ",".join(parts)


def describe_properties() -> list[dict[str, Any]]:
    """Every property with its type, default and description (for the CLI and the docs)."""
    rows = []
    for spec in PROPERTY_SPECS:
        default = spec.default
        if spec.attr == "rate_limits":
            default = format_rate_limits(DEFAULT_RATE_LIMITS)
        rows.append({
            "name": spec.name,
            "attribute": spec.attr,
            "type": "str" if spec.kind in ("secret", "url", "path") else spec.kind,
            "secret": spec.kind == "secret",
            "default": default,
            "choices": list(spec.choices),
            "environment": ENV_FALLBACKS.get(spec.attr),
            "description": spec.description,
        })
    return rows


def property_names() -> list[str]:
    return [s.name for s in PROPERTY_SPECS]


__all__ = [
    "DEFAULT_RATE_LIMITS",
    "DEFAULT_SCOPE",
    "PRODUCTION_BASE_URL",
    "SANDBOX_BASE_URL",
    "ConnectionProperties",
    "default_settings_dir",
    "describe_properties",
    "parse_properties",
    "parse_rate_limits",
    "split_connection_string",
]
