"""Abuse limits: an in-process token bucket for each API key, and a cap on how deep JSON may nest.

Each bucket holds up to `rate` tokens and refills at `rate` per minute; a request takes one.
The buckets live in one process: with N API processes a key may make up to N times the rate.
"""
from __future__ import annotations

import re
import threading
import time
from itertools import accumulate

MAX_JSON_DEPTH = 64   # a batch of records nests 5 deep; far deeper is abuse (and past ~1,000 crashes parsers)
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"[]{}")))
_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")   # +1 and -1 as signed bytes


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


def json_too_deep(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether arrays and objects in a JSON text nest deeper than `limit` (strings skipped), told
    without parsing it. Runs in C throughout (count, regex, translate, accumulate)."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False   # too few brackets to nest that deep
    steps = _JSON_STRING.sub(b"", body).translate(None, _NOT_BRACKETS).translate(_STEPS)
    return max(accumulate(memoryview(steps).cast("b")), default=0) > limit
