"""Fault injection: latency, 5xx, 429 bursts, quota exhaustion, spam blocks, stalls, truncation.

``Faults`` is a plain mutable dataclass that tests change while the server runs. The random
choices come from one generator seeded by ``Faults.seed`` and drawn in request order, so a
single-threaded test sees the same faults on every run.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field


@dataclass
class Faults:
    """Faults applied to API calls (OAuth endpoints excluded), optionally under ``path_prefix``."""

    latency: float = 0.0              # seconds added to every call
    error_rate: float = 0.0           # fraction of calls answered 500/503
    burst_429: int = 0                # the next N calls get 429 (counts down)
    burst_429_reset: float = 1.0      # Retry-After / X-RateLimit-Reset of those 429s, seconds
    daily_quota_exhausted: bool = False  # 429 code 8 with X-RateLimit-Reset: 67000
    spam_block: bool = False          # 429 whose message_detail mentions spam
    slow_response: float = 0.0        # seconds to stall between headers and body
    truncate_body_rate: float = 0.0   # fraction of 200s sent with a cut body, then closed
    trailing_empty_page: bool = False  # last full page still carries a bookmark; the next is empty
    path_prefix: str | None = None    # limit faults to paths under this prefix (below /v5)
    seed: int = 0
    _rng: random.Random = field(default=None, repr=False, compare=False)  # type: ignore[assignment]
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def reset(self) -> None:
        """Back to no faults, with the random sequence restarted."""
        for name, value in Faults().__dict__.items():
            if not name.startswith("_"):
                setattr(self, name, value)
        self._rng = random.Random(self.seed)

    def applies_to(self, api_path: str) -> bool:
        return not self.path_prefix or api_path.startswith(self.path_prefix)

    def draw(self) -> float:
        """The next number of the fault sequence, in [0, 1)."""
        with self._lock:
            return self._rng.random()

    def take_burst(self) -> bool:
        """Consume one call of a 429 burst; True while the burst lasts."""
        with self._lock:
            if self.burst_429 > 0:
                self.burst_429 -= 1
                return True
            return False
