"""Apache Superset engine spec for ``pinterest://`` (entry point ``superset.db_engine_specs``).

Superset is not a dependency of pinsql: without it this module still imports,
and the spec's parts (time grains, ``convert_dttm``, error patterns) can be
tested on their own. Inside Superset, ``PinterestEngineSpec`` derives from
Superset's ``BaseEngineSpec`` and its ``custom_errors`` use Superset's error
types.

Secrets: put them in the database's "Secure Extra" (``encrypted_extra``) as
``{"connect_args": {"OAuthAccessToken": "..."}}``; Superset passes
``connect_args`` to ``create_engine`` and never shows them. Superset parses
SQL with sqlglot's generic dialect for an engine it does not know; to parse
pinsql SQL as DuckDB instead, add
``SQLGLOT_DIALECTS_EXTENSIONS = {"pinterest": sqlglot.Dialects.DUCKDB}`` to
``superset_config.py`` (optional: pinsql reads either).
"""

from __future__ import annotations

import functools
import re
from datetime import datetime
from typing import Any

try:  # Superset is optional
    from superset.db_engine_specs.base import BaseEngineSpec, LimitMethod
    from superset.errors import SupersetErrorType
except ImportError:  # pragma: no cover - exercised in the Superset venv
    BaseEngineSpec = object  # type: ignore[assignment,misc]
    LimitMethod = None  # type: ignore[assignment]
    SupersetErrorType = None  # type: ignore[assignment]

#: Superset time grains (ISO 8601 durations) as DuckDB expressions. Weeks
#: start on Monday (ISO), like DuckDB's and Pinterest's WEEK granularity.
TIME_GRAIN_EXPRESSIONS: dict[str | None, str] = {
    None: "{col}",
    "PT1S": "DATE_TRUNC('second', {col})",
    "PT1M": "DATE_TRUNC('minute', {col})",
    "PT1H": "DATE_TRUNC('hour', {col})",
    "P1D": "DATE_TRUNC('day', {col})",
    "P1W": "DATE_TRUNC('week', {col})",
    "1969-12-29T00:00:00Z/P1W": "DATE_TRUNC('week', {col})",
    "1969-12-28T00:00:00Z/P1W": "DATE_TRUNC('week', {col} + INTERVAL 1 DAY) - INTERVAL 1 DAY",
    "P1M": "DATE_TRUNC('month', {col})",
    "P3M": "DATE_TRUNC('quarter', {col})",
    "P1Y": "DATE_TRUNC('year', {col})",
}

#: (pattern, message shown in Superset, Superset error type name). The
#: patterns match pinsql's own error messages (pinsql.exceptions); the first
#: match wins. Named groups are available to the message.
ERROR_PATTERNS: list[tuple[re.Pattern[str], str, str]] = [
    (
        re.compile(r"(?i)\brate limit is spent\b|\bblocked the request as spam"),
        "Pinterest's API rate limit is spent for now: wait until it resets, or narrow the query "
        "(filters on ids, dates or the ad account mean fewer API calls).",
        "GENERIC_DB_ENGINE_ERROR",
    ),
    (
        re.compile(r"(?i)serves only the last (?P<days>\d+) days"),
        "Pinterest analytics cover only the last %(days)s days: choose a more recent time range.",
        "GENERIC_DB_ENGINE_ERROR",
    ),
    (
        re.compile(r"(?i)\blacks an OAuth scope\b|\bBusiness Access role\b|\bPermission denied\b"),
        "The Pinterest token lacks a permission this query needs (an OAuth scope, or a Business Access "
        "role on the ad account): sign in again with the scope, or ask the account owner for a role.",
        "CONNECTION_ACCESS_DENIED_ERROR",
    ),
    (
        re.compile(r"(?i)\baccess token is invalid or expired\b|\bNo credentials\b"),
        "Pinterest did not accept the credentials: the access token is invalid or expired. Update "
        "OAuthAccessToken (or OAuthRefreshToken) in the database's Secure Extra connect_args.",
        "CONNECTION_INVALID_PASSWORD_ERROR",
    ),
    (
        re.compile(r"(?i)(?P<table>\w+) needs a value for (?P<column>\w+)"),
        "%(table)s can only be read for given %(column)s values: add a filter on %(column)s "
        "(WHERE %(column)s = ... or IN (...)), or join %(table)s to the table that lists them.",
        "MISSING_TEMPLATE_PARAMS_ERROR",
    ),
    (
        re.compile(r"(?i)unknown table (?P<table>'[^']+'|\"[^\"]+\"|\S+)"),
        "Pinterest has no table %(table)s in pinsql's catalog (SHOW TABLES lists them).",
        "TABLE_DOES_NOT_EXIST_ERROR",
    ),
]


def _custom_errors() -> dict[re.Pattern[str], tuple[str, Any, dict[str, Any]]]:
    """ERROR_PATTERNS in Superset's ``custom_errors`` shape (regex -> message, type, extra)."""
    if SupersetErrorType is None:
        return {}
    return {pattern: (message, SupersetErrorType[kind], {}) for pattern, message, kind in ERROR_PATTERNS}


def convert_dttm(target_type: str, dttm: datetime) -> str | None:
    """A SQL literal for ``dttm`` compared with a column of ``target_type``.

    Naive datetimes from Superset are taken as UTC: pinsql's timestamps are UTC
    instants. For other types Superset falls back to a plain string literal,
    which pinsql also compares correctly.
    """
    kind = target_type.strip().upper()
    if kind.startswith("DATE") and not kind.startswith("DATETIME"):
        return f"CAST('{dttm.date().isoformat()}' AS DATE)"
    if kind.startswith(("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ")):
        text = dttm.isoformat(sep=" ", timespec="microseconds")
        if dttm.tzinfo is None:
            text += "+00:00"
        return f"CAST('{text}' AS TIMESTAMP WITH TIME ZONE)"
    if kind.startswith(("TIMESTAMP", "DATETIME")):
        return f"CAST('{dttm.replace(tzinfo=None).isoformat(sep=' ', timespec='microseconds')}' AS TIMESTAMP)"
    return None


@functools.lru_cache(maxsize=1)
def function_names() -> list[str]:
    """SQL functions a query can use: DuckDB's, which runs everything pinsql does not push to the API."""
    import duckdb

    with duckdb.connect(":memory:") as duck:
        rows = duck.execute(
            "SELECT DISTINCT function_name FROM duckdb_functions() "
            "WHERE function_type IN ('scalar', 'aggregate', 'macro') ORDER BY 1"
        ).fetchall()
    return [name for (name,) in rows if re.fullmatch(r"[a-z][a-z0-9_]*", name)]


class PinterestEngineSpec(BaseEngineSpec):  # type: ignore[misc,valid-type]
    """Superset engine spec for the pinsql SQLAlchemy dialect."""

    engine = "pinterest"
    engine_name = "Pinterest"
    default_driver = "pinsql"
    drivers = {"pinsql": "pinsql, the Pinterest API v5 SQL driver"}
    sqlalchemy_uri_placeholder = "pinterest://?AdAccountId=<ad account id>&OAuthClientId=<app id>"

    metadata = {
        "description": "The Pinterest API v5 (boards, pins, ads, analytics) as SQL tables, through pinsql.",
        "homepage_url": "https://developers.pinterest.com/docs/api/v5/",
        "pypi_packages": ["pinsql"],
        "connection_string": "pinterest://?AdAccountId={ad_account_id}",
        "notes": (
            "Put OAuthAccessToken / OAuthClientSecret / OAuthRefreshToken in Secure Extra as "
            '{"connect_args": {...}}, not in the URI.'
        ),
    }

    _time_grain_expressions = TIME_GRAIN_EXPRESSIONS

    if LimitMethod is not None:
        limit_method = LimitMethod.FORCE_LIMIT  # pinsql pushes LIMIT down to API paging
    allows_joins = True
    allows_subqueries = True
    allows_alias_in_select = True
    allows_alias_in_orderby = True
    allows_hidden_orderby_agg = True
    allows_sql_comments = True
    supports_file_upload = False
    supports_dynamic_schema = False
    supports_catalog = False
    disable_ssh_tunneling = True
    supports_multivalues_insert = True

    custom_errors = _custom_errors()

    @classmethod
    def convert_dttm(cls, target_type: str, dttm: datetime, db_extra: dict[str, Any] | None = None) -> str | None:
        return convert_dttm(target_type, dttm)

    @classmethod
    def get_function_names(cls, database: Any) -> list[str]:
        """SQL Lab autocomplete; needs no connection (the list is DuckDB's)."""
        return function_names()

    @classmethod
    def epoch_to_dttm(cls) -> str:
        return "to_timestamp({col})"

    @classmethod
    def epoch_ms_to_dttm(cls) -> str:
        return "epoch_ms({col})"
