"""Runs the pinsql emulator in its own process for the benchmarks.

Why a separate process: the benchmark measures the *client's* CPU time with
``time.process_time()``. An in-process emulator would add the server's JSON
encoding and request handling to that number (and compete for the GIL), so
the emulator lives here and the harness talks to it over HTTP only.

The parent reads one JSON line from stdout::

    {"url": ..., "props": {...}, "control": "http://127.0.0.1:PORT", "facts_file": ...}

and then drives a tiny control server on 127.0.0.1:

    GET  /log/count          -> {"count": n}         requests served so far
    GET  /log?start=n        -> {"entries": [...]}   entries from index n on
    POST /latency  {"seconds": s}                    sets emu.faults.latency
    POST /shutdown

The facts each query's lower bound needs (``benchmarks/facts.py``) are
computed here, from the very dataset the emulator serves, and written once to
``facts_file`` (JSON).
The process exits when its stdin closes (the parent died) or on /shutdown.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


def _plain(value: Any) -> Any:
    """Turn emulator objects (dataclasses, namedtuples, sets, dates) into JSON-able values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if hasattr(value, "_asdict"):
        return _plain(value._asdict())
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if hasattr(value, "__dict__") and not callable(value):
        return {k: _plain(v) for k, v in vars(value).items() if not k.startswith("_")}
    return str(value)


def log_entry(entry: Any) -> dict:
    """One request-log entry as {"method", "path", "query", "status", "category"} (query: dict of lists)."""
    plain = _plain(entry)
    if isinstance(plain, list):  # (method, path, query) tuple
        plain = dict(zip(("method", "path", "query"), plain))
    query = plain.get("query") or plain.get("params") or {}
    if isinstance(query, str):
        query = parse_qs(query, keep_blank_values=True)
    path = plain.get("path", "")
    if "?" in path:  # a raw request target
        path, _, raw = path.partition("?")
        query = {**parse_qs(raw, keep_blank_values=True), **query}
    query = {k: v if isinstance(v, list) else [v] for k, v in query.items()}
    return {"method": plain.get("method", "GET"), "path": path, "query": query,
            "status": plain.get("status"), "category": plain.get("category")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--size", default="medium")
    args = parser.parse_args()

    from pinsql.emulator import Emulator

    from facts import collect_facts  # benchmarks/ is this script's directory, first on sys.path

    emu = Emulator(seed=args.seed, size=args.size, cache_responses=True)
    emu.__enter__()
    facts_file = tempfile.NamedTemporaryFile("w", suffix=".json", prefix="pinsql-bench-facts-", delete=False)
    with facts_file:
        json.dump(collect_facts(emu), facts_file)
    lock = threading.Lock()
    stop = threading.Event()

    class Control(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep stderr quiet
            pass

        def _reply(self, payload: Any, status: int = 200) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            with lock:
                log = list(emu.request_log)
            if url.path == "/log/count":
                self._reply({"count": len(log)})
            elif url.path == "/log":
                start = int(parse_qs(url.query).get("start", ["0"])[0])
                self._reply({"entries": [log_entry(e) for e in log[start:]]})
            else:
                self._reply({"error": "not found"}, 404)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            if self.path == "/latency":
                emu.faults.latency = float(body["seconds"])
                self._reply({"latency": emu.faults.latency})
            elif self.path == "/shutdown":
                self._reply({"ok": True})
                stop.set()
            else:
                self._reply({"error": "not found"}, 404)

    control = ThreadingHTTPServer(("127.0.0.1", 0), Control)
    threading.Thread(target=control.serve_forever, daemon=True).start()
    # The parent closing our stdin means it is gone: stop too.
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()

    print(json.dumps({
        "url": emu.url,
        "props": emu.connection_properties(),
        "control": f"http://127.0.0.1:{control.server_address[1]}",
        "facts_file": facts_file.name,
    }), flush=True)
    stop.wait()
    control.shutdown()
    emu.__exit__(None, None, None)


if __name__ == "__main__":
    main()
