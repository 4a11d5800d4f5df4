"""POST /v1/whois/search against the real server: ranked candidates, the floor, 422s, audit, roles."""
from __future__ import annotations

import pytest

from tests.conftest import keyed_client

HOME = {"streetNumber": "12", "line1": "Rose Lane", "postcode": "BA1 1AA", "locality": "Bath"}


@pytest.fixture
def people(client) -> dict[str, str]:
    records = [
        {"source": "crm", "sourceId": "jane", "name": {"given": "Jane", "family": "Smith"},
         "birthDate": "1984-07-12", "addresses": [HOME],
         "identifiers": [{"type": "email", "value": "jane.smith@example.com"},
                         {"type": "phone", "value": "+44 20 7946 0958"}]},
        {"source": "crm", "sourceId": "robert", "name": {"given": "Robert", "family": "Jones"},
         "birthDate": "1970-01-30", "addresses": [{"streetNumber": "4", "line1": "Mill Road", "postcode": "BS1 4DJ"}],
         "identifiers": [{"type": "email", "value": "rj@example.net"}]},
        {"source": "crm", "sourceId": "janet", "name": {"given": "Janet", "family": "Smith"},
         "birthDate": "1951-11-02", "identifiers": [{"type": "email", "value": "janet@example.org"}]},
    ]
    response = client.post("/v1/records", json={"records": records})
    assert response.status_code == 200, response.get_json()
    return {r["sourceId"]: r["personId"] for r in response.get_json()["results"]}


def search(client, body: dict, **params):
    return client.post("/v1/whois/search", json=body, query_string=params)


def candidates(client, body: dict) -> list[dict]:
    response = search(client, body)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["candidates"]


def test_name_and_birth_date_find_the_person_first(client, people):
    found = candidates(client, {"name": {"given": "Jane", "family": "Smith"}, "birthDate": "1984-07-12"})
    assert found[0]["personId"] == people["jane"]
    assert found[0]["probability"] > 0.99 and found[0]["record"] == "crm/jane"
    assert "birthDate exact" in found[0]["explanation"]
    assert "name" in found[0]["foundBy"]
    assert people["janet"] not in [c["personId"] for c in found]   # other given name, other birth date


def test_a_misspelt_family_name_is_found_through_the_postcode(client, people):
    found = candidates(client, {"name": {"full": "Jane Smyth"}, "postcode": "ba1 1aa"})
    assert [c["personId"] for c in found] == [people["jane"]]
    levels = {c["comparison"]: c["level"] for c in found[0]["comparisons"]}
    assert levels["family"] in ("similar", "close", "phonetic") and levels["address"] == "postcode"
    assert "address" in found[0]["foundBy"]
    assert "blocking key nameSounds" in found[0]["foundBy"]   # Smyth sounds like Smith


def test_an_email_written_differently_finds_the_person(client, people):
    found = candidates(client, {"email": "  RJ@Example.NET ", "name": {"given": "Bob"}})
    assert found[0]["personId"] == people["robert"]
    assert "identifier" in found[0]["foundBy"]


def test_nothing_above_the_floor_is_an_empty_list(client, people):
    assert candidates(client, {"name": {"given": "Zed", "family": "Zulu"}, "postcode": "BA1 1AA"}) == []
    assert candidates(client, {"name": {"given": "Jane", "family": "Smith"}, "minProbability": 0.999}) == []


def test_results_are_ranked_and_limited(client, people):
    found = candidates(client, {"name": {"given": "Jane", "family": "Smith"}, "minProbability": 0.01})
    probabilities = [c["probability"] for c in found]
    assert probabilities == sorted(probabilities, reverse=True)
    assert found[0]["personId"] == people["jane"]
    assert len(candidates(client, {"name": {"given": "Jane", "family": "Smith"}, "minProbability": 0.01,
                                   "limit": 1})) == 1


@pytest.mark.parametrize("body, field", [
    ({}, "json"),
    ({"limit": 5}, "json"),
    ({"phone": "not a phone"}, "phone"),
    ({"email": "nobody"}, "email"),
    ({"birthDate": "1984-13-40"}, "json.birthDate"),
    ({"name": {"given": "Jane"}, "shoeSize": 9}, "json.shoeSize"),
    ({"email": "test@test.com"}, "_schema"),
])
def test_empty_or_malformed_queries_are_422(client, people, body, field):
    response = search(client, body)
    assert response.status_code == 422, response.get_json()
    errors = response.get_json()["errors"]
    assert any(key == field or key.startswith(field) for key in errors), errors


def test_each_returned_person_is_audited_and_a_miss_is_not(client, people):
    found = candidates(client, {"name": {"given": "Jane", "family": "Smith"}, "birthDate": "1984-07-12"})
    assert search(client, {"name": {"given": "Zed", "family": "Zulu"}}, purpose="fraud").status_code == 200
    for candidate in found:
        events = client.get("/v1/audit", query_string={"personId": candidate["personId"]}).get_json()["events"]
        assert [(e["action"], e["purpose"]) for e in events] == [("whois.search", "service")]
    assert client.get("/v1/audit", query_string={"personId": people["robert"]}).get_json()["events"] == []


@pytest.mark.parametrize("role, status", [("agent", 200), ("analyst", 200), ("privacy", 200), ("steward", 403)])
def test_roles(app, issue_key, people, role, status):
    client = keyed_client(app, issue_key(role))
    assert search(client, {"name": {"given": "Jane", "family": "Smith"}}).status_code == status


def test_search_matches_only_records_whose_consent_covers_the_purpose(client, people):
    query = {"name": {"given": "Jane", "family": "Smith"}, "birthDate": "1984-07-12"}
    assert search(client, query, purpose="marketing").get_json()["candidates"] == []   # no grant given
    response = client.post("/v1/records", json={"records": [
        {"source": "web", "sourceId": "jane-w", "name": {"given": "Jane", "family": "Smith"},
         "birthDate": "1984-07-12", "consent": {"marketing": True},
         "identifiers": [{"type": "email", "value": "jane.smith@example.com"}]}]})
    assert response.get_json()["results"][0]["personId"] == people["jane"]
    found = search(client, query, purpose="marketing").get_json()["candidates"]
    assert [(c["personId"], c["record"]) for c in found] == [(people["jane"], "web/jane-w")]
