"""Helpers for planner tests: SQL in, planned scans out, no network."""

from __future__ import annotations

import datetime as dt

from pinsql.catalog import load_catalog
from pinsql.engine.params import parse
from pinsql.engine.planner import Scan, plan_statement
from pinsql.engine.references import resolve

TODAY = dt.date(2026, 11, 29)


def plan_sql(sql: str, params=None, today: dt.date = TODAY, local: set[str] | None = None) -> list[Scan]:
    tree, _ = parse(sql, params)
    refs, _ = resolve(tree, load_catalog(), local or set())
    return plan_statement(tree, refs, today=today)


def binding(scan: Scan, column: str):
    for b in scan.bindings:
        if b.filter.column == column:
            return b
    return None
