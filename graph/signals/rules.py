"""Signals of dissatisfaction: the rules, read from a versioned JSON file, and the judgement. Pure.

A signal is something a person did (or stopped doing) that says they may be unhappy: a case left open
too long, a complaint, a visit to a cancellation page, activity falling well below their own earlier
rate. Each comes with since when and its evidence (the events). The thresholds are configuration:
graph/data/signals.json by default, IDGRAPH_SIGNALS for a brand's own file, like the lifecycle
definition (graph/lifecycle/definition.py).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from graph import json_file
from graph.errors import InvalidRecord

FORMAT = 1
DEFAULT_FILE = Path(__file__).resolve().parents[1] / "data" / "signals.json"
OPEN_CASE, COMPLAINT, CANCELLATION, FALLING = "openCase", "complaint", "cancellationVisit", "fallingActivity"
SIGNAL_KINDS = (OPEN_CASE, COMPLAINT, CANCELLATION, FALLING)
# The kinds whose evidence is events a purpose may or may not cover; falling activity is derived
# from all of a person's activity (graph/signals/reads.py).
EVENT_SIGNALS = (OPEN_CASE, COMPLAINT, CANCELLATION)


@dataclass(frozen=True)
class Rules:
    name: str
    version: str
    lookback_days: int
    case_kinds: frozenset[str]
    case_open_days: int
    closed_statuses: frozenset[str]
    complaint_kinds: frozenset[str]
    complaint_days: int
    visit_kinds: frozenset[str]
    cancellation_pages: frozenset[str]      # lower case
    cancellation_days: int
    activity_kinds: frozenset[str]
    recent_days: int
    earlier_days: int
    ratio: float
    min_earlier_events: int

    def describe(self) -> dict:
        return {"name": self.name, "version": self.version}

    def windows(self, now: dt.datetime) -> dict:
        """The instants the store reads need (graph/store/queries_signals.py)."""
        recent_from = now - dt.timedelta(days=self.recent_days)
        return {"lookbackFrom": now - dt.timedelta(days=self.lookback_days), "recentFrom": recent_from,
                "earlierFrom": recent_from - dt.timedelta(days=self.earlier_days)}


@dataclass(frozen=True)
class Activity:
    """How many activity events a person had in the recent window and in the earlier one."""
    recent: int = 0
    earlier: int = 0
    last_event: str | None = None
    last_at: dt.datetime | None = None


@dataclass(frozen=True)
class Signal:
    kind: str
    since: dt.datetime
    evidence: tuple[str, ...]            # event keys, oldest first
    detail: dict = field(default_factory=dict)

    def view(self) -> dict:
        return {"kind": self.kind, "since": self.since, "evidence": list(self.evidence), **self.detail}


def _days(data: dict, name: str, where: str) -> int:
    value = data.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InvalidRecord(f"{where}.{name}" if where else name, "must be a whole number of days, 1 or more")
    return value


def _kinds(data: dict, where: str, name: str = "kinds") -> frozenset[str]:
    value = data.get(name)
    if not isinstance(value, list) or not value or not all(isinstance(k, str) and k for k in value):
        raise InvalidRecord(f"{where}.{name}", "must be a non-empty list of texts")
    return frozenset(value)


def _section(data: dict, name: str) -> dict:
    value = data.get(name)
    if not isinstance(value, dict):
        raise InvalidRecord(name, "must be an object (see graph/data/signals.json)")
    return value


def parse(data: dict) -> Rules:
    """Rules from their JSON form; InvalidRecord names the field that breaks the format."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InvalidRecord("format", f"must be {FORMAT} (this idgraph reads signals format {FORMAT})")
    for name in ("name", "version"):
        if not isinstance(data.get(name), str) or not data[name]:
            raise InvalidRecord(name, "must be a non-empty text")
    case, complaint = _section(data, OPEN_CASE), _section(data, COMPLAINT)
    visit, falling = _section(data, CANCELLATION), _section(data, FALLING)
    ratio, least = falling.get("ratio"), falling.get("minEarlierEvents")
    if not isinstance(ratio, int | float) or isinstance(ratio, bool) or not 0 < ratio < 1:
        raise InvalidRecord(f"{FALLING}.ratio", "must be a number between 0 and 1 (0.5: half the earlier rate)")
    if not isinstance(least, int) or isinstance(least, bool) or least < 1:
        raise InvalidRecord(f"{FALLING}.minEarlierEvents", "must be a whole number, 1 or more")
    closed = case.get("closedStatuses")
    if not isinstance(closed, list) or not all(isinstance(s, str) for s in closed):
        raise InvalidRecord(f"{OPEN_CASE}.closedStatuses", "must be a list of case statuses")
    rules = Rules(
        data["name"], data["version"], _days(data, "lookbackDays", ""),
        _kinds(case, OPEN_CASE), _days(case, "openDays", OPEN_CASE), frozenset(s.lower() for s in closed),
        _kinds(complaint, COMPLAINT), _days(complaint, "openDays", COMPLAINT),
        _kinds(visit, CANCELLATION), frozenset(p.lower() for p in _kinds(visit, CANCELLATION, "pageCategories")),
        _days(visit, "openDays", CANCELLATION),
        _kinds(falling, FALLING), _days(falling, "recentDays", FALLING), _days(falling, "earlierDays", FALLING),
        float(ratio), least)
    if rules.lookback_days < max(rules.recent_days + rules.earlier_days, rules.complaint_days,
                                 rules.cancellation_days, rules.case_open_days):
        raise InvalidRecord("lookbackDays", "must cover every window: at least recentDays + earlierDays and "
                                            "every openDays")
    return rules


def load(path: Path | None = None) -> Rules:
    """The rules in `path`, else the shipped default."""
    file = path or DEFAULT_FILE
    return parse(json_file.read(file, "signals", "signal rules"))


def _open_cases(events: list[dict], rules: Rules, now: dt.datetime) -> Signal | None:
    """Cases (events grouped by caseId, else one event each) whose latest status is not closed and that
    were opened more than openDays ago."""
    cases: dict[str, list[dict]] = {}
    for e in events:
        if e["kind"] in rules.case_kinds:
            cases.setdefault(e.get("caseId") or e["eventKey"], []).append(e)
    overdue = []
    for case in cases.values():
        case.sort(key=lambda e: (e["at"], e["eventKey"]))
        status = (case[-1].get("caseStatus") or "").lower()
        if status not in rules.closed_statuses and now - case[0]["at"] > dt.timedelta(days=rules.case_open_days):
            overdue.append(case)
    if not overdue:
        return None
    overdue.sort(key=lambda c: c[0]["at"])
    return Signal(OPEN_CASE, overdue[0][0]["at"], tuple(e["eventKey"] for c in overdue for e in c),
                  {"cases": [c[0].get("caseId") or c[0]["eventKey"] for c in overdue],
                   "openDays": rules.case_open_days})


def _recent(events: list[dict], kinds: frozenset[str], days: int, now: dt.datetime, kind: str,
            pages: frozenset[str] | None = None) -> Signal | None:
    since = now - dt.timedelta(days=days)
    found = sorted((e for e in events if e["kind"] in kinds and since <= e["at"] <= now
                    and (pages is None or (e.get("pageCategory") or "").lower() in pages)),
                   key=lambda e: (e["at"], e["eventKey"]))
    if not found:
        return None
    return Signal(kind, found[0]["at"], tuple(e["eventKey"] for e in found), {"windowDays": days})


def _falling(activity: Activity, rules: Rules, now: dt.datetime) -> Signal | None:
    """Activity in the recent window well below the person's own earlier rate (per day)."""
    if activity.earlier < rules.min_earlier_events:
        return None
    earlier_rate = activity.earlier / rules.earlier_days
    recent_rate = activity.recent / rules.recent_days
    if recent_rate >= rules.ratio * earlier_rate:
        return None
    return Signal(FALLING, now - dt.timedelta(days=rules.recent_days),
                  (activity.last_event,) if activity.last_event else (),
                  {"recentEvents": activity.recent, "earlierEvents": activity.earlier,
                   "recentDays": rules.recent_days, "earlierDays": rules.earlier_days,
                   "recentPerMonth": round(recent_rate * 30, 2), "earlierPerMonth": round(earlier_rate * 30, 2),
                   "lastActivityAt": activity.last_at})


def signals(events: list[dict], activity: Activity, rules: Rules, now: dt.datetime) -> list[Signal]:
    """A person's open signals. `events` are their candidate events (eventKey, kind, at as an aware
    datetime, caseId, caseStatus, pageCategory) from the lookback window; `activity` their counts."""
    found = [_open_cases(events, rules, now),
             _recent(events, rules.complaint_kinds, rules.complaint_days, now, COMPLAINT),
             _recent(events, rules.visit_kinds, rules.cancellation_days, now, CANCELLATION, rules.cancellation_pages),
             _falling(activity, rules, now)]
    return [s for s in found if s is not None]
