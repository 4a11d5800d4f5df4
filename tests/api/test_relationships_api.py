"""GET /v1/persons/{id}/relationships over real data: each kind (household, work, social) with its
evidence, the previous resident, free-mail colleagues that are not, subsidiaries, and depth."""
from __future__ import annotations

import pytest


def person(source, source_id, given, family, *identifiers, birth="1980-01-01", addresses=(), jobs=()):
    return {"source": source, "sourceId": source_id, "observedAt": "2026-05-01T10:00:00Z",
            "name": {"given": given, "family": family}, "birthDate": birth,
            "identifiers": list(identifiers), "addresses": list(addresses), "employment": list(jobs)}


def email(value):
    return {"type": "email", "value": value}


def handle(name, followers=10):
    return {"type": "social", "platform": "twitter", "value": f"@{name}", "followers": followers}


def home(valid_from="2018-01-01", valid_to=None, number="7"):
    return {"use": "home", "streetNumber": number, "line1": "Clifton Vale", "locality": "Bristol",
            "postcode": "BS8 4PX", "country": "GB", "validFrom": valid_from, "validTo": valid_to}


LANDLINE = {"type": "phone", "value": "0117 496 0321"}


def load(client, *records):
    response = client.post("/v1/records", json={"records": list(records)})
    assert response.status_code == 200, response.get_json()
    return [r["personId"] for r in response.get_json()["results"]]


def relationships(client, person_id, **params):
    response = client.get(f"/v1/persons/{person_id}/relationships", query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def rels(view, rel_type):
    return [r for r in view["relationships"] if r["type"] == rel_type]


# --- household ----------------------------------------------------------------------------------

@pytest.fixture
def wilsons(client, store):
    """A couple sharing home, family name and landline, and a son who moved out in 2021."""
    return dict(zip(("david", "sarah", "tom"), load(
        client,
        person("crm", "H-1", "David", "Wilson", email("d.wilson@example.net"), LANDLINE, birth="1971-03-02",
               addresses=[home()]),
        person("crm", "H-2", "Sarah", "Wilson", email("s.wilson@example.org"), LANDLINE, birth="1973-09-14",
               addresses=[home()]),
        person("crm", "H-3", "Tom", "Wilson", email("tom.w@example.org"), birth="2001-05-05",
               addresses=[home(valid_to="2021-08-31")])), strict=True))


def test_co_residents_sharing_a_name_and_landline_are_one_household_with_the_evidence(client, wilsons):
    view = relationships(client, wilsons["david"], kinds="household")
    [house] = [n for n in view["nodes"] if n["type"] == "household"]
    assert "7 Clifton Vale" in house["address"]
    members = {r["from"]: r for r in rels(view, "MEMBER_OF")}
    assert set(members) == {wilsons["david"], wilsons["sarah"]}
    assert all(r["to"] == house["id"] for r in members.values())
    evidence = {(e["type"], e["value"]) for e in members[wilsons["sarah"]]["evidence"]}
    assert evidence == {("familyName", "wilson"), ("landline", "phone:+441174960321")}
    assert view["summary"] == {"household": 2}


def test_the_family_landline_kept_the_couple_apart_and_is_marked_as_refused_merge_evidence(client, wilsons):
    assert wilsons["david"] != wilsons["sarah"]
    view = relationships(client, wilsons["david"], kinds="household")
    [landline] = [e for r in rels(view, "MEMBER_OF") for e in r["evidence"] if e["type"] == "landline"][:1]
    assert landline.get("mergeRefused") is True


def test_a_previous_resident_is_not_a_member_after_moving_out(client, wilsons):
    household = relationships(client, wilsons["david"], kinds="household")
    assert wilsons["tom"] not in {n["id"] for n in household["nodes"]}
    assert relationships(client, wilsons["tom"], kinds="household")["relationships"] == []


def test_the_previous_resident_is_kept_with_dates_in_the_refreshed_household(client, wilsons, store):
    from graph.relationships.refresh import refresh
    refresh(store)
    rows = store.query("MATCH (p:Person)-[m:MEMBER_OF]->(:Household) "
                       "RETURN p.personId AS person, m.current AS current, m.validTo AS validTo")
    by_person = {r["person"]: r for r in rows}
    assert {p for p, r in by_person.items() if r["current"]} == {wilsons["david"], wilsons["sarah"]}
    # He lived there with them, so he was a member: kept as history, closed the day he left.
    assert by_person[wilsons["tom"]]["current"] is False
    assert str(by_person[wilsons["tom"]]["validTo"]) == "2021-08-31"


# --- work ---------------------------------------------------------------------------------------

@pytest.fixture
def acme(client, store):
    ids = load(client,
               person("crm", "W-1", "Jane", "Smith", email("jane@acme-travel.example.com"),
                      jobs=[{"company": "ACME Travel Ltd", "title": "Travel manager", "decisionMaker": True}]),
               person("crm", "W-2", "Omar", "Haddad", email("omar@acme-travel.example.com"),
                      jobs=[{"company": "Acme Travel Limited", "title": "Booker"}]),
               person("crm", "W-3", "Lena", "Berg", email("lena@acme-travel.example.com")),
               person("crm", "W-4", "Ann", "Free", email("ann.free@gmail.com")),
               person("crm", "W-5", "Bob", "Mail", email("bob.mail@gmail.com")))
    return dict(zip(("jane", "omar", "lena", "ann", "bob"), ids, strict=True))


def test_jobs_at_one_company_under_two_spellings_make_colleagues(client, acme):
    view = relationships(client, acme["jane"], kinds="work")
    [job] = rels(view, "WORKS_AT")
    assert job["to"] == "company:acme travel" and job["decisionMaker"] is True and job["title"] == "Travel manager"
    rules = {(r["to"] if r["from"] == acme["jane"] else r["from"], e["type"])
             for r in rels(view, "COLLEAGUE_OF") for e in r["evidence"]}
    assert (acme["omar"], "company") in rules


def test_a_shared_corporate_email_domain_makes_colleagues(client, acme):
    view = relationships(client, acme["lena"], kinds="work")
    others = {r["to"] if r["from"] == acme["lena"] else r["from"] for r in rels(view, "COLLEAGUE_OF")}
    assert others == {acme["jane"], acme["omar"]}
    assert {e["value"] for r in rels(view, "COLLEAGUE_OF") for e in r["evidence"]} == {"acme-travel.example.com"}


def test_a_free_mail_domain_never_makes_colleagues(client, acme):
    for who in ("ann", "bob"):
        assert relationships(client, acme[who], kinds="work")["relationships"] == []


def test_a_supplied_parent_company_is_a_subsidiary_link_with_its_source(client, acme):
    response = client.post("/v1/companies", json={"companies": [
        {"name": "Acme Travel Limited", "parent": "ACME Group plc", "source": "companies-house"}]})
    assert response.status_code == 200
    view = relationships(client, acme["jane"], kinds="work")
    [link] = rels(view, "SUBSIDIARY_OF")
    assert (link["from"], link["to"]) == ("company:acme travel", "company:acme group")
    assert link["evidence"][0]["value"] == "companies-house"
    assert {n["name"] for n in view["nodes"] if n["type"] == "company"} == {"ACME Travel Ltd", "ACME Group plc"}


def test_a_parent_that_would_make_a_cycle_is_refused(client, acme):
    client.post("/v1/companies", json={"companies": [{"name": "ACME Travel Ltd", "parent": "ACME Group plc"}]})
    response = client.post("/v1/companies", json={"companies": [{"name": "ACME Group plc", "parent": "Acme Travel"}]})
    assert response.status_code == 422 and "companies[0].parent" in response.get_json()["errors"]


# --- social -------------------------------------------------------------------------------------

@pytest.fixture
def social(client, store):
    ids = load(client, person("social", "S-1", "Ava", "Stone", handle("avastone", 75)),
               person("social", "S-2", "Ben", "Reed", handle("benreed", 300)),
               person("social", "S-3", "Cleo", "Hart", handle("cleohart", 40)))
    edges = [{"platform": "twitter", "from": "@AvaStone", "to": "@benreed", "type": "follows"},
             {"platform": "twitter", "from": "@benreed", "to": "@cleohart", "type": "follows"},
             {"platform": "twitter", "from": "@avastone", "to": "@HotelReviewsUK", "type": "mentions",
              "source": "listening"}]
    response = client.post("/v1/social/edges", json={"edges": edges})
    assert response.status_code == 200 and response.get_json()["created"] == 3
    return dict(zip(("ava", "ben", "cleo"), ids, strict=True), edges=edges)


def test_follows_between_customers_and_mentions_of_a_stranger_handle(client, social):
    view = relationships(client, social["ava"], kinds="social")
    [follows] = rels(view, "FOLLOWS")
    assert (follows["from"], follows["to"]) == (social["ava"], social["ben"])
    assert (follows["fromHandle"], follows["toHandle"]) == ("social:twitter:avastone", "social:twitter:benreed")
    [mention] = rels(view, "MENTIONS")
    assert mention["to"] == "social:twitter:hotelreviewsuk" and mention["evidence"][0]["source"] == "listening"
    stranger = next(n for n in view["nodes"] if n["id"] == mention["to"])
    assert stranger["type"] == "socialHandle"


def test_followers_see_the_edge_from_the_other_side(client, social):
    view = relationships(client, social["ben"], kinds="social")
    assert {(r["from"], r["to"]) for r in rels(view, "FOLLOWS")} == {(social["ava"], social["ben"]),
                                                                     (social["ben"], social["cleo"])}


def test_depth_two_reaches_a_friend_of_a_friend(client, social):
    near = relationships(client, social["ava"], kinds="social", depth=1)
    far = relationships(client, social["ava"], kinds="social", depth=2)
    assert social["cleo"] not in {n["id"] for n in near["nodes"]}
    assert {n["id"]: n["depth"] for n in far["nodes"]}[social["cleo"]] == 2


def test_resending_edges_is_idempotent(client, social):
    response = client.post("/v1/social/edges", json={"edges": social["edges"]})
    assert response.get_json() == {"received": 3, "created": 0, "existing": 3, "handles": 4}


def test_a_handle_cannot_follow_itself(client, store):
    response = client.post("/v1/social/edges", json={"edges": [
        {"platform": "twitter", "from": "@a", "to": "@A", "type": "follows"}]})
    assert response.status_code == 422 and "edges[0].to" in response.get_json()["errors"]


# --- the endpoint itself --------------------------------------------------------------------------

@pytest.mark.parametrize("params, field", [({"kinds": "household,family"}, "kinds"), ({"kinds": ""}, "kinds"),
                                           ({"depth": 4}, "depth"), ({"depth": 0}, "depth"),
                                           ({"hops": 1}, "hops")])
def test_bad_parameters_are_422_naming_the_field(client, social, params, field):
    response = client.get(f"/v1/persons/{social['ava']}/relationships", query_string=params)
    assert response.status_code == 422 and f"query.{field}" in response.get_json()["errors"]


def test_an_unknown_person_is_404(client, store):
    assert client.get("/v1/persons/P-0000000000000000/relationships").status_code == 404
    assert client.get("/v1/persons/P-0000000000000000/influence").status_code == 404


def test_a_merged_id_answers_for_the_survivor(client, store, settings):
    card_only = {"source": "loyalty", "sourceId": "M-2", "identifiers": [{"type": "loyaltyCard", "value": "LND-1"}]}
    first, second = load(client, person("crm", "M-1", "Ida", "Lund", email("ida@lund.example.com")), card_only)
    load(client, person("webshop", "M-3", "Ida", "Lund", email("ida@lund.example.com"),
                        {"type": "loyaltyCard", "value": "LND-1"}))
    [merged_away] = [r["id"] for r in store.query(
        "MATCH (p:Person) WHERE p.personId IN $ids AND p.status = 'merged' RETURN p.personId AS id",
        ids=[first, second])]
    view = relationships(client, merged_away)
    assert view["redirectedFrom"] == merged_away and view["personId"] != merged_away
