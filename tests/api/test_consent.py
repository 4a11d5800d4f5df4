"""Purpose and consent: facts from records whose consent does not cover the purpose are withheld, and
POST /v1/persons/{id}/consent records a customer's change per record, through merges."""
from __future__ import annotations

import pytest

from tests.api.privacy_people import (
    ADA_CRM,
    ADA_LOYALTY,
    CARD,
    EMAIL,
    MOBILE,
    TURNER_SPLIT,
    TURNERS,
    person_of,
    post,
    role_client,
)

LATER = "2026-03-01T12:00:00Z"


@pytest.fixture
def ada(client) -> str:
    return person_of(client, ADA_CRM, ADA_LOYALTY)


def view(client, person_id: str, purpose: str | None = None, **headers) -> dict:
    params = {"purpose": purpose} if purpose else {}
    response = client.get(f"/v1/persons/{person_id}", query_string=params, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def change(client, person_id: str, status: int = 201, **body):
    body = {"purpose": "marketing", "granted": False, "at": LATER, "source": "preference-centre", **body}
    response = client.post(f"/v1/persons/{person_id}/consent", json=body)
    assert response.status_code == status, response.get_json()
    return response.get_json()


def values(v: dict) -> set[str]:
    return {i["value"] for i in v["identifiers"]}


# --- filtering by purpose ----------------------------------------------------------------------

def test_service_rests_on_the_contract_and_shows_everything(client, ada):
    v = view(client, ada, "service")
    assert v["purpose"] == "service" and v["withheld"] == []
    assert v["withheldCounts"] == {"records": 0, "identifiers": 0, "roles": 0, "facts": 0}
    assert {"crm/C-1", "loyalty/L-1"} == {r["recordKey"] for r in v["records"]}


def test_marketing_withholds_the_record_without_a_grant_and_says_why(client, ada):
    response = client.get(f"/v1/persons/{ada}", query_string={"purpose": "marketing"})
    v = response.get_json()
    assert [r["recordKey"] for r in v["records"]] == ["crm/C-1"]
    [withheld] = v["withheld"]
    assert withheld["recordKey"] == "loyalty/L-1" and withheld["purpose"] == "marketing"
    assert withheld["reason"] == "no consent for marketing was given" and withheld["basis"] == "consent"
    assert withheld["facts"] > 0
    # the e-mail is also on the CRM record, so it stays; the card, mobile and job were only on L-1
    assert EMAIL in values(v) and v["roles"] == []
    assert v["withheldCounts"]["records"] == 1 and v["withheldCounts"]["identifiers"] == 2
    assert v["withheldCounts"]["roles"] == 1
    assert v["metrics"]["lifetimeSpend"] == 1200.0 and v["metrics"]["tier"] == "gold"
    text = response.get_data(as_text=True)
    for secret in (CARD, "+447700900123", "Analytical Engines", "platinum", "Programmer"):
        assert secret not in text


def test_analytics_shows_only_the_record_that_granted_it(client, ada):
    v = view(client, ada, "analytics", **{"X-Purpose": "analytics"})
    assert [r["recordKey"] for r in v["records"]] == ["loyalty/L-1"]
    assert "denied in the record as collected" in v["withheld"][0]["reason"]
    assert v["inferred"] == {"withheld": "derived from records withheld for this purpose"}


def test_an_explicit_denial_withholds_even_for_service(client):
    denied = dict(ADA_LOYALTY, consent={"service": False, "support": False})
    pid = person_of(client, ADA_CRM, denied)
    assert [w["recordKey"] for w in view(client, pid, "service")["withheld"]] == ["loyalty/L-1"]
    assert view(client, pid, "fraud")["withheld"] == []


def test_whois_filters_by_the_declared_purpose_too(client, ada):
    response = client.get("/v1/whois", query_string={"type": "loyaltyCard", "value": CARD, "purpose": "marketing"})
    v = response.get_json()
    assert response.status_code == 200 and v["personId"] == ada
    assert [w["recordKey"] for w in v["withheld"]] == ["loyalty/L-1"]
    assert {w["record"]: w["reason"] for w in v["why"]} == \
        {"crm/C-1": "linked through records withheld for this purpose"}


def test_record_view_of_a_withheld_record_keeps_only_its_provenance(client, ada):
    response = client.get("/v1/sources/loyalty/records/L-1", query_string={"purpose": "marketing"})
    body = response.get_json()
    assert response.status_code == 200 and body["personId"] == ada
    assert set(body["record"]) == {"recordKey", "source", "sourceId", "provenance"}
    assert body["withheld"][0]["reason"] == "no consent for marketing was given"
    text = response.get_data(as_text=True)
    assert MOBILE.replace(" ", "") not in text and "Ada" not in text
    shown = client.get("/v1/sources/loyalty/records/L-1", query_string={"purpose": "support"}).get_json()
    assert shown["record"]["fullName"] == "Ada Lovelace" and shown["withheld"] == []


# --- consent changes -------------------------------------------------------------------------------

def test_a_change_applies_to_every_record_the_person_holds_and_is_idempotent(client, ada):
    first = change(client, ada, 201)
    assert first["records"] == ["crm/C-1", "loyalty/L-1"] and first["created"] is True
    assert first["personId"] == ada and first["changeId"].startswith("C-")
    again = change(client, ada, 200)
    assert again["changeId"] == first["changeId"] and again["created"] is False
    v = view(client, ada, "marketing")
    assert v["records"] == [] and {w["recordKey"] for w in v["withheld"]} == {"crm/C-1", "loyalty/L-1"}
    assert all("customer's later change" in w["reason"] for w in v["withheld"] if w["recordKey"] == "crm/C-1")
    crm = next(r for r in view(client, ada, "service")["records"] if r["recordKey"] == "crm/C-1")
    assert crm["effectiveConsent"]["marketing"] is False
    assert crm["provenance"]["consent"] == {"marketing": True, "analytics": False}   # as collected, unchanged


def test_the_newest_statement_wins_a_newer_record_can_grant_again(client, ada):
    change(client, ada)
    post(client, dict(ADA_CRM, observedAt="2026-04-01T00:00:00Z", consent={"marketing": True}))
    assert [r["recordKey"] for r in view(client, ada, "marketing")["records"]] == ["crm/C-1"]


def test_consent_stays_with_each_record_through_a_merge(client):
    bob_web = {"source": "web", "sourceId": "W-1", "name": {"given": "Ada", "family": "Lovelace"},
               "identifiers": [{"type": "device", "value": "dev-77aa"}]}
    ada = person_of(client, ADA_CRM)
    other = person_of(client, bob_web)
    change(client, other, purpose="marketing", granted=True)
    change(client, ada, purpose="marketing", granted=False)
    bridge = {"source": "app", "sourceId": "A-1", "name": {"given": "Ada", "family": "Lovelace"},
              "identifiers": [{"type": "email", "value": EMAIL}, {"type": "device", "value": "dev-77aa"}]}
    [result] = post(client, bridge)
    assert result["outcome"] == "merged"
    v = view(client, result["personId"], "marketing")
    assert [r["recordKey"] for r in v["records"]] == ["web/W-1"]
    assert {w["recordKey"] for w in v["withheld"]} == {"crm/C-1", "app/A-1"}


def test_a_merged_away_id_records_the_change_on_the_survivor(client):
    ada = person_of(client, ADA_CRM)
    other = person_of(client, {"source": "web", "sourceId": "W-1", "name": {"given": "Ada", "family": "Lovelace"},
                               "identifiers": [{"type": "device", "value": "dev-77aa"}]})
    post(client, {"source": "app", "sourceId": "A-1", "name": {"given": "Ada", "family": "Lovelace"},
                  "identifiers": [{"type": "email", "value": EMAIL}, {"type": "device", "value": "dev-77aa"}]})
    loser = other if view(client, ada).get("redirectedFrom") is None else ada
    body = change(client, loser)
    assert body["redirectedFrom"] == loser and len(body["records"]) == 3


@pytest.mark.parametrize("role, status", [("agent", 201), ("steward", 201), ("privacy", 201), ("analyst", 403)])
def test_who_may_record_a_change(app, issue_key, client, ada, role, status):
    change(role_client(app, issue_key, role), ada, status)


@pytest.mark.parametrize("body, field", [
    ({"purpose": "curiosity"}, "json.purpose"),
    ({"purpose": None}, "json.purpose"),
    ({"granted": "yes"}, "json.granted"),
    ({"at": "2999-01-01T00:00:00Z"}, "json.at"),
    ({"at": "yesterday"}, "json.at"),
    ({"source": ""}, "json.source"),
    ({"extra": 1}, "json.extra"),
])
def test_a_bad_change_is_422_naming_the_field(client, ada, body, field):
    response = client.post(f"/v1/persons/{ada}/consent",
                           json={"purpose": "marketing", "granted": False, "at": LATER, "source": "letter", **body})
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]


def test_a_change_for_an_unknown_person_is_404(client, store):
    assert change(client, "P-nobody", 404)["code"] == 404


def test_consent_stays_with_each_record_through_a_split(client):
    pid = person_of(client, *TURNERS)
    assert len(change(client, pid, purpose="marketing", granted=True)["records"]) == 3
    [update] = post(client, TURNER_SPLIT)
    split_off = update["personId"]
    assert split_off != pid
    assert [r["recordKey"] for r in view(client, split_off, "marketing")["records"]] == ["events/3"]
    assert [r["recordKey"] for r in view(client, pid, "marketing")["records"]] == ["crm/1", "webshop/2"]
