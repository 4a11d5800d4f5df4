"""Provenance everywhere: each identifier, attribute, metric and role names its records, source,
observedAt and collectedFor; merges, households and scores are marked inferred with their rule or model."""
from __future__ import annotations

import pytest

from graph.analytics.households import RULE
from graph.relationships.refresh import refresh
from tests.api.privacy_people import ADA_CRM, ADA_LOYALTY, BYRON, EMAIL, person_of, post

OBSERVED = {"crm/C-1": "2026-01-10T09:00:00+00:00", "loyalty/L-1": "2026-02-01T09:00:00+00:00"}
COLLECTED = {"crm/C-1": "customer service", "loyalty/L-1": "loyalty programme"}


@pytest.fixture
def ada(client) -> str:
    return person_of(client, ADA_CRM, ADA_LOYALTY)


def view(client, person_id: str) -> dict:
    response = client.get(f"/v1/persons/{person_id}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def assert_provenance(entry: dict, record: str) -> None:
    assert entry["source"] == record.split("/")[0]
    assert entry["observedAt"] == OBSERVED[record]
    assert entry["collectedFor"] == COLLECTED[record]


def test_each_identifier_names_its_records_with_source_observed_and_purpose(client, ada):
    v = view(client, ada)
    [email] = [i for i in v["identifiers"] if i["value"] == EMAIL]
    assert sorted(s["record"] for s in email["sources"]) == ["crm/C-1", "loyalty/L-1"]
    for source in email["sources"]:
        assert_provenance(source, source["record"])
        assert {"validFrom", "validTo", "current"} <= set(source)       # the fields that were there before
    [home] = v["addresses"]
    assert [s["record"] for s in home["sources"]] == ["crm/C-1"] and home["sources"][0]["validFrom"] == "2020-01-01"


def test_attributes_and_name_name_their_records(client, ada):
    v = view(client, ada)
    by_name = {(a["attribute"], a["value"]): a for a in v["attributes"]}
    birth = by_name[("birthDate", "1985-12-10")]
    assert sorted(s["record"] for s in birth["sources"]) == ["crm/C-1", "loyalty/L-1"]
    [gender_source] = by_name[("gender", "F")]["sources"]
    assert_provenance(gender_source, "loyalty/L-1")
    assert v["name"]["full"] == "Ada Lovelace"
    assert_provenance(v["name"]["provenance"], v["name"]["provenance"]["record"])


def test_metrics_and_roles_name_their_records(client, ada):
    v = view(client, ada)
    spend = v["metrics"]["provenance"]["lifetimeSpend"]
    assert {(s["record"], s["value"]) for s in spend} == {("crm/C-1", 1200.0), ("loyalty/L-1", 300.0)}
    for s in spend:
        assert_provenance(s, s["record"])
    [role] = v["roles"]
    assert role["sources"] == ["loyalty/L-1"]                          # as before: record keys
    [job] = role["provenance"]
    assert_provenance(job, "loyalty/L-1")
    assert job["title"] == "Programmer"


def test_record_view_identifiers_carry_provenance(client, ada):
    record = client.get("/v1/sources/loyalty/records/L-1").get_json()["record"]
    assert record["recordKey"] == "loyalty/L-1"
    for ident in record["identifiers"]:
        assert_provenance(ident["sources"][0], "loyalty/L-1")


def test_a_merge_is_inferred_with_its_rule_and_evidence(client):
    first = person_of(client, {"source": "crm", "sourceId": "C-9", "identifiers": [{"type": "email", "value": EMAIL}]})
    second = person_of(client, {"source": "web", "sourceId": "W-9", "gender": "F",   # a device alone is a visitor
                                "identifiers": [{"type": "device", "value": "dv-1"}]})
    assert first != second
    [result] = post(client, {"source": "app", "sourceId": "A-9", "identifiers": [
        {"type": "email", "value": EMAIL}, {"type": "device", "value": "dv-1"}]})
    [merge] = view(client, result["personId"])["merges"]
    assert merge["inferred"] is True and merge["rule"] == "record bridges persons"
    assert merge["byRecord"] == "app/A-9" and merge["evidence"]


def test_households_and_scores_are_inferred_with_rule_and_model(client, store, ada):
    byron = person_of(client, BYRON)
    assert byron != ada
    run = refresh(store)
    inferred = view(client, ada)["inferred"]
    [household] = inferred["households"]
    assert household["inferred"] is True and household["rule"] == RULE
    assert household["analyticsRun"] == run["runId"] and household["current"] is True
    scores = inferred["scores"]
    assert scores["inferred"] is True and "scoring" in scores["model"]
    assert scores["analyticsRun"] == run["runId"] and "valueScore" in scores
    assert inferred["possiblySame"] == []


def test_before_any_analytics_run_there_are_no_inferred_scores(client, ada):
    inferred = view(client, ada)["inferred"]
    assert inferred["households"] == [] and "scores" not in inferred


def test_a_possibly_same_link_is_shown_as_inferred_with_its_score(client, store, ada):
    byron = person_of(client, BYRON)
    store.write(lambda tx: tx.run(
        "MATCH (a:Person {personId: $a}) MATCH (b:Person {personId: $b}) "
        "MERGE (a)-[s:POSSIBLY_SAME]->(b) SET s.score = 0.62, s.byRecord = 'crm/C-2'", a=ada, b=byron).consume())
    [link] = view(client, ada)["inferred"]["possiblySame"]
    assert (link["personId"], link["score"], link["inferred"]) == (byron, 0.62, True) and link["rule"]
    [back] = view(client, byron)["inferred"]["possiblySame"]
    assert back["personId"] == ada
