"""graph.reads.explain: shared identifiers, comparisons, blockers and summaries, without a database."""
from __future__ import annotations

import datetime as dt

import pytest

from graph.matching import load_default_model
from graph.matching.clustering import CONTRADICTION_ODDS
from graph.reads.explain import (
    Holding,
    PersonFacts,
    RecordSnapshot,
    as_a_whole,
    blockers,
    shared_identifiers,
    why,
    why_not,
)
from graph.resolution.decision import Thresholds

MODEL = load_default_model()
LIMITS = Thresholds.of(MODEL)
JANE = {"given": "Jane", "family": "Smith", "birthDate": "1984-07-12"}
EMAIL = Holding("email:jane@example.com", "email", "jane@example.com")
PHONE = Holding("phone:+442079460958", "phone", "+442079460958")


def snap(key, fields, *holdings, person="P-1", given=None, born=None, ignored=()) -> RecordSnapshot:
    return RecordSnapshot(key, person, fields, given, born, tuple(holdings), tuple(ignored))


def rules(found) -> list[str]:
    return [b["rule"] for b in found]


def test_thresholds_come_from_the_model_and_review_never_exceeds_match():
    assert LIMITS.match == MODEL.threshold
    assert Thresholds.of(MODEL, review=0.99).review == MODEL.threshold


def test_shared_identifiers_say_what_each_is_worth():
    address = Holding("address:GB|BA11AA|12|rose lane", "address", "GB|BA11AA|12|rose lane")
    generic = Holding("phone:+441000000000", "phone", "+441000000000", generic=True)
    old = Holding("phone:+442000000000", "phone", "+442000000000", valid_to=dt.date(2014, 1, 1))
    new = Holding("phone:+442000000000", "phone", "+442000000000", valid_from=dt.date(2019, 1, 1))
    a = snap("a/1", JANE, EMAIL, address, generic, old)
    b = snap("b/1", JANE, EMAIL, address, generic, new, PHONE)
    shared = {s.key: s.status for s in shared_identifiers(a, b)}
    assert shared == {EMAIL.key: "evidence", address.key: "not identity evidence",
                      generic.key: "generic value", old.key: "validity periods do not overlap"}


def test_why_scores_against_each_other_record_and_as_a_whole():
    target = snap("crm/1", JANE, EMAIL)
    same = snap("web/1", JANE | {"email": ["jane@example.com"]}, EMAIL, PHONE)
    via_phone = snap("shop/1", {"given": "Jane", "family": "Smith"}, PHONE)
    out = why(target, [via_phone, same], MODEL, LIMITS)
    assert [link["record"] for link in out["links"]] == ["web/1", "shop/1"]   # best first
    web = out["links"][0]
    assert web["sharedIdentifiers"][0]["status"] == "evidence"
    assert {c["comparison"]: c["level"] for c in web["comparisons"]}["birthDate"] == "exact"
    assert out["links"][1]["chain"] == [{"record": "crm/1"}, {"identifier": EMAIL.key}, {"record": "web/1"},
                                        {"identifier": PHONE.key}, {"record": "shop/1"}]
    assert out["bestProbability"] == web["probability"]
    # the join rule: a record the model only doubts does not pull the whole below the best link
    assert out["probability"] == web["probability"]
    assert "shares identifiers with 1 of the person's 2 other record(s)" in out["summary"]


def test_as_a_whole_is_the_join_rule_best_link_unless_contradicted_then_the_mean():
    strong, weak = (MODEL.score(JANE, JANE), MODEL.score(JANE, {"given": "Jane", "family": "Smith"}))
    assert as_a_whole([strong, weak]) == strong.probability
    other = MODEL.score(JANE, {"given": "Edward", "family": "Smith", "birthDate": "1931-11-30"})
    assert other.match_weight < CONTRADICTION_ODDS
    assert other.probability < as_a_whole([strong, other]) < strong.probability
    assert as_a_whole([]) is None


def test_weights_and_prior_add_up_to_the_match_weight():
    out = why_not(snap("a/1", JANE), snap("b/1", JANE, person="P-2"), MODEL, LIMITS)
    total = out["priorWeight"] + sum(c["weight"] for c in out["comparisons"])
    assert total == pytest.approx(out["matchWeight"], abs=1e-3)


def test_twins_are_kept_apart_by_conflicting_given_names():
    twin = {"family": "Novak", "birthDate": "1990-03-03", "phone": ["+442079460958"]}
    a = snap("crm/1", twin | {"given": "Anna"}, PHONE, given="anna", born=dt.date(1990, 3, 3))
    b = snap("crm/2", twin | {"given": "Maria"}, PHONE, person="P-2", given="maria", born=dt.date(1990, 3, 3))
    out = why_not(a, b, MODEL, LIMITS)
    assert out["verdict"] == "different persons" and not out["samePerson"]
    assert rules(out["blockers"])[0] == "conflicting facts"
    assert out["blockers"][0]["detail"] == "different given names on the two records"


def test_person_level_conflict_when_the_records_alone_agree():
    a = snap("crm/1", JANE, given="jane")
    b = snap("crm/2", {"family": "Smith"}, person="P-2")
    persons = (PersonFacts.of("P-1", [a]), PersonFacts.of("P-2", [b, snap("x/1", {}, given="olga")]))
    found = blockers(a, b, MODEL.score(a.fields, b.fields), [], LIMITS, persons)
    assert found[0] == {"rule": "conflicting facts",
                        "detail": "different given names between the records of the two persons"}


def test_block_listed_values_match_whatever_their_case():
    a = snap("a/1", {"given": "Ann"}, ignored=["email:TEST@test.com"])
    b = snap("b/1", {"given": "Bo"}, person="P-2", ignored=["email:test@test.com"])
    out = why_not(a, b, MODEL, LIMITS)
    assert {"rule": "block-listed value", "value": "email:test@test.com",
            "detail": "a junk value both records carry; it is never linked"} in out["blockers"]


def test_records_that_share_nothing_were_never_compared():
    a = snap("a/1", {"given": "Ann", "family": "Lee"})
    b = snap("b/1", {"given": "Bo", "family": "Kay"}, person="P-2")
    assert rules(why_not(a, b, MODEL, LIMITS)["blockers"]) == ["not candidates", "below threshold"]


def test_the_review_band_and_a_possibly_same_link():
    a = snap("a/1", {"given": "Jane", "family": "Smith"})
    b = snap("b/1", {"given": "Jane", "family": "Smith"}, person="P-2")
    out = why_not(a, b, MODEL, Thresholds(0.9, 0.5), possibly_same=0.72)
    assert rules(out["blockers"]) == ["review band"]
    assert out["verdict"] == "possibly the same person" and out["possiblySame"] == {"score": 0.72}


def test_one_person_has_no_blockers():
    out = why_not(snap("a/1", JANE, EMAIL), snap("b/1", JANE, EMAIL), MODEL, LIMITS)
    assert out["samePerson"] and out["blockers"] == []
    assert out["summary"].startswith("one person")


def test_as_a_whole_counts_only_the_records_ingestion_compares():
    target = snap("crm/1", JANE, EMAIL)
    same = snap("web/1", JANE, EMAIL)
    merged_in = snap("old/1", {"given": "Olga", "family": "Petrova"})   # no shared identifier or block
    out = why(target, [same, merged_in], MODEL, LIMITS)
    compared = {link["record"]: link["compared"] for link in out["links"]}
    assert compared == {"web/1": True, "old/1": False}
    assert out["comparedRecords"] == 1
    assert out["probability"] == pytest.approx(out["links"][0]["probability"])
    alone = why(merged_in, [same], MODEL, LIMITS)
    assert alone["probability"] is None and "never compared" in alone["summary"]
