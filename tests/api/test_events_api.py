"""POST /v1/events and GET /v1/persons/{id}/timeline through the Flask test client, on the real graph."""
from __future__ import annotations

import datetime as dt

from graph.intake.events import FINGERPRINT_LENGTH
from graph.intake.records import fingerprint
from service.event_schemas import EventSchema
from tests.integration.helpers import count, person_of


def rec(source_id: str, *identifiers: dict, given: str = "Ada", source: str = "crm", **fields) -> dict:
    return {"source": source, "sourceId": source_id, "name": {"given": given, "family": "Lovelace"},
            "identifiers": list(identifiers), **fields}


def email(value: str) -> dict:
    return {"type": "email", "value": value}


def phone(value: str) -> dict:
    return {"type": "phone", "value": value}


def event(event_id: str, *identifiers: dict, kind: str = "stay", at: str = "2026-03-01T10:00:00Z",
          source: str = "pms", **fields) -> dict:
    return {"source": source, "eventId": event_id, "kind": kind, "at": at,
            "identifiers": list(identifiers) or [email("ada@example.com")], **fields}


def post_records(client, *records):
    response = client.post("/v1/records", json={"records": list(records)})
    assert response.status_code == 200, response.get_json()
    return [r["personId"] for r in response.get_json()["results"]]


def post_events(client, *events, status: int = 200) -> dict:
    response = client.post("/v1/events", json={"events": list(events)})
    assert response.status_code == status, response.get_json()
    return response.get_json()


def test_an_event_attaches_to_the_person_its_identifiers_resolve_to(client, store):
    [ada] = post_records(client, rec("C-1", email("ada@example.com")))
    body = post_events(client, event("S-1", lineOfBusiness="hotel", amount=420.0, currency="GBP"))
    [result] = body["results"]
    assert (result["outcome"], result["personId"], result["recordKey"]) == ("created", ada, "crm/C-1")
    assert body["summary"] == {"created": 1, "rejected": 0, "warned": 0, "unattached": 0}
    stored = store.query("MATCH (:SourceRecord {recordKey: 'crm/C-1'})-[:HAS_EVENTS]->(m:EventMonth)"
                         "<-[:IN_MONTH]-(e:Event) RETURN m.month AS month, e.amount AS amount, e.kind AS kind")
    assert stored == [{"month": "2026-03", "amount": 420.0, "kind": "stay"}]


def test_a_re_sent_event_is_unchanged_and_stored_once(client, store):
    post_records(client, rec("C-1", email("ada@example.com")))
    first = post_events(client, event("S-1"), event("S-2", kind="call"))
    again = post_events(client, event("S-1"), event("S-2", kind="call"))
    assert [r["outcome"] for r in first["results"]] == ["created", "created"]
    assert [r["outcome"] for r in again["results"]] == ["unchanged", "unchanged"]
    assert count(store, "Event") == 2
    assert count(store, "EventMonth") == 1
    assert store.query("MATCH (:Event)-[x:IN_MONTH]->() RETURN count(x) AS n")[0]["n"] == 2


def test_an_event_stored_with_the_whole_hash_is_still_unchanged_when_re_sent(client, store):
    post_records(client, rec("C-1", email("ada@example.com")))
    post_events(client, event("S-1"))
    [short] = store.query("MATCH (e:Event {eventKey: 'pms/S-1'}) RETURN e.fingerprint AS f")
    whole = fingerprint(EventSchema().load(event("S-1")))     # as events were stored before the cut
    assert len(short["f"]) == FINGERPRINT_LENGTH < len(whole) and whole.startswith(short["f"])
    store.write(lambda tx: tx.run("MATCH (e:Event {eventKey: 'pms/S-1'}) SET e.fingerprint = $f", f=whole).consume())
    assert post_events(client, event("S-1"))["results"][0]["outcome"] == "unchanged"
    assert post_events(client, event("S-1", kind="call"))["results"][0]["outcome"] == "updated"


def test_an_event_stores_only_the_lists_it_states(client, store):
    post_records(client, rec("C-1", email("ada@example.com")))
    post_events(client, event("S-1"), event("S-2", consent={"marketing": True}))
    rows = {r["key"]: r for r in store.query(
        "MATCH (e:Event) RETURN e.eventKey AS key, keys(e) AS names, e.consentGranted AS granted")}
    lists = {"consentGranted", "consentDenied", "ignoredValues", "setAsideFields", "setAsideValues", "setAsideReasons"}
    assert lists & set(rows["pms/S-1"]["names"]) == set()
    assert lists & set(rows["pms/S-2"]["names"]) == {"consentGranted"} and rows["pms/S-2"]["granted"] == ["marketing"]


def test_a_changed_event_is_updated_and_moves_to_its_new_month(client, store):
    post_records(client, rec("C-1", email("ada@example.com")))
    post_events(client, event("K-1", kind="case", caseStatus="opened", at="2026-01-05T09:00:00Z"))
    body = post_events(client, event("K-1", kind="case", caseStatus="resolved", at="2026-02-05T09:00:00Z",
                                     observedAt="2026-02-06T09:00:00Z"))
    assert body["results"][0]["outcome"] == "updated"
    rows = store.query("MATCH (e:Event)-[:IN_MONTH]->(m:EventMonth) RETURN e.caseStatus AS status, m.month AS month")
    assert rows == [{"status": "resolved", "month": "2026-02"}]


def test_an_older_observation_is_refused_as_stale(client, store):
    post_records(client, rec("C-1", email("ada@example.com")))
    post_events(client, event("K-1", kind="case", caseStatus="resolved", observedAt="2026-03-02T00:00:00Z"))
    body = post_events(client, event("K-1", kind="case", caseStatus="opened", observedAt="2026-03-01T12:00:00Z"))
    assert body["results"][0]["outcome"] == "unchanged"
    assert body["results"][0]["refused"][0]["rule"] == "stale"
    assert store.query("MATCH (e:Event) RETURN e.caseStatus AS s") == [{"s": "resolved"}]


def test_an_event_never_merges_two_persons(client, store):
    ada, grace = post_records(client, rec("C-1", email("ada@example.com")),
                              rec("C-2", email("grace@example.com"), given="Grace", birthDate="1906-12-09"))
    assert ada != grace
    body = post_events(client, event("W-1", email("ada@example.com"), email("grace@example.com"), kind="webVisit"))
    [result] = body["results"]
    assert result["personId"] is None and "2 persons" in result["attachReason"]
    assert body["summary"]["unattached"] == 1
    assert person_of(store, "crm", "C-1") == ada and person_of(store, "crm", "C-2") == grace
    assert store.query("MATCH (p:Person) WHERE p.status = 'active' RETURN count(p) AS n")[0]["n"] == 2


def test_the_person_holding_more_of_its_identifiers_gets_it(client, store):
    ada, bob = post_records(client, rec("C-1", email("ada@example.com"), phone("+44 20 7946 0000")),
                            rec("C-2", email("bob@example.com"), phone("+44 20 7946 0000"), given="Bob",
                                birthDate="1950-01-01"))
    body = post_events(client, event("O-1", email("ada@example.com"), phone("+44 20 7946 0000"), kind="order"))
    assert body["results"][0]["personId"] == ada


def test_an_unknown_visitor_is_stored_unattached_and_attached_once_known(client, store):
    body = post_events(client, event("W-9", {"type": "device", "value": "ck-77aa"}, kind="webVisit"))
    assert body["results"][0]["personId"] is None
    assert count(store, "Event") == 1 and count(store, "Person") == 0
    same = post_events(client, event("W-9", {"type": "device", "value": "ck-77aa"}, kind="webVisit"))
    assert (same["results"][0]["outcome"], same["results"][0]["personId"]) == ("unchanged", None)
    [ada] = post_records(client, rec("C-1", {"type": "device", "value": "ck-77aa"}))
    again = post_events(client, event("W-9", {"type": "device", "value": "ck-77aa"}, kind="webVisit"))
    assert (again["results"][0]["outcome"], again["results"][0]["personId"]) == ("updated", ada)


def test_a_malformed_identifier_is_set_aside_and_a_bad_event_refused_alone(client, store):
    post_records(client, rec("C-1", email("ada@example.com")))
    body = post_events(client, event("S-1", email("ada@example.com"), email("not-an-email")),
                       event("S-2", kind="teleport"), status=207)
    [result] = body["results"]
    assert result["personId"] and result["warnings"] == {"identifiers[1].value": [result["warnings"][
        "identifiers[1].value"][0]]}
    assert body["errors"] == [{"index": 1, "source": "pms", "eventId": "S-2",
                               "errors": {"kind": [body["errors"][0]["errors"]["kind"][0]]}}]
    assert "kind" in body["errors"][0]["errors"]


def test_no_storable_event_is_422_naming_the_field(client, store):
    response = client.post("/v1/events", json={"events": [{"source": "pms", "eventId": "x", "kind": "stay"}]})
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"events[0].at", "events[0].identifiers"}
    assert client.post("/v1/events", json={"records": []}).status_code == 422
    odd = client.post("/v1/events", json={"events": [event("S-1", at="1850-01-01T00:00:00Z"),
                                                     event("S-2", at="2026-01-01T00:00:00+23:30"),
                                                     event("S-3", at="0001-01-01T00:00:00+05:00")]})
    assert odd.status_code == 207
    assert [list(e["errors"]) for e in odd.get_json()["errors"]] == [["at"], ["at"]]
    assert store.query("MATCH (e:Event) RETURN e.month AS month") == [{"month": "2025-12"}]   # stored in UTC


def test_an_erased_identifier_is_refused_for_events_too(client, store):
    [ada] = post_records(client, rec("C-1", email("ada@example.com")))
    assert client.delete(f"/v1/persons/{ada}").status_code == 200
    response = client.post("/v1/events", json={"events": [event("S-1")]})
    assert response.status_code == 422
    assert "suppression list" in response.get_json()["errors"]["events[0].identifiers[0]"][0]


def test_erasure_takes_the_person_s_events_with_it(client, store):
    [ada] = post_records(client, rec("C-1", email("ada@example.com")))
    post_events(client, event("S-1"), event("S-2", at="2026-02-01T00:00:00Z"))
    assert client.delete(f"/v1/persons/{ada}").status_code == 200
    assert count(store, "Event") == 0 and count(store, "EventMonth") == 0


def test_events_follow_their_record_into_a_merged_person(client, store):
    ada, other = post_records(client, rec("C-1", email("ada@example.com")),
                              rec("L-1", {"type": "loyaltyCard", "value": "ADA-1"}, source="loyalty"))
    post_events(client, event("S-1", {"type": "loyaltyCard", "value": "ADA-1"}))
    [merged] = post_records(client, rec("W-1", email("ada@example.com"), {"type": "loyaltyCard", "value": "ADA-1"},
                                        source="web"))
    page = client.get(f"/v1/persons/{merged}/timeline").get_json()
    assert [e["eventId"] for e in page["events"]] == ["S-1"]
    assert {ada, other} >= {merged}


def test_the_export_lists_the_person_s_events(client, store):
    [ada] = post_records(client, rec("C-1", email("ada@example.com")))
    post_events(client, event("S-1", amount=99.5))
    body = client.get(f"/v1/persons/{ada}/export").get_json()
    assert [(e["eventKey"], e["amount"]) for e in body["events"]] == [("pms/S-1", 99.5)]


# --- timeline ------------------------------------------------------------------------------------

def _stays(client, n: int, identifier: dict, start_month: int = 1) -> list[str]:
    events = [event(f"E-{k:03d}", identifier, kind=("stay", "webVisit", "call")[k % 3],
                    at=f"2026-{start_month + k % 6:02d}-{1 + k % 27:02d}T{k % 24:02d}:00:00Z") for k in range(n)]
    post_events(client, *events)
    return [e["eventId"] for e in sorted(events, key=lambda e: (e["at"], "pms/" + e["eventId"]), reverse=True)]


def test_the_timeline_is_newest_first_across_silos_and_pages_by_cursor(client, store):
    [ada] = post_records(client, rec("C-1", email("ada@example.com")),
                         rec("L-1", email("ada@example.com"), {"type": "loyaltyCard", "value": "ADA-1"},
                             source="loyalty"))[:1]
    expected = _stays(client, 40, email("ada@example.com"))
    post_events(client, event("X-1", {"type": "loyaltyCard", "value": "ADA-1"}, source="shop", kind="purchase",
                              at="2026-07-01T00:00:00Z"))
    expected = ["X-1"] + expected
    seen, cursor = [], ""
    while True:
        page = client.get(f"/v1/persons/{ada}/timeline", query_string={"limit": 7, "cursor": cursor}).get_json()
        assert "events" in page, page
        seen += [e["eventId"] for e in page["events"]]
        assert len(page["events"]) <= 7
        cursor = page["nextCursor"]
        if not cursor:
            break
    assert seen == expected


def test_the_timeline_filters_by_kind_and_days(client, store):
    [ada] = post_records(client, rec("C-1", email("ada@example.com")))
    _stays(client, 30, email("ada@example.com"))
    calls = client.get(f"/v1/persons/{ada}/timeline?kinds=call&limit=500").get_json()["events"]
    assert calls and {e["kind"] for e in calls} == {"call"}
    march = client.get(f"/v1/persons/{ada}/timeline?from=2026-03-01&to=2026-03-31&limit=500").get_json()["events"]
    assert march and all(e["at"].startswith("2026-03") for e in march)
    both = client.get(f"/v1/persons/{ada}/timeline?kinds=stay,call&from=2026-02-10&to=2026-04-05&limit=500")
    got = both.get_json()["events"]
    assert all(e["kind"] in ("stay", "call") and "2026-02-10" <= e["at"][:10] <= "2026-04-05" for e in got)
    assert client.get(f"/v1/persons/{ada}/timeline?kinds=teleport").status_code == 422
    assert client.get(f"/v1/persons/{ada}/timeline?cursor=nonsense").status_code == 422
    assert client.get(f"/v1/persons/{ada}/timeline?from=2026-05-01&to=2026-04-01").status_code == 422
    assert client.get("/v1/persons/P-nobody/timeline").status_code == 404


def test_the_timeline_is_filtered_by_purpose_and_audited(client, store):
    # an event's own consent statement counts beside its record's, the newest deciding (as for records)
    [ada] = post_records(client, rec("C-1", email("ada@example.com"), consent={"marketing": True},
                                     observedAt="2026-01-01T00:00:00Z"))
    post_events(client, event("S-1", at="2026-03-01T00:00:00Z"),
                event("S-2", at="2026-03-02T00:00:00Z", consent={"marketing": False}),
                event("S-3", at="2026-03-03T00:00:00Z", consent={"service": False}))
    service = client.get(f"/v1/persons/{ada}/timeline").get_json()
    marketing = client.get(f"/v1/persons/{ada}/timeline?purpose=marketing").get_json()
    assert [e["eventId"] for e in service["events"]] == ["S-2", "S-1"] and service["withheldCount"] == 1
    assert [e["eventId"] for e in marketing["events"]] == ["S-3", "S-1"] and marketing["withheldCount"] == 1
    analytics = client.get(f"/v1/persons/{ada}/timeline", headers={"X-Purpose": "analytics"}).get_json()
    assert analytics["events"] == [] and analytics["withheldCount"] == 3
    audit = client.get(f"/v1/audit?personId={ada}").get_json()["events"]
    assert [(e["action"], e["purpose"]) for e in audit][:3] == [
        ("person.timeline", "analytics"), ("person.timeline", "marketing"), ("person.timeline", "service")]


def test_a_customer_s_later_consent_change_governs_their_events(client, store):
    [ada] = post_records(client, rec("C-1", email("ada@example.com"), consent={"marketing": True}))
    post_events(client, event("S-1"))
    assert len(client.get(f"/v1/persons/{ada}/timeline?purpose=marketing").get_json()["events"]) == 1
    change = {"purpose": "marketing", "granted": False, "source": "preference-centre",
              "at": dt.datetime.now(dt.UTC).isoformat()}
    assert client.post(f"/v1/persons/{ada}/consent", json=change).status_code == 201
    assert client.get(f"/v1/persons/{ada}/timeline?purpose=marketing").get_json()["events"] == []


def test_roles_that_may_read_a_timeline(app, store, issue_key):
    from tests.conftest import keyed_client
    admin = keyed_client(app, issue_key("admin"))
    [ada] = post_records(admin, rec("C-1", email("ada@example.com")))
    for role, status in (("agent", 200), ("analyst", 200), ("privacy", 200), ("steward", 403)):
        assert keyed_client(app, issue_key(role)).get(f"/v1/persons/{ada}/timeline").status_code == status, role
    body = {"events": [event("S-1")]}
    assert keyed_client(app, issue_key("agent")).post("/v1/events", json=body).status_code == 403
    assert keyed_client(app, issue_key("steward")).post("/v1/events", json=body).status_code == 200
