"""The progress line: only on a terminal, after the delay, erased at the end, counters as text."""

from __future__ import annotations

import io
import threading
import time

from pinsql.cli.progress import Progress, counters_of, describe_counters


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_describe_counters_shows_differences():
    before = {"calls": 2, "pages": 1, "retries": 0, "rate_limit_wait_seconds": 0.0}
    now = {"calls": 14, "pages": 6, "retries": 1, "rate_limit_wait_seconds": 2.04}
    assert describe_counters(now, before) == "12 API calls, 5 pages, 1 retry, waited 2.0 s on rate limits"
    assert describe_counters({"calls": 1}) == "1 API call"
    assert describe_counters({"calls": 2, "pages": 2, "rows": 500}, rows=True) == "2 API calls, 2 pages, 500 rows fetched"
    assert describe_counters({"calls": 2, "pages": 2, "rows": 500}) == "2 API calls, 2 pages"
    assert describe_counters({}) == "0 API calls"


def test_progress_draws_on_a_terminal_and_erases():
    stream = FakeTerminal()
    calls = {"calls": 0}
    lock = threading.Lock()

    def read():
        with lock:
            calls["calls"] += 1
            return dict(calls)

    with Progress(read, stream=stream, delay=0.05, interval=0.02) as p:
        assert p.enabled
        time.sleep(0.3)
    text = stream.getvalue()
    assert "API calls" in text and "\r" in text
    assert text.endswith("\r\x1b[2K")  # the line is cleared when done


def test_progress_silent_when_not_a_terminal_or_fast():
    stream = io.StringIO()
    with Progress(lambda: {"calls": 1}, stream=stream, delay=0.01, interval=0.01) as p:
        assert not p.enabled
        time.sleep(0.05)
    assert stream.getvalue() == ""
    tty = FakeTerminal()
    with Progress(lambda: {"calls": 1}, stream=tty, delay=5):
        pass  # finished before the delay: nothing drawn
    assert tty.getvalue() == ""


def test_progress_survives_a_failing_counter_read():
    stream = FakeTerminal()

    def broken():
        raise RuntimeError("boom")

    with Progress(broken, stream=stream, delay=0.0, interval=0.01):
        time.sleep(0.05)
    assert "0 API calls" in stream.getvalue()


def test_counters_of_reads_snapshot_or_int():
    class Counters:
        def snapshot(self):
            return {"calls": 3, "pages": 2}

    class WithCounters:
        counters = Counters()

    class WithClient:
        client = WithCounters()

    class WithInt:
        api_calls = 4

    assert counters_of(WithCounters()) == {"calls": 3, "pages": 2}
    assert counters_of(WithClient()) == {"calls": 3, "pages": 2}
    assert counters_of(WithInt()) == {"calls": 4}
    assert counters_of(object()) == {}
