"""The Superset engine spec's parts, without Superset installed.

The SQL shapes Superset sends are executed against the emulator in
test_superset_shapes.py; tools/superset_check.py runs the real thing.
"""

from __future__ import annotations

import importlib
from datetime import datetime

import pytest
import sqlglot

from pinsql.dialect import superset as spec_module
from pinsql.dialect.superset import ERROR_PATTERNS, TIME_GRAIN_EXPRESSIONS, PinterestEngineSpec


def test_module_imports_without_superset():
    if importlib.util.find_spec("superset") is not None:
        pytest.skip("Superset is installed here; this checks the import guard")
    assert PinterestEngineSpec.engine == "pinterest"
    assert PinterestEngineSpec.engine_name == "Pinterest"
    assert spec_module.BaseEngineSpec is object


@pytest.mark.parametrize("grain", ["PT1S", "PT1M", "PT1H", "P1D", "P1W", "P1M", "P3M", "P1Y"])
def test_standard_time_grains_are_date_trunc(grain):
    expr = TIME_GRAIN_EXPRESSIONS[grain].format(col="created_time")
    assert expr.startswith("DATE_TRUNC(")
    for dialect in (None, "duckdb"):
        parsed = sqlglot.parse_one(f"SELECT {expr} FROM campaigns", read=dialect)
        assert parsed.find(sqlglot.exp.Column).name == "created_time"


def test_no_grain_is_the_column_itself():
    assert TIME_GRAIN_EXPRESSIONS[None] == "{col}"


@pytest.mark.parametrize(
    "target, expected",
    [
        ("DATE", "CAST('2026-10-30' AS DATE)"),
        ("TIMESTAMP WITH TIME ZONE", "CAST('2026-10-30 12:34:56.000789+00:00' AS TIMESTAMP WITH TIME ZONE)"),
        ("TIMESTAMP", "CAST('2026-10-30 12:34:56.000789' AS TIMESTAMP)"),
        ("timestamp", "CAST('2026-10-30 12:34:56.000789' AS TIMESTAMP)"),
        ("DATETIME", "CAST('2026-10-30 12:34:56.000789' AS TIMESTAMP)"),
        ("VARCHAR", None),
        ("BIGINT", None),
    ],
)
def test_convert_dttm(target, expected):
    dttm = datetime(2026, 10, 30, 12, 34, 56, 789)
    assert PinterestEngineSpec.convert_dttm(target, dttm) == expected
    if expected:
        sqlglot.parse_one(f"SELECT 1 WHERE x >= {expected}")


def test_function_names_for_autocomplete():
    names = PinterestEngineSpec.get_function_names(None)
    assert {"date_trunc", "count", "sum", "regexp_matches", "json_extract"} <= set(names)
    assert all(n == n.lower() and not n.startswith("_") for n in names)


def test_flags():
    assert PinterestEngineSpec.allows_joins and PinterestEngineSpec.allows_subqueries
    assert PinterestEngineSpec.supports_file_upload is False
    assert PinterestEngineSpec.disable_ssh_tunneling is True


def _kind_for(message: str) -> str | None:
    for pattern, text, kind in ERROR_PATTERNS:
        match = pattern.search(message)
        if match:
            assert text % match.groupdict()  # the message formats with what the pattern captured
            return kind
    return None


def _real_messages() -> dict[str, str]:
    """Messages produced by pinsql's own error paths (client and planner), not hand-written copies."""
    import datetime as dt

    from pinsql.catalog import load_catalog
    from pinsql.client.errors import ErrorBody, error_for, rate_limit_error
    from pinsql.engine.planner import date_windows, missing_filter_message
    from pinsql.exceptions import DataError

    catalog = load_catalog()
    analytics = catalog.table("campaign_analytics")
    date_filter = analytics.endpoints[0].filter_for("date")
    too_old = None
    try:
        date_windows(date_filter, _Bounds(dt.date(2001, 1, 1), None), dt.date(2026, 11, 1), analytics.name)
    except DataError as exc:
        too_old = str(exc)
    body = ErrorBody(3, "Authentication failed.", "")
    return {
        "rate": str(rate_limit_error("GET", "/ad_accounts", 429, ErrorBody(8, "Rate limited", ""), None,
                                     "ads_read", 7200.0, "the reset is too far away to wait")),
        "window": too_old,
        "scope": str(error_for("GET", "/boards", 401, body, None)),
        "role": str(error_for("GET", "/ad_accounts/1/campaigns", 403, ErrorBody(29, "No access", ""), None)),
        "token": str(error_for("GET", "/user_account", 401, ErrorBody(2, "Authentication failed.", ""), None)),
        "filter": missing_filter_message(catalog.table("board_pins")),
    }


class _Bounds:
    def __init__(self, low, high):
        self._bounds = (low, high)

    def bounds(self):
        return self._bounds


@pytest.mark.parametrize(
    "key, kind",
    [
        ("rate", "GENERIC_DB_ENGINE_ERROR"),
        ("window", "GENERIC_DB_ENGINE_ERROR"),
        ("scope", "CONNECTION_ACCESS_DENIED_ERROR"),
        ("role", "CONNECTION_ACCESS_DENIED_ERROR"),
        ("token", "CONNECTION_INVALID_PASSWORD_ERROR"),
        ("filter", "MISSING_TEMPLATE_PARAMS_ERROR"),
    ],
)
def test_error_patterns_match_pinsql_messages(key, kind):
    message = _real_messages()[key]
    assert message, key
    assert _kind_for(message) == kind, message


def test_unrelated_messages_keep_the_generic_text():
    assert _kind_for("Binder Error: something else entirely") is None
