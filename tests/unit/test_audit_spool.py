"""The local audit log (graph/access/audit_spool.py): durable on return, every row into the graph
once drained, abandoned segments recovered, live ones left alone. `write_rows` here collects the
rows; tests/api/test_audit_spool_api.py runs it against the real graph."""
from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import threading

import pytest

from graph.access.audit_spool import AuditSpool


def row(n: int) -> dict:
    return {"eventId": f"e{n:04d}", "keyId": "k", "role": "agent", "purpose": "service", "action": "whois",
            "personId": f"p{n}", "at": dt.datetime(2026, 1, 2, 3, 4, 5, n, tzinfo=dt.UTC)}


@pytest.fixture
def written():
    return []


@pytest.fixture
def spool(tmp_path, written):
    s = AuditSpool(tmp_path / "spool", written.extend, interval_s=3600)   # drained by the tests only
    yield s
    s.close()


def on_disk(folder) -> list[dict]:
    return [json.loads(line) for path in sorted(folder.glob("*.jsonl")) for line in path.read_text().splitlines()]


def test_a_submitted_row_is_on_disk_before_submit_returns_and_in_the_graph_only_once_drained(spool, written,
                                                                                              tmp_path):
    spool.submit(row(1))
    assert [r["eventId"] for r in on_disk(tmp_path / "spool")] == ["e0001"]
    assert written == []
    assert spool.drain() == 1
    assert written == [row(1)]   # `at` comes back as the same datetime
    assert on_disk(tmp_path / "spool") == []


def test_rows_from_many_threads_all_land_exactly_once(spool, written):
    threads = [threading.Thread(target=lambda n=n: spool.submit(row(n))) for n in range(40)]
    for t in threads:
        t.start()
    spool.drain()   # may meet the open segment mid-way: what it misses the next drain takes
    for t in threads:
        t.join()
    spool.drain()
    assert sorted(r["eventId"] for r in written) == [f"e{n:04d}" for n in range(40)]


def test_a_failed_graph_write_keeps_the_rows_for_the_next_drain(tmp_path):
    attempts: list[list[dict]] = []

    def flaky(rows):
        attempts.append(rows)
        if len(attempts) == 1:
            raise ConnectionError("graph away")
    spool = AuditSpool(tmp_path / "spool", flaky, interval_s=3600)
    try:
        spool.submit(row(1))
        with pytest.raises(ConnectionError):
            spool.drain()
        assert spool.drain() == 1
        assert [r["eventId"] for r in attempts[1]] == ["e0001"]
    finally:
        spool.close()


def test_a_crashed_process_segment_is_drained_and_its_unfinished_last_line_skipped(spool, written, tmp_path):
    left = tmp_path / "spool" / "999-dead-1.jsonl"
    good = json.dumps(dict(row(7), at=row(7)["at"].isoformat()))
    left.write_text(good + "\n" + good[:20])   # the second write never finished: its caller got no answer
    assert spool.drain() == 1
    assert [r["eventId"] for r in written] == ["e0007"]
    assert not left.exists()


def test_a_live_process_open_segment_is_left_to_its_owner(spool, written, tmp_path):
    live = tmp_path / "spool" / "998-live-1.jsonl"
    live.write_text(json.dumps(dict(row(8), at=row(8)["at"].isoformat())) + "\n")
    fd = os.open(live, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)   # as its owner holds it
    try:
        assert spool.drain() == 0
        assert live.exists()
    finally:
        os.close(fd)
    assert spool.drain() == 1   # sealed (unlocked): anyone may take it


def test_close_writes_what_is_left(tmp_path, written):
    spool = AuditSpool(tmp_path / "spool", written.extend, interval_s=3600)
    spool.submit(row(3))
    spool.close()
    assert [r["eventId"] for r in written] == ["e0003"]
    assert list((tmp_path / "spool").iterdir()) == []


def test_the_background_thread_drains_without_being_asked(tmp_path):
    landed = threading.Event()
    spool = AuditSpool(tmp_path / "spool", lambda rows: landed.set(), interval_s=0.01)
    try:
        spool.submit(row(4))
        assert landed.wait(timeout=10)
    finally:
        spool.close()
