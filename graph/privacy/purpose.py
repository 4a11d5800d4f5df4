"""Use case: which persons, records and events may inform a derived answer for a declared purpose.

The person view (graph/reads/views.py) filters record by record through graph/privacy/consent.py;
relationships, influence, lifecycle, timeline and signals reuse the same verdicts here, for many
persons at once:
- a record serves the purpose by its own consent and the customer's later changes (consent.gate);
- an event by its own statements, its record's and those changes, the newest deciding (as the timeline);
- a person is withheld when none of their records serves the purpose;
- a figure derived from all of a person's records (a score, a rate of activity) only when every
  record does, as the person view's inferred scores;
- a deceased person serves no purpose death bars (marketing), whatever their consent said, as in
  consent.gate.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from graph.privacy import consent, deceased
from graph.store import queries_purpose
from graph.store.values import plain


@dataclass(frozen=True)
class PersonConsent:
    """A person's records' consent statements (recordKey -> statements) and when each record was
    observed. Pure."""
    statements: dict[str, list[consent.Statement]] = field(default_factory=dict)
    observed: dict[str, dt.datetime | None] = field(default_factory=dict)
    death: dict | None = None       # graph/privacy/deceased.py: no record serves a purpose death bars

    def record_allowed(self, record_key: str | None, purpose: str) -> bool:
        if deceased.refusal(self.death, purpose):
            return False
        return record_key in self.statements and consent.verdict(self.statements[record_key], purpose).allowed

    def allowed_records(self, purpose: str) -> set[str]:
        return {k for k in self.statements if self.record_allowed(k, purpose)}

    def person_allowed(self, purpose: str) -> bool:
        """Some record serves the purpose: the person may be named."""
        return bool(self.allowed_records(purpose))

    def derived_allowed(self, purpose: str) -> bool:
        """Every record serves the purpose: a figure derived from all of them may be shown."""
        return bool(self.statements) and len(self.allowed_records(purpose)) == len(self.statements)

    def event_allowed(self, event: dict, purpose: str) -> bool:
        """An event's own statements, then its record's (the newest deciding); one hanging off no
        record of this person serves nothing."""
        key = event.get("recordKey")
        if key not in self.statements or deceased.refusal(self.death, purpose):
            return False
        return consent.verdict(consent.record_statements(event) + self.statements[key], purpose).allowed


def persons_consent(tx, person_ids: list[str]) -> dict[str, PersonConsent]:
    """Every asked person's PersonConsent (empty for a person with no records)."""
    found: dict[str, PersonConsent] = {pid: PersonConsent({}, {}) for pid in person_ids}
    records: dict[str, list[dict]] = {pid: [] for pid in person_ids}
    if person_ids:
        for row in tx.run(queries_purpose.PERSONS_CONSENT, personIds=sorted(set(person_ids))):
            record, who = plain(row["record"]), found[row["personId"]]
            who.statements[record["recordKey"]] = (
                consent.record_statements(record) + consent.change_statements([plain(c) for c in row["changes"]]))
            who.observed[record["recordKey"]] = record.get("observedAt")
            records[row["personId"]].append(record)
    return {pid: replace(who, death=deceased.death_of(records[pid])) for pid, who in found.items()}


def events_consent(tx, keys: list[str]) -> dict[str, dict]:
    """eventKey -> the event's recordKey and own consent statements, for PersonConsent.event_allowed."""
    if not keys:
        return {}
    return {e["eventKey"]: e for e in (plain(r["event"]) for r in tx.run(queries_purpose.EVENTS_CONSENT,
                                                                            keys=sorted(set(keys))))}
