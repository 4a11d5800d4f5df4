"""Use cases: a person's open signals (computed when asked) and the listing of people to contact first
(materialised by `idgraph analytics refresh`, graph/signals/refresh.py).

One person's signals are computed on read from the events of the lookback window (a year by default),
so the card is current the moment a complaint arrives. The listing ranks every person with an open
signal by customer value, and reading every person's events on each call would be linear in persons
and events: it reads the Signal nodes the refresh wrote instead (as of `computedAt`), which is also
when the value it orders by was computed.

Both answers are purpose-filtered (graph/privacy/purpose.py): an event-based signal keeps only the
evidence its purpose may use and is withheld with none left; falling activity is derived from all of a
person's activity, so it needs every record to serve the purpose. The listing also leaves out a person
one of whose records the purpose may not use: the order by value, derived from all records, would
otherwise tell it.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import json

from graph.errors import Invalid
from graph.privacy.purpose import PersonConsent, events_consent, persons_consent
from graph.reads.views import resolve_id
from graph.signals import rules as R
from graph.store import queries_signals
from graph.store.values import native, plain

INTERNAL = ("signalKey", "runId")   # bookkeeping of the refresh, not facts


def facts(tx, person_ids: list[str], rules: R.Rules, now: dt.datetime) -> dict[str, tuple[list[dict], R.Activity]]:
    """personId -> (candidate events, activity counts) from the lookback window."""
    w = rules.windows(now)
    rows = tx.run(queries_signals.PERSON_SIGNAL_FACTS, personIds=person_ids, now=now,
                  fromMonth=w["lookbackFrom"].strftime("%Y-%m"), lookbackFrom=w["lookbackFrom"],
                  earlierMonth=w["earlierFrom"].strftime("%Y-%m"), earlierFrom=w["earlierFrom"],
                  recentFrom=w["recentFrom"], eventKinds=sorted(rules.case_kinds | rules.complaint_kinds),
                  visitKinds=sorted(rules.visit_kinds), pages=sorted(rules.cancellation_pages),
                  activityKinds=sorted(rules.activity_kinds))
    return {r["personId"]: ([plain(e) for e in r["candidates"]],
                            R.Activity(r["recent"], r["earlier"], r["lastEvent"], native(r["lastAt"])))
            for r in rows}


def compute(tx, person_ids: list[str], rules: R.Rules, now: dt.datetime) -> dict[str, list[R.Signal]]:
    return {pid: R.signals(events, activity, rules, now)
            for pid, (events, activity) in facts(tx, person_ids, rules, now).items()}


def _filtered(view: dict, who: PersonConsent, events: dict[str, dict], purpose: str) -> dict | None:
    """A signal view as `purpose` may see it, or None when it must be withheld."""
    if view["kind"] == R.FALLING and not who.derived_allowed(purpose):
        return None
    kept = [k for k in view["evidence"] if k in events and who.event_allowed(events[k], purpose)]
    if view["kind"] in R.EVENT_SIGNALS and not kept:
        return None
    return dict(view, evidence=kept, evidenceWithheld=len(view["evidence"]) - len(kept))


def person_signals(tx, person_id: str, purpose: str, rules: R.Rules, now: dt.datetime | None = None) -> dict:
    """A person's open signals now, for `purpose`; `withheldCount` counts the signals left out."""
    target, redirected_from = resolve_id(tx, person_id)
    now = now or dt.datetime.now(dt.UTC)
    found = [s.view() for s in compute(tx, [target], rules, now).get(target, [])]
    who = persons_consent(tx, [target])[target]
    events = events_consent(tx, [k for s in found for k in s["evidence"]])
    shown = [v for v in (_filtered(s, who, events, purpose) for s in found) if v is not None]
    view = {"personId": target, "purpose": purpose, "rules": rules.describe(), "asOf": now,
            "signals": shown, "withheldCount": len(found) - len(shown)}
    if redirected_from:
        view["redirectedFrom"] = redirected_from
    return view


# --- the listing -------------------------------------------------------------------------------

def _cursor(order: str, row: dict) -> str:
    position = row["value"] if order == "value" else native(row["since"]).isoformat()
    return base64.urlsafe_b64encode(json.dumps([order, position, row["personId"]]).encode()).decode()


def _after(order: str, cursor: str) -> dict:
    start = {"afterValue": float("inf"), "afterSince": dt.datetime.min.replace(tzinfo=dt.UTC), "afterId": ""}
    if not cursor:
        return start
    try:
        got, position, person_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        after = (float(position) if order == "value" else dt.datetime.fromisoformat(position))
        if got != order or not isinstance(person_id, str) or isinstance(position, bool):
            raise ValueError(order)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise Invalid({"cursor": ["is not a cursor this listing gave for this order (pass nextCursor back "
                                  "unchanged, with the same order)"]}) from None
    if isinstance(after, dt.datetime) and after.tzinfo is None:
        raise Invalid({"cursor": ["is not a cursor this listing gave for this order"]})
    key = "afterValue" if order == "value" else "afterSince"
    return dict(start, **{key: after, "afterId": person_id})


def _entry(row: dict, who: PersonConsent, events: dict[str, dict], purpose: str) -> dict | None:
    if not who.derived_allowed(purpose):
        return None
    signals = [_filtered(_signal_view(s), who, events, purpose) for s in row["signals"]]
    shown = sorted((s for s in signals if s is not None), key=lambda s: (s["since"], s["kind"]))
    if not shown:
        return None
    return {"personId": row["personId"], "name": row["name"],
            "value": {"score": None if row["value"] < 0 else row["value"], "lifetimeSpend": row["lifetimeSpend"],
                      "tier": row["tier"]},
            "since": shown[0]["since"], "signals": shown}


def _signal_view(node: dict) -> dict:
    return {k: v for k, v in plain(node).items() if k not in INTERNAL}


def listing(tx, purpose: str, kinds: tuple[str, ...] = (), order: str = "value", limit: int = 50,
            cursor: str = "") -> dict:
    """People with an open signal (of `kinds`), highest customer value first (or longest-standing), for
    `purpose`: a page of `limit` and the cursor of the next. `withheldCount` counts the persons left out
    before the page's end."""
    after = _after(order, cursor)
    kept: list[tuple[dict, str, int]] = []          # entry, its cursor, its position among the rows read
    withheld: list[int] = []
    read, exhausted = 0, False
    while len(kept) <= limit and not exhausted:
        rows = [dict(r) for r in tx.run(queries_signals.LIST_SIGNALS[order], kinds=list(kinds), limit=limit + 1,
                                        **after)]
        exhausted = len(rows) <= limit
        who = persons_consent(tx, [r["personId"] for r in rows])
        events = events_consent(tx, [k for r in rows for s in r["signals"] for k in (s.get("evidence") or [])])
        for row in rows:
            read += 1
            entry = _entry(row, who[row["personId"]], events, purpose)
            if entry is None:
                withheld.append(read)
            else:
                kept.append((entry, _cursor(order, row), read))
        if rows:
            after = dict(after, afterId=rows[-1]["personId"],
                         **({"afterValue": rows[-1]["value"]} if order == "value"
                            else {"afterSince": native(rows[-1]["since"])}))
    more = len(kept) > limit
    end = kept[limit][2] if more else read + 1
    page = kept[:limit]
    return {"purpose": purpose, "order": order, "kinds": list(kinds),
            "persons": [e for e, _, _ in page], "withheldCount": sum(1 for p in withheld if p < end),
            "nextCursor": page[-1][1] if more else None}
