"""Group commit (graph/store/group_commit.py): concurrent rows share transactions, and no caller
returns before the transaction holding its row has committed."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from graph.store.group_commit import GroupCommit


class Log:
    """A write_rows that records each batch; the first one waits until `release` is set, so rows
    submitted meanwhile queue up behind it."""

    def __init__(self, fail_on: str | None = None):
        self.batches: list[list[str]] = []
        self.committed: set[str] = set()
        self.first_started, self.release = threading.Event(), threading.Event()
        self.fail_on = fail_on

    def __call__(self, rows: list[dict]) -> None:
        if not self.batches:
            self.first_started.set()
            assert self.release.wait(10)
        names = [r["n"] for r in rows]
        self.batches.append(names)
        if self.fail_on in names:
            raise RuntimeError("commit failed")
        self.committed.update(names)


def test_one_writer_alone_commits_its_row_in_its_own_transaction():
    log = Log()
    log.release.set()
    GroupCommit(log).submit({"n": "a"})
    assert log.batches == [["a"]]


def test_rows_that_arrive_during_a_commit_share_the_next_one_and_each_returns_after_its_commit():
    log = Log()
    group = GroupCommit(log)
    seen_committed: dict[str, bool] = {}

    def submit(name: str) -> None:
        group.submit({"n": name})
        seen_committed[name] = name in log.committed   # returned only once durable

    with ThreadPoolExecutor(8) as pool:
        first = pool.submit(submit, "first")
        assert log.first_started.wait(10)
        rest = [pool.submit(submit, f"r{i}") for i in range(7)]
        while len(group._queue) < 7:   # all seven queued behind the blocked commit
            threading.Event().wait(0.001)
        log.release.set()
        for future in [first, *rest]:
            future.result(timeout=10)
    assert log.batches[0] == ["first"]
    assert sorted(log.batches[1]) == sorted(f"r{i}" for i in range(7))   # one commit for the seven
    assert all(seen_committed.values()) and len(seen_committed) == 8


def test_every_caller_in_a_failed_batch_gets_the_error_and_later_rows_still_commit():
    log = Log(fail_on="r0")
    group = GroupCommit(log)
    with ThreadPoolExecutor(4) as pool:
        first = pool.submit(group.submit, {"n": "first"})
        assert log.first_started.wait(10)
        failing = [pool.submit(group.submit, {"n": f"r{i}"}) for i in range(3)]
        while len(group._queue) < 3:
            threading.Event().wait(0.001)
        log.release.set()
        first.result(timeout=10)
        for future in failing:
            with pytest.raises(RuntimeError, match="commit failed"):
                future.result(timeout=10)
    group.submit({"n": "after"})
    assert "after" in log.committed


def test_a_batch_holds_at_most_max_rows():
    log = Log()
    group = GroupCommit(log, max_rows=3)
    with ThreadPoolExecutor(8) as pool:
        first = pool.submit(group.submit, {"n": "first"})
        assert log.first_started.wait(10)
        rest = [pool.submit(group.submit, {"n": f"r{i}"}) for i in range(7)]
        while len(group._queue) < 7:
            threading.Event().wait(0.001)
        log.release.set()
        for future in [first, *rest]:
            future.result(timeout=10)
    assert [len(b) for b in log.batches] == [1, 3, 3, 1]
    assert log.committed == {"first", *(f"r{i}" for i in range(7))}
