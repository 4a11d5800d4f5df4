"""The audit log: who read which person, with which key and role, and for what purpose.

An event names the person by personId only: no identifier, name or other personal data.
"""
from __future__ import annotations

import datetime as dt
import secrets
import threading
import time
from pathlib import Path

from graph.access.audit_spool import AuditSpool
from graph.errors import StoreUnavailable
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


_spools: dict[int, AuditSpool] = {}   # id(store) -> its local audit log, when it has one
_spools_lock = threading.Lock()


def use_spool(store, folder: Path, interval_s: float = 0.2) -> AuditSpool:
    """From now on record_read makes `store`'s events durable in a local log under `folder`, which a
    background thread writes to the graph (graph/access/audit_spool.py); the audit log's readers
    call `flush` first. One spool per store: a second call returns the first."""
    with _spools_lock:
        if id(store) not in _spools:
            _spools[id(store)] = AuditSpool(folder, lambda rows: store.write(
                lambda tx: tx.run(queries_access.RECORD_SPOOLED_AUDIT_EVENTS, rows=rows).consume()), interval_s)
        return _spools[id(store)]


def stop_spool(store) -> None:
    """Write what `store`'s local log holds to the graph and stop using it."""
    with _spools_lock:
        spool = _spools.pop(id(store), None)
    if spool is not None:
        spool.close()


def flush(store) -> None:
    """Put the events this store's local log holds into the graph (before reading the audit log)."""
    spool = _spools.get(id(store))
    if spool is not None:
        spool.drain()


def record_read(store, *, key_id: str, role: str, purpose: str | None, action: str, person_id: str) -> None:
    """Returns once the event is durable: committed to the graph, or fsync'd to the local log."""
    if action not in ACTIONS + STEWARD_ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    event = {"eventId": event_id(), "keyId": key_id, "role": role, "purpose": purpose,
             "action": action, "personId": person_id}
    spool = _spools.get(id(store))
    if spool is None:
        store.grouped(queries_access.RECORD_AUDIT_EVENTS).submit(event)
        return
    try:
        spool.submit(dict(event, at=dt.datetime.now(dt.UTC)))
    except OSError as exc:   # no unlogged reads: the read fails (503) when its event cannot be kept
        raise StoreUnavailable(f"the audit log could not be written: {exc}") from exc


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
