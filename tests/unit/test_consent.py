"""The consent rule, effective consent (newest statement wins), the per-record gate, and change ids."""
from __future__ import annotations

import datetime as dt

import pytest

from graph.privacy import consent
from graph.privacy.consent import Statement

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
T1 = T0 + dt.timedelta(days=30)


def record(key="crm/1", granted=(), denied=(), at=T0) -> dict:
    return {"recordKey": key, "source": key.split("/")[0], "observedAt": at,
            "consentGranted": list(granted), "consentDenied": list(denied)}


@pytest.mark.parametrize("purpose, allowed", [
    ("service", True), ("support", True), ("fraud", True), ("marketing", False), ("analytics", False)])
def test_without_any_statement_only_contract_purposes_are_served(purpose, allowed):
    assert consent.verdict([], purpose).allowed is allowed


@pytest.mark.parametrize("purpose", ["service", "support", "fraud", "marketing", "analytics"])
def test_an_explicit_denial_refuses_every_purpose(purpose):
    v = consent.verdict(consent.record_statements(record(denied=[purpose])), purpose)
    assert not v.allowed and "denied in the record as collected" in v.reason


def test_marketing_needs_an_explicit_grant():
    assert consent.verdict(consent.record_statements(record(granted=["marketing"])), "marketing").allowed
    v = consent.verdict(consent.record_statements(record(granted=["analytics"])), "marketing")
    assert not v.allowed and v.reason == "no consent for marketing was given"


def test_the_newest_statement_wins_whichever_side_it_comes_from():
    stored = consent.record_statements(record(granted=["marketing"], at=T0))
    later_denial = consent.change_statements([{"changeId": "C-1", "purpose": "marketing", "granted": False, "at": T1}])
    assert not consent.verdict(stored + later_denial, "marketing").allowed
    newer_record = consent.record_statements(record(granted=["marketing"], at=T1 + dt.timedelta(days=1)))
    assert consent.verdict(newer_record + later_denial, "marketing").allowed


def test_at_the_same_instant_a_denial_wins():
    both = [Statement("marketing", True, T0, "record"), Statement("marketing", False, T0, "change:C-1")]
    assert consent.effective(both, "marketing").granted is False
    assert consent.effective(list(reversed(both)), "marketing").granted is False


def test_the_gate_withholds_per_record_and_says_why():
    records = [record("crm/1", granted=["marketing"]), record("loyalty/2"), record("web/3", denied=["marketing"])]
    shown, withheld = consent.gate(records, {}, "marketing")
    assert shown == {"crm/1"}
    assert [(w["recordKey"], w["source"], w["purpose"], w["basis"]) for w in withheld] == [
        ("loyalty/2", "loyalty", "marketing", "consent"), ("web/3", "web", "marketing", "consent")]
    assert "no consent" in withheld[0]["reason"] and "denied" in withheld[1]["reason"]


def test_the_gate_applies_a_change_only_to_the_records_it_is_linked_to():
    records = [record("crm/1", granted=["marketing"]), record("web/3", granted=["marketing"])]
    changes = {"web/3": [{"changeId": "C-9", "purpose": "marketing", "granted": False, "at": T1}]}
    shown, withheld = consent.gate(records, changes, "marketing")
    assert shown == {"crm/1"}
    assert withheld[0]["reason"] == "consent for marketing was denied by the customer's later change"


def test_no_purpose_withholds_nothing():
    assert consent.gate([record(denied=["service"])], {}, None) == ({"crm/1"}, [])


def test_unknown_purpose_is_an_error():
    with pytest.raises(ValueError):
        consent.verdict([], "curiosity")


def test_summary_names_basis_and_deciding_statement():
    summary = consent.summary(consent.record_statements(record(granted=["analytics"], denied=["support"])))
    assert summary["analytics"] == {"allowed": True, "basis": "consent", "reason": "consent granted",
                                    "granted": True, "since": T0, "origin": "record"}
    assert summary["support"]["allowed"] is False
    assert summary["service"] == {"allowed": True, "basis": "contract or legitimate interest",
                                  "reason": "contract or legitimate interest"}


def test_the_same_statement_has_the_same_change_id():
    a = consent.change_id("P-1", "marketing", False, T1, "preference-centre")
    assert a == consent.change_id("P-1", "marketing", False, T1.astimezone(dt.timezone(dt.timedelta(hours=2))),
                                  "preference-centre")
    assert a != consent.change_id("P-1", "marketing", True, T1, "preference-centre")
    assert a != consent.change_id("P-2", "marketing", False, T1, "preference-centre")
