"""GET /v1/persons/{id}/why and GET /v1/why-not against the real server."""
from __future__ import annotations

import dataclasses

import pytest

from graph.intake.records import build_record
from graph.matching import load_default_model
from graph.matching.match_input import match_fields
from graph.matching.model_file import model_path, save_model
from service.schemas import RecordSchema
from tests.conftest import keyed_client

JANE = {"given": "Jane", "family": "Smith"}
EMAIL = {"type": "email", "value": "jane.smith@example.com"}
PHONE = {"type": "phone", "value": "+44 20 7946 0958"}
HOME = {"streetNumber": "12", "line1": "Rose Lane", "postcode": "BA1 1AA", "locality": "Bath"}


def rec(source: str, source_id: str, name=JANE, **fields) -> dict:
    return {"source": source, "sourceId": source_id, "name": name, **fields}


def post(client, *records) -> list[dict]:
    response = client.post("/v1/records", json={"records": list(records)})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["results"]


@pytest.fixture
def jane(client) -> str:
    results = post(client,
                   rec("crm", "C-1", birthDate="1984-07-12", identifiers=[EMAIL], addresses=[HOME]),
                   rec("web", "W-1", birthDate="1984-07-12", identifiers=[EMAIL, PHONE]),
                   rec("loyalty", "L-1", name={"full": "Jane Smith"}, identifiers=[PHONE], addresses=[HOME]))
    assert len({r["personId"] for r in results}) == 1, results
    return results[0]["personId"]


def why(client, person_id: str, record: str, **params):
    return client.get(f"/v1/persons/{person_id}/why", query_string={"record": record, **params})


def why_not(client, a: str, b: str, **params):
    return client.get("/v1/why-not", query_string={"a": a, "b": b, **params})


# --- why --------------------------------------------------------------------------------------

def test_why_lists_shared_identifiers_and_each_comparison(client, jane):
    response = why(client, jane, "crm/C-1")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["personId"] == jane and body["record"] == "crm/C-1"
    by_record = {link["record"]: link for link in body["links"]}
    assert set(by_record) == {"web/W-1", "loyalty/L-1"}
    web = by_record["web/W-1"]
    assert {"identifier": "email:jane.smith@example.com", "type": "email", "status": "evidence"} \
        in web["sharedIdentifiers"]
    levels = {c["comparison"]: c["level"] for c in web["comparisons"]}
    assert levels["given"] == "exact" and levels["birthDate"] == "exact" and levels["email"] == "exact"
    weights = {c["comparison"]: c["weight"] for c in web["comparisons"]}
    assert weights["birthDate"] > 0 and weights["email"] > 0
    assert 0.9 < web["probability"] <= 1.0
    # loyalty/L-1 shares only a phone with web/W-1, and an address (not identity evidence) with C-1
    loyalty = by_record["loyalty/L-1"]
    assert [s["status"] for s in loyalty["sharedIdentifiers"]] == ["not identity evidence"]
    assert [list(step) for step in loyalty["chain"]] == [["record"], ["identifier"], ["record"],
                                                         ["identifier"], ["record"]]
    assert body["probability"] is not None and body["thresholds"]["match"] > body["thresholds"]["review"]
    assert body["joined"]["rule"] in ("new person", "shared identifier", "merge") or body["joined"]


def test_why_of_a_single_record_person_says_so(client):
    person = post(client, rec("crm", "solo", identifiers=[EMAIL]))[0]["personId"]
    body = why(client, person, "crm/solo").get_json()
    assert body["links"] == [] and body["probability"] is None
    assert body["summary"] == "the only record of this person"


def test_why_is_audited_as_a_person_read(client, jane):
    assert why(client, jane, "web/W-1", purpose="support").status_code == 200
    events = client.get("/v1/audit", query_string={"personId": jane}).get_json()["events"]
    assert [(e["action"], e["purpose"]) for e in events] == [("person.why", "support")]


@pytest.mark.parametrize("person, record, fragment", [
    ("P-unknown", "crm/C-1", "no person P-unknown"),
    (None, "crm/nope", "is not one of person"),
])
def test_why_answers_404_for_an_unknown_person_or_a_record_elsewhere(client, jane, person, record, fragment):
    response = why(client, person or jane, record)
    assert response.status_code == 404
    assert fragment in response.get_json()["message"]


def test_why_404_for_a_record_of_another_person(client, jane):
    other = post(client, rec("crm", "X-1", name={"given": "Olga", "family": "Petrova"},
                             identifiers=[{"type": "email", "value": "olga@example.org"}]))[0]["personId"]
    assert other != jane
    assert why(client, jane, "crm/X-1").status_code == 404


@pytest.mark.parametrize("params", [{"record": "no-slash"}, {"record": "bad source!/1"}, {"record": "crm/"}, {}])
def test_why_422_for_a_malformed_record(client, jane, params):
    response = client.get(f"/v1/persons/{jane}/why", query_string=params)
    assert response.status_code == 422
    assert "query.record" in response.get_json()["errors"]


# --- why not ----------------------------------------------------------------------------------

def test_why_not_for_records_of_one_person(client, jane):
    body = why_not(client, "crm/C-1", "web/W-1").get_json()
    assert body["samePerson"] is True and body["verdict"] == "same person"
    assert body["a"] == {"record": "crm/C-1", "personId": jane}
    assert body["blockers"] == []


def test_why_not_names_conflicting_facts(client):
    # twins: same phone, address, family name and birth date, different given names
    post(client,
         rec("crm", "T-1", name={"given": "Anna", "family": "Novak"}, birthDate="1990-03-03",
             identifiers=[PHONE], addresses=[HOME]),
         rec("crm", "T-2", name={"given": "Maria", "family": "Novak"}, birthDate="1990-03-03",
             identifiers=[PHONE], addresses=[HOME]))
    body = why_not(client, "crm/T-1", "crm/T-2").get_json()
    assert body["samePerson"] is False
    rules = [b["rule"] for b in body["blockers"]]
    assert "conflicting facts" in rules
    conflict = next(b for b in body["blockers"] if b["rule"] == "conflicting facts")
    assert "different given names" in conflict["detail"]
    levels = {c["comparison"]: c["level"] for c in body["comparisons"]}
    assert levels["given"] == "different" and levels["phone"] == "exact"


def junk_email(value: str) -> dict:
    return {"type": "email", "value": value}


def test_why_not_names_a_block_listed_value_and_the_threshold(client):
    post(client,
         rec("crm", "J-1", name={"given": "Ann", "family": "Lee"}, identifiers=[junk_email("test@test.com")]),
         rec("crm", "J-2", name={"given": "Bo", "family": "Kay"}, identifiers=[junk_email("TEST@test.com")]))
    body = why_not(client, "crm/J-1", "crm/J-2").get_json()
    rules = {b["rule"]: b for b in body["blockers"]}
    assert rules["block-listed value"]["value"] == "email:test@test.com"
    assert rules["below threshold"]["probability"] < body["thresholds"]["review"]
    assert "not candidates" in rules


def test_why_not_names_validity_periods_that_do_not_overlap(client):
    old = {"type": "phone", "value": "+44 20 7946 0000", "validFrom": "2010-01-01", "validTo": "2014-12-31"}
    new = {"type": "phone", "value": "+44 20 7946 0000", "validFrom": "2019-01-01"}
    post(client, rec("crm", "V-1", name={"given": "Tom", "family": "Hardy"}, identifiers=[old]),
         rec("crm", "V-2", name={"given": "Eve", "family": "Moss"}, identifiers=[new]))
    body = why_not(client, "crm/V-1", "crm/V-2").get_json()
    overlap = next(b for b in body["blockers"] if b["rule"] == "validity periods do not overlap")
    assert overlap["identifier"] == "phone:+442079460000"
    assert overlap["periods"][0]["validTo"] == "2014-12-31"


def test_why_not_404_for_an_unknown_record_and_422_for_malformed(client, jane):
    response = why_not(client, "crm/C-1", "crm/missing")
    assert response.status_code == 404 and "crm/missing" in response.get_json()["message"]
    assert why_not(client, "crm/C-1", "nonsense").status_code == 422
    assert why_not(client, "crm/C-1", "crm/C-1").status_code == 422


def test_why_not_audits_both_persons(client, jane):
    other = post(client, rec("crm", "X-1", name={"given": "Olga", "family": "Petrova"}))[0]["personId"]
    assert why_not(client, "crm/C-1", "crm/X-1").status_code == 200
    for person in (jane, other):
        events = client.get("/v1/audit", query_string={"personId": person}).get_json()["events"]
        assert [e["action"] for e in events] == ["persons.why-not"]


# --- roles ------------------------------------------------------------------------------------

@pytest.mark.parametrize("role, why_status, why_not_status", [
    ("agent", 200, 200), ("analyst", 200, 200), ("privacy", 200, 200), ("steward", 403, 200),
])
def test_roles(app, issue_key, jane, role, why_status, why_not_status):
    client = keyed_client(app, issue_key(role))
    assert why(client, jane, "crm/C-1").status_code == why_status
    assert why_not(client, "crm/C-1", "web/W-1").status_code == why_not_status


def test_why_not_shows_the_review_band_link_ingestion_left(client):
    # a name alone is some evidence, not enough to merge: ingestion links the persons for review
    post(client, rec("crm", "N-1"), rec("web", "N-2"))
    body = why_not(client, "crm/N-1", "web/N-2").get_json()
    assert body["verdict"] == "possibly the same person" and body["samePerson"] is False
    assert [b["rule"] for b in body["blockers"]] == ["review band"]
    assert body["possiblySame"]["score"] == pytest.approx(body["probability"], abs=1e-3)
    assert body["thresholds"]["review"] <= body["probability"] < body["thresholds"]["match"]


# --- purpose and consent ----------------------------------------------------------------------

@pytest.fixture
def consented(client) -> str:
    """Jane: two records consent to marketing, the third says nothing about it."""
    yes = {"marketing": True}
    results = post(client, rec("crm", "K-1", birthDate="1984-07-12", identifiers=[EMAIL], consent=yes),
                   rec("web", "K-2", birthDate="1984-07-12", identifiers=[EMAIL, PHONE], consent=yes),
                   rec("shop", "K-3", identifiers=[PHONE]))
    assert len({r["personId"] for r in results}) == 1, results
    return results[0]["personId"]


def test_why_for_marketing_uses_only_records_that_consent(client, consented):
    body = why(client, consented, "crm/K-1", purpose="marketing").get_json()
    assert [link["record"] for link in body["links"]] == ["web/K-2"]
    assert [(w["recordKey"], w["purpose"]) for w in body["withheld"]] == [("shop/K-3", "marketing")]
    assert "withheld" not in why(client, consented, "crm/K-1").get_json()   # service: nothing withheld


def test_why_of_a_withheld_record_explains_nothing(client, consented):
    body = why(client, consented, "shop/K-3", purpose="marketing").get_json()
    assert body["links"] == [] and body["probability"] is None
    assert body["summary"] == "the record is withheld for marketing"


def test_why_not_for_a_purpose_a_record_does_not_serve(client, consented):
    body = why_not(client, "crm/K-1", "shop/K-3", purpose="marketing").get_json()
    assert body["samePerson"] is True
    assert "comparisons" not in body and "probability" not in body
    assert [w["recordKey"] for w in body["withheld"]] == ["shop/K-3"]
    assert "comparisons" in why_not(client, "crm/K-1", "web/K-2", purpose="marketing").get_json()


def test_why_through_a_merged_away_id_answers_for_the_survivor(client):
    first = post(client, rec("crm", "M-1", birthDate="1984-07-12", identifiers=[EMAIL]))[0]["personId"]
    second = post(client, rec("web", "M-2", name={"given": "Jane", "family": "Smith-Jones"},
                              identifiers=[PHONE]))[0]["personId"]
    bridge = post(client, rec("shop", "M-3", birthDate="1984-07-12", identifiers=[EMAIL, PHONE]))[0]
    assert first != second and bridge["outcome"] == "merged"
    survivor, loser = bridge["personId"], ({first, second} - {bridge["personId"]}).pop()
    body = why(client, loser, "web/M-2").get_json()
    assert body["personId"] == survivor and body["redirectedFrom"] == loser
    assert {link["record"] for link in body["links"]} == {"crm/M-1", "shop/M-3"}


# --- the model at the store's scale -------------------------------------------------------------

@pytest.fixture
def fitted_over_two(settings):
    """The shipped model, as if fitted over 2 records, as this app's trained model."""
    model = dataclasses.replace(load_default_model(), records=2)
    path = save_model(model, model_path(settings))
    yield model
    path.unlink()


def test_explanations_weigh_as_decisions_did_at_the_store_scale(client, settings, fitted_over_two):
    # four records against a model fitted over two: both priors halve (Model.at_scale), as
    # ingestion applied them, so the probability shown is the one the decision was made with (a
    # name alone: odds near even, where halving them shows)
    post(client, rec("crm", "S-1"), rec("web", "S-2"),
         rec("shop", "X-1", name={"given": "Ann", "family": "Other"}),
         rec("shop", "X-2", name={"given": "Bob", "family": "Else"}))
    body = why_not(client, "crm/S-1", "web/S-2").get_json()
    a, b = (match_fields(build_record(RecordSchema().load(rec(s, i)), settings))
            for s, i in (("crm", "S-1"), ("web", "S-2")))
    scaled = fitted_over_two.at_scale(4).score(a, b).probability
    assert body["probability"] == pytest.approx(scaled, abs=1e-3)
    assert scaled < fitted_over_two.score(a, b).probability - 0.05
