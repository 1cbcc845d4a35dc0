"""Plumbing of the benchmarks: the emulator subprocess, measuring one client run, json.loads cost.

Every URL used here is on 127.0.0.1 (the emulator started by :class:`EmulatorProcess`).
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

import requests

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


class EmulatorProcess:
    """The emulator in a child process (see ``emulator_proc.py`` for why), driven over HTTP."""

    def __init__(self, seed: int = 7, size: str = "medium", startup_timeout: float = 300.0) -> None:
        self.seed, self.size, self.startup_timeout = seed, size, startup_timeout
        self.proc: subprocess.Popen | None = None
        self.http = requests.Session()
        self.http.trust_env = False  # never route 127.0.0.1 through a proxy

    def __enter__(self) -> "EmulatorProcess":
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE / "emulator_proc.py"), "--seed", str(self.seed), "--size", self.size],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
        )
        line = self.proc.stdout.readline()  # blocks until the emulator is up (or died)
        if not line:
            self.proc.wait(timeout=10)
            raise RuntimeError(f"emulator process exited with code {self.proc.returncode} before starting")
        info = json.loads(line)
        self.url: str = info["url"]
        self.props: dict[str, Any] = info["props"]
        self.control: str = info["control"]
        self.facts_file = Path(info["facts_file"])
        self.token: str = self.props.get("OAuthAccessToken", "")
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.proc is None:
            return
        try:
            self.http.post(f"{self.control}/shutdown", json={}, timeout=5)
        except requests.RequestException:
            pass
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.facts_file.unlink(missing_ok=True)

    def facts(self) -> dict[str, Any]:
        with self.facts_file.open(encoding="utf-8") as fh:
            return json.load(fh)

    def log_count(self) -> int:
        return self.http.get(f"{self.control}/log/count", timeout=30).json()["count"]

    def log_since(self, start: int) -> list[dict]:
        return self.http.get(f"{self.control}/log", params={"start": start}, timeout=60).json()["entries"]

    def set_latency(self, seconds: float) -> None:
        self.http.post(f"{self.control}/latency", json={"seconds": seconds}, timeout=30).raise_for_status()

    def absolute(self, path: str) -> str:
        """Full URL of a logged request path (which may or may not include the /v5 prefix)."""
        base = urlsplit(self.url)
        if path.startswith(base.path + "/") or path == base.path:
            return f"{base.scheme}://{base.netloc}{path}"
        return self.url.rstrip("/") + path


@dataclass
class Measurement:
    """One client running one query."""

    client: str
    calls: int = 0
    wall: float = 0.0
    cpu: float | None = None
    rows: int | None = None
    error: str | None = None
    entries: list[dict] = field(default_factory=list)
    note: str = ""


def measure(emu: EmulatorProcess, client: str, fn: Callable[[], int]) -> Measurement:
    """Runs ``fn`` (which returns the result's row count) and counts the calls the emulator served."""
    gc.collect()  # garbage of the previous query is not this query's cost
    start = emu.log_count()
    t0, c0 = time.perf_counter(), time.process_time()
    m = Measurement(client)
    try:
        m.rows = fn()
    except Exception as exc:  # a failing client is a result too: report it, keep benchmarking
        m.error = f"{type(exc).__name__}: {exc}"[:300]
    m.wall = time.perf_counter() - t0
    m.cpu = time.process_time() - c0
    m.entries = api_calls(emu.log_since(start))
    m.calls = len(m.entries)
    return m


def api_calls(entries: list[dict]) -> list[dict]:
    """The log entries that are Pinterest API calls (OAuth token traffic is not counted)."""
    return [e for e in entries if e.get("category") != "oauth"]


def ideal_client_seconds(emu: EmulatorProcess, entries: list[dict], concurrency: int,
                         rounds: int = 3) -> float | None:
    """Wall time of a minimal client making the same calls: requests + ``json.loads`` and nothing else.

    The logged GETs are grouped into chains (same path and parameters but the bookmark: the
    pages of one list), each chain fetched in order, up to ``concurrency`` chains at once, at
    whatever latency the emulator injects now. Dependencies between chains (a fan-out waits
    for its parent list) are ignored, so this is optimistic: a floor for the same plan against
    this emulator, which bills its own serving time and contention as a real client would see.
    The best of ``rounds`` runs on the same keep-alive connections (pinsql's connections share
    theirs too), so a TCP handshake or a slow run does not lower the floor.
    """
    chains: dict[tuple, list[dict]] = {}
    for e in entries:
        if e["method"] == "GET" and e.get("status") in (200, None):
            key = (e["path"], tuple(sorted((k, tuple(v)) for k, v in e["query"].items() if k != "bookmark")))
            chains.setdefault(key, []).append(e)
    if not chains:
        return None
    local = threading.local()

    def run_chain(chain: list[dict]) -> None:
        if not hasattr(local, "session"):
            local.session = requests.Session()
            local.session.trust_env = False
            local.session.headers["Authorization"] = f"Bearer {emu.token}"
        for e in chain:
            json.loads(local.session.get(emu.absolute(e["path"]), params=e["query"], timeout=60).content)

    best = float("inf")
    with ThreadPoolExecutor(max(1, concurrency)) as pool:  # its threads keep their sessions between rounds
        for _ in range(max(1, rounds)):
            t0 = time.perf_counter()
            list(pool.map(run_chain, chains.values()))
            best = min(best, time.perf_counter() - t0)
    return best


def response_rows(payload: Any) -> int:
    """Rows one API response carries: its items, its array elements, or the one object."""
    if isinstance(payload, list):
        return len(payload)
    if isinstance(payload, dict) and isinstance(payload.get("items"), list):
        return len(payload["items"])
    return 1


@dataclass
class JsonCost:
    bodies: int
    api_rows: int
    seconds: float  # json.loads over all bodies (best of several rounds)
    #: Wall time of the replay: the same requests one after another with no injected
    #: latency, i.e. what serving them costs the emulator (plus one HTTP round trip each).
    serve_seconds: float | None
    texts: list[bytes] = field(default_factory=list, repr=False)

    def one_round(self) -> float:
        """CPU seconds of one more ``json.loads`` pass over the bodies."""
        t0 = time.process_time()
        for b in self.texts:
            json.loads(b)
        return time.process_time() - t0


def json_loads_cost(emu: EmulatorProcess, entries: list[dict], rounds: int = 5,
                    time_serving: bool = True) -> JsonCost | None:
    """Fetches the logged GET requests again (latency 0) and times ``json.loads`` over their bodies.

    This is the floor of client CPU for a query: any client must at least decode the JSON.
    With ``time_serving`` the requests are replayed one after another and their wall time is
    kept (``serve_seconds``); otherwise they are fetched on 4 threads, which is quicker.
    Returns None if a request cannot be replayed (e.g. single-use bookmarks).
    """
    gets = [e for e in entries if e["method"] == "GET" and e.get("status") in (200, None)]
    if not gets:
        return None
    session = requests.Session()
    session.trust_env = False
    session.headers["Authorization"] = f"Bearer {emu.token}"

    def fetch(e: dict) -> bytes | None:
        r = session.get(emu.absolute(e["path"]), params=e["query"], timeout=60)
        return r.content if r.status_code == 200 else None

    t_serve = time.perf_counter()
    if time_serving:
        bodies = [fetch(e) for e in gets]
    else:
        with ThreadPoolExecutor(4) as pool:
            bodies = list(pool.map(fetch, gets))
    serve = time.perf_counter() - t_serve
    if any(b is None for b in bodies):
        return None
    api_rows = sum(response_rows(json.loads(b)) for b in bodies)
    cost = JsonCost(len(bodies), api_rows, float("inf"), serve if time_serving else None, bodies)
    cost.seconds = min(cost.one_round() for _ in range(rounds))
    return cost
