"""Task groups for a statement's parallel calls, on worker threads kept for reuse.

Every statement that makes more than one call runs its calls in one or more
:class:`TaskGroup`. A group runs at most ``workers`` tasks at once (the
connection's MaxConcurrency), but the threads come from one process-wide cache:
a thread that finishes its work waits a while for more instead of exiting, so a
statement does not pay for starting threads (a fresh pool cost a few tenths of a
millisecond a thread, and its first calls left a millisecond apart), and a BI
tool's pool of connections does not keep threads per connection.

The cache never queues work behind busy threads: a task waiting for a nested
group (a follower waiting for its source's keys, say) cannot starve it, because
every dispatch gets an idle thread or a new one.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, Future, wait
from typing import Any, TypeVar

from pinsql.exceptions import OperationalError

T = TypeVar("T")
R = TypeVar("R")

#: Seconds an idle worker thread waits for more work before it exits.
IDLE_SECONDS = 30.0


class _Worker:
    __slots__ = ("job", "name", "wake")

    def __init__(self, name: str) -> None:
        self.name = name
        self.wake = threading.Event()
        self.job: Callable[[], None] | None = None


class _Threads:
    """Daemon threads kept for reuse; :meth:`run` hands a job to an idle one or starts a new one."""

    def __init__(self, idle_seconds: float = IDLE_SECONDS) -> None:
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._count = 0
        self.idle_seconds = idle_seconds

    def run(self, job: Callable[[], None]) -> None:
        with self._lock:
            worker = self._idle.pop() if self._idle else None
            if worker is None:
                self._count += 1
                name = f"pinsql-worker-{self._count}"
        if worker is not None:
            worker.job = job
            worker.wake.set()
            return
        worker = _Worker(name)
        worker.job = job
        threading.Thread(target=self._loop, args=(worker,), name=name, daemon=True).start()

    def _loop(self, worker: _Worker) -> None:
        while True:
            job, worker.job = worker.job, None
            if job is not None:
                job()  # never raises: TaskGroup's runner keeps every outcome in a Future
            worker.wake.clear()
            with self._lock:
                self._idle.append(worker)
            if worker.wake.wait(self.idle_seconds):
                continue
            with self._lock:
                if worker in self._idle:  # not claimed meanwhile: leave
                    self._idle.remove(worker)
                    return
            worker.wake.wait()  # claimed just as the wait ran out: its job is on the way

    def forget(self) -> None:
        """In a forked child: the parent's threads do not exist there (a job handed to one would
        never run), and a lock another thread held stays held. Start again from nothing."""
        self._idle, self._lock, self._count = [], threading.Lock(), 0


_THREADS = _Threads()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_THREADS.forget)


#: Per worker thread: the cancel events of the groups it works for.
_worker = threading.local()


class TaskGroup:
    """Tasks on up to ``workers`` threads at once, added from any thread (a running task may add more),
    plus the caller's own thread while it runs tasks (:meth:`run_here`, :meth:`help`).

    :meth:`wait` returns once every task, also those added meanwhile, is done (or was
    cancelled before it started), and raises the first failure. A task's failure, or
    leaving the ``with`` block after an error (or Ctrl-C), cancels the rest: running
    tasks stop at their next request, queued ones never start. Tasks inherit the
    cancel events of the group they run in, so nested groups stop with their parent.
    """

    def __init__(self, workers: int) -> None:
        self._workers = max(0, workers)  # 0: only the caller's run_here/help run tasks
        self._cancel = threading.Event()
        self._chain = (*cancel_events(), self._cancel)
        self._futures: list[Future] = []
        self._queue: deque[tuple[Future, Callable[[], Any]]] = deque()
        self._running = 0
        self._closed = False
        self._lock = threading.Condition()

    def submit(self, fn: Callable[[T], R], item: T) -> Future:
        future: Future = Future()
        with self._lock:
            if self._closed:  # a task of a group being left adds work: it never starts
                future.cancel()
                return future
            self._futures.append(future)
            self._queue.append((future, lambda: fn(item)))
            start = self._running < self._workers
            if start:
                self._running += 1
        if start:
            _THREADS.run(self._runner)
        return future

    def run_here(self, fn: Callable[[T], R], item: T) -> Future:
        """Run ``fn(item)`` on the calling thread now, as one of the group's tasks (its outcome in
        the Future, its failure cancelling the rest). A caller that would only wait works instead,
        and its task starts without a hand-over to another thread."""
        future: Future = Future()
        with self._lock:
            if self._closed:
                future.cancel()
                return future
            self._futures.append(future)
        self._here(lambda: self._call(future, lambda: fn(item)))
        return future

    def help(self) -> None:
        """Run queued tasks on the calling thread until none is left (``workers`` threads plus this one)."""
        self._here(lambda: self._drain(worker=False))

    def _here(self, work: Callable[[], None]) -> None:
        """``work()`` with this thread working for the group (its cancel events), then as before."""
        saved = cancel_events()
        _worker.cancel_events = self._chain
        try:
            work()
        finally:
            _worker.cancel_events = saved

    def _drain(self, worker: bool) -> None:
        """Take queued tasks one after another until none is left; a worker thread then leaves the group."""
        while True:
            with self._lock:
                if not self._queue:
                    if worker:
                        self._running -= 1
                        self._lock.notify_all()
                    return
                future, call = self._queue.popleft()
            self._call(future, call)

    def _call(self, future: Future, call: Callable[[], Any]) -> None:
        """Run one task into its Future; a failure cancels the group's other tasks at once."""
        if self._cancel.is_set():
            future.cancel()  # a task failed (or the group is left): queued tasks never start
        if not future.set_running_or_notify_cancel():
            return
        try:
            result = call()
        except BaseException as e:  # noqa: BLE001 - the submitter sees it through the Future
            if not isinstance(e, Cancelled):
                self._cancel.set()
            future.set_exception(e)
        else:
            future.set_result(result)

    def _runner(self) -> None:
        """A worker thread's job: the queued tasks, until none is left."""
        self._here(lambda: self._drain(worker=True))

    def wait(self) -> None:
        while True:
            with self._lock:
                futures = list(self._futures)
            done, _pending = wait(futures, return_when=FIRST_EXCEPTION)
            failed = [f for f in done if not f.cancelled() and f.exception() is not None]
            if failed:  # a real failure first; a cancelled task alone means a parent group is failing
                real = [f for f in failed if not isinstance(f.exception(), Cancelled)]
                raise (real or failed)[0].exception()  # type: ignore[misc]
            with self._lock:
                if len(self._futures) == len(futures) and len(done) == len(futures):
                    return

    def __enter__(self) -> TaskGroup:
        return self

    def __exit__(self, exc_type: Any, *exc: object) -> None:
        if exc_type is not None:
            self._cancel.set()
        with self._lock:
            self._closed = True
            while self._queue:  # queued tasks never start
                self._queue.popleft()[0].cancel()
            while self._running:
                self._lock.wait()


class Cancelled(OperationalError):
    """A worker's request after a sibling failed (never the error a caller sees from a group)."""


def cancelled() -> bool:
    """Whether the task group this thread works for (or a parent) was cancelled."""
    return any(event.is_set() for event in cancel_events())


def cancel_events() -> tuple[threading.Event, ...]:
    """The cancel events of the groups this thread works for (empty outside a group)."""
    return getattr(_worker, "cancel_events", ())


def stop_if_cancelled(what: str) -> None:
    """Raise :class:`Cancelled` when the task group this thread works for (or a parent) was cancelled."""
    if cancelled():
        raise Cancelled(f"{what} cancelled: another part of the same query failed.")


__all__ = ["IDLE_SECONDS", "Cancelled", "TaskGroup", "cancel_events", "cancelled", "stop_if_cancelled"]
