"""Deceased persons: who says so, since when, and which purposes may still use them. Pure.

A person is deceased when any of their records says so: the record's own `deceased`/`deceasedOn`
fields, or a `death` event attached to it (graph/events/life.py: `deathEventKey`, `deathEventOn`).
From then on no marketing purpose may use them, whatever their consent said; service purposes
(service, support, fraud) and analytics still can. The check runs inside consent.gate, the one path
every purpose-filtered read already takes, so a read that filters by consent filters by death too.
"""
from __future__ import annotations

import datetime as dt

BARRED = frozenset({"marketing"})


def _day(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value


def death_of(records: list[dict]) -> dict | None:
    """{since, evidence: [{record, source, on, by}]} from the records' statements, or None. `since` is the
    earliest day a record gives (a record without a day: the day it was observed)."""
    evidence = []
    for r in sorted(records, key=lambda r: r["recordKey"]):
        if r.get("deceased") or r.get("deceasedOn"):
            evidence.append({"record": r["recordKey"], "source": r.get("source"), "by": "record",
                             "on": _day(r.get("deceasedOn")) or _day(r.get("observedAt"))})
        if r.get("deathEventKey"):
            evidence.append({"record": r["recordKey"], "source": r["deathEventKey"].split("/", 1)[0], "by": "event",
                             "event": r["deathEventKey"], "on": _day(r.get("deathEventOn"))})
    dated = [e for e in evidence if e["on"]]
    if not evidence:
        return None
    return {"since": min(e["on"] for e in dated) if dated else None, "evidence": evidence}


def refusal(death: dict | None, purpose: str | None) -> str | None:
    """Why a read for `purpose` may not use this person, or None."""
    if death is None or purpose not in BARRED:
        return None
    since = f" since {death['since'].isoformat()}" if death["since"] else ""
    return f"the person is deceased{since} (per {death['evidence'][0]['record']}): no {purpose} after death"
