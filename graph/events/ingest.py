"""Use case: store events and attach each to the record (so the person) its identifiers resolve to.

One transaction per chunk, a few UNWIND statements each (graph/store/queries_events.py). Idempotent
by source + event id: the same body again is `unchanged`, an older observation than the stored one
is `unchanged` and refused as stale, a changed body (a case now resolved) is `updated`. An event
never creates, merges or splits a person: attaching only reads who holds its identifiers.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from graph.events.attach import Attachment, Holding, choose
from graph.events.enrich import enrich, place
from graph.intake.events import Event, same_body
from graph.store import queries_events
from graph.store.values import native
from graph.visitors.track import track

CHUNK_SIZE = 500


@dataclass
class EventOutcome:
    source: str
    eventId: str
    outcome: str                      # created, updated, unchanged
    personId: str | None
    recordKey: str | None
    attachReason: str
    refused: list[dict] = field(default_factory=list)


def _listed(values) -> list | None:
    """A list property, or null when empty: an empty list is not stored (Neo4j keeps it as a property
    of its own, and most events state no consent and set nothing aside); readers take a missing
    list as empty."""
    return list(values) or None


def _values(event: Event, attached: Attachment) -> list:
    """What an event stores besides its key, in queries_events.EVENT_PROPERTIES' order: built as the
    CREATE's row itself (no map per event to pick it from again)."""
    consent, details = event.consent, event.details
    return [event.source, event.event_id, event.kind, event.month, event.fingerprint, event.collected_for,
            _listed(sorted(k for k, v in consent.items() if v)) if consent else None,
            _listed(sorted(k for k, v in consent.items() if not v)) if consent else None,
            _listed(i.key for i in event.identifiers), _listed(event.ignored),
            _listed(s.field for s in event.set_aside), _listed(s.value for s in event.set_aside),
            _listed(s.reason for s in event.set_aside),
            attached.record_key, attached.reason,
            # every detail is written, so one a corrected re-send no longer states is removed (null)
            *(details.get(name) for name in _DETAIL_NAMES)]


def _props(event: Event, attached: Attachment) -> dict:
    return dict(zip(queries_events.EVENT_PROPERTIES, _values(event, attached), strict=True))


_DETAIL_NAMES = ("lineOfBusiness", "amount", "currency", "productCategory", "channel", "pageCategory", "deviceType",
                 "caseStatus", "satisfaction", "caseId", "description")


def _run(tx, query: str, **params) -> list:
    return list(tx.run(query, params))


def _holdings(tx, events: list[Event]) -> dict[str, list[Holding]]:
    keys = sorted({i.key for e in events for i in e.identifiers if i.kind != "address"})
    by_key: dict[str, list[Holding]] = {}
    if keys:
        for row in _run(tx, queries_events.HOLDINGS, keys=keys):
            by_key.setdefault(row["key"], []).append(Holding(row["key"], row["recordKey"], row["source"],
                                                             row["personId"], native(row["observedAt"])))
    return by_key


def _attachments(holdings: dict[str, list[Holding]], todo: list[tuple[int, Event, bool]]) -> dict[int, Attachment]:
    """Each event's attachment; chosen once per source and identifiers (a chunk of one customer's
    events names the same card again and again, and `choose` is pure)."""
    by_ids: dict[tuple, Attachment] = {}
    out = {}
    for n, e, _ in todo:
        ids = (e.source, *(i.key for i in e.identifiers))
        if ids not in by_ids:
            by_ids[ids] = choose(e.source, [h for key in ids[1:] for h in holdings.get(key, [])])
        out[n] = by_ids[ids]
    return out


def _triage(tx, events: list[Event]) -> tuple[dict[int, EventOutcome], list[tuple[int, Event, bool]], set[int]]:
    """Unchanged and stale events are answered at once; the others are (index, event, existed) to write.
    An unchanged event still unattached is tried again (its index in the set returned): a record may hold
    its identifiers by now."""
    states = {r["key"]: r for r in _run(tx, queries_events.EVENT_STATES, keys=[e.key for e in events])}
    done, todo, retried = {}, [], set()
    for n, event in enumerate(events):
        state = states.get(event.key)
        same = same_body(state["fingerprint"] if state else None, event.fingerprint)
        if state and same and state["recordKey"]:
            done[n] = EventOutcome(event.source, event.event_id, "unchanged", state["personId"],
                                   state["recordKey"], "stored before")
        elif state and native(state["observedAt"]) > event.observed_at:
            done[n] = EventOutcome(event.source, event.event_id, "unchanged", state["personId"],
                                   state["recordKey"], "stored before", refused=[
                                       {"rule": "stale", "detail": "an observation newer than this one is stored"}])
        else:
            todo.append((n, event, state is not None))
            if same:
                retried.add(n)
    return done, todo, retried


def _new_row(event: Event, attached: Attachment) -> list:
    observed = None if event.observed_at == event.at else event.observed_at.isoformat()
    return [event.key, event.at.isoformat(), observed, *_values(event, attached)]


def _month_rows(todo: list[tuple[int, Event, bool]], chosen: dict[int, Attachment],
                month_of: dict[int, str]) -> list[dict]:
    """One row per bucket the events go to, with the earliest and latest of them (ISO text)."""
    months: dict[str, dict] = {}
    for n, e, _ in todo:
        if n in month_of:
            month = months.setdefault(month_of[n], {"monthKey": month_of[n], "recordKey": chosen[n].record_key,
                                                    "month": e.month, "first": e.at, "last": e.at})
            month["first"], month["last"] = min(month["first"], e.at), max(month["last"], e.at)
    return [dict(m, first=m["first"].isoformat(), last=m["last"].isoformat())
            for _, m in sorted(months.items())]


def _write(tx, todo: list[tuple[int, Event, bool]], chosen: dict[int, Attachment]) -> None:
    """Buckets first (made or widened), then new events created already linked; an updated event is
    set, unlinked and linked again (it may have moved)."""
    month_of = {n: f"{chosen[n].record_key}|{e.month}" for n, e, _ in todo if chosen[n].record_key}
    months = _month_rows(todo, chosen, month_of)
    found = {r["monthKey"] for r in _run(tx, queries_events.WIDENED_MONTHS, rows=months)} if months else set()
    groups: dict[str, list] = {}
    loose: list[list] = []
    for n, e, existed in todo:
        if not existed:
            row = _new_row(e, chosen[n])
            (groups.setdefault(month_of[n], []) if month_of.get(n) in found else loose).append(row)
    if groups:
        _run(tx, queries_events.CREATE_EVENTS, groups=[[key, rows] for key, rows in sorted(groups.items())])
    if loose:
        _run(tx, queries_events.CREATE_UNLINKED_EVENTS, rows=loose)
    moved = [(n, e) for n, e, existed in todo if existed]
    if moved:
        _run(tx, queries_events.UPSERT_EVENTS, rows=[
            {"key": e.key, "props": _props(e, chosen[n]), "at": e.at.isoformat(),
             "observedAt": e.observed_at.isoformat()} for n, e in moved])
        _run(tx, queries_events.UNLINK_EVENTS, keys=[e.key for _, e in moved])
        links = [{"key": e.key, "monthKey": month_of[n]} for n, e in moved if n in month_of]
        if links:
            _run(tx, queries_events.LINK_EVENTS, rows=links)


def ingest_chunk(tx, events: list[Event]) -> list[EventOutcome]:
    """Store and attach events whose keys are all different, in one transaction."""
    done, todo, retried = _triage(tx, events)
    if todo:
        chosen = _attachments(_holdings(tx, [e for _, e, _ in todo]), todo)
        for n, event, _ in todo:
            if n in retried and not chosen[n].record_key:       # still no one to attach it to
                done[n] = EventOutcome(event.source, event.event_id, "unchanged", None, None, chosen[n].reason)
        todo = [item for item in todo if item[0] not in done]
    if todo:
        _write(tx, todo, chosen)
        written, picks = [(e, existed) for _, e, existed in todo], [chosen[n] for n, _, _ in todo]
        placed = place(tx, written, picks)          # household devices (graph/events/enrich.py)
        track(tx, [e for _, e, _ in todo], picks)   # visitors (graph/visitors)
        enrich(tx, written, picks)                  # gifts, deaths
        for n, event, existed in todo:
            pick = chosen[n]
            done[n] = EventOutcome(event.source, event.event_id, "updated" if existed else "created",
                                   pick.person_id, pick.record_key, placed.get(event.key, pick.reason))
    return [done[n] for n in range(len(events))]


def chunks(events: list[Event], size: int = CHUNK_SIZE) -> list[list[Event]]:
    """Pieces of at most `size`, a new piece wherever an event key repeats (the later copy is
    handled after the first is stored, as if sent afterwards)."""
    pieces: list[list[Event]] = [[]]
    keys: set[str] = set()
    for event in events:
        if len(pieces[-1]) >= size or event.key in keys:
            pieces.append([])
            keys = set()
        pieces[-1].append(event)
        keys.add(event.key)
    return [p for p in pieces if p]


def ingest_events(store, events: list[Event], chunk_size: int = CHUNK_SIZE) -> list[EventOutcome]:
    return [outcome for piece in chunks(events, chunk_size) for outcome in store.write(ingest_chunk, piece)]
