"""Call-count and latency benchmarks of pinsql against the local emulator, beside two baselines.

    python benchmarks/run.py [--latency-ms 50] [--size medium|large] [--queries NAME,...] [--no-sdk]

Starts the emulator in a subprocess on 127.0.0.1 (so its CPU stays out of
the client CPU measurement), injects a fixed latency per API call, and runs
each query of ``queries.py`` with pinsql, with a plain requests + pandas
script (``baseline_requests.py``) and with the official SDK
(``baseline_sdk.py``, in its own venv). For every client it prints API
calls vs the lower bound, wall time vs the critical path, rows/s and client
CPU per row vs the cost of ``json.loads`` on the same responses. Targets
(reported, not asserted): calls == lower bound, wall <= 1.3 x critical path,
CPU/row <= 2 x json.loads/row. See README.md for the column definitions.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from harness import (  # noqa: E402
    EmulatorProcess, JsonCost, Measurement, api_calls, ideal_client_seconds, json_loads_cost, measure,
)
from lower_bound import Plan  # noqa: E402
from queries import BY_NAME, QUERIES, Query  # noqa: E402

TARGET_WALL_RATIO = 1.3
TARGET_CPU_RATIO = 2.0


# ------------------------------------------------------------------ clients

def pinsql_status() -> str | None:
    """None when pinsql's DB-API is usable, else why not."""
    try:
        import pinsql

        pinsql.connect  # noqa: B018
    except Exception as exc:  # the engine may still be under construction
        return f"pinsql.connect unavailable ({type(exc).__name__}: {exc})"
    return None


def pinsql_props(emu: EmulatorProcess, facts: dict, concurrency: int | None) -> dict[str, Any]:
    props = dict(emu.props)
    props.setdefault("AdAccountId", facts["ad_account_id"])  # the bounds assume no discovery call
    if concurrency:
        props["MaxConcurrency"] = concurrency
    return props


def run_pinsql(emu: EmulatorProcess, sql: str, props: dict[str, Any]) -> Measurement:
    import pinsql

    conn = pinsql.connect(**props)  # connecting is not part of the query's cost
    try:
        def go() -> int:
            cur = conn.cursor()
            cur.execute(sql)
            return cur.fetch_arrow_table().num_rows

        return measure(emu, "pinsql", go)
    finally:
        conn.close()


def run_requests(emu: EmulatorProcess, q: Query, params: dict, facts: dict, budget: float) -> Measurement:
    from baseline_requests import BASELINES, BudgetExceeded, PlainApi

    fn = BASELINES.get(q.name)
    if fn is None:
        return Measurement("requests", note="no baseline for this query")
    api = PlainApi(emu.url, emu.token, facts["ad_account_id"], budget_seconds=budget)
    m = measure(emu, "requests", lambda: len(fn(api, params)))
    if m.error and BudgetExceeded.__name__ in m.error:
        m.error, m.note = None, f"stopped after {budget:.0f} s budget"
    return m


def run_sdk(emu: EmulatorProcess, q: Query, params: dict, facts: dict, budget: float) -> Measurement:
    from baseline_sdk import QUERIES as SDK_QUERIES
    from sdk_env import ensure_sdk_python

    if q.name not in SDK_QUERIES:
        return Measurement("sdk", note="no baseline for this query")
    python = ensure_sdk_python()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PINTEREST_", "PYTHON"))}
    env.update(PINTEREST_API_URI=emu.url, PINTEREST_ACCESS_TOKEN=emu.token)
    cmd = [str(python), str(HERE / "baseline_sdk.py"), "--ad-account", facts["ad_account_id"],
           "--query", q.name, "--params", json.dumps(params), "--budget", str(budget)]
    start = emu.log_count()
    m = Measurement("sdk")
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as cwd:  # no stray .env / config.json for the SDK to load
        try:
            out = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=budget + 60)
            lines = out.stdout.strip().splitlines()
            result = json.loads(lines[-1]) if lines else {"error": out.stderr.strip()[-300:]}
        except subprocess.TimeoutExpired:
            result = {"wall": time.perf_counter() - t0, "note": f"stopped after {budget:.0f} s budget"}
    m.rows, m.error, m.note = result.get("rows"), result.get("error"), result.get("note", "")
    m.wall, m.cpu = result.get("wall", time.perf_counter() - t0), result.get("cpu")
    m.entries = api_calls(emu.log_since(start))
    m.calls = len(m.entries)
    return m


def best_of(n: int, run_once: Any) -> Measurement:
    """The fastest of ``n`` runs (fresh connection each); every run must make the same calls."""
    runs = [run_once() for _ in range(max(1, n))]
    best = min(runs, key=lambda m: m.wall)
    if len({m.calls for m in runs}) > 1:
        best.note = (best.note + "; " if best.note else "") + f"calls differ between runs: {[m.calls for m in runs]}"
    return best


def paired_cpu(m: Measurement, cost: JsonCost, rounds: int, run_once: Any) -> None:
    """pinsql's CPU and its json.loads reference, measured turn about in one window.

    This machine's speed drifts by tens of percent over minutes (the reference alone moved 2x
    between two runs), which a ratio of two numbers measured apart would report as the
    client's. So each round runs the query once more (at the benchmark's latency) and then
    three json.loads passes over its responses (the first one warms the caches the query
    left cold, which would otherwise bill a one-row body tenfold); the ratio is of the minimums.
    """
    cpus, refs = [], []
    for _ in range(max(1, rounds)):
        again = run_once()
        if again.cpu is not None and not again.error:
            cpus.append(again.cpu)
        refs.extend(cost.one_round() for _ in range(3))
    if cpus:
        m.cpu, cost.seconds = min(cpus), min(refs)


# ------------------------------------------------------------------ report

def fmt(value: float | int | None, spec: str = ".2f") -> str:
    return "-" if value is None else format(value, spec)


def row_for(m: Measurement, q: Query, facts: dict, params: dict, plan: Plan, crit: float, ideal: float | None,
            cost: JsonCost | None, expected: int | None) -> dict[str, Any]:
    api_rows = cost.api_rows if cost else None
    cpu_row = m.cpu / api_rows * 1e6 if (m.cpu is not None and api_rows) else None
    json_row = cost.seconds / api_rows * 1e6 if (cost and api_rows) else None
    note = m.error or m.note
    if m.rows is not None and expected is not None and m.rows != expected and not m.error:
        note = (note + "; " if note else "") + f"{m.rows - expected:+d} rows vs the answer ({expected})"
        if m.rows < expected and q.calls_to_match and m.client != "pinsql":
            note += f"; all statuses would take {q.calls_to_match(facts, params)} calls"
    if q.expect_error:
        ok = m.error is not None
        if ok:
            note = "expected error: " + note
        elif m.rows is not None:
            note = (note + "; " if note else "") + "returned rows where a clear error was expected"
    else:
        ok = m.error is None and not m.note.startswith("stopped") and (expected is None or m.rows == expected)
    serve = cost.serve_seconds if cost else None
    floor = max(crit, ideal) if ideal else None  # the best wall time reachable against this emulator
    note = " ".join((note or "").split())  # one line: error texts may carry newlines
    note = note if len(note) <= 200 else note[:197] + "..."
    return {
        "client": m.client, "calls": m.calls, "lower_bound": plan.calls, "wall_s": m.wall,
        "critical_path_s": crit, "wall_ratio": m.wall / crit if crit else None,
        "serve_s": serve, "ideal_s": ideal, "wall_floor_ratio": m.wall / floor if floor else None, "rows": m.rows,
        "api_rows": api_rows, "rows_per_s": api_rows / m.wall if (api_rows and m.wall) else None,
        "cpu_us_per_row": cpu_row, "json_us_per_row": json_row,
        "cpu_ratio": cpu_row / json_row if (cpu_row and json_row) else None,
        "ok": ok, "note": note or "",
    }


HEADER = ("client", "calls", "LB", "wall s", "crit s", "wall/crit", "ideal s", "wall/floor", "rows", "API rows",
          "rows/s", "CPU µs/row", "json µs/row", "CPU/json", "note")


def print_table(q: Query, sql: str, plan: Plan, crit_calls: int, crit: float, latency: float,
                rows: list[dict[str, Any]]) -> None:
    print(f"\n### {q.name}: {q.question}\n")
    print(f"`{sql if len(sql) < 160 else sql[:157] + '...'}`\n")
    print(f"Lower bound: **{plan.calls} calls** ({plan.rule}); critical path {crit_calls} calls "
          f"= {crit:.2f} s at {latency * 1000:.0f} ms/call.\n")
    print("| " + " | ".join(HEADER) + " |")
    print("|" + "---|" * len(HEADER))
    for r in rows:
        cells = [r["client"], fmt(r["calls"], "d"), fmt(r["lower_bound"], "d"), fmt(r["wall_s"]),
                 fmt(r["critical_path_s"]), fmt(r["wall_ratio"]), fmt(r["ideal_s"]), fmt(r["wall_floor_ratio"]),
                 fmt(r["rows"], "d"),
                 fmt(r["api_rows"], "d"),
                 fmt(r["rows_per_s"], ".0f"), fmt(r["cpu_us_per_row"], ".1f"), fmt(r["json_us_per_row"], ".1f"),
                 fmt(r["cpu_ratio"], ".1f"), r["note"].replace("|", "/")]
        print("| " + " | ".join(cells) + " |")
    sys.stdout.flush()


def mark(value: float | None, target: float) -> str:
    return "" if value is None else (" ✓" if value <= target else " ✗")


def print_summary(results: list[dict[str, Any]]) -> None:
    print("\n### Summary (pinsql against the targets)\n")
    print("| query | calls / LB | wall / crit | wall / floor | CPU / json | answer | × faster than requests "
          "| × faster than SDK |")
    print("|---|---|---|---|---|---|---|---|")
    for res in results:
        by = {r["client"]: r for r in res["clients"]}
        p = by.get("pinsql")
        if p is None:
            continue

        def speedup(other: str) -> str:
            o = by.get(other)
            if not o or not o["wall_s"] or not p["wall_s"] or not p["ok"] or res["expect_error"]:
                return "-"
            return f"{o['wall_s'] / p['wall_s']:.1f}" + ("+" if "budget" in o["note"] else "")

        calls = f"{p['calls']} / {p['lower_bound']}" + (" ✓" if p["calls"] == p["lower_bound"] else " ✗")
        wall = fmt(p["wall_ratio"]) + mark(p["wall_ratio"], TARGET_WALL_RATIO)
        cpu = fmt(p["cpu_ratio"], ".1f") + mark(p["cpu_ratio"], TARGET_CPU_RATIO)
        answer = "ok" if p["ok"] else (p["note"][:60] or "wrong")
        floor = fmt(p["wall_floor_ratio"]) + mark(p["wall_floor_ratio"], TARGET_WALL_RATIO)
        print(f"| {res['query']} | {calls} | {wall} | {floor} | {cpu} | {answer} | {speedup('requests')} "
              f"| {speedup('sdk')} |")


# ------------------------------------------------------------------ main

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=float, default=50.0, help="injected latency per API call (default 50)")
    parser.add_argument("--size", default="medium", choices=["tiny", "small", "medium", "large"],
                        help="emulator dataset size (default medium)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--queries", default="", help=f"comma-separated subset of: {', '.join(BY_NAME)}")
    parser.add_argument("--no-sdk", action="store_true", help="skip the pinterest-api-sdk baseline")
    parser.add_argument("--no-requests", action="store_true", help="skip the requests + pandas baseline")
    parser.add_argument("--concurrency", type=int, default=None,
                        help="pinsql MaxConcurrency, also the cap used for the critical path (default: pinsql's)")
    parser.add_argument("--baseline-budget", type=float, default=45.0,
                        help="seconds a baseline may spend on one query before it is stopped (default 45)")
    parser.add_argument("--repeat", type=int, default=2,
                        help="runs of each pinsql query; the fastest is reported (default 2)")
    parser.add_argument("--json", type=Path, default=None, help="also write all results to this JSON file")
    args = parser.parse_args(argv)

    selected = QUERIES
    if args.queries:
        unknown = [n for n in args.queries.split(",") if n not in BY_NAME]
        if unknown:
            parser.error(f"unknown queries {unknown}; known: {', '.join(BY_NAME)}")
        selected = [BY_NAME[n] for n in args.queries.split(",")]
    latency = args.latency_ms / 1000.0
    concurrency = args.concurrency or _pinsql_default_concurrency()
    why_no_pinsql = pinsql_status()
    if why_no_pinsql:
        print(f"note: {why_no_pinsql}; running the baselines only", file=sys.stderr)
    if not args.no_sdk:
        from sdk_env import ensure_sdk_python

        ensure_sdk_python()

    started = time.perf_counter()
    results: list[dict[str, Any]] = []
    with EmulatorProcess(seed=args.seed, size=args.size) as emu:
        facts = emu.facts()
        props = pinsql_props(emu, facts, args.concurrency)
        print(f"# pinsql benchmarks: size={args.size} seed={args.seed} latency={args.latency_ms:g} ms/call "
              f"concurrency cap={concurrency}\n")
        print(f"Dataset: {len(facts['campaigns'])} campaigns, {facts['ad_groups_total']} ad groups, "
              f"{len(facts['boards'])} boards, {sum(n for _, n in facts['boards'])} board pins "
              f"(ad account {facts['ad_account_id']}).")
        if not why_no_pinsql:
            _warm_up(props)
        emu.set_latency(latency)
        for q in selected:
            params = q.params(facts)
            sql = q.sql(params)
            plan = q.plan(facts, params)
            crit_calls = plan.critical_calls(concurrency)
            crit = crit_calls * latency
            expected = q.expected_rows(facts, params)
            measurements = []
            if not why_no_pinsql:
                measurements.append(best_of(args.repeat, lambda: run_pinsql(emu, sql, props)))
            if not args.no_requests:
                measurements.append(run_requests(emu, q, params, facts, args.baseline_budget))
            if not args.no_sdk:
                measurements.append(run_sdk(emu, q, params, facts, args.baseline_budget))
            ideal = {m.client: ideal_client_seconds(emu, m.entries, concurrency)
                     for m in measurements if m.client == "pinsql"}
            emu.set_latency(0.0)  # replaying responses for json.loads timing needs no latency
            costs = [json_loads_cost(emu, m.entries, time_serving=m.client == "pinsql") for m in measurements]
            emu.set_latency(latency)
            for m, cost in zip(measurements, costs):
                if m.client == "pinsql" and cost is not None and not m.error:
                    paired_cpu(m, cost, args.repeat, lambda: run_pinsql(emu, sql, props))
            rows = [row_for(m, q, facts, params, plan, crit, ideal.get(m.client), cost, expected)
                    for m, cost in zip(measurements, costs)]
            print_table(q, sql, plan, crit_calls, crit, latency, rows)
            results.append({"query": q.name, "sql": sql, "lower_bound": plan.calls, "rule": plan.rule,
                            "critical_path_calls": crit_calls, "expected_rows": expected,
                            "expect_error": q.expect_error, "clients": rows})
        print_summary(results)
    elapsed = time.perf_counter() - started
    print(f"\nTotal run time {elapsed:.0f} s.")
    if args.json:
        args.json.write_text(json.dumps({"size": args.size, "seed": args.seed, "latency_ms": args.latency_ms,
                                         "concurrency": concurrency, "results": results}, indent=1))
    return 0


def _pinsql_default_concurrency() -> int:
    try:
        from pinsql.properties import ConnectionProperties

        return int(ConnectionProperties.max_concurrency)
    except Exception:
        return 4


def _warm_up(props: dict[str, Any]) -> None:
    """Two queries first, so imports, catalog loading and DuckDB's first JSON read (a few hundred
    milliseconds, once per process) are not billed to the first query: a small answer (converted in
    Python) and a list of several large pages (parsed by DuckDB)."""
    import pinsql

    try:
        conn = pinsql.connect(**props)
        try:
            for sql in ("SELECT id FROM ad_accounts LIMIT 1", "SELECT id, name FROM campaigns"):
                cur = conn.cursor()
                cur.execute(sql)
                cur.fetchall()
        finally:
            conn.close()
    except Exception as exc:
        print(f"note: warm-up query failed: {type(exc).__name__}: {exc}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
