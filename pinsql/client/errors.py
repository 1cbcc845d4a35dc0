"""Turn Pinterest error answers into pinsql exceptions, and read rate-limit hints."""

from __future__ import annotations

import email.utils
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pinsql.auth.redact import scrub
from pinsql.exceptions import (
    ApiDataError,
    ApiError,
    ApiProgrammingError,
    AuthenticationError,
    PermissionDeniedError,
    RateLimitError,
)

#: Pinterest error codes with a meaning worth naming in messages.
CODE_HINTS = {
    3: "the token lacks an OAuth scope this endpoint needs",
    29: "the user has no access to this resource (Business Access role missing?)",
    2625: "the account has been disapproved",
    2626: "Pinterest is reviewing the account",
}

_RETRY_AFTER_TEXT = re.compile(r"retry after (\d+(?:\.\d+)?) ?s", re.IGNORECASE)
_VALUE_ERROR_TEXT = re.compile(r"\b(date|days|time range|range|must be less than|out of range|granularity)\b",
                               re.IGNORECASE)


@dataclass(frozen=True)
class ErrorBody:
    code: int | None
    message: str
    detail: str

    @property
    def is_spam_block(self) -> bool:
        return "spam" in f"{self.message} {self.detail}".lower()


def parse_error_body(payload: Any) -> ErrorBody:
    if not isinstance(payload, Mapping):
        return ErrorBody(None, "", "")
    code = payload.get("code")
    try:
        code = int(code) if code is not None else None
    except (TypeError, ValueError):
        code = None
    return ErrorBody(code, str(payload.get("message") or ""), str(payload.get("message_detail") or ""))


def retry_after_text(body: ErrorBody) -> float | None:
    """Seconds from an analytics 400 that says "Retry after N seconds"."""
    m = _RETRY_AFTER_TEXT.search(f"{body.message} {body.detail}")
    return float(m.group(1)) if m else None


def reset_hint(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds until a rate limit resets, from whichever optional header Pinterest sent."""
    now = time.time() if now is None else now
    for name in ("Retry-After", "X-RateLimit-Reset", "x-userendpoint-ratelimit-reset-seconds"):
        value = headers.get(name)
        if value is None:
            continue
        value = value.strip()
        try:
            seconds = float(value)
        except ValueError:
            parsed = email.utils.parsedate_to_datetime(value) if name == "Retry-After" else None
            if parsed is None:
                continue
            seconds = parsed.timestamp() - now
        if seconds > 1e9:  # an absolute epoch timestamp, not a delay
            seconds -= now
        return max(seconds, 0.0)
    return None


def human_duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 90:
        return f"{seconds} s"
    hours, rest = divmod(seconds, 3600)
    minutes = rest // 60
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"


def reset_phrase(seconds: float | None, now: float | None = None) -> str:
    if seconds is None:
        return "the reset time is unknown"
    at = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime((time.time() if now is None else now) + seconds))
    return f"it resets in {human_duration(seconds)} (at {at})"


def _describe(method: str, path: str, status: int, body: ErrorBody, request_id: str | None) -> str:
    parts = [f"{method} {path} failed: HTTP {status}"]
    if body.code is not None:
        parts.append(f", Pinterest code {body.code}")
    if body.message:
        parts.append(f": {body.message}")
    if body.detail:
        parts.append(f" ({body.detail})")
    if request_id:
        parts.append(f" [x-pinterest-rid {request_id}]")
    return "".join(parts)


def rate_limit_error(method: str, path: str, status: int, body: ErrorBody, request_id: str | None,
                     category: str | None, reset: float | None, why: str) -> RateLimitError:
    which = f"the {category} rate limit" if category else "a rate limit"
    if body.is_spam_block:
        text = (f"Pinterest blocked the request as spam ({body.detail or body.message}); pinsql does not retry "
                "spam blocks. Slow down and contact Pinterest support if it persists.")
    else:
        text = f"{which[0].upper()}{which[1:]} is spent: {reset_phrase(reset)}; {why}."
    return RateLimitError(
        scrub(f"{text} {_describe(method, path, status, body, request_id)}"),
        reset_seconds=reset, category=category, status=status, code=body.code,
        api_message=body.message or None, request_id=request_id, endpoint=path,
    )


def error_for(method: str, path: str, status: int, body: ErrorBody, request_id: str | None,
              *, scopes: str | None = None) -> Exception:
    """The exception for a final (not retried) error answer."""
    kw: dict[str, Any] = {"status": status, "code": body.code, "api_message": scrub(body.message) or None,
                              "request_id": request_id, "endpoint": path}
    described = scrub(_describe(method, path, status, body, request_id))
    if status == 401 and body.code == 3:
        granted = f" The token's scopes: {scopes}." if scopes else ""
        return PermissionDeniedError(
            f"{described}. The token lacks an OAuth scope this endpoint needs.{granted} Add the scope to the Scope "
            "property and sign in again (`pinsql login` or InitiateOAuth=GETANDREFRESH).", **kw)
    if status == 401 and body.code not in (None, 2):
        return PermissionDeniedError(f"{described}. {CODE_HINTS.get(body.code, 'Access denied')}.", **kw)
    if status == 401:
        return AuthenticationError(
            f"{described}. The access token is invalid or expired. Sign in again: `pinsql login`, or "
            "InitiateOAuth=GETANDREFRESH, or a new OAuthAccessToken.", **kw)
    if status == 403:
        hint = CODE_HINTS.get(body.code or 0, "the token's user lacks a role on this ad account or resource "
                               "(Owner, or a Business Access role such as Admin or Analyst)")
        return PermissionDeniedError(f"{described}. Permission denied: {hint}.", **kw)
    if status == 400 and _VALUE_ERROR_TEXT.search(body.message):
        return ApiDataError(f"{described}. A value is outside what the API accepts.", **kw)
    if status in (400, 404, 405, 409, 422):
        return ApiProgrammingError(f"{described}.", **kw)
    return ApiError(f"{described}.", **kw)
