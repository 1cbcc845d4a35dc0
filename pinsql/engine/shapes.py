"""Row extractors for responses that are not a list of rows.

The basic shapes (``catalog.BASIC_SHAPES``: paged, items, array, object) are
read by :mod:`pinsql.engine.reader` without Python. An endpoint may instead
name a custom extractor registered here with :func:`register`, for responses
such as organic analytics' map of daily metrics.

Every extractor takes the decoded response and the endpoint, and returns a
list of dicts whose keys are the column paths of the table's schema.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pinsql.catalog import Endpoint
from pinsql.exceptions import InternalError

Extractor = Callable[[Any, Endpoint], list]

_EXTRACTORS: dict[str, Extractor] = {}


def register(name: str) -> Callable[[Extractor], Extractor]:
    def deco(fn: Extractor) -> Extractor:
        _EXTRACTORS[name] = fn
        return fn

    return deco


def values_at(rows: list[dict], path: str) -> list:
    """``dig(row, path)`` for each row (dicts), one list comprehension per step: a column at a time."""
    first, *rest = path.split(".")
    out = [r.get(first) for r in rows]
    for k in rest:
        out = [v.get(k) if isinstance(v, dict) else None for v in out]
    return out


def dig(value: Any, path: str | None) -> Any:
    """Follow a dotted path into nested dicts (None when any step is missing)."""
    for k in path.split(".") if path else ():
        if not isinstance(value, dict):
            return None
        value = value.get(k)
    return value


def _unwrap(response: Any, endpoint: Endpoint) -> Any:
    return dig(response, endpoint.rows_path) if endpoint.rows_path else response


@register("targeting_metrics")
def targeting_rows(response: Any, endpoint: Endpoint) -> list:
    """Targeting analytics: ``{"data": [{"targeting_type", "targeting_value", "metrics": {...}}]}``.

    The elements of ``data`` are the rows, unchanged (columns read ``metrics.<NAME>``).
    """
    body = _unwrap(response, endpoint)
    data = body.get("data") if isinstance(body, dict) else body
    return list(data or [])


@register("organic_daily_metrics")
def organic_daily_rows(response: Any, endpoint: Endpoint) -> list:
    """Organic analytics: ``{split_value: {"daily_metrics": [{"date", "data_status", "metrics": {...}}]}}``.

    One row per element of every ``daily_metrics`` list, in response order: the
    element itself plus ``_split`` (the map key, ``all`` without a split).
    Summary and lifetime metrics are not rows.
    """
    body = _unwrap(response, endpoint)
    rows: list = []
    if not isinstance(body, dict):
        return rows
    for split, block in body.items():
        if not isinstance(block, dict):
            continue
        for day in block.get("daily_metrics") or []:
            if isinstance(day, dict):
                row = dict(day)
                row["_split"] = split
                rows.append(row)
    return rows


@register("ranked_pins")
def ranked_pin_rows(response: Any, endpoint: Endpoint) -> list:
    """Top pins: ``{"pins": [{"pin_id", "metrics": {...}, "data_status": {...}}], ...}``, best first.

    One row per element of ``pins``, plus ``_rank``: its 1-based position, so
    the ranking survives SQL (row order does not).
    """
    body = _unwrap(response, endpoint)
    pins = body.get("pins") if isinstance(body, dict) else None
    return [{**pin, "_rank": i} for i, pin in enumerate(pins or [], start=1) if isinstance(pin, dict)]


def extractor(shape: str) -> Extractor:
    try:
        return _EXTRACTORS[shape]
    except KeyError:
        raise InternalError(f"no row extractor for response shape {shape!r} (pinsql.engine.shapes)") from None
