"""Per-identifier figures count each identifier once, however many of a person's records name it."""
from __future__ import annotations

import datetime as dt

from graph.relationships.influence import influence
from graph.relationships.refresh import refresh
from tests.integration.helpers import load, record

TODAY = dt.date(2026, 6, 1)
JANE = {"given": "Jane", "family": "Smith"}


def _social(handle: str, followers: int) -> dict:
    return {"type": "social", "platform": "twitter", "value": handle, "followers": followers}


def _jane(source: str, source_id: str, *identifiers: dict) -> dict:
    email = {"type": "email", "value": "jane.smith@example.com"}
    return record(source, source_id, name=JANE, identifiers=[email, *identifiers])


def _one_person(outcomes) -> str:
    [person] = {o.personId for o in outcomes}
    return person


def test_two_records_naming_one_handle_count_its_followers_once(store, settings):
    person = _one_person(load(store, settings, _jane("crm", "1", _social("@JaneSmith", 75)),
                              _jane("social", "2", _social("@JaneSmith", 75))))
    view = store.read(lambda tx: influence(tx, person, TODAY))
    assert view["reach"]["followers"] == 75
    assert [h["handle"] for h in view["reach"]["handles"]] == ["social:twitter:janesmith"]


def test_the_refreshed_reach_counts_each_handle_once_and_adds_different_handles(store, settings):
    person = _one_person(load(store, settings,
                              _jane("crm", "1", _social("@JaneSmith", 75)),
                              _jane("social", "2", _social("@JaneSmith", 75), _social("@JaneTravels", 25)),
                              _jane("events", "3", _social("@JaneTravels", 25))))
    refresh(store, today=TODAY)
    [row] = store.query("MATCH (p:Person {personId: $id}) RETURN p.reach AS reach", id=person)
    assert row["reach"] == 100
