"""Lifecycle status, the customer summary and an acquired source's overlap, through the API on the real graph."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from graph.lifecycle import definition
from tests.api.test_events_api import email, event, post_events, post_records, rec
from tests.conftest import keyed_client

RECENT = (dt.datetime.now(dt.UTC) - dt.timedelta(days=30)).strftime("%Y-%m-%dT10:00:00Z")
YEARS_AGO = (dt.datetime.now(dt.UTC) - dt.timedelta(days=3 * 366)).strftime("%Y-%m-%dT10:00:00Z")


@pytest.fixture
def brand_client(settings, store, issue_key, tmp_path):
    """An API whose lifecycle definition is a brand's own file (IDGRAPH_LIFECYCLE): hotel stays count for
    12 months, and the acquired 'spa-co' customer file has its own definition (spa visits, 48 months)."""
    from service import create_app
    data = json.loads(definition.DEFAULT_FILE.read_text())
    data.update(name="brand", version="7", linesOfBusiness={
        "hotel": {"purchaseKinds": ["stay"], "customerMonths": 12},
        "spa": {"purchaseKinds": ["purchase"], "customerMonths": 12}})
    data["sources"] = {"spa-co": {"linesOfBusiness": {"spa": {"purchaseKinds": ["visit"], "customerMonths": 48}}}}
    path = tmp_path / "lifecycle.json"
    path.write_text(json.dumps(data))
    app = create_app(dataclasses.replace(settings, lifecycle_file=path), store)
    return keyed_client(app, issue_key("admin"))


def test_a_person_s_status_per_line_of_business_with_evidence(client, store):
    [ada] = post_records(client, rec("C-1", email("ada@example.com")))
    post_events(client, event("S-1", lineOfBusiness="hotel", at=RECENT),
                event("O-1", kind="purchase", lineOfBusiness="retail", at=YEARS_AGO),
                event("W-1", kind="webVisit", at=RECENT))
    body = client.get(f"/v1/persons/{ada}/lifecycle").get_json()
    assert body["definition"] == {"name": "idgraph default", "version": "2026-12-01"}
    lines = body["linesOfBusiness"]
    assert (lines["hotel"]["status"], lines["hotel"]["evidence"]) == ("customer", ["pms/S-1"])
    assert (lines["retail"]["status"], lines["retail"]["evidence"]) == ("former customer", ["pms/O-1"])
    assert body["overall"]["status"] == "customer" and body["overall"]["linesOfBusiness"] == ["hotel"]
    assert body["whiteSpace"] == ["cars", "dining"]
    audit = client.get(f"/v1/audit?personId={ada}").get_json()["events"]
    assert audit[0]["action"] == "person.lifecycle"


def test_a_brand_s_own_definition_decides(brand_client, store):
    [ada] = post_records(brand_client, rec("C-1", email("ada@example.com")))
    post_events(brand_client, event("S-1", lineOfBusiness="hotel",
                                    at=(dt.datetime.now(dt.UTC) - dt.timedelta(days=400)).isoformat()))
    body = brand_client.get(f"/v1/persons/{ada}/lifecycle").get_json()
    assert body["definition"] == {"name": "brand", "version": "7"}
    assert sorted(body["linesOfBusiness"]) == ["hotel", "spa"]
    assert body["linesOfBusiness"]["hotel"]["status"] == "former customer"   # 24 months by default, 12 here


def test_never_bought_is_a_new_prospect(client, store):
    [ada] = post_records(client, rec("C-1", email("ada@example.com")))
    body = client.get(f"/v1/persons/{ada}/lifecycle").get_json()
    assert body["overall"]["status"] == "new prospect" and body["whiteSpace"] == []
    assert client.get("/v1/persons/P-nobody/lifecycle").status_code == 404


def test_the_customer_summary_counts_persons_by_status_and_line(client, store):
    ada, bob, cy = post_records(client, rec("C-1", email("ada@example.com")),
                                rec("C-2", email("bob@example.com"), given="Bob", birthDate="1950-01-01"),
                                rec("C-3", email("cy@example.com"), given="Cy", birthDate="1960-01-01"))
    post_events(client, event("S-1", lineOfBusiness="hotel", at=RECENT),
                event("S-2", email("bob@example.com"), lineOfBusiness="hotel", at="2020-01-01T00:00:00Z"))
    body = client.get("/v1/customers/summary").get_json()
    assert body["persons"] == 3
    assert body["overall"] == {"customer": 1, "former customer": 1, "known prospect": 0, "new prospect": 1}
    assert body["linesOfBusiness"]["hotel"] == body["overall"]
    assert body["whiteSpace"] == {"cars": 2, "dining": 2, "hotel": 0, "retail": 2}


def test_an_acquired_source_s_overlap_under_its_own_definition(brand_client, store):
    post_records(brand_client,
                 rec("C-1", email("ada@example.com")),                                     # brand customer
                 rec("C-2", email("bob@example.com"), given="Bob", birthDate="1950-01-01"),  # brand prospect
                 rec("A-1", email("ada@example.com"), source="spa-co"),
                 rec("A-2", email("bob@example.com"), given="Bob", birthDate="1950-01-01", source="spa-co"),
                 rec("A-3", email("cy@example.com"), given="Cy", birthDate="1960-01-01", source="spa-co"),
                 rec("A-4", email("di@example.com"), given="Di", birthDate="1970-01-01", source="spa-co"))
    three_years = (dt.datetime.now(dt.UTC) - dt.timedelta(days=3 * 365)).isoformat()
    post_events(brand_client, event("S-1", lineOfBusiness="hotel", at=RECENT),
                *[event(f"V-{who}", email(f"{who}@example.com"), source="spa-co", kind="visit", lineOfBusiness="spa",
                        at=three_years) for who in ("ada", "bob", "cy")])
    body = brand_client.get("/v1/sources/spa-co/overlap").get_json()
    assert body["definition"]["ownDefinition"] is True and body["definition"]["linesOfBusiness"] == ["spa"]
    assert body["persons"] == 4
    # three spa visits three years ago are customers under spa-co's 48 months (the brand's 12 would say former)
    assert body["bySourceStatus"]["customer"] == 3 and body["customers"] == 3
    assert body["alreadyKnown"]["count"] == 2
    assert body["alreadyKnown"]["as"]["customer"] == 1 and body["alreadyKnown"]["as"]["new prospect"] == 1
    assert body["new"] == 1


def test_who_may_read_the_summary_and_overlap(app, store, issue_key):
    for role, status in (("analyst", 200), ("agent", 403), ("steward", 403)):
        client = keyed_client(app, issue_key(role))
        assert client.get("/v1/customers/summary").status_code == status, role
        assert client.get("/v1/sources/crm/overlap").status_code == status, role


def test_status_filters_the_person_list_and_the_ranking(client, store):
    from graph.relationships.refresh import refresh
    ada, bob, cy = post_records(client, rec("C-1", email("ada@example.com")),
                                rec("C-2", email("bob@example.com"), given="Bob", birthDate="1950-01-01"),
                                rec("C-3", email("cy@example.com"), given="Cy", birthDate="1960-01-01"))
    post_events(client, event("S-1", lineOfBusiness="hotel", at=RECENT),
                event("S-2", email("cy@example.com"), lineOfBusiness="hotel", at=RECENT),
                event("O-1", email("bob@example.com"), kind="purchase", lineOfBusiness="retail", at=YEARS_AGO))
    customers = client.get("/v1/persons", query_string={"status": "customer", "limit": 1}).get_json()
    assert len(customers["persons"]) == 1 and customers["nextCursor"]
    more = client.get("/v1/persons", query_string={"status": "customer", "limit": 1,
                                                   "cursor": customers["nextCursor"]}).get_json()
    assert {customers["persons"][0]["personId"], more["persons"][0]["personId"]} == {ada, cy}
    retail = client.get("/v1/persons", query_string={"status": "former customer", "lineOfBusiness": "retail"})
    assert [p["personId"] for p in retail.get_json()["persons"]] == [bob]
    assert client.get("/v1/persons", query_string={"status": "vip"}).status_code == 422
    refresh(store, batch_size=25)
    ranked = client.get("/v1/influence/ranking", query_string={"status": "customer", "order": "value"}).get_json()
    assert {p["personId"] for p in ranked["persons"]} == {ada, cy}
    prospects = client.get("/v1/influence/ranking", query_string={"status": "known prospect", "limit": 5}).get_json()
    assert prospects["persons"] == []
