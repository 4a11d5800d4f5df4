"""who-is-this with the local audit log (IDGRAPH_AUDIT_SPOOL): the event is on disk before the
answer returns, reaches the graph, and shows in GET /v1/audit at once; concurrent reads' events all
land. The same guarantee without the log (straight to the graph) is tests/api/test_audit.py's."""
from __future__ import annotations

import dataclasses
import json
import threading

import pytest

from graph.access import apikeys, audit
from graph.store.driver import connect
from tests.conftest import keyed_client

EMAILS = [f"guest{n}@example.com" for n in range(8)]


@pytest.fixture
def spooled(settings, store, tmp_path):
    """An app whose reads' audit events go through a local log in tmp_path (its own Store object, so
    the session's other apps keep writing straight to the graph)."""
    from service import create_app
    own = connect(settings)
    # the app's spool, opened first with a background drain too slow to run during a test: what is
    # on disk after an answer is then there because the answer put it there, not yet drained away
    audit.use_spool(own, tmp_path / "spool", interval_s=3600)
    app = create_app(dataclasses.replace(settings, audit_spool=tmp_path / "spool"), own)
    yield app, own, tmp_path / "spool"
    audit.stop_spool(own)
    own.close()


@pytest.fixture
def guests(spooled) -> dict[str, str]:
    app, own, _ = spooled
    admin = keyed_client(app, apikeys.issue(own, "admin", "t").key)
    records = [{"source": "crm", "sourceId": f"C-{n}", "name": {"given": "Guest", "family": f"N{n}"},
                "identifiers": [{"type": "email", "value": email}]} for n, email in enumerate(EMAILS)]
    response = admin.post("/v1/records", json={"records": records})
    assert response.status_code == 200, response.get_json()
    return {email: r["personId"] for email, r in zip(EMAILS, response.get_json()["results"], strict=True)}


def on_disk(folder) -> list[dict]:
    return [json.loads(line) for path in folder.glob("*.jsonl") for line in path.read_text().splitlines()]


def graph_events(store) -> list[dict]:
    return store.query("MATCH (e:AuditEvent) RETURN e.personId AS personId, e.keyId AS keyId, "
                       "e.action AS action, e.purpose AS purpose, e.at AS at")


def test_the_event_is_on_disk_when_the_answer_returns_and_in_the_audit_log_at_once(spooled, guests, store):
    app, own, folder = spooled
    issued = apikeys.issue(own, "agent", "desk")
    agent = keyed_client(app, issued.key)
    response = agent.get("/v1/whois", query_string={"type": "email", "value": EMAILS[0], "purpose": "support"})
    assert response.status_code == 200
    person = guests[EMAILS[0]]
    assert {(e["personId"], e["keyId"], e["purpose"]) for e in on_disk(folder)} == {(person, issued.keyId, "support")}
    privacy = keyed_client(app, apikeys.issue(own, "privacy", "dpo").key)
    listed = privacy.get("/v1/audit", query_string={"personId": person}).get_json()["events"]
    assert [(e["action"], e["keyId"], e["purpose"]) for e in listed] == [("whois", issued.keyId, "support")]
    assert on_disk(folder) == []   # now in the graph, not twice


def test_concurrent_reads_events_all_land_once(spooled, guests, store):
    app, own, _ = spooled
    issued = apikeys.issue(own, "agent", "desk")
    statuses: list[int] = []

    def ask(email: str) -> None:
        statuses.append(keyed_client(app, issued.key).get("/v1/whois", query_string={"type": "email",
                                                                                      "value": email}).status_code)
    threads = [threading.Thread(target=ask, args=(email,)) for email in EMAILS * 3]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * len(threads)
    audit.flush(own)
    landed = graph_events(store)
    assert sorted(e["personId"] for e in landed) == sorted(guests[email] for email in EMAILS * 3)
    assert {e["keyId"] for e in landed} == {issued.keyId}
    assert all(e["at"] is not None for e in landed)


def test_an_audit_log_that_cannot_be_written_fails_the_read(spooled, guests, store):
    app, own, folder = spooled
    agent = keyed_client(app, apikeys.issue(own, "agent", "desk").key)
    spool = audit.use_spool(own, folder)   # the app's own
    spool._fd, real = -1, spool._fd        # a descriptor that no longer writes: as a failed disk
    try:
        response = agent.get("/v1/whois", query_string={"type": "email", "value": EMAILS[1]})
    finally:
        spool._fd = real
    assert response.status_code == 503
    audit.flush(own)
    assert graph_events(store) == []   # no answer, and no event for it


def test_without_the_local_log_concurrent_reads_events_are_all_in_the_graph_when_answered(app, store):
    """The default: each answer waits for the group commit that holds its event (no flush needed)."""
    admin = keyed_client(app, apikeys.issue(store, "admin", "t").key)
    records = [{"source": "crm", "sourceId": f"C-{n}", "name": {"given": "Guest", "family": f"N{n}"},
                "identifiers": [{"type": "email", "value": email}]} for n, email in enumerate(EMAILS)]
    assert admin.post("/v1/records", json={"records": records}).status_code == 200
    issued = apikeys.issue(store, "agent", "desk")
    answered: list[str] = []

    def ask(email: str) -> None:
        response = keyed_client(app, issued.key).get("/v1/whois", query_string={"type": "email", "value": email})
        assert response.status_code == 200
        answered.append(response.get_json()["personId"])
    threads = [threading.Thread(target=ask, args=(email,)) for email in EMAILS * 3]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(answered) == len(threads)
    assert sorted(e["personId"] for e in graph_events(store)) == sorted(answered)
