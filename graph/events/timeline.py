"""Use case: a person's timeline, every touchpoint across silos, newest first, for a declared purpose.

The events are read month bucket by month bucket (graph/store/queries_events.py), newest month first,
a few months per query and more each round, until the page is full: a page of 50 from a person with
10,000 events reads the latest months, not all of them. An event informs the answer only if consent
covers the purpose (graph/privacy/consent.py): its own statements, its record's and the customer's
later changes to that record, the newest deciding.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt

from graph.errors import Gone, Invalid, NotFound
from graph.events.gifts import present
from graph.events.household import merge_into_page
from graph.history.reads import life_events_of, refused_timeline
from graph.privacy import consent
from graph.store import queries_events
from graph.store.values import native, plain

HIDDEN = ("fingerprint", "month", "consentGranted", "consentDenied", "ignoredValues", "identifierKeys",
          "createdAt", "updatedAt", "attachReason", "setAsideFields", "setAsideValues", "setAsideReasons")


def encode_cursor(at: dt.datetime, key: str) -> str:
    return base64.urlsafe_b64encode(f"{at.astimezone(dt.UTC).isoformat()}|{key}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[dt.datetime, str]:
    try:
        at, key = base64.urlsafe_b64decode(cursor.encode()).decode().split("|", 1)
        moment = dt.datetime.fromisoformat(at)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise Invalid({"cursor": ["is not a cursor this API gave (pass nextCursor back unchanged)"]}) from None
    if moment.tzinfo is None:
        raise Invalid({"cursor": ["is not a cursor this API gave (pass nextCursor back unchanged)"]})
    return moment, key


def _bounds(start: dt.date | None, end: dt.date | None, cursor: str):
    low = dt.datetime.combine(start or dt.date(1, 1, 1), dt.time(), dt.UTC)
    # a day past any event (they are at most a day in the future) when no end is given
    last = end or dt.date.today() + dt.timedelta(days=2)
    before = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), dt.UTC)
    after = decode_cursor(cursor) if cursor else (before, "")
    return low, before, after


def _event_view(event: dict) -> dict:
    return {k: v for k, v in event.items() if k not in HIDDEN and v is not None}


def _event(stored) -> dict:
    """A PERSON_EVENTS row as Python values, its two datetimes parsed from their ISO text."""
    event = plain(stored)
    for name in ("at", "observedAt"):
        if event.get(name):
            event[name] = dt.datetime.fromisoformat(event[name]).astimezone(dt.UTC)
    return event


def _allowed(event: dict, record_statements: dict[str, list], purpose: str) -> bool:
    statements = consent.record_statements(event) + record_statements.get(event.get("recordKey") or "", [])
    return consent.verdict(statements, purpose).allowed


def _context(tx, person_id: str, low: dt.datetime, until: dt.datetime, first: bool) -> tuple[str, str | None, dict]:
    """The TIMELINE_CONTEXT row (the first page's: TIMELINE_FIRST_CONTEXT) of the person an id shows
    (a merged-away id: its survivor), and the id redirected from; 404 and 410 as resolve_id."""
    target, redirected_from = person_id, None
    query = queries_events.TIMELINE_FIRST_CONTEXT if first else queries_events.TIMELINE_CONTEXT
    for _ in range(2):
        row = tx.run(query, personId=target, fromMonth=low.strftime("%Y-%m"),
                     toMonth=until.strftime("%Y-%m")).single()
        if not row:
            raise NotFound(f"no person {person_id}")
        if row["status"] == "erased":
            raise Gone(f"person {person_id} was erased at the customer's request")
        if row["status"] != "merged" or not row["mergedInto"] or redirected_from:
            break
        target, redirected_from = row["mergedInto"], person_id   # mergedInto always names an active person
    return target, redirected_from, row


def _given(projection) -> dict:
    """A projection's properties as plain values, those the node or link lacks left out (as {.*} would)."""
    return {k: v for k, v in plain(projection).items() if v is not None}


def _history_links(context) -> list[dict]:
    """The first page's jobs and addresses as graph/history/values.py reads them."""
    return [{"record": record, "link": _given(link), "node": _given(node)} for record, link, node in context["history"]]


def _changes(context) -> dict[str, list[dict]]:
    """recordKey -> the customer's consent changes that apply to it."""
    changes: dict[str, list[dict]] = {}
    for change in context["changes"]:
        change = plain(change)
        changes.setdefault(change.pop("record"), []).append(change)
    return changes


def _buckets(context) -> list[list[str]]:
    """The month buckets' keys, grouped by month, newest month first."""
    by_month: dict[str, list[str]] = {}
    for month, key in context["months"]:
        by_month.setdefault(month, []).append(key)
    return [sorted(by_month[month]) for month in sorted(by_month, reverse=True)]


def timeline(tx, person_id: str, purpose: str, kinds: tuple[str, ...] = (), start: dt.date | None = None,
             end: dt.date | None = None, limit: int = 50, cursor: str = "") -> dict:
    low, before, (after_at, after_key) = _bounds(start, end, cursor)
    target, redirected_from, context = _context(tx, person_id, low, after_at, first=not cursor)
    records, changes = [_given(r) for r in context["records"]], _changes(context)
    if refused := refused_timeline(target, purpose, records):      # deceased (graph/history/reads.py)
        return refused | ({"redirectedFrom": redirected_from} if redirected_from else {})
    statements = {r["recordKey"]: consent.record_statements(r)
                  + consent.change_statements(changes.get(r["recordKey"], [])) for r in records}
    months = _buckets(context)
    window = {"since": low, "before": before, "afterAt": after_at, "afterKey": after_key, "kinds": list(kinds)}
    shown: list[dict] = []
    withheld: list[int] = []          # positions among the events read, to count those before the page's end
    read = 0
    i, step = 0, 1
    while i < len(months) and len(shown) <= limit:
        group = [key for keys in months[i:i + step] for key in keys]
        rows = [_event(r["event"]) for r in tx.run(
            queries_events.PERSON_EVENTS, monthKeys=group, kinds=list(kinds), limit=limit + 1,
            since=low, before=before, afterAt=after_at, afterKey=after_key)]
        for event in rows:
            after_at, after_key, read = native(event["at"]), event["eventKey"], read + 1
            if _allowed(event, statements, purpose):
                shown.append(dict(event, _position=read))
            else:
                withheld.append(read)
        if len(rows) <= limit:      # this group is read to its end: on to older months, more at a time
            i, step = i + step, step * 2
    # household devices' events (graph/events/household.py), marked `household`
    shown, household_withheld = merge_into_page(tx, context["households"], shown, limit,
                                                lambda e: _allowed(e, statements, purpose), window)
    page = shown[:limit]
    end_position = next((e["_position"] for e in shown[limit:] if "_position" in e), read + 1)
    view = {"personId": target, "purpose": purpose,
            "events": [_event_view({k: v for k, v in e.items() if k != "_position"}) for e in present(tx, page)],
            "withheldCount": sum(1 for p in withheld if p < end_position) + household_withheld,
            "nextCursor": encode_cursor(native(page[-1]["at"]), page[-1]["eventKey"]) if len(shown) > limit else None}
    if not cursor:      # life events (graph/history) are few: all of them, with the first page
        view["lifeEvents"] = life_events_of(records, _history_links(context), changes, purpose, start, end)
    if redirected_from:
        view["redirectedFrom"] = redirected_from
    return view
