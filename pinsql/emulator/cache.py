"""An optional memo of encoded responses, for benchmarks.

Building an answer can cost the emulator far more than the latency it injects (a
250-campaign, 90-day analytics response takes about a second of Python), which
would make a benchmark measure the emulator instead of the client. The dataset
never changes while the emulator runs, so with ``Emulator(cache_responses=True)``
the encoded body of each distinct request is kept (least recently used first out,
within a byte budget). Off by default: tests that reach into ``emu.data`` expect
every answer to be built afresh.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable


class ResponseCache:
    def __init__(self, max_bytes: int = 256 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._data: OrderedDict[Hashable, bytes] = OrderedDict()
        self._size = 0

    def get(self, key: Hashable) -> bytes | None:
        with self._lock:
            body = self._data.get(key)
            if body is not None:
                self._data.move_to_end(key)
            return body

    def put(self, key: Hashable, body: bytes) -> None:
        if len(body) > self.max_bytes:
            return
        with self._lock:
            old = self._data.pop(key, None)
            if old is not None:
                self._size -= len(old)
            self._data[key] = body
            self._size += len(body)
            while self._size > self.max_bytes:
                _, dropped = self._data.popitem(last=False)
                self._size -= len(dropped)


__all__ = ["ResponseCache"]
