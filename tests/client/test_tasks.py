"""Task groups on the process-wide cache of worker threads (pinsql.client.tasks)."""

from __future__ import annotations

import threading
import time

import pytest

from pinsql.client.tasks import TaskGroup, _Threads


def _running_peak(workers: int, tasks: int) -> int:
    lock, running, peak = threading.Lock(), [0], [0]
    meet = threading.Barrier(workers) if workers > 1 else None  # proves they overlap, whatever the load

    def work(_):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        if meet is not None:
            meet.wait(5)
        time.sleep(0.005)
        with lock:
            running[0] -= 1

    with TaskGroup(workers) as group:
        for n in range(tasks):
            group.submit(work, n)
        group.wait()
    return peak[0]


def test_a_group_runs_at_most_its_workers_at_once():
    assert _running_peak(2, 12) == 2
    assert _running_peak(1, 5) == 1


def test_threads_are_reused_by_the_next_group():
    from pinsql.client.tasks import _THREADS

    def names(n):
        with TaskGroup(3) as group:
            futures = [group.submit(lambda _: (time.sleep(0.005), threading.current_thread().name)[1], k) for k in range(n)]
            group.wait()
        return {f.result() for f in futures}

    first = names(6)
    assert all(name.startswith("pinsql-worker-") for name in first)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not first <= {w.name for w in _THREADS._idle}:  # back in the cache
        time.sleep(0.001)
    again = names(6)
    assert again <= first  # the idle threads, most recent first: no new thread


def test_nested_groups_never_wait_for_a_busy_thread():
    """A task that waits for its own nested group still gets threads for it (no queueing behind busy workers)."""
    def outer(n):
        with TaskGroup(2) as inner:
            futures = [inner.submit(lambda k: k * 2, k) for k in range(4)]
            inner.wait()
        return n + sum(f.result() for f in futures)

    with TaskGroup(1) as group:
        futures = [group.submit(outer, n) for n in range(3)]
        group.wait()
    assert [f.result() for f in futures] == [12, 13, 14]


def test_idle_threads_leave_after_their_wait():
    threads = _Threads(idle_seconds=0.05)
    done = threading.Event()
    threads.run(done.set)
    assert done.wait(1)
    deadline = time.monotonic() + 2
    while threads._idle and time.monotonic() < deadline:
        time.sleep(0.01)
    assert threads._idle == []  # the idle worker left
    again = threading.Event()
    threads.run(again.set)  # and a new one starts for the next job
    assert again.wait(1)


def test_work_added_while_a_group_is_left_never_starts():
    ran = []
    gate = threading.Event()

    started = threading.Event()

    def first(_):
        started.set()
        assert gate.wait(5)
        late = group.submit(ran.append, "late")  # the group is being left by now
        return late

    def open_the_gate_once_closed():
        while not group._closed:
            time.sleep(0.001)
        gate.set()

    with TaskGroup(2) as group:
        future = group.submit(first, None)
        assert started.wait(5)  # running, not queued (leaving the group cancels queued tasks)
        threading.Thread(target=open_the_gate_once_closed, daemon=True).start()
    assert future.result().cancelled() and ran == []


def test_the_caller_runs_tasks_with_run_here_and_help():
    """A group of 0 threads: run_here and help run every task, in order, on the calling thread."""
    ran = []
    with TaskGroup(0) as group:
        queued = [group.submit(lambda k: ran.append((k, threading.current_thread().name)) or k, k) for k in (1, 2)]
        first = group.run_here(lambda k: ran.append((k, threading.current_thread().name)) or k, 0)
        group.help()
        group.wait()
    me = threading.current_thread().name
    assert ran == [(0, me), (1, me), (2, me)]
    assert [f.result() for f in (first, *queued)] == [0, 1, 2]


def test_a_failing_task_cancels_the_queued_ones_at_once():
    """Without waiting for wait(): the caller's help() starts none of the tasks queued behind a failure."""
    ran = []

    def fail(_):
        raise ValueError("boom")

    with TaskGroup(0) as group:
        group.submit(fail, 0)
        later = [group.submit(ran.append, k) for k in range(5)]
        group.help()
        assert all(f.cancelled() for f in later) and ran == []
        with pytest.raises(ValueError, match="^boom$"):
            group.wait()
