"""Per-key rate limits: an in-process token bucket for each API key.

Each bucket holds up to `rate` tokens and refills at `rate` per minute; a request takes one.
The buckets live in one process: with N API processes a key may make up to N times the rate.
"""
from __future__ import annotations

import threading
import time


class TokenBuckets:
    def __init__(self, clock=time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}   # key id -> (tokens, when counted)

    def take(self, key_id: str, rate: int) -> float:
        """0 when the request may go ahead, else the seconds until a token is back. rate <= 0: no limit."""
        if rate <= 0:
            return 0.0
        now = self._clock()
        per_second = rate / 60
        with self._lock:
            tokens, then = self._buckets.get(key_id, (float(rate), now))
            tokens = min(float(rate), tokens + (now - then) * per_second)
            if tokens >= 1:
                self._buckets[key_id] = (tokens - 1, now)
                return 0.0
            self._buckets[key_id] = (tokens, now)
            return (1 - tokens) / per_second
