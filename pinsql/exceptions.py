"""PEP 249 exception hierarchy, plus the narrower errors pinsql raises.

Every error a user can see derives from :class:`Error`. The narrower classes
let callers react to one failure (an expired sign-in, a spent rate limit)
without parsing messages. Messages never contain secrets: build them from
values that were already redacted.
"""

from __future__ import annotations

from typing import Any


class Warning(Exception):
    """Important warnings, such as data truncation."""


class Error(Exception):
    """Base class of every pinsql error."""


class InterfaceError(Error):
    """Misuse of the driver: bad connection properties, closed objects."""


class DatabaseError(Error):
    """An error reported by, or about, Pinterest (the 'database')."""


class DataError(DatabaseError):
    """A value out of range for the API: a date outside the analytics window, a bad enum."""


class OperationalError(DatabaseError):
    """The API could not serve the request: network, authentication, rate limits, 5xx."""


class IntegrityError(DatabaseError):
    """Relational integrity problems (unused: Pinterest tables are read-only)."""


class InternalError(DatabaseError):
    """An impossible state inside pinsql: a bug worth reporting."""


class ProgrammingError(DatabaseError):
    """The SQL is wrong: syntax, unknown table or column, a missing required filter."""


class NotSupportedError(DatabaseError):
    """The SQL is valid but pinsql or the API cannot do it (writes to Pinterest tables, for now)."""


class ApiErrorDetails:
    """What Pinterest said about a failed call, carried by every API error.

    ``status`` is the HTTP status, ``code`` Pinterest's numeric error code (or
    None), ``api_message`` Pinterest's message and ``request_id`` the
    ``x-pinterest-rid`` header, which Pinterest support asks for.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: int | None = None,
        api_message: str | None = None,
        request_id: str | None = None,
        endpoint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.api_message = api_message
        self.request_id = request_id
        self.endpoint = endpoint


class ApiError(ApiErrorDetails, OperationalError):
    """An HTTP error answer from the Pinterest API that is about the service, not the query."""


class AuthenticationError(ApiError):
    """The token is missing, invalid or expired and could not be refreshed (HTTP 401 code 2)."""


class PermissionDeniedError(ApiError):
    """The token lacks a scope (401 code 3) or the user lacks a role on the ad account (403)."""


class RateLimitError(ApiError):
    """A rate limit is spent and will not reset soon enough to wait (429 code 8, spam blocks).

    ``reset_seconds`` says how long until the limit resets, when known.
    """

    def __init__(self, message: str, *, reset_seconds: float | None = None, category: str | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.reset_seconds = reset_seconds
        self.category = category


class ApiProgrammingError(ApiErrorDetails, ProgrammingError):
    """The API rejected the request's parameters (HTTP 400/404/409/422)."""


class ApiDataError(ApiErrorDetails, DataError):
    """The API rejected a value (a date outside the allowed window, a range too wide): HTTP 400."""


__all__ = [
    "ApiDataError",
    "ApiError",
    "ApiErrorDetails",
    "ApiProgrammingError",
    "AuthenticationError",
    "DataError",
    "DatabaseError",
    "Error",
    "IntegrityError",
    "InterfaceError",
    "InternalError",
    "NotSupportedError",
    "OperationalError",
    "PermissionDeniedError",
    "ProgrammingError",
    "RateLimitError",
    "Warning",
]
