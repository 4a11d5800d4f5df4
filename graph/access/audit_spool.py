"""Audit events made durable in a local append-only log, then written to the graph in large batches.

A read's audit event must be durable before its answer leaves. Written straight to the graph, that
is a write transaction per request (or per group of concurrent requests), and on ArcadeDB such a
transaction costs 1.5-5 ms of server CPU for one event against 0.05-0.1 ms an event in batches of
hundreds (issue 17's profile). So `submit` appends the event to a segment file and fsyncs it
(concurrent callers share one fsync, graph/store/group_commit.py), which is as durable as a
committed transaction; a background thread moves sealed segments into the graph every `interval_s`,
and whoever reads the audit log calls `drain()` first.

Segments are `<folder>/<pid>-<token>-<n>.jsonl`. A process holds an exclusive flock on the segment
it appends to, so a drainer (in any process sharing the folder) takes only sealed segments and
those a crashed process left behind; the events' MERGE on eventId makes a segment written twice
(a crash between the graph's commit and the file's removal) harmless. A line without its newline
is a write that never finished its fsync, so its request got no answer: it is skipped.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import secrets
import threading
from collections.abc import Callable
from pathlib import Path

from graph.store.group_commit import GroupCommit

log = logging.getLogger(__name__)
SUFFIX = ".jsonl"
BATCH_ROWS = 500   # rows per graph transaction


class AuditSpool:
    """`submit(row)` returns once the row is on disk; `write_rows(rows)` puts rows into the graph."""

    def __init__(self, folder: Path, write_rows: Callable[[list[dict]], None], interval_s: float = 0.2):
        self._folder = Path(folder)
        self._folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._write_rows = write_rows
        self._interval_s = interval_s
        self._lock = threading.Lock()          # the open segment: appends, sealing
        self._drain_lock = threading.Lock()    # one drain at a time in this process
        self._name = f"{os.getpid()}-{secrets.token_hex(4)}"
        self._count = 0
        self._rows = 0
        self._fd = self._open_segment()
        self._appends = GroupCommit(self._append)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="audit-spool", daemon=True)
        self._thread.start()

    def submit(self, row: dict) -> None:
        """Append `row` (its `at` a datetime) and fsync; raise what the write raised."""
        self._appends.submit(row)

    def drain(self) -> int:
        """Seal the open segment, then write every sealed or abandoned segment to the graph and
        remove it; returns the rows written. Raises the graph's error (the segments stay)."""
        with self._drain_lock:
            self._seal()
            return sum(self._drain_file(path) for path in sorted(self._folder.glob(f"*{SUFFIX}")))

    def close(self) -> None:
        """Stop the background thread and write what is left (a last drain)."""
        self._stop.set()
        self._thread.join(timeout=10)
        try:
            self.drain()
        finally:
            with self._lock:
                if not self._rows:   # the open segment is empty: leave no file behind
                    self._path.unlink(missing_ok=True)
                os.close(self._fd)

    # --- appending --------------------------------------------------------------------------------

    def _open_segment(self) -> int:
        """A new segment, locked before it has its name, so no drainer can take it while it is ours."""
        self._count += 1
        final = self._folder / f"{self._name}-{self._count}{SUFFIX}"
        fd = os.open(final.with_suffix(".tmp"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.rename(final.with_suffix(".tmp"), final)
        self._path = final
        return fd

    def _append(self, rows: list[dict]) -> None:
        data = "".join(json.dumps(dict(r, at=r["at"].isoformat()), separators=(",", ":")) + "\n" for r in rows)
        with self._lock:
            os.write(self._fd, data.encode("utf-8"))
            os.fsync(self._fd)
            self._rows += len(rows)

    def _seal(self) -> None:
        """Close the open segment (its lock goes with it) and open the next, if it holds rows."""
        with self._lock:
            if not self._rows:
                return
            old = self._fd
            self._fd, self._rows = self._open_segment(), 0
            os.close(old)

    # --- draining ---------------------------------------------------------------------------------

    def _drain_file(self, path: Path) -> int:
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            return 0   # another drainer finished it
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return 0   # a live process's open segment, or another drainer's
            if not path.exists():
                return 0
            rows = _rows_of(path.read_bytes())
            for start in range(0, len(rows), BATCH_ROWS):
                self._write_rows(rows[start:start + BATCH_ROWS])
            path.unlink(missing_ok=True)
            return len(rows)
        finally:
            os.close(fd)

    def _run(self) -> None:
        while not self._stop.wait(self._interval_s):
            try:
                self.drain()
            except Exception as exc:   # the graph is away: the segments wait on disk for the next try
                log.warning("audit events not yet written to the graph (kept on disk): %s", exc)


def _rows_of(data: bytes) -> list[dict]:
    lines = data.split(b"\n")[:-1]   # the part after the last newline never finished its write
    rows = [json.loads(line) for line in lines if line]
    for row in rows:
        row["at"] = dt.datetime.fromisoformat(row["at"])
    return rows
