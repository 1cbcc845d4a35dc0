"""A progress line on stderr while a statement runs longer than about a second.

A timer thread reads the connection's API counters (calls, pages, retries,
time spent waiting on rate limits) a few times a second and redraws one line.
Only when stderr is a terminal, so it never mixes into piped data, and the line
is erased when the work is done.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from typing import IO, Any

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


def counters_of(conn: Any) -> dict[str, Any]:
    """The connection's API counters as a dict ({} when it keeps none)."""
    for holder in (conn, getattr(conn, "client", None), getattr(conn, "_client", None)):
        counters = getattr(holder, "counters", None) if holder is not None else None
        snapshot = getattr(counters, "snapshot", None)
        if callable(snapshot):
            try:
                return dict(snapshot())
            except Exception:  # a counter read must never break the query
                return {}
    calls = getattr(conn, "api_calls", None)
    if isinstance(calls, int):
        return {"calls": calls}
    if isinstance(calls, dict):
        return dict(calls)
    return {}


def describe_counters(now: dict[str, Any], before: dict[str, Any] | None = None, *, rows: bool = False) -> str:
    """``"12 API calls, 5 pages, 1 retry, waited 2.0 s on rate limits"`` (differences since ``before``).

    ``rows`` adds the rows fetched from the API (the progress line; a result footer counts its own rows).
    """
    before = before or {}

    def delta(key: str) -> float:
        value = now.get(key) or 0
        return value - (before.get(key) or 0) if isinstance(value, (int, float)) else 0

    calls, pages, retries, wait = delta("calls"), delta("pages"), delta("retries"), delta("rate_limit_wait_seconds")
    parts = [f"{int(calls):,} API call{'s' if calls != 1 else ''}"]
    if pages:
        parts.append(f"{int(pages):,} page{'s' if pages != 1 else ''}")
    fetched = delta("rows")
    if rows and fetched:
        parts.append(f"{int(fetched):,} row{'s' if fetched != 1 else ''} fetched")
    if retries:
        parts.append(f"{int(retries):,} retr{'ies' if retries != 1 else 'y'}")
    if wait >= 0.05:
        parts.append(f"waited {wait:.1f} s on rate limits")
    return ", ".join(parts)


class Progress:
    """Context manager drawing ``⠋ 3.2 s · 12 API calls, 5 pages`` on stderr until it exits."""

    def __init__(
        self,
        read_counters: Callable[[], dict[str, Any]],
        *,
        stream: IO[str] | None = None,
        delay: float = 1.0,
        interval: float = 0.2,
        enabled: bool | None = None,
        label: str = "",
    ) -> None:
        self._read = read_counters
        self._stream = stream if stream is not None else sys.stderr
        if enabled is None:
            enabled = bool(getattr(self._stream, "isatty", lambda: False)())
        self.enabled = enabled
        self._delay = delay
        self._interval = interval
        self._label = label
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._drawn = False
        self._start = 0.0
        self._before: dict[str, Any] = {}

    def __enter__(self) -> Progress:
        self._start = time.monotonic()
        if self.enabled:
            self._before = self._safe_read()
            self._thread = threading.Thread(target=self._run, name="pinsql-progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if self._drawn:
            self._write("\r\x1b[2K")

    def _safe_read(self) -> dict[str, Any]:
        try:
            return self._read()
        except Exception:
            return {}

    def _write(self, text: str) -> None:
        try:
            self._stream.write(text)
            self._stream.flush()
        except (OSError, ValueError):
            pass

    def _run(self) -> None:
        if self._stop.wait(self._delay):
            return
        frame = 0
        while not self._stop.is_set():
            elapsed = time.monotonic() - self._start
            text = describe_counters(self._safe_read(), self._before, rows=True)
            label = f"{self._label} · " if self._label else ""
            self._write(f"\r\x1b[2K{SPINNER[frame % len(SPINNER)]} {label}{elapsed:.1f} s · {text}")
            self._drawn = True
            frame += 1
            self._stop.wait(self._interval)
