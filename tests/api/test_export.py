"""Subject access: GET /v1/persons/{id}/export returns everything held, unfiltered, and is audited."""
from __future__ import annotations

import pytest

from graph.relationships.refresh import refresh
from tests.api.privacy_people import (
    ADA_CRM,
    ADA_LOYALTY,
    BYRON,
    CARD,
    EMAIL,
    TURNER_SPLIT,
    TURNERS,
    person_of,
    post,
    role_client,
)


@pytest.fixture
def privacy(app, issue_key):
    return role_client(app, issue_key, "privacy")


@pytest.fixture
def ada(client) -> str:
    return person_of(client, ADA_CRM, ADA_LOYALTY)


def export(client, person_id: str, status: int = 200) -> dict:
    response = client.get(f"/v1/persons/{person_id}/export")
    assert response.status_code == status, response.get_json()
    return response.get_json()


def test_export_holds_every_record_as_stored_with_provenance_and_consent(privacy, client, ada):
    client.post(f"/v1/persons/{ada}/consent", json={"purpose": "analytics", "granted": False,
                                                    "at": "2026-03-01T00:00:00Z", "source": "letter"})
    body = export(privacy, ada)
    assert body["personId"] == ada and body["exportedAt"] and body["person"]["status"] == "active"
    records = {r["stored"]["recordKey"]: r for r in body["records"]}
    assert set(records) == {"crm/C-1", "loyalty/L-1"}
    loyalty = records["loyalty/L-1"]
    assert loyalty["stored"]["gender"] == "F" and loyalty["stored"]["consentGranted"] == ["analytics"]
    assert loyalty["provenance"] == {"source": "loyalty", "sourceId": "L-1",
                                     "observedAt": "2026-02-01T09:00:00+00:00", "collectedFor": "loyalty programme"}
    assert loyalty["consent"]["asCollected"] == {"analytics": True}
    [changed] = loyalty["consent"]["changes"]
    assert (changed["purpose"], changed["granted"], changed["source"]) == ("analytics", False, "letter")
    assert loyalty["consent"]["effective"]["analytics"]["allowed"] is False
    assert loyalty["joinedPerson"]["inferred"] is True


def test_export_is_not_filtered_by_purpose(privacy, ada):
    body = export(privacy, ada)          # L-1 never granted marketing: a marketing read withholds it
    values = {i["value"] for i in body["identifiers"]}
    assert {EMAIL, CARD} <= values
    [card] = [i for i in body["identifiers"] if i["value"] == CARD]
    assert card["sources"][0]["collectedFor"] == "loyalty programme"
    assert [r["company"] for r in body["roles"]] == ["Analytical Engines Ltd"]


def test_export_holds_inferences_merges_households_scores(privacy, client, store):
    first = person_of(client, {"source": "crm", "sourceId": "C-9", "name": {"full": "Ada Lovelace"},
                               "identifiers": [{"type": "email", "value": EMAIL}],
                               "addresses": [ADA_CRM["addresses"][0]]})
    second = person_of(client, {"source": "web", "sourceId": "W-9", "gender": "F",   # a device alone is a visitor
                                "identifiers": [{"type": "device", "value": "dv-1"}]})
    [bridge] = post(client, {"source": "app", "sourceId": "A-9", "identifiers": [
        {"type": "email", "value": EMAIL}, {"type": "device", "value": "dv-1"}]})
    byron = person_of(client, BYRON)
    refresh(store)
    survivor = bridge["personId"]
    loser = ({first, second} - {survivor}).pop()
    body = export(privacy, loser)
    assert body["personId"] == survivor and body["redirectedFrom"] == loser
    inferences = body["inferences"]
    [merge] = inferences["merges"]
    assert merge["personId"] == loser and merge["inferred"] is True and merge["rule"]
    [household] = inferences["households"]
    assert household["inferred"] is True and household["current"] is True
    assert inferences["scores"]["inferred"] is True and "valueScore" in inferences["scores"]
    rels = inferences["relationships"]
    assert any(r["type"] == "MEMBER_OF" for r in rels["relationships"])
    byron_node = next(n for n in rels["nodes"] if n["id"] == byron)
    assert "name" not in byron_node               # another person's name is not the subject's data


def test_export_holds_the_audit_log_and_is_itself_audited(app, issue_key, privacy, ada):
    agent = role_client(app, issue_key, "agent")
    asked = {"type": "email", "value": EMAIL, "purpose": "support"}
    assert agent.get("/v1/whois", query_string=asked).status_code == 200
    [event] = export(privacy, ada)["audit"]
    assert (event["action"], event["role"], event["purpose"], event["personId"]) == ("whois", "agent", "support", ada)
    actions = [e["action"] for e in privacy.get("/v1/audit", query_string={"personId": ada}).get_json()["events"]]
    assert actions == ["person.export", "whois"]


@pytest.mark.parametrize("role, status", [("privacy", 200), ("admin", 200), ("agent", 403),
                                          ("analyst", 403), ("steward", 403)])
def test_only_privacy_and_admin_may_export(app, issue_key, ada, role, status):
    export(role_client(app, issue_key, role), ada, status)


def test_export_of_an_unknown_person_is_404(privacy, store):
    assert export(privacy, "P-nobody", 404)["code"] == 404


def test_export_names_a_split_as_an_inference(privacy, client):
    kept = person_of(client, *TURNERS)
    [update] = post(client, TURNER_SPLIT)
    [split] = export(privacy, update["personId"])["inferences"]["splits"]
    assert (split["personId"], split["direction"], split["byRecord"], split["inferred"]) == (
        kept, "split from", "events/3", True)
    [back] = export(privacy, kept)["inferences"]["splits"]
    assert (back["personId"], back["direction"]) == (update["personId"], "split off")
