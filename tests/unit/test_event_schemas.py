"""load_event (a schema per set of fields given) answers exactly as the whole EventSchema: the same
loaded event, and the same errors for a missing, unknown or malformed field."""
from __future__ import annotations

import pytest
from marshmallow import ValidationError

from service.event_schemas import EventSchema, load_event

GOOD = {"source": "pms", "eventId": "S-1", "kind": "stay", "at": "2026-03-01T10:00:00Z",
        "identifiers": [{"type": "email", "value": "ada@example.com"}]}


def outcome(load, item):
    try:
        return "loaded", load(item)
    except ValidationError as exc:
        return "refused", exc.messages


@pytest.mark.parametrize("item", [
    GOOD,
    dict(GOOD, lineOfBusiness="hotel", amount=420.0, currency="GBP", consent={"marketing": True}),
    dict(GOOD, shipTo={"identifiers": [{"type": "email", "value": "emma@example.com"}]}, gift=None),
    {k: v for k, v in GOOD.items() if k != "kind"},             # a required field missing
    {k: v for k, v in GOOD.items() if k not in ("kind", "at")},
    dict(GOOD, colour="red"),                                     # unknown
    dict(GOOD, amount="lots", currency="pounds"),                 # malformed
    dict(GOOD, at=None, satisfaction=9),
    dict(GOOD, identifiers=[]),
    dict(GOOD, shipTo={"address": 3}),
    {}, [], None, "stay",
])
def test_load_event_answers_as_the_whole_schema(item):
    assert outcome(load_event, item) == outcome(EventSchema().load, item)


def test_load_event_answers_the_same_again_for_the_same_fields():
    first = outcome(load_event, dict(GOOD, amount="lots"))
    assert outcome(load_event, dict(GOOD, eventId="S-2", amount="lots")) == first
    assert first[0] == "refused" and set(first[1]) == {"amount"}
