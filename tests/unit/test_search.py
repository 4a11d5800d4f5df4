"""graph.reads.search: routes from a normalised probe, ranking above a floor, explanations."""
from __future__ import annotations

import datetime as dt

from graph import config
from graph.intake.records import build_record
from graph.matching import load_default_model
from graph.reads.search import Candidate, explanation, rank, routes

MODEL = load_default_model()
SETTINGS = config.load({})
JANE = {"given": "Jane", "family": "Smith", "birthDate": "1984-07-12", "postcode": "BA1 1AA"}


def probe(**data):
    return build_record({"source": "query", "sourceId": "query", **data}, SETTINGS, query=True)


def test_routes_from_a_normalised_probe():
    r = routes(probe(name={"full": "Jane SMITH"}, birthDate=dt.date(1984, 7, 12),
                     identifiers=[{"type": "email", "value": "Jane@Example.com"},
                                  {"type": "phone", "value": "020 7946 0958"}],
                     addresses=[{"streetNumber": "12", "line1": "Rose Ln", "postcode": "ba1 1aa"}]))
    assert r.identifier_keys == ("email:jane@example.com", "phone:+442079460958")
    assert r.family_keys == ("smith", "jane")   # the given name too: given and family may be swapped
    assert r.given_keys == ("jane",) and r.birth_date == dt.date(1984, 7, 12)
    assert r.address_prefix == "GB|BA11AA|12|"
    rules = dict(r.blocks)
    assert rules["birthDate"] == "birthDate:19840712"
    assert set(rules) >= {"nameSounds", "givenInitialPostcode", "familySoundYear", "email", "phone"}


def test_a_postcode_alone_routes_by_its_prefix():
    assert routes(probe(addresses=[{"postcode": "BA1 1AA"}])).address_prefix == "GB|BA11AA|"
    assert routes(probe(name={"given": "Jane"})).address_prefix is None


def test_rank_keeps_each_persons_best_record_and_orders_by_weight():
    jane = Candidate("P-1", "Jane Smith", (("crm/1", {"given": "Jane", "family": "Smith"}), ("web/1", JANE)))
    janet = Candidate("P-2", "Janet Smith", (("crm/2", JANE | {"given": "Janet", "birthDate": "1951-11-02"}),))
    found = rank(JANE, [janet, jane], MODEL, floor=0.01)
    assert [c["personId"] for c in found][0] == "P-1"
    assert found[0]["record"] == "web/1" and found[0]["probability"] > 0.99
    assert [c["probability"] for c in found] == sorted((c["probability"] for c in found), reverse=True)


def test_nothing_above_the_floor_is_nothing():
    stranger = Candidate("P-9", "Zed Zulu", (("crm/9", {"given": "Zed", "family": "Zulu"}),))
    assert rank(JANE, [stranger], MODEL) == []
    assert rank(JANE, [Candidate("P-0", None, ())], MODEL) == []


def test_limit():
    people = [Candidate(f"P-{n}", None, ((f"crm/{n}", JANE),)) for n in range(5)]
    assert [c["personId"] for c in rank(JANE, people, MODEL, limit=2)] == ["P-0", "P-1"]


def test_explanation_names_the_strongest_evidence_first():
    text = explanation(MODEL.score(JANE, JANE))
    assert text.split(", ")[0].startswith("birthDate exact +")
    assert len(text.split(", ")) == 3
