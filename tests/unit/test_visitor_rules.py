"""graph.visitors.rules: a visitor's identification, household and shared devices, and back-filled consent."""
from __future__ import annotations

import datetime as dt

from graph.privacy.consent import Statement
from graph.visitors.rules import VisitorState, narrowed, refused_purposes, seen_with

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def test_an_anonymous_visitor_seen_with_a_person_joins_them_and_back_fills():
    step = seen_with(VisitorState(), "P1", None)
    assert step.action == "backfill" and step.state == VisitorState("identified", "P1", None, ("P1",))
    assert seen_with(step.state, "P1", None) == step      # again: later anonymous events follow


def test_a_second_person_of_the_household_makes_it_a_household_visitor_and_undoes_the_back_fill():
    identified = seen_with(VisitorState(), "P1", None).state
    step = seen_with(identified, "P2", "H-9")
    assert step.action == "detach" and step.state == VisitorState("household", None, "H-9", ("P1", "P2"))
    third = seen_with(step.state, "P1", None)
    assert third.action == "none" and third.state.status == "household" and third.state.person_ids == ("P1", "P2")


def test_a_second_unrelated_person_makes_it_shared():
    step = seen_with(seen_with(VisitorState(), "P1", None).state, "P2", None)
    assert step.action == "detach" and step.state.status == "shared" and step.state.person_id is None


def test_refused_purposes_are_explicit_denials_on_any_record_the_newest_statement_deciding():
    records = [[Statement("marketing", True, T0, "record"), Statement("marketing", False, T0 + dt.timedelta(1), "c")],
               [Statement("analytics", False, T0, "record"), Statement("analytics", True, T0 + dt.timedelta(1), "c")],
               [Statement("fraud", True, T0, "record")]]
    assert refused_purposes(records) == {"marketing"}
    assert refused_purposes([[]]) == set()      # no statement is not a refusal


def test_back_filled_consent_denies_what_the_person_refused_and_keeps_the_rest():
    assert narrowed(["marketing", "analytics"], [], {"marketing"}) == (["analytics"], ["marketing"])
    assert narrowed(None, None, set()) == ([], [])
