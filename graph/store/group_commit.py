"""Group commit: rows that many threads write with one statement go to the graph in one transaction.

Each caller returns only once the transaction holding its row has committed, and raises what that
commit raised, so "written" still means "durable" for every caller. What changes is the count of
commits: while one batch commits, the rows that arrive meanwhile queue up and the next batch takes
them all, so N concurrent writers pay about one commit instead of N (Neo4j flushes its transaction
log at each commit; ArcadeDB pays per transaction too).

There is no writer thread: the first caller that finds no commit in flight leads, commits what is
queued (its own row first among them), then hands the lead to the oldest row still waiting, whose
caller commits the next batch. A caller never commits more than one batch, so its wait is bounded
by the batch in flight plus its own.
"""
from __future__ import annotations

import threading
from collections.abc import Callable

MAX_ROWS = 500   # rows per transaction: one UNWIND statement stays small


class _Waiter:
    __slots__ = ("row", "ready", "done", "error")

    def __init__(self, row: dict):
        self.row = row
        self.ready = threading.Event()   # set when the row's batch has committed, or when it is to lead
        self.done = False
        self.error: BaseException | None = None


class GroupCommit:
    """`write_rows(rows)` commits a list of rows in one transaction; `submit(row)` is what callers use."""

    def __init__(self, write_rows: Callable[[list[dict]], None], max_rows: int = MAX_ROWS):
        self._write_rows = write_rows
        self._max_rows = max_rows
        self._lock = threading.Lock()
        self._queue: list[_Waiter] = []
        self._leading = False   # a caller is committing a batch

    def submit(self, row: dict) -> None:
        """Write `row`; return once it is committed, or raise the error its transaction raised."""
        me = _Waiter(row)
        with self._lock:
            self._queue.append(me)
            lead, self._leading = not self._leading, True
        if not lead:
            me.ready.wait()
        if not me.done:
            self._commit_batch()
        if me.error is not None:
            raise me.error

    def _commit_batch(self) -> None:
        """Commit the oldest queued rows (the leader's own first), then pass the lead on."""
        with self._lock:
            batch, self._queue = self._queue[:self._max_rows], self._queue[self._max_rows:]
        error = None
        try:
            self._write_rows([w.row for w in batch])
        except BaseException as exc:   # every caller in the batch gets its transaction's error
            error = exc
        for waiter in batch:
            waiter.error, waiter.done = error, True
            waiter.ready.set()
        with self._lock:
            if self._queue:
                self._queue[0].ready.set()   # not done: it leads the next batch
            else:
                self._leading = False
