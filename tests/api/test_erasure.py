"""Erasure: DELETE /v1/persons/{id} removes the person's records, unshared identifiers and derived facts,
refreshes those left behind, suppresses the erased identifiers (keyed hashes) and logs counts only."""
from __future__ import annotations

import dataclasses
import json
import re

import pytest

from graph.access import apikeys
from graph.privacy import suppression
from graph.relationships.refresh import refresh
from tests.api.privacy_people import ADA_CRM, ADA_LOYALTY, BYRON, CARD, EMAIL, LANDLINE, person_of, post, role_client
from tests.conftest import keyed_client

SECRET = "test-suppression-secret"


@pytest.fixture(autouse=True)
def _shared_secret(monkeypatch):
    """The API and the CLI of one graph must share the secret; the CLI reads it from the environment."""
    monkeypatch.setenv("IDGRAPH_SUPPRESSION_SECRET", SECRET)


@pytest.fixture
def app(settings, store):
    """The API with the same secret in its settings."""
    from service import create_app
    return create_app(dataclasses.replace(settings, suppression_secret=SECRET), store)


@pytest.fixture
def privacy(app, issue_key):
    return role_client(app, issue_key, "privacy")


@pytest.fixture
def family(client, store) -> tuple[str, str]:
    """Ada (two records) and Byron, who shares her landline and home: a household after analytics."""
    ada = person_of(client, ADA_CRM, ADA_LOYALTY)
    byron = person_of(client, BYRON)
    assert ada != byron
    refresh(store)
    return ada, byron


def count(store, cypher: str, **params) -> int:
    return store.query(cypher, **params)[0]["n"]


def erase(client, person_id: str, status: int = 200) -> dict:
    response = client.delete(f"/v1/persons/{person_id}")
    assert response.status_code == status, response.get_json()
    return response.get_json()


def test_erasure_removes_records_and_unshared_identifiers_and_keeps_shared_ones(privacy, client, store, family):
    ada, byron = family
    body = erase(privacy, ada)
    assert body["personId"] == ada and body["status"] == "erased"
    counts = body["counts"]
    assert counts["records"] == 2
    assert counts["identifiersErased"] == 3            # e-mail, card, mobile
    assert counts["identifiersKept"] == 2              # landline and home, which Byron holds too
    assert counts["suppressed"] == 3 and counts["households"] == 1
    assert count(store, "MATCH (r:SourceRecord) RETURN count(r) AS n") == 1
    assert count(store, "MATCH (i:Identifier {key: $k}) RETURN count(i) AS n", k=f"email:{EMAIL}") == 0
    assert count(store, "MATCH (i:Identifier {key: $k}) RETURN count(i) AS n", k=f"loyaltyCard:{CARD}") == 0
    assert client.get("/v1/whois", query_string={"type": "email", "value": EMAIL}).status_code == 404
    byron_view = client.get(f"/v1/persons/{byron}").get_json()
    assert "+441174960321" in {i["value"] for i in byron_view["identifiers"]} and len(byron_view["addresses"]) == 1


def test_erasure_removes_derived_facts_and_refreshes_those_left(privacy, client, store, family):
    ada, byron = family
    store.write(lambda tx: tx.run("MATCH (a:Person {personId: $a}) MATCH (b:Person {personId: $b}) "
                                  "MERGE (a)-[s:POSSIBLY_SAME]->(b) SET s.score = 0.6", a=ada, b=byron).consume())
    phone_key = "phone:+441174960321"
    assert store.query("MATCH (i:Identifier {key: $k}) RETURN i.mergeRefused AS r", k=phone_key)[0]["r"]
    assert count(store, "MATCH (:Person)-[m:MEMBER_OF]->() RETURN count(m) AS n") == 2
    body = erase(privacy, ada)
    refreshed = body["refreshed"]
    assert refreshed["mergeRefusedCleared"] == 1 and refreshed["householdAddresses"] == 1
    assert body["counts"]["possiblySame"] == 1
    assert count(store, "MATCH ()-[s:POSSIBLY_SAME]->() RETURN count(s) AS n") == 0
    assert store.query("MATCH (i:Identifier {key: $k}) RETURN i.mergeRefused AS r", k=phone_key)[0]["r"] is None
    assert count(store, "MATCH (:Person)-[m:MEMBER_OF]->() RETURN count(m) AS n") == 0
    assert count(store, "MATCH (h:Household) RETURN count(h) AS n") == 0
    company = store.query("MATCH (c:Company) RETURN c.knownEmployees AS e, c.knownSpend AS s")[0]
    assert (company["e"], company["s"]) == (0, 0)
    person = store.query("MATCH (p:Person {personId: $p}) RETURN p {.*} AS p", p=ada)[0]["p"]
    assert set(person) == {"personId", "status", "erasedAt"} and person["status"] == "erased"
    rels = client.get(f"/v1/persons/{byron}/relationships").get_json()
    assert rels["personId"] == byron and ada not in {n["id"] for n in rels["nodes"]}


def test_erasure_deletes_merged_away_ids_and_consent_changes(privacy, client, store):
    first = person_of(client, {"source": "crm", "sourceId": "C-9", "identifiers": [{"type": "email", "value": EMAIL}]})
    second = person_of(client, {"source": "web", "sourceId": "W-9", "gender": "F",   # a device alone is a visitor
                                "identifiers": [{"type": "device", "value": "dv-1"}]})
    [bridge] = post(client, {"source": "app", "sourceId": "A-9", "identifiers": [
        {"type": "email", "value": EMAIL}, {"type": "device", "value": "dv-1"}]})
    survivor = bridge["personId"]
    loser = ({first, second} - {survivor}).pop()
    assert client.post(f"/v1/persons/{survivor}/consent", json={
        "purpose": "marketing", "granted": False, "at": "2026-03-01T00:00:00Z", "source": "letter"}).status_code == 201
    body = erase(privacy, loser)                  # a merged-away id erases the person it was merged into
    assert body["personId"] == survivor and body["redirectedFrom"] == loser
    assert body["counts"]["mergedIds"] == 1 and body["counts"]["consentChanges"] == 1
    assert count(store, "MATCH (c:ConsentChange) RETURN count(c) AS n") == 0
    assert count(store, "MATCH (p:Person) RETURN count(p) AS n") == 1
    assert client.get(f"/v1/persons/{loser}").status_code == 404       # deleted, not kept as a tombstone


def test_a_second_delete_and_later_reads_answer_410(privacy, client, family):
    ada, _ = family
    erase(privacy, ada)
    body = erase(privacy, ada, 410)
    assert body["code"] == 410 and "erased" in body["message"]
    assert client.get(f"/v1/persons/{ada}").status_code == 410
    assert privacy.get(f"/v1/persons/{ada}/export").status_code == 410


def test_suppression_list_holds_keyed_hashes_only(privacy, store, family):
    erase(privacy, family[0])
    rows = store.query("MATCH (s:Suppression) RETURN s {.*} AS s")
    assert sorted(r["s"]["kind"] for r in rows) == ["email", "loyaltyCard", "phone"]
    # hashes are hex and times have digits that may spell 'ada' or '7700' by chance: they are
    # checked for shape, the rest for content
    assert all(re.fullmatch(r"[0-9a-f]{64}", r["s"]["hash"]) for r in rows)
    assert all(hasattr(r["s"]["since"], "year") for r in rows)
    text = json.dumps([{k: v for k, v in r["s"].items() if k not in ("hash", "since")} for r in rows],
                      default=str).lower()
    for fragment in ("ada", "lovelace", "1815", "7700", "@"):
        assert fragment not in text
    assert suppression.keyed_hash(SECRET.encode(), f"email:{EMAIL}") in {r["s"]["hash"] for r in rows}


def test_a_later_record_with_an_erased_identifier_is_refused_naming_the_field(privacy, client, family):
    erase(privacy, family[0])
    again = dict(ADA_CRM, sourceId="C-77")
    response = client.post("/v1/records", json={"records": [again]})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert list(errors) == ["records[0].identifiers[0]"]
    assert "erased at the customer's request" in errors["records[0].identifiers[0]"][0]
    fresh = {"source": "crm", "sourceId": "C-78", "name": {"full": "Someone Else"},
             "identifiers": [{"type": "phone", "value": LANDLINE}]}            # shared, so not suppressed
    mixed = client.post("/v1/records", json={"records": [fresh, dict(ADA_LOYALTY, sourceId="L-9")]})
    assert mixed.status_code == 207
    body = mixed.get_json()
    assert [r["sourceId"] for r in body["results"]] == ["C-78"]
    [error] = body["errors"]
    assert error["index"] == 1 and set(error["errors"]) == {"identifiers[0]", "identifiers[1]", "identifiers[2]"}


def test_cli_ingest_refuses_erased_identifiers_too(privacy, family, idgraph, tmp_path):
    erase(privacy, family[0])
    path = tmp_path / "again.ndjson"
    path.write_text(json.dumps(dict(ADA_LOYALTY, sourceId="L-5")) + "\n" +
                    json.dumps({"source": "crm", "sourceId": "C-5", "name": {"full": "New Person"}}) + "\n")
    result = idgraph("ingest", str(path))
    assert result.exit_code == 1
    assert "record 0 rejected" in result.output and "suppression list" in result.output
    assert "record 1 rejected" not in result.output


def test_the_erasure_is_audited_with_counts_and_no_personal_data(app, store, family):
    issued = apikeys.issue(store, "privacy", "dpo")
    dpo = keyed_client(app, issued.key)
    ada = family[0]
    erase(dpo, ada)
    events = dpo.get("/v1/audit", query_string={"personId": ada}).get_json()["events"]
    [event] = [e for e in events if e["action"] == "person.erase"]
    assert (event["keyId"], event["role"], event["personId"], event["purpose"]) == (issued.keyId, "privacy", ada, None)
    stored = store.query("MATCH (e:AuditEvent {action: 'person.erase'}) RETURN e {.*} AS e")[0]["e"]
    assert stored["countRecords"] == 2 and stored["countSuppressed"] == 3
    # random hex ids may spell 'ada' by chance; the person id is the erased person's own
    text = json.dumps({k: v for k, v in stored.items() if k not in ("eventId", "keyId", "personId")},
                      default=str).lower()
    assert "ada" not in text and "lovelace" not in text and "example.com" not in text


@pytest.mark.parametrize("role, status", [("agent", 403), ("analyst", 403), ("steward", 403), ("admin", 200)])
def test_only_privacy_and_admin_may_erase(app, issue_key, family, role, status):
    erase(role_client(app, issue_key, role), family[0], status)


def test_erasing_an_unknown_person_is_404(privacy, store):
    assert erase(privacy, "P-nobody", 404)["code"] == 404


def test_a_generic_mark_is_cleared_once_too_few_differently_named_holders_remain(privacy, client, store):
    shared = {"type": "phone", "value": "+44 20 7946 0999"}
    people = [person_of(client, {"source": "crm", "sourceId": f"G-{n}", "name": {"given": given, "family": "Doe"},
                                 "identifiers": [shared, {"type": "email", "value": f"{given}@example.com"}]})
              for n, given in enumerate(["ann", "bob", "cyd", "dan", "eve"])]
    key = "phone:+442079460999"

    def generic() -> bool:
        return store.query("MATCH (i:Identifier {key: $k}) RETURN coalesce(i.generic, false) AS g", k=key)[0]["g"]
    assert generic() and len(set(people)) == 5
    assert erase(privacy, people[0])["refreshed"]["genericCleared"] == 0      # four names still share it
    assert generic()
    assert erase(privacy, people[1])["refreshed"]["genericCleared"] == 1      # three: no longer over the threshold
    assert not generic()
