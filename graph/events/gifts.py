"""Use case (a step of event ingestion, in its transaction): a purchase shipped to someone else is a
gift. It still makes the buyer a customer (lifecycle counts it), but it is not their own interest
(graph/twins/features.py gives it no category), and where its ship-to identifiers resolve to a
person the gift is linked to them (`recipientRecordKey`: the record they resolve to, which follows
merges as a person id would not).

The rule, first that applies: the source's own `gift` word; ship-to identifiers that resolve to
another person than the buyer (a gift to them) or to the buyer (not a gift); a ship-to address the
buyer's records hold (not a gift) or do not hold (a gift, recipient unknown).
"""
from __future__ import annotations

from graph.events.attach import Attachment, Holding, choose
from graph.intake.events import Event
from graph.store import queries_events, queries_history
from graph.store.values import native

GIFT_KINDS = ("purchase", "order")


def decide(event: Event, buyer: str | None, recipient: Attachment | None, address_held: bool | None) -> tuple:
    """(gift: bool | None, reason, recipient record key or None). Pure."""
    to_other = recipient is not None and recipient.person_id is not None and recipient.person_id != buyer
    linked = recipient.record_key if to_other and recipient else None
    if event.gift is not None:
        return event.gift, "the source says so", linked if event.gift else None
    if recipient is not None and recipient.person_id:
        if to_other:
            return True, "shipped to another person", linked
        return False, "shipped to the buyer", None
    if address_held is not None:
        return (False, "shipped to an address the buyer holds", None) if address_held else \
            (True, "shipped to an address the buyer does not hold", None)
    return None, None, None


def _recipients(tx, events: list[Event]) -> dict[str, Attachment]:
    keys = sorted({i.key for e in events for i in e.ship_to if i.kind != "address"})
    held: dict[str, list[Holding]] = {}
    for row in tx.run(queries_events.HOLDINGS, keys=keys) if keys else []:
        held.setdefault(row["key"], []).append(Holding(row["key"], row["recordKey"], row["source"],
                                                       row["personId"], native(row["observedAt"])))
    return {e.key: choose(e.source, [h for i in e.ship_to for h in held.get(i.key, [])])
            for e in events if any(i.kind != "address" for i in e.ship_to)}


def _addresses_held(tx, events: list[Event], chosen: dict[str, Attachment]) -> dict[str, bool]:
    rows = [{"recordKey": chosen[e.key].record_key, "addressKeys": [i.key for i in e.of_address()]}
            for e in events if chosen[e.key].record_key and e.of_address()]
    if not rows:
        return {}
    held = {r["recordKey"]: set(r["held"]) for r in tx.run(queries_history.BUYER_ADDRESSES, rows=rows)}
    return {e.key: bool(held.get(chosen[e.key].record_key or "", set()) & {i.key for i in e.of_address()})
            for e in events if chosen[e.key].record_key and e.of_address()}


def mark_gifts(tx, events: list[tuple[Event, bool]], chosen: dict[str, Attachment]) -> None:
    """`events`: (event, stored before) just written; a re-sent one is re-decided (its shipTo may be gone)."""
    todo = [e for e, existed in events if e.kind in GIFT_KINDS and (existed or e.ship_to or e.gift is not None)]
    if not todo:
        return
    recipients = _recipients(tx, todo)
    held = _addresses_held(tx, todo, chosen)
    rows = []
    for e in todo:
        gift, reason, recipient = decide(e, chosen[e.key].person_id, recipients.get(e.key), held.get(e.key))
        rows.append({"key": e.key, "props": {"gift": gift, "giftReason": reason, "recipientRecordKey": recipient,
                                             "shipToKeys": [i.key for i in e.ship_to] or None}})
    tx.run(queries_history.SET_GIFTS, rows=rows).consume()


def present(tx, events: list[dict]) -> list[dict]:
    """Timeline events with a gift's recipient as a person id; the ship-to identifiers (the recipient's
    data, not the buyer's) are not shown."""
    keys = sorted({e["recipientRecordKey"] for e in events if e.get("recipientRecordKey")})
    persons = {r["key"]: r["personId"] for r in tx.run(queries_history.RECIPIENTS, keys=keys)} if keys else {}
    out = []
    for e in events:
        shown = {k: v for k, v in e.items() if k not in ("recipientRecordKey", "shipToKeys")}
        if e.get("recipientRecordKey") in persons:
            shown["recipient"] = {"personId": persons[e["recipientRecordKey"]]}
        out.append(shown)
    return out
