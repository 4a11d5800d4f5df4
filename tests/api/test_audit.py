"""Every person read leaves an audit event (key, role, purpose, action, person); GET /v1/audit reads them."""
from __future__ import annotations

import re

import pytest

from graph.access import apikeys
from graph.model import PURPOSES
from graph.store.driver import StoreUnavailable
from tests.conftest import keyed_client

EMAIL, PHONE = "ada.lovelace@example.com", "+44 20 7946 0001"
EVENT_FIELDS = {"eventId", "at", "keyId", "role", "purpose", "action", "personId"}


def rec(source: str, source_id: str, *identifiers: dict) -> dict:
    return {"source": source, "sourceId": source_id, "name": {"given": "Ada", "family": "Lovelace"},
            "identifiers": list(identifiers)}


ADA_EMAIL = {"type": "email", "value": EMAIL}
ADA_PHONE = {"type": "phone", "value": PHONE}


@pytest.fixture
def ada(client) -> str:
    response = client.post("/v1/records", json={"records": [rec("crm", "C-1", ADA_EMAIL, ADA_PHONE)]})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["results"][0]["personId"]


@pytest.fixture
def agent(app, store):
    """An agent's client and key id."""
    issued = apikeys.issue(store, "agent", "desk")
    return keyed_client(app, issued.key), issued.keyId


@pytest.fixture
def privacy(app, issue_key):
    return keyed_client(app, issue_key("privacy"))


def events(client, person_id: str, **params) -> list[dict]:
    response = client.get("/v1/audit", query_string={"personId": person_id, **params})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["events"]


def whois_email(client, **kwargs):
    return client.get("/v1/whois", query_string={"type": "email", "value": EMAIL, **kwargs.pop("params", {})},
                      **kwargs)


# --- what is logged ------------------------------------------------------------------------------

def test_whois_is_logged_with_key_role_purpose_and_person(agent, privacy, ada):
    client, key_id = agent
    assert whois_email(client, params={"purpose": "support"}).status_code == 200
    [event] = events(privacy, ada)
    assert {k: event[k] for k in ("keyId", "role", "purpose", "action", "personId")} == {
        "keyId": key_id, "role": "agent", "purpose": "support", "action": "whois", "personId": ada}
    assert event["at"] and set(event) == EVENT_FIELDS


@pytest.mark.parametrize("path, action", [
    ("/v1/persons/{ada}", "person.view"), ("/v1/sources/crm/records/C-1", "record.view")])
def test_person_and_record_views_are_logged(agent, privacy, ada, path, action):
    client, key_id = agent
    assert client.get(path.format(ada=ada)).status_code == 200
    [event] = events(privacy, ada)
    assert (event["action"], event["keyId"], event["personId"]) == (action, key_id, ada)


def test_the_purpose_defaults_to_service_and_may_come_in_a_header(agent, privacy, ada):
    client, _ = agent
    client.get(f"/v1/persons/{ada}")
    client.get(f"/v1/persons/{ada}", headers={"X-Purpose": "fraud"})
    client.get(f"/v1/persons/{ada}", query_string={"purpose": "marketing"}, headers={"X-Purpose": "marketing"})
    assert [e["purpose"] for e in events(privacy, ada)] == ["marketing", "fraud", "service"]


@pytest.mark.parametrize("kwargs, where", [
    ({"params": {"purpose": "curiosity"}}, "query.purpose"),
    ({"headers": {"X-Purpose": "curiosity"}}, "header.X-Purpose"),
    ({"params": {"purpose": "service"}, "headers": {"X-Purpose": "marketing"}}, "header.X-Purpose"),
], ids=["bad parameter", "bad header", "parameter and header disagree"])
def test_an_undeclarable_purpose_is_422_and_nothing_is_read_or_logged(agent, privacy, ada, kwargs, where):
    client, _ = agent
    response = whois_email(client, **kwargs)
    assert response.status_code == 422 and where in response.get_json()["errors"]
    assert "Lovelace" not in response.get_data(as_text=True)
    assert events(privacy, ada) == []


def test_the_purpose_parameter_is_documented_with_its_values(client):
    doc = client.get("/openapi.json").get_json()
    for path in ("/v1/whois", "/v1/persons/{person_id}", "/v1/sources/{source}/records/{source_id}"):
        query = {p["name"]: p for p in doc["paths"][path]["get"]["parameters"]}
        header = {p["name"]: p for p in doc["paths"][path]["parameters"]}
        assert query["purpose"]["schema"]["enum"] == list(PURPOSES)
        assert header["X-Purpose"]["in"] == "header"


def test_events_hold_no_identifier_or_name(agent, ada, store):
    client, _ = agent
    whois_email(client)
    client.get(f"/v1/persons/{ada}")
    rows = store.query("MATCH (e:AuditEvent) RETURN e {.*} AS e")
    assert len(rows) == 2
    for row in rows:
        assert set(row["e"]) == EVENT_FIELDS
        event = row["e"]
        # the ids are opaque: random hex (which may spell 'ada') in a fixed shape, never a value of the record
        assert re.fullmatch(r"\d{20}-[0-9a-f]{8}", event["eventId"]) and event["personId"] == ada
        assert re.fullmatch(r"[0-9a-f]+", event["keyId"])
        text = " ".join(str(v) for k, v in event.items() if k not in ("eventId", "keyId", "personId")).lower()
        assert not any(secret in text for secret in ("ada", "lovelace", "example.com", "7946", "c-1"))


def test_a_miss_reads_no_person_and_logs_nothing(agent, store):
    client, _ = agent
    assert client.get("/v1/whois", query_string={"type": "email", "value": "nobody@example.com"}).status_code == 404
    assert client.get("/v1/persons/P-none").status_code == 404
    assert store.query("MATCH (e:AuditEvent) RETURN count(e) AS n")[0]["n"] == 0


def test_a_merged_id_is_logged_under_the_person_it_now_shows(client, agent, privacy):
    first = client.post("/v1/records", json={"records": [rec("crm", "C-1", ADA_EMAIL)]}).get_json()
    second = client.post("/v1/records", json={"records": [rec("shop", "S-1", ADA_PHONE)]}).get_json()
    old_ids = {first["results"][0]["personId"], second["results"][0]["personId"]}
    bridge = client.post("/v1/records", json={"records": [rec("loyalty", "L-1", ADA_EMAIL, ADA_PHONE)]})
    survivor = bridge.get_json()["results"][0]["personId"]
    [merged_away] = old_ids - {survivor}
    agent_client, _ = agent
    assert agent_client.get(f"/v1/persons/{merged_away}").get_json()["redirectedFrom"] == merged_away
    assert [e["personId"] for e in events(privacy, survivor)] == [survivor]


def test_a_read_whose_event_cannot_be_written_is_refused(agent, ada, monkeypatch):
    def fail(*args, **kwargs):
        raise StoreUnavailable("audit log unreachable")
    monkeypatch.setattr("graph.access.audit.record_read", fail)
    client, _ = agent
    response = client.get(f"/v1/persons/{ada}")
    assert response.status_code == 503
    assert "Lovelace" not in response.get_data(as_text=True)


# --- GET /v1/audit -------------------------------------------------------------------------------

def test_audit_is_newest_first_and_paged(agent, privacy, ada):
    client, _ = agent
    for purpose in PURPOSES:
        assert client.get(f"/v1/persons/{ada}", query_string={"purpose": purpose}).status_code == 200
    seen, more = [], {}
    for expected_size in (2, 2, 1):
        page = privacy.get("/v1/audit", query_string={"personId": ada, "limit": 2, **more}).get_json()
        assert len(page["events"]) == expected_size and page["personId"] == ada
        seen += [e["purpose"] for e in page["events"]]
        more = {"cursor": page["nextCursor"]}
    assert more == {"cursor": None}
    assert seen == list(reversed(PURPOSES))


def test_audit_shows_only_the_asked_person(client, agent, privacy, ada):
    other = client.post("/v1/records", json={"records": [{"source": "crm", "sourceId": "C-2",
                                                            "name": {"full": "Grace Hopper"}}]})
    other_id = other.get_json()["results"][0]["personId"]
    agent_client, _ = agent
    agent_client.get(f"/v1/persons/{ada}")
    agent_client.get(f"/v1/persons/{other_id}")
    assert [e["personId"] for e in events(privacy, ada)] == [ada]
    assert [e["personId"] for e in events(privacy, other_id)] == [other_id]


def test_audit_of_an_unknown_person_is_empty_not_404(privacy, store):
    assert privacy.get("/v1/audit", query_string={"personId": "P-erased"}).get_json() == {
        "personId": "P-erased", "events": [], "nextCursor": None}


@pytest.mark.parametrize("params, field", [({}, "query.personId"), ({"personId": "P-1", "limit": 0}, "query.limit"),
                                           ({"personId": "P-1", "who": "me"}, "query.who")])
def test_audit_query_is_validated(privacy, store, params, field):
    response = privacy.get("/v1/audit", query_string=params)
    assert response.status_code == 422 and field in response.get_json()["errors"]


def test_reading_the_audit_log_is_not_itself_a_person_read(privacy, agent, ada):
    client, _ = agent
    client.get(f"/v1/persons/{ada}")
    events(privacy, ada)
    assert len(events(privacy, ada)) == 1
