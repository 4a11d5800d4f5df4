"""Use case: household devices. A device or cookie that two or more persons of one household hold
equally (the family tablet both spouses signed in on) is the household's, not one spouse's: its
events, which attach to no person (graph/events/attach.py: a tie leaves them unattached), go to the
household (`householdId` on the event) and its visitor becomes a `household` visitor
(graph/visitors/rules.py), so it stays the household's whoever is seen on it later. A visitor that is
already a household's (seen with two members one after the other) sends its anonymous events there too.

The household answer lists them, and each member's timeline shows them marked `household`.
Households come from the analytics refresh; before one exists, such events stay unattached.
"""
from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from graph.errors import NotFound
from graph.events.attach import Attachment
from graph.intake.events import Event
from graph.privacy import consent
from graph.store import queries_events, queries_history
from graph.store.values import plain
from graph.visitors.rules import VISITOR_KINDS

REASON = "a household device: its events go to household "
HOUSEHOLD_READ = 500        # events read past the page, so withheld ones do not empty it
EPOCH = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
FAR = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)
SHOWN = ("eventKey", "source", "eventId", "kind", "at", "channel", "pageCategory", "productCategory", "deviceType",
         "householdId", "attachReason")


def tied_persons(holdings: list[tuple[str, str]]) -> list[str]:
    """The persons holding the most of an event's identifiers ((identifier key, person) pairs), when
    two or more hold as many. Pure."""
    by_person: dict[str, set[str]] = {}
    for key, person in holdings:
        by_person.setdefault(person, set()).add(key)
    if not by_person:
        return []
    best = max(len(keys) for keys in by_person.values())
    leaders = sorted(p for p, keys in by_person.items() if len(keys) == best)
    return leaders if len(leaders) > 1 else []


def _devices(event: Event) -> list[str]:
    return sorted(i.key for i in event.identifiers if i.kind in VISITOR_KINDS)


def _households_of_ties(tx, events: list[Event]) -> dict[str, tuple[str, list[str]]]:
    """event key -> (household, its tied persons) for events two members of one household hold equally."""
    keys = sorted({i.key for e in events for i in e.identifiers if i.kind != "address"})
    pairs: dict[str, list[tuple[str, str]]] = {}
    for row in tx.run(queries_events.HOLDINGS, keys=keys) if keys else []:
        pairs.setdefault(row["key"], []).append((row["key"], row["personId"]))
    found: dict[str, tuple[str, list[str]]] = {}
    households: dict[tuple[str, ...], str | None] = {}
    for e in events:
        tied = tuple(tied_persons(sorted({p for i in e.identifiers for p in pairs.get(i.key, [])})))
        if tied and tied not in households:     # a batch of one tablet's visits asks once
            row = tx.run(queries_history.COMMON_HOUSEHOLD, personIds=list(tied)).single()
            households[tied] = row["householdId"] if row else None
        household = households.get(tied) if tied else None
        if household:
            found[e.key] = (household, list(tied))
    return found


def place_on_households(tx, events: list[tuple[Event, bool]], chosen: dict[str, Attachment]) -> dict[str, str]:
    """Before the visitors are tracked (graph/visitors/track.py): a device two members of a household hold
    equally becomes (or is made) a household visitor, so no later sign-in claims it for one of them; each
    unattached device event gets its household (or loses one it no longer has). Returns event key ->
    attach reason for the events placed on a household."""
    todo = [(e, existed) for e, existed in events if _devices(e) and (existed or not chosen[e.key].record_key)]
    if not todo:
        return {}
    unattached = [e for e, _ in todo if not chosen[e.key].record_key]
    ties = _households_of_ties(tx, unattached)
    if ties:
        tx.run(queries_history.MAKE_HOUSEHOLD_VISITORS, rows=[
            {"key": device, "householdId": household, "personIds": persons, "kind": device.split(":", 1)[0],
             "visitorId": f"v-{uuid.uuid4().hex}"}
            for key, (household, persons) in sorted(ties.items())
            for device in _devices(next(e for e in unattached if e.key == key))]).consume()
    devices = sorted({d for e in unattached for d in _devices(e)})
    known = {r["key"]: r["householdId"] for r in tx.run(queries_history.HOUSEHOLD_VISITORS, keys=devices)}
    placed: dict[str, str] = {}
    for e in unattached:
        household = ties[e.key][0] if e.key in ties else next((known[d] for d in _devices(e) if d in known), None)
        if household:
            placed[e.key] = household
    reasons = {key: REASON + household for key, household in placed.items()}
    # a new event no household takes has nothing to clear: only placed or re-sent ones are written
    rows = [{"key": e.key, "householdId": placed.get(e.key), "reason": reasons.get(e.key)}
            for e, existed in todo if existed or e.key in placed]
    if rows:
        tx.run(queries_history.SET_HOUSEHOLD_EVENTS, rows=rows).consume()
    return reasons


def sweep_household_visitors(tx, events: list[Event]) -> None:
    """After tracking: a visitor that has just turned household (seen with a second member) sends its
    events no one holds, those it had back-filled to the first member included, to the household."""
    devices = sorted({d for e in events for d in _devices(e)})
    if devices:
        tx.run(queries_history.SWEEP_HOUSEHOLD_VISITORS, keys=devices, reason=REASON).consume()


def merge_into_page(tx, households: list[str], shown: list[dict], limit: int, allowed: Callable[[dict], bool],
                    window: dict) -> tuple[list[dict], int]:
    """A timeline's events (newest first, up to limit + 1) with the device events of the person's
    households (their ids, read with the timeline's context) merged in, each marked `household`; and
    how many household events the purpose withheld. `window`: since, before, afterAt, afterKey, kinds,
    as the timeline reads its own events."""
    if not households:
        return shown, 0
    rows = [plain(r["event"]) for r in tx.run(queries_history.HOUSEHOLD_EVENTS, householdIds=households,
                                               limit=limit + 1, **window)]
    extra = [dict(r, household=True) for r in rows if allowed(r)]
    merged = sorted(shown + extra, key=lambda e: (e["at"], e["eventKey"]), reverse=True)
    return merged, len(rows) - len(extra)


def household_view(tx, household_id: str, purpose: str, limit: int = 50) -> dict:
    """A household: its members, its devices and their latest events the purpose may use (an event
    on a household device informs an answer only by its own consent: it hangs off no one's record)."""
    row = tx.run(queries_history.HOUSEHOLD, householdId=household_id).single()
    if not row:
        raise NotFound(f"no household {household_id} (households come from `idgraph analytics refresh`)")
    household = plain(row["household"])
    rows = [plain(r["event"]) for r in tx.run(
        queries_history.HOUSEHOLD_EVENTS, householdIds=[household_id], limit=limit + HOUSEHOLD_READ, kinds=[],
        since=EPOCH, before=FAR, afterAt=FAR, afterKey="")]
    allowed = [e for e in rows if consent.verdict(consent.record_statements(e), purpose).allowed]
    return {"householdId": household_id, "purpose": purpose,
            **{k: household.get(k) for k in ("name", "addressKey", "size", "currentSize", "rule", "refreshedAt")},
            "inferred": True,
            "members": sorted((plain(m) for m in row["members"]), key=lambda m: m["personId"]),
            "devices": [plain(r["device"]) for r in
                        tx.run(queries_history.HOUSEHOLD_DEVICES, householdId=household_id)],
            "events": [{k: v for k, v in e.items() if k in SHOWN and v is not None} for e in allowed[:limit]],
            "withheldCount": len(rows) - len(allowed)}
