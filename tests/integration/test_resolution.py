"""Deterministic stitching and each merge protection, against the real Bolt server."""
from __future__ import annotations

import dataclasses
import threading

import pytest

from graph.demo import hotel_chain
from graph.reads.views import person_view
from graph.store import schema
from graph.store.driver import StoreUnavailable
from tests.integration.helpers import count, load, person_of, record

JANE = {"given": "Jane", "family": "Smith"}


def email(value):
    return {"type": "email", "value": value}


def phone(value, valid_from=None, valid_to=None):
    return {"type": "phone", "value": value, "validFrom": valid_from, "validTo": valid_to}


def test_records_sharing_a_strong_identifier_join_one_person(store, settings):
    out = load(store, settings,
               record("crm", "1", name=JANE, identifiers=[email("Jane.Smith@Example.com")]),
               record("webshop", "2", name=JANE, identifiers=[email("jane.smith@example.com"),
                                                                phone("020 7946 0958")]),
               record("loyalty", "3", name={"full": "Jane Smith"}, identifiers=[phone("+44 20 7946 0958")]))
    assert [o.outcome for o in out] == ["created", "joined", "joined"]
    assert len({o.personId for o in out}) == 1


def test_junk_values_never_stitch(store, settings):
    out = load(store, settings,
               record("crm", "1", name={"given": "Ann", "family": "Lee"}, identifiers=[email("test@test.com")]),
               record("crm", "2", name={"given": "Bo", "family": "Kay"}, identifiers=[email("TEST@test.com"),
                                                                                      phone("0000000000")]),
               record("crm", "3", name={"given": "Cy", "family": "Ray"}, identifiers=[phone("0000000000")]))
    assert len({o.personId for o in out}) == 3
    assert count(store, "Email") == 0 and count(store, "Phone") == 0
    assert store.query("MATCH (r:SourceRecord {recordKey: 'crm/2'}) RETURN r.ignoredValues AS v")[0]["v"]


def test_block_list_is_configurable(store, settings):
    strict = dataclasses.replace(settings, junk_values=settings.junk_values | {"reception@example.com"})
    out = load(store, strict,
               record("crm", "1", name={"given": "Ann"}, identifiers=[email("reception@example.com")]),
               record("crm", "2", name={"given": "Ann"}, identifiers=[email("reception@example.com")]))
    assert out[0].personId != out[1].personId


def test_generic_value_stops_merging_once_many_differently_named_people_share_it(store, settings):
    office = phone("+44 20 7946 0100")
    people = [("Ann", "Lee"), ("Bob", "Hart"), ("Cat", "Dunn"), ("Dan", "Roe")]
    load(store, settings, *[record("crm", str(n), name={"given": g, "family": f}, identifiers=[office])
                            for n, (g, f) in enumerate(people)])
    # No given name, so no conflicting fact: only the generic-value rule keeps it apart.
    [out] = load(store, settings, record("crm", "9", name={"family": "Zed"}, identifiers=[office]))
    assert out.outcome == "created"
    assert any(r["rule"] == "generic value" for r in out.refused)
    assert store.query("MATCH (p:Phone) RETURN p.generic AS g")[0]["g"] is True
    assert store.query("MATCH (p:Person {status: 'active'}) RETURN count(p) AS n")[0]["n"] == 5


def test_different_national_ids_block_a_merge(store, settings):
    out = load(store, settings,
               record("loyalty", "1", name={"given": "Tom", "family": "Ash"},
                      identifiers=[email("ash@example.com"), {"type": "nationalId", "value": "QQ 12 34 56 A"}]),
               record("crm", "2", name={"given": "Tom", "family": "Ash"},
                      identifiers=[email("ash@example.com"), {"type": "nationalId", "value": "QQ654321B"}]))
    assert out[0].personId != out[1].personId
    assert out[1].refused[0]["detail"] == "different national ids"


@pytest.mark.parametrize("second_birth_date, same", [("1984-07-12", True), ("1984-12-07", True),
                                                      ("1984-07-13", True), ("1990-03-01", False)])
def test_birth_dates_must_agree_up_to_a_typo(store, settings, second_birth_date, same):
    out = load(store, settings,
               record("loyalty", "1", name=JANE, birthDate="1984-07-12", identifiers=[email("j@example.com")]),
               record("crm", "2", name=JANE, birthDate=second_birth_date, identifiers=[email("j@example.com")]))
    assert (out[0].personId == out[1].personId) is same


def test_spouses_sharing_a_landline_and_tablet_stay_two_people(store, settings):
    shared = [phone("01225 960 123"), {"type": "device", "value": "tablet-77"}]
    out = load(store, settings,
               record("loyalty", "1", name={"given": "David", "family": "Jones"}, birthDate="1970-01-02",
                      identifiers=shared),
               record("webshop", "2", name={"given": "Sarah", "family": "Jones"}, birthDate="1972-05-06",
                      identifiers=shared))
    assert out[0].personId != out[1].personId
    assert {r["detail"] for r in out[1].refused} == {"different birth dates"}


def test_nickname_is_not_a_conflict(store, settings):
    card = {"type": "loyaltyCard", "value": "GLD-1"}
    out = load(store, settings,
               record("loyalty", "1", name={"given": "Robert", "family": "Smith"}, identifiers=[card]),
               record("callcentre", "2", name={"given": "Bob", "family": "Smyth"}, identifiers=[card]))
    assert out[0].personId == out[1].personId


def test_recycled_number_with_disjoint_periods_does_not_merge(store, settings):
    out = load(store, settings,
               record("loyalty", "1", name={"family": "Ames"},
                      identifiers=[phone("07700 900555", "2012-03-01", "2018-06-30")]),
               record("webshop", "2", name={"family": "Bell"}, identifiers=[phone("07700 900555", "2020-02-01")]))
    assert out[0].personId != out[1].personId
    assert out[1].refused[0]["rule"] == "validity periods do not overlap"


def test_overlapping_periods_still_merge(store, settings):
    out = load(store, settings,
               record("loyalty", "1", name={"family": "Ames"},
                      identifiers=[phone("07700 900555", "2012-03-01", "2021-06-30")]),
               record("webshop", "2", name={"family": "Ames"}, identifiers=[phone("07700 900555", "2020-02-01")]))
    assert out[0].personId == out[1].personId


def test_a_bridging_record_merges_and_the_older_id_keeps_answering(store, settings):
    first, second, bridge = load(
        store, settings,
        record("loyalty", "1", name=JANE, identifiers=[email("x@example.com")]),
        record("webshop", "2", name=JANE, identifiers=[phone("020 7946 0999")]),
        record("crm", "3", name=JANE, identifiers=[email("x@example.com"), phone("020 7946 0999")]))
    assert bridge.outcome == "merged" and bridge.personId == first.personId
    assert bridge.merged == [second.personId]
    assert person_of(store, "webshop", "2") == first.personId
    view = store.read(person_view, second.personId)
    assert view["personId"] == first.personId and view["redirectedFrom"] == second.personId
    assert [m["personId"] for m in view["merges"]] == [second.personId]


def test_resending_is_idempotent_and_an_update_closes_dropped_links(store, settings):
    original = record("crm", "1", name=JANE, observedAt="2026-01-01T00:00:00Z",
                      identifiers=[email("a@example.com"), phone("020 7946 0111")])
    first = load(store, settings, original)[0]
    again = load(store, settings, original)[0]
    assert (again.outcome, again.personId) == ("unchanged", first.personId)
    changed = dict(original, observedAt="2026-02-01T00:00:00Z", identifiers=[email("a@example.com")])
    updated = load(store, settings, changed)[0]
    assert (updated.outcome, updated.personId) == ("updated", first.personId)
    links = store.query("MATCH (:SourceRecord)-[l:HAS_PHONE]->(:Phone) "
                        "RETURN l.current AS current, l.validTo AS validTo")
    assert links[0]["current"] is False and links[0]["validTo"] is not None
    assert count(store, "SourceRecord") == 1 and count(store, "Person") == 1


def test_concurrent_overlapping_ingests_create_no_duplicates(store, settings):
    batches = [[record(f"s{t}", str(n), name={"family": f"F{n}"},
                       identifiers=[email(f"user{n}@example.com"), phone(f"020 7946 {n:04d}")])
                for n in range(12)] for t in range(4)]
    errors = []

    def worker(batch):
        try:
            load(store, settings, *batch)
        except Exception as exc:   # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(b,)) for b in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not [(getattr(e, "code", None), getattr(e, "message", None)) for e in errors]
    assert count(store, "Email") == 12 and count(store, "Phone") == 12
    assert store.query("MATCH (p:Person {status: 'active'}) RETURN count(p) AS n")[0]["n"] == 12
    assert count(store, "SourceRecord") == 48


def test_the_same_chunk_sent_concurrently_is_stored_once(store, settings):
    people = [("Ann", "Lee"), ("Bo", "Kay"), ("Cy", "Ray"), ("Di", "Moss"), ("Ed", "Hart"), ("Flo", "Dunn"),
              ("Gus", "Roe"), ("Hal", "Ames"), ("Ida", "Bell"), ("Jo", "Cole")]
    batch = [record("crm", str(n), name={"given": given, "family": family},
                    identifiers=[email(f"{given}.{family}@example.com")]) for n, (given, family) in enumerate(people)]
    results, errors = [], []

    def worker():
        try:
            results.append(load(store, settings, *batch))
        except Exception as exc:   # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not [(getattr(e, "code", None), getattr(e, "message", None)) for e in errors]
    assert count(store, "SourceRecord") == 10 and count(store, "Email") == 10
    assert store.query("MATCH (p:Person) RETURN count(p) AS n")[0]["n"] == 10
    firsts = sorted([o.outcome for o in out][0] for out in results)
    assert firsts == ["created", "unchanged", "unchanged"]


def test_schema_applies_twice_without_error(store):
    schema.apply(store)
    schema.apply(store)
    assert store.schema_ready
    assert store.query("MATCH (n) RETURN count(n) AS n")[0]["n"] == 0   # making labels leaves no node
    # the uniqueness constraints still hold: a second person with the same id is refused
    create = "CREATE (:Person {personId: 'P-twice'})"
    store.write(lambda tx: tx.run(create).consume())
    with pytest.raises(StoreUnavailable, match="conflicting attempts"):
        store.write(lambda tx: tx.run(create).consume())
    assert count(store, "Person") == 1


def test_demo_scenarios_resolve_as_their_ground_truth_says(store, settings):
    data = hotel_chain.generate(seed=7, extra_people=10)
    load(store, settings, *data.records)
    for name, scenario in data.scenarios.items():
        persons = [{person_of(store, *key) for key in group} for group in scenario.expected_persons]
        assert all(len(p) == 1 for p in persons), f"{name}: a true person was split: {persons}"
        flat = [next(iter(p)) for p in persons]
        assert len(set(flat)) == len(flat), f"{name}: different people were merged"
    for label, keys in data.truth.items():
        assert len({person_of(store, *key) for key in keys}) == 1, label
