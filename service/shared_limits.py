"""Token buckets shared by the worker processes of one API server (`idgraph serve --workers N`).

The buckets of service/limits.py, kept in a file every worker maps into memory: a fixed table of
slots (key id, tokens, when counted), found by a hash of the key id and probed linearly. A worker
takes the file's lock (flock) for the few microseconds of one take, so N workers allow a key
exactly the rate that one process would, not N times it. The times are CLOCK_MONOTONIC, which
every process of the machine shares. Nothing in the file is personal data: key ids are public.
"""
from __future__ import annotations

import fcntl
import mmap
import os
import struct
import threading
import time
import zlib

from service.limits import take_token

SLOT = struct.Struct("<16sdd")   # key id (16 hex characters), tokens, when counted
SLOTS = 16_384                   # keys limited at once; a slot whose bucket is full again is reused


class SharedTokenBuckets:
    def __init__(self, path: str, clock=time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()   # flock does not exclude the threads of one process
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        size = SLOTS * SLOT.size
        if os.fstat(self._fd).st_size < size:
            os.ftruncate(self._fd, size)   # zero-filled: every slot empty
        self._map = mmap.mmap(self._fd, size)

    def take(self, key_id: str, rate: int) -> float:
        """0 when the request may go ahead, else the seconds until a token is back. rate <= 0: no limit."""
        if rate <= 0:
            return 0.0
        name = key_id.encode("ascii", "replace")[:16].ljust(16, b"\0")
        with self._lock:
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                now = self._clock()
                slot, bucket = self._find(name, now, rate)
                tokens, wait = take_token(bucket, now, rate)
                SLOT.pack_into(self._map, slot * SLOT.size, name, tokens, now)
                return wait
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)

    def _find(self, name: bytes, now: float, rate: int) -> tuple[int, tuple[float, float] | None]:
        """The key's slot and bucket; else the first free slot on its probe (never used, or whose
        bucket has refilled to full, which is the same as no bucket) and None."""
        start = zlib.crc32(name) % SLOTS
        free = None
        for step in range(SLOTS):
            slot = (start + step) % SLOTS
            held, tokens, then = SLOT.unpack_from(self._map, slot * SLOT.size)
            if held == name:
                return slot, (tokens, then)
            if held == bytes(16):
                return (slot if free is None else free), None   # the key is in no later slot
            if free is None and tokens + (now - then) * rate / 60 >= rate:
                free = slot
        return (start if free is None else free), None   # every slot live: the key shares its home slot

    def close(self) -> None:
        self._map.close()
        os.close(self._fd)
