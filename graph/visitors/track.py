"""Use case (a hook of event ingestion, in its transaction): keep each device's visitor, its month
buckets and its identification up to date (rules.py; model in graph/store/queries_visitors.py)."""
from __future__ import annotations

import uuid

from graph.events.attach import Attachment
from graph.intake.events import Event
from graph.privacy import consent
from graph.reads.views import consent_changes
from graph.store import queries_events, queries_reads, queries_visitors
from graph.store.values import native, plain
from graph.visitors.persons import followed, persons_now
from graph.visitors.rules import VISITOR_KINDS, VisitorState, narrowed, refused_purposes, seen_with


def _run(tx, query: str, **params) -> list:
    return list(tx.run(query, params))


def track(tx, events: list[Event], attached: list[Attachment]) -> None:
    """File the written events under their devices' visitors, then identify the visitors they show."""
    seen = [(e, a, sorted({i.key for i in e.identifiers if i.kind in VISITOR_KINDS}))
            for e, a in zip(events, attached, strict=True)]
    seen = [s for s in seen if s[2]]
    if not seen:
        return
    _file(tx, [(e, keys) for e, _, keys in seen])
    states = _states(tx, sorted({k for _, _, ks in seen for k in ks}))
    for event, attachment, keys in sorted(seen, key=lambda s: (s[0].at, s[0].key)):
        for key in keys:
            states[key] = _identify(tx, key, states[key], event, attachment)
    for key, state in states.items():   # anonymous events after identification are the person's too
        if state.person_id:
            _backfill(tx, key, state.person_id, f"visitor {key} identified")


def _states(tx, keys: list[str]) -> dict[str, VisitorState]:
    """The visitors' states, their persons followed through merges since (graph/visitors/persons.py)."""
    rows = _run(tx, queries_visitors.VISITOR_STATES, keys=keys)
    now = persons_now(tx, [p for r in rows for p in [r["personId"], *(r["personIds"] or ())]])
    return {r["key"]: VisitorState(r["status"], now.get(r["personId"]) if r["personId"] else None, None,
                                   followed(now, r["personIds"] or ())) for r in rows}


def _file(tx, seen: list[tuple[Event, list[str]]]) -> None:
    visitors: dict[str, dict] = {}
    months: dict[str, dict] = {}
    for event, keys in seen:
        for key in keys:
            _widen(visitors.setdefault(key, {"visitorKey": key, "visitorId": f"v-{uuid.uuid4().hex}",
                                             "kind": key.split(":", 1)[0]}), event)
            month_key = f"{key}|{event.month}"
            _widen(months.setdefault(month_key, {"monthKey": month_key, "visitorKey": key, "month": event.month}),
                   event)
    _run(tx, queries_visitors.UPSERT_VISITORS, rows=[_iso(v) for _, v in sorted(visitors.items())])
    _run(tx, queries_visitors.VISITOR_MONTHS, rows=[_iso(m) for _, m in sorted(months.items())])
    _run(tx, queries_visitors.UNLINK_SEEN, keys=[e.key for e, _ in seen])
    _run(tx, queries_visitors.LINK_SEEN,
         rows=[{"key": e.key, "monthKey": f"{k}|{e.month}"} for e, ks in seen for k in ks])


def _widen(row: dict, event: Event) -> None:
    row["first"] = min(row.get("first", event.at), event.at)
    row["last"] = max(row.get("last", event.at), event.at)


def _iso(row: dict) -> dict:
    return dict(row, first=row["first"].isoformat(), last=row["last"].isoformat())


def _identify(tx, key: str, state: VisitorState, event: Event, attachment: Attachment) -> VisitorState:
    if not attachment.person_id or not attachment.record_key:
        return state
    household = None
    if state.person_id and state.person_id != attachment.person_id:
        row = tx.run(queries_visitors.SHARED_HOUSEHOLD, a=state.person_id, b=attachment.person_id).single()
        household = row["householdId"] if row else None
    step = seen_with(state, attachment.person_id, household)
    _run(tx, queries_visitors.SET_VISITOR, visitorKey=key, status=step.state.status, personId=step.state.person_id,
         householdId=step.state.household_id, personIds=list(step.state.person_ids),
         identifiedBy=event.key if step.action == "backfill" else None,
         recordKey=attachment.record_key if step.state.person_id else None)
    if step.action == "detach":
        keys = [r["key"] for r in _run(tx, queries_visitors.BACKFILLED_EVENTS, visitorKey=key)]
        _run(tx, queries_visitors.DETACH_EVENTS, keys=keys, reason=f"visitor {key} is {step.state.status}")
    return step.state


def _backfill(tx, key: str, person_id: str, reason: str) -> int:
    """Attach the visitor's unattached events to the record that identified it, consent narrowed."""
    rows = [plain(r) for r in _run(tx, queries_visitors.UNATTACHED_EVENTS, visitorKey=key)]
    target = tx.run(queries_visitors.VISITOR_RECORD, visitorKey=key).single()
    if not rows or not target or not target["recordKey"]:
        return 0
    refused = _refused(tx, person_id)
    record_key = target["recordKey"]
    updates = []
    for row in rows:
        granted, denied = narrowed(row["consentGranted"], row["consentDenied"], refused)
        updates.append({"key": row["key"], "consentGranted": granted, "consentDenied": denied})
    _run(tx, queries_visitors.BACKFILL_EVENTS, rows=updates, recordKey=record_key, reason=reason, visitorKey=key)
    months: dict[str, dict] = {}
    for row in rows:
        at = native(row["at"])
        month = months.setdefault(row["month"], {"monthKey": f"{record_key}|{row['month']}", "recordKey": record_key,
                                                 "month": row["month"], "first": at, "last": at})
        month["first"], month["last"] = min(month["first"], at), max(month["last"], at)
    ordered = [months[m] for m in sorted(months)]
    _run(tx, queries_events.MONTHS, rows=[{k: m[k] for k in ("monthKey", "recordKey", "month")} for m in ordered])
    _run(tx, queries_events.LINK_EVENTS,
         rows=[{"key": r["key"], "monthKey": f"{record_key}|{r['month']}"} for r in rows])
    _run(tx, queries_events.WIDEN_MONTHS, rows=[{"monthKey": m["monthKey"], "first": m["first"].isoformat(),
                                                 "last": m["last"].isoformat()} for m in ordered])
    return len(rows)


def _refused(tx, person_id: str) -> set[str]:
    records = [plain(r) for r in tx.run(queries_reads.PERSON, personId=person_id).single()["records"]]
    changes = consent_changes(tx, person_id=person_id)
    return refused_purposes(consent.record_statements(r) + consent.change_statements(changes.get(r["recordKey"], []))
                            for r in records)
