"""Use cases: a person's lifecycle status, the customer summary, and an acquired source's overlap.

Status is computed when asked (graph/lifecycle/status.py), from the purchases hanging off the
person's records and when they were first seen, so it never goes stale as windows pass.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from dataclasses import dataclass

from graph.lifecycle.definition import Definition
from graph.lifecycle.status import CUSTOMER, FORMER, STATUSES, lifecycle, purchases_of
from graph.privacy.purpose import events_consent, persons_consent
from graph.reads.views import persons_page, resolve_id
from graph.relationships.influence import ranking
from graph.store import queries_events
from graph.store.values import native, plain

PAGE = 500


@dataclass(frozen=True)
class Facts:
    person_id: str
    first_seen: dt.datetime | None
    sources: tuple[str, ...]
    events: tuple[dict, ...]          # events of a purchase kind, as stored
    first_by_source: tuple[tuple[str, dt.datetime], ...] = ()     # earliest record observation per source


def facts(tx, person_ids: list[str], definition: Definition) -> list[Facts]:
    rows = tx.run(queries_events.PERSON_LIFECYCLE_FACTS, personIds=person_ids, kinds=definition.purchase_kinds)
    out = []
    for row in rows:
        seen = [native(t) for t in (row["firstRecord"], row["firstEvent"]) if t is not None]
        by_source = tuple(sorted((source, native(first)) for source, first in row["firstBySource"]))
        out.append(Facts(row["personId"], min(seen) if seen else None, tuple(s for s, _ in by_source),
                         tuple(plain(e) for e in row["purchases"]), by_source))
    return out


def status_of(f: Facts, definition: Definition, today: dt.datetime) -> dict:
    return lifecycle(purchases_of(list(f.events), definition), f.first_seen, definition, today)


def for_purpose(tx, found: Facts, purpose: str) -> tuple[Facts, int]:
    """The facts without the purchases `purpose` may not use (graph/privacy/purpose.py), and how many
    were left out; first seen then is the earliest record or purchase it may use. A person none of whose
    records serves the purpose is not seen at all."""
    who = persons_consent(tx, [found.person_id])[found.person_id]
    events = events_consent(tx, [e["eventKey"] for e in found.events])
    kept = tuple(e for e in found.events
                 if e["eventKey"] in events and who.event_allowed(events[e["eventKey"]], purpose))
    seen = [t for k in who.allowed_records(purpose) if (t := who.observed.get(k))] + [native(e["at"]) for e in kept]
    return (dataclasses.replace(found, events=kept, first_seen=min(seen) if seen else None),
            len(found.events) - len(kept))


def person_lifecycle(tx, person_id: str, definition: Definition, today: dt.datetime | None = None,
                     purpose: str | None = None) -> dict:
    """A person's status per line of business and overall; for a `purpose`, judged only by the
    purchases it may use (`withheldCount` counts the others)."""
    target, redirected_from = resolve_id(tx, person_id)
    now = today or dt.datetime.now(dt.UTC)
    [found] = facts(tx, [target], definition)
    withheld = 0
    if purpose:
        found, withheld = for_purpose(tx, found, purpose)
    view = {"personId": target, "definition": definition.describe(), "asOf": now,
            "firstSeen": found.first_seen, **status_of(found, definition, now)}
    if purpose:
        view.update(purpose=purpose, withheldCount=withheld)
    if redirected_from:
        view["redirectedFrom"] = redirected_from
    return view


def _active_pages(store):
    cursor = ""
    while True:
        ids = [r["personId"] for r in store.query(queries_events.ACTIVE_PERSON_IDS, cursor=cursor, limit=PAGE)]
        if not ids:
            return
        yield ids
        cursor = ids[-1]


def customers_summary(store, definition: Definition, today: dt.datetime | None = None) -> dict:
    """Active persons counted by overall status and by status per line of business, plus white space:
    how many customers have never bought in each line. Read a page of persons at a time."""
    now = today or dt.datetime.now(dt.UTC)
    overall: Counter = Counter()
    per_line: dict[str, Counter] = {name: Counter() for name in definition.lines}
    white: Counter = Counter()
    for ids in _active_pages(store):
        for f in store.read(facts, ids, definition):
            got = status_of(f, definition, now)
            overall[got["overall"]["status"]] += 1
            for name, line in got["linesOfBusiness"].items():
                per_line[name][line["status"]] += 1
            white.update(got["whiteSpace"])
    return {"definition": definition.describe(), "asOf": now, "persons": sum(overall.values()),
            "overall": {s: overall[s] for s in STATUSES},
            "linesOfBusiness": {name: {s: c[s] for s in STATUSES} for name, c in sorted(per_line.items())},
            "whiteSpace": {name: white[name] for name in sorted(definition.lines)}}


def _by_source(f: Facts, source: str) -> tuple[Facts, Facts]:
    """The person as the source alone sees them, and as every other source does (first seen by their
    records and purchases only)."""
    mine = tuple(e for e in f.events if e["source"] == source)
    others = tuple(e for e in f.events if e["source"] != source)
    elsewhere = [first for s, first in f.first_by_source if s != source] + [native(e["at"]) for e in others]
    return (Facts(f.person_id, f.first_seen, (source,), mine),
            Facts(f.person_id, min(elsewhere) if elsewhere else None,
                  tuple(s for s in f.sources if s != source), others))


def source_overlap(tx, source: str, definition: Definition, today: dt.datetime | None = None) -> dict:
    """How an acquired source's customer base meets the brand's: its persons by status under the source's
    own definition (the brand's if it has none), and of its customers (current or former) how many the
    brand already knew from other sources, as what, and how many are new."""
    now = today or dt.datetime.now(dt.UTC)
    ids = [r["personId"] for r in tx.run(queries_events.SOURCE_PERSON_IDS, source=source)]
    own = source in definition.sources
    rules = definition.sources.get(source) or definition.lines
    by_source: Counter = Counter()
    known_as: Counter = Counter()
    new = 0
    for f in (facts(tx, ids, definition) if ids else []):
        mine, others = _by_source(f, source)
        status = lifecycle(purchases_of(list(mine.events), definition), f.first_seen, definition, now,
                           lines=sorted(rules), line_rules=rules)["overall"]["status"]
        by_source[status] += 1
        if status not in (CUSTOMER, FORMER):
            continue
        if others.sources:
            known_as[status_of(others, definition, now)["overall"]["status"]] += 1
        else:
            new += 1
    return {"source": source, "definition": dict(definition.describe(), ownDefinition=own,
                                                 linesOfBusiness=sorted(rules)),
            "asOf": now, "persons": len(ids), "bySourceStatus": {s: by_source[s] for s in STATUSES},
            "customers": by_source[CUSTOMER] + by_source[FORMER],
            "alreadyKnown": {"count": sum(known_as.values()), "as": {s: known_as[s] for s in STATUSES}},
            "new": new}


def having_status(tx, person_ids: list[str], definition: Definition, status: str, line: str | None = None,
                  today: dt.datetime | None = None) -> set[str]:
    """Which of `person_ids` have `status` overall, or in line of business `line` when given."""
    now = today or dt.datetime.now(dt.UTC)
    keep = set()
    for f in (facts(tx, person_ids, definition) if person_ids else []):
        got = status_of(f, definition, now)
        found = got["linesOfBusiness"].get(line, {}).get("status") if line else got["overall"]["status"]
        if found == status:
            keep.add(f.person_id)
    return keep


def filtered_pages(tx, fetch, definition: Definition, status: str, line: str | None, limit: int) -> list[dict]:
    """Rows of `fetch(size)` (each with a personId, in order) whose person has `status`, up to `limit`:
    asks for more rows, doubling, until enough pass or there are no more."""
    size = limit
    while True:
        rows = fetch(size)
        keep = having_status(tx, [r["personId"] for r in rows], definition, status, line)
        passed = [r for r in rows if r["personId"] in keep]
        if len(passed) >= limit or len(rows) < size:
            return passed[:limit]
        size *= 2


def persons_page_with_status(tx, limit: int, cursor: str, definition: Definition, status: str,
                             line: str | None = None) -> dict:
    """The person list (graph/reads/views.py: persons_page) keeping only persons with `status`."""
    kept = filtered_pages(tx, lambda size: persons_page(tx, size, cursor)["persons"], definition, status, line,
                          limit)
    return {"persons": kept, "nextCursor": kept[-1]["personId"] if len(kept) == limit else None}


def ranking_with_status(tx, order: str, limit: int, definition: Definition, status: str,
                        line: str | None = None, purpose: str | None = None) -> dict:
    """The influence ranking (for `purpose`) keeping only persons with `status` (ranks stay those of the
    whole ranking)."""
    answer = ranking(tx, order, limit, purpose)
    kept = filtered_pages(tx, lambda size: ranking(tx, order, size, purpose)["persons"], definition, status, line,
                          limit)
    answer["persons"] = kept
    answer["flagged"] = {flag: [p["personId"] for p in kept if key in p["flags"]]
                         for flag, key in (("highValueLowReach", "highValueLowReach"),
                                           ("highReachNoPurchase", "highReachNoPurchase"))}
    return answer
