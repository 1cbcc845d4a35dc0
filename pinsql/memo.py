"""A thread-safe memo of bytes: least recently used out first, within a byte budget, with an optional time to live.

Used by the client (``CacheTTL``: API answers reused for the same request) and
by the emulator (``cache_responses``: encoded answers kept for benchmarks).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable


class BytesMemo:
    def __init__(self, max_bytes: int = 256 * 1024 * 1024, ttl: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_bytes = max_bytes
        self.ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._data: OrderedDict[Hashable, tuple[float, bytes]] = OrderedDict()
        self._size = 0

    def get(self, key: Hashable) -> bytes | None:
        with self._lock:
            hit = self._data.get(key)
            if hit is None:
                return None
            stored, body = hit
            if self.ttl is not None and self._clock() - stored > self.ttl:
                self._drop(key)
                return None
            self._data.move_to_end(key)
            return body

    def put(self, key: Hashable, body: bytes) -> None:
        if len(body) > self.max_bytes:
            return
        with self._lock:
            if key in self._data:
                self._drop(key)
            self._data[key] = (self._clock(), body)
            self._size += len(body)
            while self._size > self.max_bytes:
                self._drop(next(iter(self._data)))

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._size = 0

    def _drop(self, key: Hashable) -> None:
        _, body = self._data.pop(key)
        self._size -= len(body)


__all__ = ["BytesMemo"]
