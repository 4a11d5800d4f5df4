"""Purpose and consent: which records may inform an answer given for a declared purpose.

The rule (README, Privacy):
- `service`, `support` and `fraud` rest on the contract or a legitimate interest: a record serves
  them unless its effective consent for that purpose is an explicit denial;
- `marketing` and `analytics` rest on consent: a record serves them only with an explicit grant.

Consent is per record. A record states it when it is ingested (its `consent` map, dated by its
observedAt); a customer's later change is a (:ConsentChange) statement linked to every record the
person held when it was made. The effective consent of a record for a purpose is its newest
statement; at the same instant a denial wins. Merges and splits move records, and their consent
goes with them.

Pure: no flask, no neo4j.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from graph.model import PURPOSES
from graph.privacy import deceased

NEEDS_GRANT = frozenset({"marketing", "analytics"})
BASIS = {p: ("consent" if p in NEEDS_GRANT else "contract or legitimate interest") for p in PURPOSES}
EPOCH = dt.datetime.min.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class Statement:
    """One statement about one purpose: granted or denied, when, and where it came from."""
    purpose: str
    granted: bool
    at: dt.datetime
    origin: str            # 'record' (as ingested) or 'change:<changeId>'


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str
    statement: Statement | None = None


def record_statements(record: dict) -> list[Statement]:
    """The consent a stored record carried when it was ingested, dated by its observedAt."""
    at = record.get("observedAt") or EPOCH
    return ([Statement(p, True, at, "record") for p in record.get("consentGranted") or []] +
            [Statement(p, False, at, "record") for p in record.get("consentDenied") or []])


def change_statements(changes: list[dict]) -> list[Statement]:
    return [Statement(c["purpose"], bool(c["granted"]), c.get("at") or EPOCH, f"change:{c['changeId']}")
            for c in changes]


def effective(statements: list[Statement], purpose: str) -> Statement | None:
    """The newest statement about `purpose`; at the same instant a denial wins."""
    about = [s for s in statements if s.purpose == purpose]
    return max(about, key=lambda s: (s.at, not s.granted), default=None)


def verdict(statements: list[Statement], purpose: str) -> Verdict:
    """Whether a record with these statements may inform an answer for `purpose`, and why not."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}")
    newest = effective(statements, purpose)
    if purpose in NEEDS_GRANT:
        if newest is None:
            return Verdict(False, f"no consent for {purpose} was given", None)
        if not newest.granted:
            return Verdict(False, _denied(newest, purpose), newest)
        return Verdict(True, "consent granted", newest)
    if newest is not None and not newest.granted:
        return Verdict(False, _denied(newest, purpose), newest)
    return Verdict(True, BASIS[purpose], newest)


def _denied(statement: Statement, purpose: str) -> str:
    where = "in the record as collected" if statement.origin == "record" else "by the customer's later change"
    return f"consent for {purpose} was denied {where}"


def summary(statements: list[Statement]) -> dict[str, dict]:
    """Per purpose: whether the record may serve it, on what basis, and the statement that decides."""
    out = {}
    for purpose in PURPOSES:
        v = verdict(statements, purpose)
        out[purpose] = {"allowed": v.allowed, "basis": BASIS[purpose], "reason": v.reason}
        if v.statement:
            out[purpose].update(granted=v.statement.granted, since=v.statement.at, origin=v.statement.origin)
    return out


def change_id(person_id: str, purpose: str, granted: bool, at: dt.datetime, source: str) -> str:
    """The same statement sent twice is one change (idempotent POST)."""
    text = "|".join((person_id, purpose, "granted" if granted else "denied",
                     at.astimezone(dt.UTC).isoformat(), source))
    return "C-" + hashlib.sha256(text.encode()).hexdigest()[:24]


def gate(records: list[dict], changes: dict[str, list[dict]], purpose: str | None) -> tuple[set[str], list[dict]]:
    """(record keys that may inform an answer for `purpose`, what is withheld and why).

    `records` are one person's stored records (recordKey, source, observedAt, consentGranted, consentDenied,
    and what says they died: deceased, deceasedOn, deathEventKey, deathEventOn);
    `changes` maps a recordKey to the customer's consent changes for it. No purpose: nothing withheld.
    A deceased person (graph/privacy/deceased.py) is withheld whole from the purposes death bars.
    """
    if purpose is None:
        return {r["recordKey"] for r in records}, []
    shown, withheld = set(), []
    barred = deceased.refusal(deceased.death_of(records), purpose)
    for record in sorted(records, key=lambda r: r["recordKey"]):
        statements = record_statements(record) + change_statements(changes.get(record["recordKey"], []))
        v = Verdict(False, barred) if barred else verdict(statements, purpose)
        if v.allowed:
            shown.add(record["recordKey"])
        else:
            withheld.append({"recordKey": record["recordKey"], "source": record.get("source"),
                             "purpose": purpose, "basis": "deceased" if barred else BASIS[purpose],
                             "reason": v.reason})
    return shown, withheld
