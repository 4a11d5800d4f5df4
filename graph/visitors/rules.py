"""What happens to a visitor when an event shows it with a person, and what an identified visitor's
history may be used for. Pure.

- An anonymous visitor seen with a person (a login, a form, a click from an e-mail: any event that
  carries both the device and an identifier of the person) joins them: its history is back-filled.
- Seen again with the same person: later anonymous events are back-filled too.
- Seen with a second person: the device is shared. If the two share a household it is a household
  visitor, otherwise a shared one; either way its history belongs to no one person, so what was
  back-filled is detached again and nothing more is.
- Back-filled history keeps the visitor's consent narrowed by the person's refusals: a purpose the
  person has refused (an explicit denial on any of their records) is denied on every back-filled
  event, so an anonymous cookie banner's grant never reopens what the person closed.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from graph.model import PURPOSES
from graph.privacy import consent

VISITOR_KINDS = ("device",)     # the identifier kinds a visitor is known by: cookies and devices
ANONYMOUS, IDENTIFIED, HOUSEHOLD, SHARED = "anonymous", "identified", "household", "shared"


@dataclass(frozen=True)
class VisitorState:
    status: str = ANONYMOUS
    person_id: str | None = None
    household_id: str | None = None
    person_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    state: VisitorState
    action: str     # "backfill" (to state.person_id), "detach" (undo every back-fill) or "none"


def seen_with(state: VisitorState, person_id: str, household_id: str | None) -> Step:
    """The visitor's next state after an event shows it with `person_id`; `household_id` is the
    household that person shares with the visitor's current person, if any."""
    persons = state.person_ids + (() if person_id in state.person_ids else (person_id,))
    if state.status == ANONYMOUS or (state.status == IDENTIFIED and state.person_id == person_id):
        return Step(VisitorState(IDENTIFIED, person_id, None, persons), "backfill")
    if state.status == IDENTIFIED:
        status = HOUSEHOLD if household_id else SHARED
        return Step(VisitorState(status, None, household_id, persons), "detach")
    return Step(replace(state, person_ids=persons), "none")


def refused_purposes(statements_by_record: Iterable[list[consent.Statement]]) -> set[str]:
    """The purposes any of a person's records explicitly refuses (its newest statement is a denial)."""
    refused = set()
    for statements in statements_by_record:
        for purpose in PURPOSES:
            newest = consent.effective(statements, purpose)
            if newest is not None and not newest.granted:
                refused.add(purpose)
    return refused


def narrowed(granted: Iterable[str] | None, denied: Iterable[str] | None, refused: set[str]) -> tuple[list, list]:
    """An event's consent (granted, denied) once the refused purposes are denied."""
    return sorted(set(granted or ()) - refused), sorted(set(denied or ()) | refused)
