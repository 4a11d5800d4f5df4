"""The signal rules (graph/signals/rules.py), pure: each kind, its edges, and the rules file's checks."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from graph.errors import InvalidRecord
from graph.signals import rules as R

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
RULES = R.load()


def ev(key: str, kind: str, days_ago: float, **details) -> dict:
    return {"eventKey": key, "kind": kind, "at": NOW - dt.timedelta(days=days_ago), **details}


def kinds(events, activity: R.Activity | None = None) -> dict[str, R.Signal]:
    return {s.kind: s for s in R.signals(events, activity or R.Activity(), RULES, NOW)}


def test_the_shipped_rules_load_with_their_version():
    assert RULES.describe() == {"name": "idgraph default", "version": "2026-12-06"}
    assert RULES.case_open_days == 14 and "cancellation" in RULES.cancellation_pages


def test_a_case_is_a_signal_once_open_past_the_threshold_and_not_after_it_closes():
    opened = [ev("cc/K-1", "case", 15, caseId="K-1", caseStatus="opened")]
    assert kinds(opened)["openCase"].since == NOW - dt.timedelta(days=15)
    assert "openCase" not in kinds([ev("cc/K-1", "case", 13, caseId="K-1", caseStatus="opened")])
    closed = opened + [ev("cc/K-1b", "case", 2, caseId="K-1", caseStatus="Resolved")]
    assert "openCase" not in kinds(closed)


def test_several_overdue_cases_make_one_signal_since_the_oldest():
    events = [ev("cc/A", "case", 40, caseId="A", caseStatus="opened"),
              ev("cc/B", "case", 20, caseStatus="opened"),
              ev("cc/A2", "case", 30, caseId="A", caseStatus="opened")]
    signal = kinds(events)["openCase"]
    assert signal.since == NOW - dt.timedelta(days=40)
    assert signal.evidence == ("cc/A", "cc/A2", "cc/B") and signal.detail["cases"] == ["A", "cc/B"]


def test_complaints_count_within_their_window_only():
    found = kinds([ev("cc/P-1", "complaint", 89), ev("cc/P-0", "complaint", 91), ev("cc/P-2", "complaint", 1)])
    assert found["complaint"].evidence == ("cc/P-1", "cc/P-2")
    assert "complaint" not in kinds([ev("cc/P-0", "complaint", 91)])


def test_only_listed_pages_are_cancellation_visits_whatever_their_case():
    found = kinds([ev("w/1", "webVisit", 2, pageCategory="Close Account"),
                   ev("w/2", "webVisit", 1, pageCategory="rooms"),
                   ev("w/3", "webVisit", 40, pageCategory="cancellation")])
    assert found["cancellationVisit"].evidence == ("w/1",)


def test_falling_activity_compares_the_person_with_their_own_earlier_rate():
    # 20 events in 300 days is 2 a month; half that rate over 60 days is 2 events
    assert "fallingActivity" in kinds([], R.Activity(recent=1, earlier=20, last_event="pms/S-9"))
    assert "fallingActivity" not in kinds([], R.Activity(recent=2, earlier=20))
    assert "fallingActivity" not in kinds([], R.Activity(recent=0, earlier=3))     # too little to compare
    signal = kinds([], R.Activity(recent=0, earlier=12, last_event="pms/S-9", last_at=NOW))["fallingActivity"]
    assert signal.evidence == ("pms/S-9",) and signal.since == NOW - dt.timedelta(days=60)
    assert (signal.detail["earlierPerMonth"], signal.detail["recentPerMonth"]) == (1.2, 0.0)


def test_windows_are_measured_back_from_now():
    w = RULES.windows(NOW)
    assert w["recentFrom"] == NOW - dt.timedelta(days=60)
    assert w["earlierFrom"] == NOW - dt.timedelta(days=360) and w["lookbackFrom"] == NOW - dt.timedelta(days=365)


def _data() -> dict:
    return json.loads(R.DEFAULT_FILE.read_text())


@pytest.mark.parametrize(("change", "field"), [
    (lambda d: d.update(format=2), "format"),
    (lambda d: d.update(version=""), "version"),
    (lambda d: d["openCase"].update(openDays=0), "openCase.openDays"),
    (lambda d: d["complaint"].update(kinds=[]), "complaint.kinds"),
    (lambda d: d["fallingActivity"].update(ratio=1.5), "fallingActivity.ratio"),
    (lambda d: d["fallingActivity"].update(minEarlierEvents=True), "fallingActivity.minEarlierEvents"),
    (lambda d: d.update(lookbackDays=100), "lookbackDays"),
    (lambda d: d.pop("cancellationVisit"), "cancellationVisit"),
])
def test_a_malformed_rules_file_is_refused_naming_the_field(change, field):
    data = _data()
    change(data)
    with pytest.raises(InvalidRecord) as raised:
        R.parse(data)
    assert raised.value.field == field


def test_an_unreadable_file_says_which(tmp_path):
    with pytest.raises(InvalidRecord, match="cannot read the signal rules"):
        R.load(tmp_path / "missing.json")
