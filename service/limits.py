"""Abuse limits: a token bucket for each API key, and a cap on how deep JSON may nest.

Each bucket holds up to `rate` tokens and refills at `rate` per minute; a request takes one.
TokenBuckets live in one process; service/shared_limits.py keeps the same buckets in a file that
every worker process of one `idgraph serve --workers N` maps, so the limit holds across them.
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
        with self._lock:
            tokens, wait = take_token(self._buckets.get(key_id), now, rate)
            self._buckets[key_id] = (tokens, now)
            return wait


def take_token(bucket: tuple[float, float] | None, now: float, rate: int) -> tuple[float, float]:
    """A bucket (tokens, when counted; None: never used, so full) asked for one token at `now`: the
    tokens left, and 0 when the token was given, else the seconds until one is back."""
    per_second = rate / 60
    tokens, then = bucket or (float(rate), now)
    tokens = min(float(rate), tokens + (now - then) * per_second)
    if tokens >= 1:
        return tokens - 1, 0.0
    return tokens, (1 - tokens) / per_second


def json_too_deep(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether arrays and objects in a JSON text nest deeper than `limit` (strings skipped), told
    without parsing it. Runs in C throughout (count, regex, translate, accumulate)."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False   # too few brackets to nest that deep
    steps = _JSON_STRING.sub(b"", body).translate(None, _NOT_BRACKETS).translate(_STEPS)
    return max(accumulate(memoryview(steps).cast("b")), default=0) > limit
