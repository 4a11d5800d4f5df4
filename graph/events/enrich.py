"""Use case (a step of event ingestion, after the events are written and attached): what an event
means besides the person it attaches to. A purchase shipped to someone else is a gift
(gifts.py); a device two members of a household hold equally is the household's (household.py);
a `death` event marks the record it attaches to, so no marketing purpose uses the person from then
on (graph/privacy/deceased.py).
"""
from __future__ import annotations

from graph.events.attach import Attachment
from graph.events.gifts import mark_gifts
from graph.events.household import place_on_households, sweep_household_visitors
from graph.intake.events import Event
from graph.store import queries_history


def mark_deaths(tx, events: list[Event], chosen: dict[str, Attachment]) -> None:
    rows = [{"recordKey": chosen[e.key].record_key, "eventKey": e.key, "on": e.at.date().isoformat()}
            for e in events if e.kind == "death" and chosen[e.key].record_key]
    if rows:
        tx.run(queries_history.MARK_DEATHS, rows=rows).consume()


def place(tx, written: list[tuple[Event, bool]], attachments: list[Attachment]) -> dict[str, str]:
    """Before the visitors are tracked: household devices' events go to the household. `written`:
    (event, stored before) in the order of `attachments`. Returns event key -> attach reason for the
    events that went to a household instead of a person."""
    return place_on_households(tx, written, {e.key: a for (e, _), a in zip(written, attachments, strict=True)})


def enrich(tx, written: list[tuple[Event, bool]], attachments: list[Attachment]) -> None:
    """After the visitors are tracked: gifts, deaths, and visitors that turned household meanwhile."""
    chosen = {e.key: a for (e, _), a in zip(written, attachments, strict=True)}
    mark_gifts(tx, written, chosen)
    mark_deaths(tx, [e for e, _ in written], chosen)
    sweep_household_visitors(tx, [e for e, _ in written])
