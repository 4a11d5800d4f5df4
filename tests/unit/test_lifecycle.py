"""Lifecycle status from purchases and a definition file: pure, no database."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from graph.errors import InvalidRecord
from graph.lifecycle import definition as lifecycle_definition
from graph.lifecycle.status import CUSTOMER, FORMER, KNOWN, NEW, add_months, lifecycle, purchases_of

TODAY = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
DEFAULT = lifecycle_definition.load()


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def ev(key: str, when: str, kind: str = "stay", line: str = "hotel", source: str = "pms") -> dict:
    return {"eventKey": key, "kind": kind, "lineOfBusiness": line, "source": source, "at": at(when)}


def status(events, first_seen="2020-01-01", definition=DEFAULT, **kwargs):
    return lifecycle(purchases_of(events, definition), at(first_seen), definition, TODAY, **kwargs)


def test_a_stay_within_24_months_makes_a_hotel_customer_since_the_unbroken_run_began():
    got = status([ev("a", "2021-01-01"), ev("b", "2024-06-01"), ev("c", "2025-09-01"), ev("d", "2026-10-01")])
    hotel = got["linesOfBusiness"]["hotel"]
    assert (hotel["status"], hotel["since"], hotel["evidence"]) == (CUSTOMER, at("2024-06-01"), ["d", "c", "b"])
    assert got["overall"]["status"] == CUSTOMER and got["overall"]["linesOfBusiness"] == ["hotel"]
    assert got["whiteSpace"] == ["cars", "dining", "retail"]


def test_a_lapsed_purchase_makes_a_former_customer_since_the_window_closed():
    got = status([ev("a", "2023-05-10")])
    hotel = got["linesOfBusiness"]["hotel"]
    assert (hotel["status"], hotel["since"], hotel["evidence"]) == (FORMER, at("2025-05-10"), ["a"])
    assert got["overall"]["status"] == FORMER


def test_windows_differ_per_line_a_car_bought_nine_years_ago_still_counts():
    got = status([ev("car", "2017-12-05", kind="purchase", line="cars"), ev("stay", "2017-12-05")])
    assert got["linesOfBusiness"]["cars"]["status"] == CUSTOMER
    assert got["linesOfBusiness"]["hotel"]["status"] == FORMER


def test_never_bought_is_a_new_prospect_first_then_a_known_one():
    assert status([], first_seen="2026-11-01")["overall"] == {"status": NEW, "since": at("2026-11-01"),
                                                              "evidence": [], "linesOfBusiness": []}
    known = status([ev("w", "2026-01-01", kind="webVisit")], first_seen="2026-01-01")["overall"]
    assert (known["status"], known["since"]) == (KNOWN, at("2026-01-01") + dt.timedelta(days=90))
    assert status([], first_seen="2026-01-01")["whiteSpace"] == []


def test_an_event_outside_the_line_s_purchase_kinds_is_not_a_purchase():
    got = status([ev("x", "2026-11-01", kind="purchase", line="hotel"), ev("y", "2026-11-01", kind="stay", line="spa")])
    assert got["linesOfBusiness"]["hotel"]["status"] == KNOWN


def test_a_source_with_its_own_definition_is_judged_by_it():
    data = json.loads(lifecycle_definition.DEFAULT_FILE.read_text())
    data["sources"] = {"acme-spa": {"linesOfBusiness": {"spa": {"purchaseKinds": ["visit"], "customerMonths": 6}}}}
    custom = lifecycle_definition.parse(data)
    visits = [ev("v", "2026-08-01", kind="visit", line="spa", source="acme-spa"),
              ev("h", "2026-08-01", kind="stay", line="hotel", source="acme-spa")]
    got = status(visits, definition=custom, lines=custom.lines_of("acme-spa"), line_rules=custom.sources["acme-spa"])
    assert got["linesOfBusiness"] == {"spa": got["linesOfBusiness"]["spa"]}
    assert got["linesOfBusiness"]["spa"]["status"] == CUSTOMER
    older = status([ev("v", "2026-01-01", kind="visit", line="spa", source="acme-spa")], definition=custom,
                   lines=["spa"], line_rules=custom.sources["acme-spa"])
    assert older["linesOfBusiness"]["spa"]["status"] == FORMER
    assert custom.purchase_kinds == sorted({"stay", "purchase", "order", "visit"})


@pytest.mark.parametrize("change, field", [
    ({"format": 2}, "format"), ({"recentDays": 0}, "recentDays"), ({"version": ""}, "version"),
    ({"linesOfBusiness": {"hotel": {"purchaseKinds": [], "customerMonths": 24}}},
     "linesOfBusiness.hotel.purchaseKinds"),
    ({"linesOfBusiness": {"hotel": {"purchaseKinds": ["stay"], "customerMonths": "24"}}},
     "linesOfBusiness.hotel.customerMonths"),
])
def test_a_broken_definition_names_its_field(change, field):
    data = dict(json.loads(lifecycle_definition.DEFAULT_FILE.read_text()), **change)
    with pytest.raises(InvalidRecord) as caught:
        lifecycle_definition.parse(data)
    assert caught.value.field == field


def test_months_are_added_by_the_calendar():
    assert add_months(at("2024-01-31"), 1) == at("2024-02-29")
    assert add_months(at("2024-11-15"), 14) == at("2026-01-15")


def test_a_new_event_row_carries_every_property_an_event_stores():
    from graph import config
    from graph.events.attach import Attachment
    from graph.events.ingest import _props
    from graph.intake.events import build_event
    from graph.store.queries_events import EVENT_PROPERTIES
    event = build_event({"source": "pms", "eventId": "S-1", "kind": "stay", "at": TODAY,
                         "identifiers": [{"type": "email", "value": "ada@example.com"}]}, config.load({}))
    assert set(_props(event, Attachment(None, None, "none"))) == set(EVENT_PROPERTIES)
