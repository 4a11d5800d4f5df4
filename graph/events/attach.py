"""Which record an event hangs off: chosen from the records that hold its identifiers. Pure.

An event never merges anyone: it joins one person or none. The person holding the most of the
event's identifiers wins (a personal e-mail outweighs a family phone the spouse shares too); a tie
between persons leaves the event unattached rather than guess. Within the person the record of the
event's own source is preferred, then the one holding most of its identifiers, then the newest.
Addresses never attach an event: they are household evidence, not identity.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

EPOCH = dt.datetime.min.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class Holding:
    """A current link from an active person's record to one of the event's identifiers."""
    identifier_key: str
    record_key: str
    source: str
    person_id: str
    observed_at: dt.datetime | None = None


@dataclass(frozen=True)
class Attachment:
    record_key: str | None
    person_id: str | None
    reason: str


def choose(source: str, holdings: list[Holding]) -> Attachment:
    """The record (and its person) an event of `source` with these identifier holdings attaches to."""
    if not holdings:
        return Attachment(None, None, "no person holds any of its identifiers")
    by_person: dict[str, set[str]] = {}
    for h in holdings:
        by_person.setdefault(h.person_id, set()).add(h.identifier_key)
    best = max(len(keys) for keys in by_person.values())
    leaders = sorted(p for p, keys in by_person.items() if len(keys) == best)
    if len(leaders) > 1:
        return Attachment(None, None, f"its identifiers point equally to {len(leaders)} persons")
    person = leaders[0]
    per_record: dict[str, list[Holding]] = {}
    for h in holdings:
        if h.person_id == person:
            per_record.setdefault(h.record_key, []).append(h)

    def rank(item: tuple[str, list[Holding]]):
        key, held = item
        return (held[0].source == source, len({h.identifier_key for h in held}),
                max(h.observed_at or EPOCH for h in held), key)

    record_key = max(per_record.items(), key=rank)[0]
    return Attachment(record_key, person, f"{best} of its identifiers belong to this person")
