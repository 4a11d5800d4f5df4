"""The graph server dies in the middle of an ingest of several batches, then comes back.

It is killed (SIGKILL, as a crash or the OOM killer would), not stopped.

While it is down every request gets 503 with Retry-After (never a 500, never a hang). After it
restarts on the same data folder, re-sending every batch ends with exactly the data of a clean
run: the same counts per label and the same records grouped into the same persons.
"""
from __future__ import annotations

import dataclasses
import os
import signal
import threading
import time
from collections import Counter

import pytest
import requests

from graph.demo import hotel_chain
from graph.store import schema
from graph.store.driver import connect
from graph.store.engines import port_open
from tests.conftest import keyed_client, local_server
from tests.loopback import serve

BATCH = 10
LABELS = ("Person", "SourceRecord", "Identifier", "Email", "Phone", "LoyaltyCard", "Account", "SocialHandle",
          "Device", "NationalId", "Address", "Company")
HTTP_TIMEOUT = 120   # a hung request fails the test instead of blocking it


def batches() -> list[list[dict]]:
    records = hotel_chain.generate(seed=11, extra_people=8).records
    return [records[start:start + BATCH] for start in range(0, len(records), BATCH)]


def snapshot(store) -> dict:
    """What must not differ from a clean run: counts per label, persons by status, and which
    records make up each active person (person ids are random, so persons are compared by content)."""
    counts = {label: store.query(f"MATCH (n:{label}) RETURN count(n) AS n")[0]["n"] for label in LABELS}
    statuses = {row["status"]: row["n"] for row in
                store.query("MATCH (p:Person) RETURN p.status AS status, count(p) AS n")}
    groups = store.query("MATCH (r:SourceRecord)-[:DESCRIBES]->(p:Person {status: 'active'}) "
                         "RETURN p.personId AS person, collect(r.recordKey) AS records")
    links = store.query("MATCH (:SourceRecord)-[l]->(:Identifier) RETURN type(l) AS type, l.current AS current, "
                        "count(l) AS n")
    return {"counts": counts, "statuses": statuses,
            "persons": sorted(sorted(group["records"]) for group in groups),
            "links": sorted((row["type"], row["current"], row["n"]) for row in links)}


@pytest.fixture
def private(tmp_path, settings, engine):
    """A server of this test's own, on the session's engine (own data folder, so it can be stopped),
    its store and app."""
    server = local_server(engine, tmp_path / "db")
    info = server.start()
    own = dataclasses.replace(settings, uri=info.uri, password=info.password, database=info.database)
    store = connect(own)
    schema.apply(store)
    from service import create_app
    yield server, store, create_app(own, store)
    store.close()
    server.stop()


@pytest.fixture
def clean_run(app, issue_key, store) -> dict:
    """The reference: every batch sent once to the session's server, which stays up."""
    client = keyed_client(app, issue_key("steward"))
    for batch in batches():
        assert client.post("/v1/records", json={"records": batch}).status_code in (200, 207)
    return snapshot(store)


def post(session: requests.Session, base: str, batch: list[dict]) -> requests.Response:
    return session.post(f"{base}/v1/records", json={"records": batch}, timeout=HTTP_TIMEOUT)


def wait_until(condition, what: str, deadline_s: float = 120.0) -> None:
    deadline = time.monotonic() + deadline_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def test_a_server_killed_mid_ingest_gives_503s_and_a_resend_loses_and_doubles_nothing(private, clean_run):
    server, store, app = private
    all_batches = batches()
    with serve(app) as base, requests.Session() as session:
        session.headers["Authorization"] = "Bearer " + _steward_key(store)
        assert post(session, base, all_batches[0]).status_code in (200, 207)
        answers = stop_in_the_middle(server, store, session, base, all_batches[1:])
        assert all(status in (200, 207, 503) for status, _ in answers), answers
        assert all(status == 503 for status, _ in answers[1:]), answers   # sent while the server was down
        assert all(int(headers["Retry-After"]) > 0 for status, headers in answers if status == 503)

        server.start()
        wait_until(lambda: _probe(session, base)[0] == 200, "readiness after the restart")
        outcomes: Counter = Counter()
        for batch in all_batches:
            response = post(session, base, batch)
            assert response.status_code in (200, 207), response.text
            outcomes.update(result["outcome"] for result in response.json()["results"])

    assert outcomes["unchanged"] >= len(all_batches[0])   # stored before the stop
    assert snapshot(store) == clean_run


def stop_in_the_middle(server, store, session, base: str, batches_left: list[list[dict]]) -> list[tuple]:
    """Send a big batch and kill the server once its first records are written; then send the
    remaining batches and a readiness probe to the dead server. Returns every (status, headers)."""
    big, rest = [r for b in batches_left[:3] for r in b], batches_left[3:]
    stored_before = count_records(store)
    in_flight: list = []
    sender = threading.Thread(target=lambda: in_flight.append(_answer(session, base, big)))
    sender.start()
    wait_until(lambda: in_flight or count_records(store) > stored_before, "the big batch to start writing")
    kill(server)
    sender.join(HTTP_TIMEOUT + 10)
    assert not sender.is_alive(), "a request hung when the server died"
    return in_flight + [_answer(session, base, batch) for batch in rest] + [_probe(session, base)]


def kill(server) -> None:
    info = server.status()
    os.kill(info.pid, signal.SIGKILL)
    wait_until(lambda: not port_open(info.bolt_port), "the killed server's port to close")


def count_records(store) -> int:
    return store.query("MATCH (r:SourceRecord) RETURN count(r) AS n")[0]["n"]


def _steward_key(store) -> str:
    from graph.access import apikeys
    return apikeys.issue(store, "steward", "restart").key


def _answer(session, base: str, batch: list[dict]) -> tuple[int, dict]:
    response = post(session, base, batch)
    return response.status_code, dict(response.headers)


def _probe(session, base: str) -> tuple[int, dict]:
    response = session.get(f"{base}/readyz", timeout=HTTP_TIMEOUT)
    return response.status_code, dict(response.headers)
