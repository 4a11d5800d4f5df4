"""Relationships, influence and lifecycle answer for a declared purpose, like the person view: a person
or fact whose consent refuses it is withheld, and the read is audited with its purpose."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.api.test_events_api import event, post_events
from tests.api.test_relationships_api import email, load, person, relationships

RECENT = (dt.datetime.now(dt.UTC) - dt.timedelta(days=30)).strftime("%Y-%m-%dT10:00:00Z")
ACME = [{"company": "ACME Travel Ltd", "title": "Travel manager", "decisionMaker": True}]


def consented(record: dict, **consent: bool) -> dict:
    return dict(record, consent=consent)


def last_audit(client, person_id: str) -> dict:
    return client.get(f"/v1/audit?personId={person_id}").get_json()["events"][0]


@pytest.fixture
def colleagues(client, store):
    """Jane lets marketing use her CRM record but not her second job's; Omar, her colleague, refuses."""
    ids = load(client,
               consented(person("crm", "W-1", "Jane", "Smith", email("jane@acme-travel.example.com"), jobs=ACME),
                         marketing=True),
               consented(person("crm", "W-2", "Omar", "Haddad", email("omar@acme-travel.example.com"), jobs=ACME),
                         marketing=False),
               consented(person("hr", "H-1", "Jane", "Smith", email("jane@acme-travel.example.com"),
                                jobs=[{"company": "Initech UK Ltd", "title": "Adviser"}]), marketing=False))
    return {"jane": ids[0], "omar": ids[1]}


def test_relationships_leave_out_persons_and_jobs_the_purpose_may_not_use(client, colleagues):
    jane, omar = colleagues["jane"], colleagues["omar"]
    service = relationships(client, jane, kinds="work", purpose="service")
    assert omar in {n["id"] for n in service["nodes"]}
    assert {n["name"] for n in service["nodes"] if n["type"] == "company"} == {"ACME Travel Ltd", "Initech UK Ltd"}
    assert service["withheld"] == {"persons": 0, "relationships": 0}
    marketing = relationships(client, jane, kinds="work", purpose="marketing")
    assert omar not in {n["id"] for n in marketing["nodes"]}
    assert {n["name"] for n in marketing["nodes"] if n["type"] == "company"} == {"ACME Travel Ltd"}
    assert marketing["withheld"]["persons"] == 1 and marketing["withheld"]["relationships"] >= 2
    assert (last_audit(client, jane)["action"], last_audit(client, jane)["purpose"]) == (
        "person.relationships", "marketing")


def test_a_person_no_record_of_whom_serves_the_purpose_has_no_relationships(client, colleagues):
    view = relationships(client, colleagues["omar"], kinds="work", purpose="marketing")
    assert [n["id"] for n in view["nodes"]] == [colleagues["omar"]] and view["relationships"] == []


def test_influence_is_withheld_when_a_record_refuses_the_purpose(client, colleagues):
    jane = colleagues["jane"]
    assert client.get(f"/v1/persons/{jane}/influence").get_json()["business"]["decisionMaker"] is True
    body = client.get(f"/v1/persons/{jane}/influence", headers={"X-Purpose": "marketing"}).get_json()
    assert body == {"personId": jane, "purpose": "marketing",
                    "withheld": "derived from records withheld for this purpose"}
    assert (last_audit(client, jane)["action"], last_audit(client, jane)["purpose"]) == (
        "person.influence", "marketing")


def test_lifecycle_is_judged_only_by_purchases_the_purpose_may_use(client, store):
    [ada] = load(client, consented(person("crm", "C-1", "Ada", "Lovelace", email("ada@example.com")),
                                   marketing=True))
    post_events(client, event("S-1", lineOfBusiness="hotel", at=RECENT, consent={"marketing": False}),
                event("O-1", kind="order", lineOfBusiness="retail", at=RECENT))
    service = client.get(f"/v1/persons/{ada}/lifecycle").get_json()
    assert service["linesOfBusiness"]["hotel"]["status"] == "customer" and service["withheldCount"] == 0
    marketing = client.get(f"/v1/persons/{ada}/lifecycle?purpose=marketing").get_json()
    assert marketing["linesOfBusiness"]["hotel"]["status"] != "customer"
    assert marketing["linesOfBusiness"]["retail"]["evidence"] == ["pms/O-1"] and marketing["withheldCount"] == 1
    assert last_audit(client, ada)["purpose"] == "marketing"


def test_lifecycle_of_a_person_who_refuses_the_purpose_shows_no_purchase(client, store):
    [ada] = load(client, consented(person("crm", "C-1", "Ada", "Lovelace", email("ada@example.com")),
                                   analytics=False))
    post_events(client, event("S-1", lineOfBusiness="hotel", at=RECENT))
    body = client.get(f"/v1/persons/{ada}/lifecycle?purpose=analytics").get_json()
    assert body["overall"]["status"] != "customer" and body["withheldCount"] == 1 and body["firstSeen"] is None


def test_the_ranking_leaves_out_persons_whose_records_refuse_the_purpose_and_logs_those_listed(client, store):
    from graph.relationships.refresh import refresh
    rich = dict(person("crm", "R-1", "Rita", "Rich", email("rita@example.com")), metrics={"lifetimeSpend": 90000.0})
    modest = dict(person("crm", "R-2", "Mo", "Modest", email("mo@example.com")), metrics={"lifetimeSpend": 900.0})
    rita, mo = load(client, rich, consented(modest, marketing=True))
    refresh(store)
    service = client.get("/v1/influence/ranking?order=value&limit=2").get_json()
    assert [p["personId"] for p in service["persons"]] == [rita, mo] and service["withheldCount"] == 0
    marketing = client.get("/v1/influence/ranking?order=value&limit=2&purpose=marketing").get_json()
    assert [(p["personId"], p["rank"]) for p in marketing["persons"]] == [(mo, 2)]
    assert marketing["withheldCount"] == 1
    assert (last_audit(client, mo)["action"], last_audit(client, mo)["purpose"]) == ("influence.ranking", "marketing")
    assert [e["purpose"] for e in client.get(f"/v1/audit?personId={rita}").get_json()["events"]] == ["service"]


def test_first_seen_for_a_purpose_is_the_earliest_record_it_may_use(client, store):
    """Known since 2020 by a record that refuses analytics, and recently by one that grants it: for
    analytics Ada is a new prospect, first seen with the newer record."""
    old = dict(consented(person("crm", "C-1", "Ada", "Lovelace", email("ada@example.com")), analytics=False),
               observedAt="2020-01-01T00:00:00Z")
    new = dict(consented(person("web", "W-1", "Ada", "Lovelace", email("ada@example.com")), analytics=True),
               observedAt=RECENT)
    [ada, _] = load(client, old, new)
    service = client.get(f"/v1/persons/{ada}/lifecycle").get_json()
    assert service["firstSeen"].startswith("2020-01-01") and service["overall"]["status"] == "known prospect"
    analytics = client.get(f"/v1/persons/{ada}/lifecycle?purpose=analytics").get_json()
    assert analytics["firstSeen"].startswith(RECENT[:10]) and analytics["overall"]["status"] == "new prospect"


def test_a_deceased_person_is_left_out_for_marketing_whatever_their_consent_said(client, store):
    from graph.relationships.refresh import refresh
    late = dict(consented(person("crm", "D-1", "Edith", "Late", email("edith@example.com")), marketing=True),
                metrics={"lifetimeSpend": 90000.0}, deceased=True, deceasedOn="2026-01-05")
    alive = dict(consented(person("crm", "D-2", "Mo", "Modest", email("mo@example.com")), marketing=True),
                 metrics={"lifetimeSpend": 900.0})
    edith, mo = load(client, late, alive)
    post_events(client, event("S-1", email("edith@example.com"), lineOfBusiness="hotel", at=RECENT))
    refresh(store)
    marketing = client.get("/v1/influence/ranking?order=value&limit=2&purpose=marketing").get_json()
    assert [p["personId"] for p in marketing["persons"]] == [mo] and marketing["withheldCount"] == 1
    service = client.get("/v1/influence/ranking?order=value&limit=2&purpose=service").get_json()
    assert [p["personId"] for p in service["persons"]] == [edith, mo]
    assert "withheld" in client.get(f"/v1/persons/{edith}/influence?purpose=marketing").get_json()
    assert client.get(f"/v1/persons/{edith}/lifecycle?purpose=marketing").get_json()["withheldCount"] == 1
    assert client.get(f"/v1/persons/{edith}/lifecycle?purpose=service").get_json()["withheldCount"] == 0
