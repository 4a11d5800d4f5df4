"""The rows event ingestion sends (graph/events/ingest.py): what CREATE_EVENTS receives per event, and
the attachments chosen once per source and identifiers."""
from __future__ import annotations

import datetime as dt

from graph import config
from graph.events.attach import Attachment, Holding, choose
from graph.events.ingest import _attachments, _new_row, _props
from graph.intake.events import build_event
from graph.store.queries_events import EVENT_PROPERTIES

AT = dt.datetime(2025, 3, 31, 23, 30, tzinfo=dt.UTC)
ATTACHED = Attachment("crm/C-1", "P-1", "1 of its identifiers belong to this person")


def event(event_id: str, *, source: str = "pms", emails=("ada@example.com",), **extra):
    return build_event({"source": source, "eventId": event_id, "kind": "purchase", "at": AT,
                        "identifiers": [{"type": "email", "value": e} for e in emails], **extra}, config.load({}))


def test_a_new_event_row_is_key_times_then_every_property_in_order():
    e = event("O-1", consent={"marketing": False, "service": True}, lineOfBusiness="retail", amount=12.5,
              observedAt=AT + dt.timedelta(days=1))
    row = _new_row(e, ATTACHED)
    assert row[:3] == ["pms/O-1", AT.isoformat(), (AT + dt.timedelta(days=1)).isoformat()]
    assert dict(zip(EVENT_PROPERTIES, row[3:], strict=True)) == _props(e, ATTACHED)
    props = _props(e, ATTACHED)
    assert (props["consentGranted"], props["consentDenied"]) == (["service"], ["marketing"])
    assert (props["month"], props["recordKey"], props["amount"], props["caseId"]) == ("2025-03", "crm/C-1", 12.5, None)


def test_an_observation_at_the_event_s_own_time_is_sent_once():
    assert _new_row(event("O-2"), ATTACHED)[2] is None
    assert _new_row(event("O-3", observedAt=AT), ATTACHED)[2] is None


def test_attachments_chosen_once_per_source_and_identifiers_are_each_event_s_own():
    holdings = {"email:ada@example.com": [Holding("email:ada@example.com", "crm/C-1", "crm", "P-1"),
                                          Holding("email:ada@example.com", "pms/S-9", "pms", "P-1")],
                "email:bob@example.com": [Holding("email:bob@example.com", "crm/C-2", "crm", "P-2")]}
    events = [event("A"), event("B", source="crm"), event("C", emails=("ada@example.com", "bob@example.com")),
              event("D", emails=("bob@example.com",)), event("E", emails=("eve@example.com",)), event("F")]
    todo = [(n, e, False) for n, e in enumerate(events)]
    chosen = _attachments(holdings, todo)
    expected = {n: choose(e.source, [h for i in e.identifiers for h in holdings.get(i.key, [])]) for n, e, _ in todo}
    assert chosen == expected
    assert [chosen[n].record_key for n in range(6)] == ["pms/S-9", "crm/C-1", None, "crm/C-2", None, "pms/S-9"]
