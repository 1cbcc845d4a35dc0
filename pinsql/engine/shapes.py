"""Row extractors: turn one API response into the list of row dicts of a table.

The basic shapes are ``paged`` (``{"items": [...], "bookmark": ...}``, paged
by the client), ``items`` (``{"items": [...]}``), ``array`` (a JSON array) and
``object`` (one object, one row). An endpoint may also name a custom extractor
registered here with :func:`register` for responses that are not a list of
rows, such as organic analytics' map of daily metrics.

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


def dig(value: Any, path: str | None) -> Any:
    """Follow a dotted path into nested dicts (None when any step is missing)."""
    if not path:
        return value
    for key in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _unwrap(response: Any, endpoint: Endpoint) -> Any:
    return dig(response, endpoint.rows_path) if endpoint.rows_path else response


@register("paged")
@register("items")
def items_rows(response: Any, endpoint: Endpoint) -> list:
    body = _unwrap(response, endpoint)
    if isinstance(body, list):  # the client's paginate() already unwrapped the page
        return body
    if isinstance(body, dict):
        return list(body.get("items") or [])
    return []


@register("array")
def array_rows(response: Any, endpoint: Endpoint) -> list:
    body = _unwrap(response, endpoint)
    if isinstance(body, dict):  # tolerate {"items": [...]} and {"data": [...]}
        body = body.get("items", body.get("data", []))
    return list(body or [])


@register("object")
def object_rows(response: Any, endpoint: Endpoint) -> list:
    body = _unwrap(response, endpoint)
    return [body] if isinstance(body, dict) else []


def set_path(row: dict, path: str, value: Any) -> None:
    """Set a dotted path inside a row, creating nested dicts as needed."""
    keys = path.split(".")
    for k in keys[:-1]:
        nxt = row.get(k)
        if not isinstance(nxt, dict):
            nxt = {}
            row[k] = nxt
        row = nxt
    row[keys[-1]] = value


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
