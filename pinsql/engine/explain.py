"""``EXPLAIN <select>``: the planned API calls as rows, without calling the API."""

from __future__ import annotations

import json

import pyarrow as pa

from pinsql.engine.planner import Scan


def explain_table(scans: list[Scan]) -> pa.Table:
    """One row per planned scan: table, endpoint, parameters, estimated calls, notes."""
    rows = []
    for i, s in enumerate(scans, start=1):
        notes = []
        if s.empty:
            notes.append(f"no API call: {s.reason or 'the conditions match nothing'}")
        if s.limit is not None:
            notes.append(f"stops after {s.limit} rows")
        if s.order is not None:
            notes.append(f"ordered by the API on {s.order[0]} {'DESC' if s.order[1] else 'ASC'}")
        sources = sorted({f"{b.source.other_alias}" for b in s.bindings if b.kind == "semijoin"})
        if sources:
            notes.append("runs after the scan of " + ", ".join(sources) + " (semi-join keys)")
        rows.append(
            {
                "step": i,
                "table_name": s.table.name,
                "alias": s.ref.alias,
                "endpoint": f"GET {s.endpoint.path}",
                "parameters": json.dumps(s.describe_params(), sort_keys=True),
                "estimated_calls": "0" if s.empty else s.estimate_text,
                "rate_limit_category": s.endpoint.rate_limit_category,
                "notes": "; ".join(notes),
            }
        )
    if not rows:
        rows.append({"step": 0, "table_name": None, "alias": None, "endpoint": None, "parameters": "{}",
                     "estimated_calls": "0", "rate_limit_category": None, "notes": "no Pinterest table: no API call"})
    schema = pa.schema([("step", pa.int64()), ("table_name", pa.string()), ("alias", pa.string()), ("endpoint", pa.string()),
                        ("parameters", pa.string()), ("estimated_calls", pa.string()),
                        ("rate_limit_category", pa.string()), ("notes", pa.string())])
    return pa.Table.from_pylist(rows, schema=schema)
