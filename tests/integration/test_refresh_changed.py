"""`analytics refresh --changed`: after a change it rescores exactly the persons the change
touched, and what it writes is what a full refresh writes."""
from __future__ import annotations

import datetime as dt

from graph.relationships.refresh import refresh
from tests.integration.helpers import load, person_of, record

TODAY = dt.date(2026, 6, 1)
SCORES = ("lifetimeSpend", "tier", "reach", "reachScore", "pagerank", "networkInfluence", "valueScore",
          "businessScore", "priorityScore", "priority", "priorityReasons", "flags")
HOME = {"use": "home", "streetNumber": "7", "line1": "Clifton Vale", "locality": "Bristol", "postcode": "BS8 4PX",
        "country": "GB", "validFrom": "2018-01-01"}
LANDLINE = {"type": "phone", "value": "0117 496 0321"}


def _customer(source_id: str, given: str, family: str, spend: float, *identifiers: dict, home: bool = False) -> dict:
    return record("crm", source_id, name={"given": given, "family": family}, birthDate="1975-02-03",
                  identifiers=[{"type": "email", "value": f"{given}.{family}@example.org".lower()}, *identifiers],
                  addresses=[HOME] if home else [], metrics={"lifetimeSpend": spend, "tier": "gold",
                                                           "lastActivity": "2026-05-20"})


def _customers(store, settings) -> dict[str, str]:
    load(store, settings,
         _customer("1", "David", "Wilson", 900.0, LANDLINE, home=True),
         _customer("2", "Sarah", "Wilson", 400.0, LANDLINE, home=True),
         _customer("3", "Amir", "Khan", 120.0, {"type": "social", "platform": "twitter", "value": "@amirk",
                                               "followers": 40}),
         _customer("4", "Lena", "Berg", 60.0))
    return {name: person_of(store, "crm", sid) for sid, name in (("1", "david"), ("2", "sarah"), ("3", "amir"),
                                                                  ("4", "lena"))}


def _scored(store) -> dict[str, dict]:
    rows = store.query("MATCH (p:Person) WHERE p.status = 'active' RETURN p.personId AS id, p {.*} AS props")
    return {r["id"]: r["props"] for r in rows}


def _scores(scored: dict[str, dict]) -> dict[str, tuple]:
    return {pid: tuple(str(props.get(k)) for k in SCORES) for pid, props in scored.items()}


def test_a_changed_refresh_rescores_exactly_the_person_whose_record_changed(store, settings):
    people = _customers(store, settings)
    refresh(store, today=TODAY)
    load(store, settings, _customer("4", "Lena", "Berg", 5000.0))      # Lena's record sent again, more spend
    stats = refresh(store, today=TODAY, changed=True)
    after = _scored(store)
    assert stats["mode"] == "changed" and stats["persons"] == 1 and stats["reranked"] is False
    assert {pid for pid, props in after.items() if props["analyticsRun"] == stats["runId"]} == {people["lena"]}
    assert after[people["lena"]]["lifetimeSpend"] == 5000.0
    refresh(store, today=TODAY)                                           # the full refresh agrees
    assert _scores(_scored(store)) == _scores(after)


def test_a_changed_refresh_rederives_the_household_of_a_changed_resident(store, settings):
    people = _customers(store, settings)
    refresh(store, today=TODAY)
    load(store, settings, _customer("5", "Tom", "Wilson", 10.0, LANDLINE, home=True))   # a son moves in
    stats = refresh(store, today=TODAY, changed=True)
    tom = person_of(store, "crm", "5")
    members = store.query("MATCH (p:Person)-[:MEMBER_OF]->(:Household) RETURN p.personId AS id")
    assert {r["id"] for r in members} == {people["david"], people["sarah"], tom}
    assert stats["persons"] == 1 and stats["households"] == 1


def test_a_refresh_on_another_day_is_full(store, settings):
    _customers(store, settings)
    refresh(store, today=TODAY)
    stats = refresh(store, today=TODAY + dt.timedelta(days=1), changed=True)
    assert stats["mode"].startswith("full") and stats["persons"] == 4


def test_a_changed_refresh_rescores_the_person_a_record_was_split_from(store, settings):
    from graph.stewardship.decisions import Steward, split
    load(store, settings, _customer("1", "Jane", "Smith", 900.0), record(
        "web", "2", name={"given": "Jane", "family": "Smith"}, birthDate="1975-02-03",
        identifiers=[{"type": "email", "value": "jane.smith@example.org"}], metrics={"lifetimeSpend": 100.0}))
    jane = person_of(store, "crm", "1")
    assert person_of(store, "web", "2") == jane
    refresh(store, today=TODAY)
    store.write(lambda tx: split(tx, jane, ["web/2"], "two people", Steward("k-test", "steward")))
    stats = refresh(store, today=TODAY, changed=True)
    spend = {pid: props["lifetimeSpend"] for pid, props in _scored(store).items()}
    assert stats["persons"] == 2 and spend == {jane: 900.0, person_of(store, "web", "2"): 100.0}
