"""The audit log: who read which person, with which key and role, and for what purpose.

An event names the person by personId only: no identifier, name or other personal data.
"""
from __future__ import annotations

import secrets
import time

from graph.store import queries_access
from graph.store.values import plain

ACTIONS = ("whois", "whois.search", "person.view", "person.why", "persons.why-not", "record.view", "person.export",
           "person.timeline", "person.lifecycle", "visitor.view", "person.intentions", "household.view",
           "person.signals", "signals.list", "person.relationships", "person.influence", "influence.ranking")
# a steward's decisions on a person (graph/stewardship): logged beside the reads, without a purpose
STEWARD_ACTIONS = ("person.merge", "person.split", "decision.undo", "review.answer", "person.feedback",
                   "review.view")


def event_id() -> str:
    """Sortable by time (fixed-width nanoseconds), unique by a random suffix: the paging cursor."""
    return f"{time.time_ns():020d}-{secrets.token_hex(4)}"


def record_read(store, *, key_id: str, role: str, purpose: str | None, action: str, person_id: str) -> None:
    if action not in ACTIONS + STEWARD_ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    event = {"eventId": event_id(), "keyId": key_id, "role": role, "purpose": purpose,
             "action": action, "personId": person_id}
    store.grouped(queries_access.RECORD_AUDIT_EVENTS).submit(event)   # returns once it is durable


def record_reads(store, *, key_id: str, role: str, purpose: str | None, action: str,
                 person_ids: list[str]) -> None:
    """One event per person a listing named, written in one transaction before the answer goes out."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    rows = [{"eventId": event_id(), "keyId": key_id, "role": role, "purpose": purpose, "action": action,
             "personId": pid} for pid in person_ids]
    if rows:
        store.write(lambda tx: tx.run(queries_access.RECORD_AUDIT_EVENTS, rows=rows).consume())


def events_page(tx, person_id: str, limit: int, cursor: str = "") -> dict:
    """A person's events, newest first; pass nextCursor back as cursor for the next page."""
    rows = tx.run(queries_access.AUDIT_EVENTS, personId=person_id, limit=limit, cursor=cursor)
    events = [plain(r["event"]) for r in rows]
    return {"personId": person_id, "events": events,
            "nextCursor": events[-1]["eventId"] if len(events) == limit else None}
