"""Stewardship on the real database: merges and splits that stick through re-ingest and resolve --all,
exact undo, the review queue, and disputed facts that stop matching."""
from __future__ import annotations

import pytest

from graph.relationships.refresh import refresh
from graph.resolution.resolve_all import resolve_all
from graph.store.values import plain
from tests.conftest import keyed_client

ADDRESS = {"streetNumber": "12", "line1": "Rose Lane", "locality": "Bath", "postcode": "BA1 1AA", "country": "GB"}


def _record(source, source_id, given, family, **extra):
    return {"source": source, "sourceId": source_id, "observedAt": "2026-01-01T00:00:00Z",
            "name": {"given": given, "family": family}, **extra}


def _email(value):
    return [{"type": "email", "value": value}]


def _post(client, *records):
    response = client.post("/v1/records", json={"records": list(records)})
    assert response.status_code in (200, 207), response.get_json()
    return response.get_json()["results"]


def _person_of(store, key):
    rows = store.query("MATCH (:SourceRecord {recordKey: $key})-[:DESCRIBES]->(p:Person) RETURN p.personId AS p",
                       key=key)
    return rows[0]["p"]


def _state(store) -> dict:
    """Persons, their records with each DESCRIBES link, and every person-to-person link."""
    persons = {}
    for row in store.query("MATCH (p:Person) RETURN p {.*} AS person"):
        persons[row["person"]["personId"]] = (sorted(plain(row["person"]).items()), [])
    for row in store.query("MATCH (p:Person)<-[d:DESCRIBES]-(r:SourceRecord) "
                           "RETURN p.personId AS p, r.recordKey AS key, d {.*} AS link ORDER BY key"):
        persons[row["p"]][1].append((row["key"], sorted(plain(row["link"]).items())))
    links = sorted((row["type"], row["a"], row["b"], sorted(plain(row["props"]).items())) for row in store.query("""
        MATCH (a:Person)-[s]->(b:Person) RETURN type(s) AS type, a.personId AS a, b.personId AS b, s {.*} AS props"""))
    return {"persons": persons, "links": links}


@pytest.fixture
def steward(app, issue_key):
    return keyed_client(app, issue_key("steward"))


# --- split ---------------------------------------------------------------------------------------

def test_a_split_survives_a_bridging_ingest_a_changed_resend_and_resolve_all(steward, client, store, settings):
    _post(client, _record("crm", "C-1", "Jane", "Smith", identifiers=_email("jane@example.com")),
          _record("shop", "S-1", "Jane", "Smith", identifiers=_email("jane@example.com")))
    pid = _person_of(store, "crm/C-1")
    assert _person_of(store, "shop/S-1") == pid

    response = steward.post(f"/v1/persons/{pid}/split", json={"records": ["shop/S-1"], "reason": "two Janes"})
    assert response.status_code == 201, response.get_json()
    decision = response.get_json()
    assert decision["action"] == "split" and decision["constraint"] == "apart" and decision["reason"] == "two Janes"
    other = decision["otherPersonId"]
    assert decision["persons"] == {pid: ["crm/C-1"], other: ["shop/S-1"]}
    assert _person_of(store, "shop/S-1") == other

    # a new record holding the e-mail both hold would bridge them; a changed re-send would rejoin
    [bridge] = _post(client, _record("loyalty", "L-1", "Jane", "Smith", identifiers=_email("jane@example.com")))
    assert bridge["outcome"] == "joined" and bridge["personId"] == pid
    assert {"personId": other, "rule": "steward decision", "decisionId": decision["decisionId"]}.items() <= \
        bridge["refused"][0].items()
    [resent] = _post(client, _record("shop", "S-1", "Jane", "Smith", birthDate="1984-07-12",
                                     identifiers=_email("jane@example.com")))
    assert resent["personId"] == other
    assert _person_of(store, "crm/C-1") != _person_of(store, "shop/S-1")

    resolve_all(store, settings)
    assert _person_of(store, "crm/C-1") == pid and _person_of(store, "shop/S-1") == other

    why_not = client.get("/v1/why-not?a=crm/C-1&b=shop/S-1").get_json()
    assert why_not["blockers"][0]["rule"] == "steward decision"
    assert why_not["blockers"][0]["decisionId"] == decision["decisionId"]


def test_without_the_split_the_same_bridge_merges(client, store):
    """The control for the test above: the bridging record does join the two when nobody decided."""
    _post(client, _record("crm", "C-1", "Jane", "Smith", identifiers=_email("jane@example.com")),
          _record("shop", "S-1", "Jane", "Smith", identifiers=_email("jane@example.com")))
    assert _person_of(store, "crm/C-1") == _person_of(store, "shop/S-1")


# --- merge ---------------------------------------------------------------------------------------

def _two_browns(client):
    return _post(client,
                 _record("crm", "C-2", "John", "Brown", birthDate="1970-01-01", identifiers=_email("jb@example.com")),
                 _record("shop", "S-2", "Johnny", "Brown", birthDate="1971-05-05",
                         identifiers=_email("johnny@example.org")))


def test_a_merge_survives_a_changed_resend_and_resolve_all(steward, client, store, settings):
    first, second = _two_browns(client)
    assert first["personId"] != second["personId"]
    response = steward.post(f"/v1/persons/{second['personId']}/merge",
                            json={"with": first["personId"], "reason": "same customer, typo in birth date"})
    assert response.status_code == 201, response.get_json()
    decision = response.get_json()
    survivor = decision["personId"]
    assert survivor == first["personId"]       # the older person survives, as in automatic merges
    assert client.get(f"/v1/persons/{second['personId']}").get_json()["personId"] == survivor

    # the re-send drops its e-mail (lost evidence: ingestion re-clusters the person)
    [resent] = _post(client, _record("shop", "S-2", "Johnny", "Brown", birthDate="1971-05-05"))
    assert resent["personId"] == survivor
    resolve_all(store, settings)
    assert _person_of(store, "crm/C-2") == _person_of(store, "shop/S-2") == survivor

    why = client.get(f"/v1/persons/{survivor}/why?record=shop/S-2").get_json()
    assert why["stewardDecision"]["decisionId"] == decision["decisionId"]


def test_undo_of_a_merge_restores_persons_ids_and_links_exactly(steward, client, store):
    first, second = _two_browns(client)
    before = _state(store)
    decision = steward.post(f"/v1/persons/{first['personId']}/merge", json={"with": second["personId"]}).get_json()
    assert _state(store) != before
    response = steward.post(f"/v1/decisions/{decision['decisionId']}/undo", json={"reason": "wrong pair"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "undone"
    assert _state(store) == before
    again = steward.post(f"/v1/decisions/{decision['decisionId']}/undo", json={})
    assert again.status_code == 422


def test_undo_of_a_split_restores_exactly_and_lifts_the_constraint(steward, client, store):
    _post(client, _record("crm", "C-1", "Jane", "Smith", identifiers=_email("jane@example.com")),
          _record("shop", "S-1", "Jane", "Smith", identifiers=_email("jane@example.com")))
    pid = _person_of(store, "crm/C-1")
    before = _state(store)
    decision = steward.post(f"/v1/persons/{pid}/split", json={"records": ["shop/S-1"]}).get_json()
    assert steward.post(f"/v1/decisions/{decision['decisionId']}/undo", json={}).status_code == 200
    assert _state(store) == before
    [bridge] = _post(client, _record("loyalty", "L-1", "Jane", "Smith", identifiers=_email("jane@example.com")))
    assert bridge["personId"] == pid


def test_undo_after_later_changes_is_refused_with_what_to_do(steward, client, store):
    _post(client, _record("crm", "C-1", "Jane", "Smith", identifiers=_email("jane@example.com")),
          _record("shop", "S-1", "Jane", "Smith", identifiers=_email("jane@example.com")))
    pid = _person_of(store, "crm/C-1")
    decision = steward.post(f"/v1/persons/{pid}/split", json={"records": ["shop/S-1"]}).get_json()
    _post(client, _record("loyalty", "L-1", "Jane", "Smith", identifiers=_email("jane@example.com")))
    response = steward.post(f"/v1/decisions/{decision['decisionId']}/undo", json={})
    assert response.status_code == 422
    assert "merge or split them anew" in response.get_json()["message"]


def test_decisions_are_for_stewards_and_name_who_when_why(app, issue_key, client, store):
    first, second = _two_browns(client)
    agent = keyed_client(app, issue_key("agent"))
    assert agent.post(f"/v1/persons/{first['personId']}/merge", json={"with": second["personId"]}).status_code == 403
    key = issue_key("steward")
    decision = keyed_client(app, key).post(f"/v1/persons/{first['personId']}/merge",
                                           json={"with": second["personId"], "reason": "checked"}).get_json()
    assert decision["keyId"] == key.split("_")[1] and decision["role"] == "steward" and decision["at"]
    events = client.get(f"/v1/audit?personId={first['personId']}").get_json()["events"]
    assert any(e["action"] == "person.merge" and e["keyId"] == decision["keyId"] for e in events)
    listed = client.get("/v1/decisions").get_json()["decisions"]
    assert [d["decisionId"] for d in listed] == [decision["decisionId"]]
    assert "before" not in listed[0]


def test_split_refuses_records_not_the_persons_and_all_of_them(steward, client, store):
    first, _ = _two_browns(client)
    pid = first["personId"]
    response = steward.post(f"/v1/persons/{pid}/split", json={"records": ["shop/S-2"]})
    assert response.status_code == 422 and "records[0]" in response.get_json()["errors"]
    assert steward.post(f"/v1/persons/{pid}/split", json={"records": ["crm/C-2"]}).status_code == 422
    assert steward.post("/v1/persons/P-nobody/split", json={"records": ["crm/C-2"]}).status_code == 404


# --- review queue --------------------------------------------------------------------------------

NAMES = {1: ("Robert", "Stone"), 2: ("Edith", "Marsh")}


def _possibly_same_pair(client, store, n: int, spend: float):
    """Two records with one name and nothing else: the model's review band (POSSIBLY_SAME)."""
    a, b = _post(client, _record("crm", f"R-{n}", *NAMES[n], metrics={"lifetimeSpend": spend}),
                 _record("web", f"R-{n}", *NAMES[n]))
    linked = store.query("MATCH (:Person {personId: $a})-[s:POSSIBLY_SAME]-(:Person {personId: $b}) "
                         "RETURN s.score AS score", a=a["personId"], b=b["personId"])
    assert a["personId"] != b["personId"] and linked, (a, b)
    return a["personId"], b["personId"]


def test_review_answers_change_persons_and_become_labels(steward, client, store):
    same = _possibly_same_pair(client, store, 1, 100.0)
    different = _possibly_same_pair(client, store, 2, 5000.0)
    queue = steward.get("/v1/review?order=value").get_json()
    assert [p["value"] for p in queue["pairs"]] == [5000.0, 100.0]
    assert queue["pairs"][0]["whyNot"]["verdict"] == "possibly the same person"
    pair_ids = {frozenset((p["a"]["personId"], p["b"]["personId"])): p["pairId"] for p in queue["pairs"]}

    answered = steward.post(f"/v1/review/{pair_ids[frozenset(same)]}", json={"answer": "same"})
    assert answered.status_code == 201, answered.get_json()
    assert _person_of(store, "crm/R-1") == _person_of(store, "web/R-1")
    kept = steward.post(f"/v1/review/{pair_ids[frozenset(different)]}", json={"answer": "different"})
    assert kept.status_code == 201
    assert steward.get("/v1/review").get_json()["pairs"] == []
    assert steward.post(f"/v1/review/{pair_ids[frozenset(different)]}", json={"answer": "same"}).status_code == 404

    labels = {d["action"]: d["label"] for d in client.get("/v1/decisions").get_json()["decisions"]}
    assert labels == {"review same": "same", "review different": "different"}
    # a re-send that would put the pair back in the queue leaves them apart and out of it
    _post(client, _record("web", "R-2", *NAMES[2], birthDate="1980-01-01"))
    assert _person_of(store, "crm/R-2") != _person_of(store, "web/R-2")
    assert steward.get("/v1/review").get_json()["pairs"] == []

    # undoing "different" puts the pair back in the queue, as it was
    undone = steward.post(f"/v1/decisions/{kept.get_json()['decisionId']}/undo", json={})
    assert undone.status_code == 200, undone.get_json()
    assert [p["pairId"] for p in steward.get("/v1/review").get_json()["pairs"]] == [pair_ids[frozenset(different)]]


# --- feedback on facts ---------------------------------------------------------------------------

def test_a_disputed_address_is_not_used_to_link_a_new_record(client, store):
    [ann] = _post(client, _record("crm", "C-3", "Ann", "Lee", addresses=[ADDRESS]))
    response = client.post(f"/v1/persons/{ann['personId']}/feedback",
                           json={"kind": "disputed fact", "address": ADDRESS, "reason": "customer moved long ago",
                                 "onBehalfOfCustomer": True})
    assert response.status_code == 201, response.get_json()
    dispute = response.get_json()
    assert dispute["action"] == "dispute" and dispute["identifier"].startswith("address:")

    [stranger] = _post(client, _record("web", "W-3", "Ann", "Lee", addresses=[ADDRESS]))
    assert stranger["personId"] != ann["personId"]
    view = client.get(f"/v1/persons/{ann['personId']}/export").get_json()
    assert view["addresses"][0]["sources"][0]["disputed"] is True

    # withdrawn: the address counts again, and the same new record joins Ann (the control)
    ruled = client.post(f"/v1/feedback/{dispute['decisionId']}", json={"outcome": "withdrawn"})
    assert ruled.status_code == 200 and ruled.get_json()["status"] == "withdrawn"
    [joined] = _post(client, _record("web", "W-4", "Ann", "Lee", addresses=[ADDRESS]))
    assert joined["personId"] == ann["personId"]


def test_a_cut_link_no_longer_answers_who_is_this_but_the_record_stays(client, store):
    [jane] = _post(client, _record("crm", "C-5", "Jane", "Doe", identifiers=_email("shared@example.com") +
                                   [{"type": "phone", "value": "+44 20 7946 0958"}]))
    assert client.get("/v1/whois?type=email&value=shared@example.com").status_code == 200
    response = client.post(f"/v1/persons/{jane['personId']}/feedback",
                           json={"kind": "wrong link", "identifier": {"type": "email", "value": "shared@example.com"}})
    assert response.status_code == 201, response.get_json()
    assert client.get("/v1/whois?type=email&value=shared@example.com").status_code == 404
    assert client.get("/v1/whois?type=phone&value=+44 20 7946 0958").get_json()["personId"] == jane["personId"]
    [other] = _post(client, _record("web", "W-5", "Jim", "Roe", identifiers=_email("shared@example.com")))
    assert other["personId"] != jane["personId"]


def test_feedback_on_an_identifier_the_person_does_not_hold_is_422(client, store):
    [jane] = _post(client, _record("crm", "C-6", "Jane", "Doe", identifiers=_email("jd@example.com")))
    response = client.post(f"/v1/persons/{jane['personId']}/feedback",
                           json={"kind": "disputed fact", "identifier": {"type": "email", "value": "no@example.com"}})
    assert response.status_code == 422 and "identifier" in response.get_json()["errors"]
    wrong = client.post(f"/v1/persons/{jane['personId']}/feedback",
                        json={"kind": "wrong prediction", "prediction": "interested in baby furniture"})
    assert wrong.status_code == 201 and wrong.get_json()["prediction"] == "interested in baby furniture"


def test_a_dispute_holds_when_the_source_resends_the_record_changed(client, store):
    """The source keeps saying it; the customer said no: neither a cut link nor a disputed identifier
    comes back into use until a steward rules (the cut e-mail would otherwise stitch Jane to Jim)."""
    jane_record = _record("crm", "C-7", "Jane", "Doe", identifiers=_email("family@example.com") +
                          [{"type": "phone", "value": "+44 20 7946 0959"}])
    [jane] = _post(client, jane_record)
    for kind, identifier in (("wrong link", _email("family@example.com")[0]),
                             ("disputed fact", {"type": "phone", "value": "+44 20 7946 0959"})):
        response = client.post(f"/v1/persons/{jane['personId']}/feedback",
                               json={"kind": kind, "identifier": identifier})
        assert response.status_code == 201, response.get_json()
    [jim] = _post(client, _record("web", "W-7", "Jim", "Roe", identifiers=_email("family@example.com") +
                                  [{"type": "phone", "value": "+44 20 7946 0959"}]))
    assert jim["personId"] != jane["personId"]

    changed = jane_record | {"observedAt": "2026-02-01T00:00:00Z", "metrics": {"lifetimeSpend": 500.0}}
    [resent] = _post(client, changed)
    assert resent["personId"] == jane["personId"] and resent["outcome"] == "updated"
    assert _person_of(store, "web/W-7") == jim["personId"] != jane["personId"]
    assert client.get("/v1/whois?type=email&value=family@example.com").get_json()["personId"] == jim["personId"]
    assert client.get("/v1/whois?type=phone&value=+44 20 7946 0959").get_json()["personId"] == jim["personId"]
    links = store.query("MATCH (:SourceRecord {recordKey: 'crm/C-7'})-[l]->(i:Identifier) "
                        "RETURN i.key AS key, l.current AS current, l.disputed AS disputed")
    assert {(row["key"].partition(":")[0], row["current"], row["disputed"]) for row in links} == {
        ("email", False, True), ("phone", True, True)}


def _households_of(store, person_id):
    return store.query("MATCH (:Person {personId: $p})-[m:MEMBER_OF {current: true}]->(h:Household) "
                       "RETURN h.householdId AS h", p=person_id)


def test_a_disputed_address_makes_no_one_a_resident_of_it(client, store):
    phone = [{"type": "phone", "value": "+44 1225 000111"}]
    [ann] = _post(client, _record("crm", "C-8", "Ann", "Hale", addresses=[ADDRESS], identifiers=phone,
                                  birthDate="1970-03-01"))
    [tom] = _post(client, _record("crm", "C-9", "Tom", "Hale", addresses=[ADDRESS], identifiers=phone,
                                  birthDate="1968-07-09"))
    assert ann["personId"] != tom["personId"]
    refresh(store)
    assert _households_of(store, tom["personId"]) and _households_of(store, ann["personId"])   # the control

    response = client.post(f"/v1/persons/{tom['personId']}/feedback",
                           json={"kind": "disputed fact", "address": ADDRESS, "reason": "moved out in 2019"})
    assert response.status_code == 201, response.get_json()
    refresh(store)
    assert _households_of(store, tom["personId"]) == []
