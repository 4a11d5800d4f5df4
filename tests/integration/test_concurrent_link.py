"""Two ingests of one customer's records, forced into the worst interleaving: each has stored its
record and linked the shared e-mail, and neither has committed, when the other decides. The e-mail
node exists before either starts (a record that once gave it was re-sent without it), so no key
constraint makes the two collide: only the link does.

Whichever engine: one person in the end. On Neo4j the second writer waits on the identifier's lock
and then reads the first one's link; on ArcadeDB (optimistic transactions) the second commit
conflicts on the identifier node and is retried. The interleaving is forced with events, not sleeps:
each ingest stops just before writing its decisions until the test lets it go. The two ingests
use a store each, as two API processes would.
"""
from __future__ import annotations

import threading
import time

from graph.resolution import ingest
from graph.store.driver import connect
from tests.integration.helpers import count, load, record

DEADLINE = 60.0


EMAIL = {"type": "email", "value": "ada.quist@example.org"}


def ada(source: str) -> dict:
    return record(source, f"{source}-1", name={"given": "Ada", "family": "Quist"}, identifiers=[EMAIL])


def an_unlinked_email_node(store, settings) -> None:
    old = {"name": {"given": "Bruno", "family": "Castillo"}, "birthDate": "1961-04-02"}
    load(store, settings, record("crm", "crm-9", observedAt="2026-01-01T00:00:00Z", identifiers=[EMAIL], **old))
    load(store, settings, record("crm", "crm-9", observedAt="2026-02-01T00:00:00Z", **old))
    linked = store.query("MATCH (:Email)<-[l {current: true}]-() RETURN count(l) AS n")[0]["n"]
    assert (count(store, "Email"), linked) == (1, 0)


class Gate:
    """Holds each thread's ingest at its decision step until `release`; tells when one is waiting."""

    def __init__(self, original):
        self.original, self.release = original, threading.Event()
        self.waiting = threading.Semaphore(0)

    def __call__(self, tx, plan, created):
        if not self.release.is_set():
            self.waiting.release()
            assert self.release.wait(DEADLINE), "the test never released the ingest"
        return self.original(tx, plan, created)


def blocked_transactions(store) -> int:
    """Transactions waiting on a lock (Neo4j's SHOW TRANSACTIONS; ArcadeDB never blocks a writer)."""
    rows = store.query("SHOW TRANSACTIONS YIELD status WHERE status STARTS WITH 'Blocked' RETURN count(*) AS n")
    return rows[0]["n"]


def test_two_uncommitted_ingests_sharing_an_email_end_as_one_person(store, settings, engine, monkeypatch):
    an_unlinked_email_node(store, settings)
    first, second = Gate(ingest._apply), Gate(ingest._apply)
    gates = {}
    monkeypatch.setattr(ingest, "_apply",
                        lambda tx, plan, created: gates[threading.current_thread().name](tx, plan, created))
    outcomes, errors = {}, []

    def run(name: str, gate: Gate) -> None:
        # A store (driver) per thread, as two API processes would have: one process's own writes
        # on ArcadeDB never overlap (Store.write), so only two processes can race there.
        gates[name] = gate
        own = connect(settings)
        try:
            outcomes[name] = load(own, settings, ada(name))
        except Exception as exc:        # reported by the test, not lost in a thread
            errors.append(exc)
        finally:
            own.close()

    one = threading.Thread(target=run, args=("loyalty", first), name="loyalty")
    one.start()
    assert first.waiting.acquire(timeout=DEADLINE)
    two = threading.Thread(target=run, args=("webshop", second), name="webshop")
    two.start()
    # The second either decides without seeing the first (ArcadeDB) or waits on its lock (Neo4j).
    deadline = time.monotonic() + DEADLINE
    while not second.waiting.acquire(timeout=0.05):
        if engine == "neo4j" and blocked_transactions(store):
            break
        assert time.monotonic() < deadline, "the second ingest neither decided nor waited on a lock"
    first.release.set()
    one.join(DEADLINE)
    second.release.set()
    two.join(DEADLINE)

    assert errors == []
    assert count(store, "Email") == 1
    persons = store.query("MATCH (r:SourceRecord)-[:DESCRIBES]->(p:Person {status: 'active'}) "
                          "WHERE r.source <> 'crm' RETURN p.personId AS person, collect(r.source) AS sources")
    assert [sorted(row["sources"]) for row in persons] == [["loyalty", "webshop"]]
