"""Pure parts of history and life events (graph/history/values.py, graph/privacy/deceased.py), gifts
(graph/events/gifts.py: decide) and household devices (graph/events/household.py: tied_persons)."""
from __future__ import annotations

import datetime as dt

from graph.events.attach import Attachment
from graph.events.gifts import decide
from graph.events.household import tied_persons
from graph.history.values import history_of, life_events
from graph.intake.events import Event
from graph.privacy import consent, deceased
from graph.twins.features import profile

D = dt.date


def job_link(title: str, current: bool, start: str, end: str | None = None, **extra) -> dict:
    return {"record": "crm/C-1", "node": {"companyKey": "initech", "name": "Initech"},
            "link": {"title": title, "current": current, "validFrom": None,
                     "validTo": D.fromisoformat(end) if end else None, "source": "crm",
                     "firstObservedAt": dt.datetime.fromisoformat(start + "T09:00:00+00:00"), **extra}}


def test_history_puts_current_values_first_and_dates_them_from_the_first_observation():
    links = [job_link("Analyst", False, "2024-03-01", "2026-02-01"), job_link("Head of Sales", True, "2026-02-01")]
    jobs = history_of([], links)["jobs"]
    assert [(j["title"], j["current"], j["validFrom"], j["validTo"]) for j in jobs] == [
        ("Head of Sales", True, D(2026, 2, 1), None), ("Analyst", False, D(2024, 3, 1), D(2026, 2, 1))]


def test_past_names_come_from_the_records_parallel_lists():
    record = {"recordKey": "crm/C-1", "source": "crm", "fullName": "Augusta King", "nameFrom": "2026-02-01",
              "pastNames": ["Ada Lovelace"], "pastNamesFrom": [""], "pastNamesTo": ["2026-02-01"]}
    names = history_of([record], [])["names"]
    assert [(n["value"], n["validFrom"], n["validTo"]) for n in names] == [
        ("Augusta King", D(2026, 2, 1), None), ("Ada Lovelace", None, D(2026, 2, 1))]


def test_life_events_are_the_starts_and_ends_newest_first_with_death_on_top():
    links = [job_link("Analyst", False, "2024-03-01", "2026-02-01"), job_link("Head of Sales", True, "2026-02-01")]
    death = {"since": D(2026, 5, 1), "evidence": [{"record": "reg/1"}]}
    events = life_events(history_of([], links), death)
    assert [(e["kind"], e["change"], e["on"], e.get("title")) for e in events] == [
        ("death", "died", D(2026, 5, 1), None), ("job", "started", D(2026, 2, 1), "Head of Sales"),
        ("job", "ended", D(2026, 2, 1), "Analyst"), ("job", "started", D(2024, 3, 1), "Analyst")]


def test_death_takes_the_earliest_day_and_bars_marketing_only():
    records = [{"recordKey": "a/1", "source": "a", "deceased": True,
                "observedAt": dt.datetime(2026, 3, 4, tzinfo=dt.UTC)},
               {"recordKey": "b/1", "source": "b", "deathEventKey": "reg/D-1", "deathEventOn": D(2026, 2, 3)},
               {"recordKey": "c/1", "source": "c", "consentGranted": ["marketing"]}]
    death = deceased.death_of(records)
    assert death["since"] == D(2026, 2, 3) and [e["by"] for e in death["evidence"]] == ["record", "event"]
    shown, withheld = consent.gate(records, {}, "marketing")
    assert shown == set() and {w["reason"] for w in withheld} == {
        "the person is deceased since 2026-02-03 (per a/1): no marketing after death"}
    assert consent.gate(records, {}, "service")[0] == {"a/1", "b/1", "c/1"}
    assert deceased.death_of(records[2:]) is None


def _order(**fields) -> Event:
    return Event("shop", "O-1", "order", dt.datetime(2026, 1, 1, tzinfo=dt.UTC), dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                 "f", **fields)


def test_a_gift_is_decided_by_the_source_then_the_recipient_then_the_address():
    grace = Attachment("crm/C-2", "P-grace", "1 of its identifiers")
    ada = Attachment("crm/C-1", "P-ada", "1 of its identifiers")
    assert decide(_order(), "P-ada", grace, None) == (True, "shipped to another person", "crm/C-2")
    assert decide(_order(), "P-ada", ada, False) == (False, "shipped to the buyer", None)
    assert decide(_order(gift=False), "P-ada", grace, None) == (False, "the source says so", None)
    assert decide(_order(), "P-ada", None, True) == (False, "shipped to an address the buyer holds", None)
    assert decide(_order(), "P-ada", None, False)[0] is True
    assert decide(_order(), "P-ada", None, None) == (None, None, None)


def test_a_gift_is_no_category_interest_but_still_a_purchase():
    at = "2026-01-01T10:00:00+00:00"
    mine = {"kind": "order", "at": at, "productCategory": "cameras", "amount": 10.0}
    gift = {"kind": "order", "at": at, "productCategory": "toys", "amount": 30.0, "gift": True}
    features = profile([mine, gift], dt.datetime(2026, 2, 1, tzinfo=dt.UTC))
    assert features["bought:cameras"] == 1.0 and "bought:toys" not in features
    assert features["purchases"] == profile([mine, dict(gift, gift=False)], dt.datetime(2026, 2, 1, tzinfo=dt.UTC))[
        "purchases"]


def test_only_a_tie_of_two_or_more_persons_is_a_household_device_candidate():
    assert tied_persons([("device:t", "P-1"), ("device:t", "P-2")]) == ["P-1", "P-2"]
    assert tied_persons([("device:t", "P-1"), ("device:t", "P-2"), ("email:a", "P-1")]) == []
    assert tied_persons([]) == []
