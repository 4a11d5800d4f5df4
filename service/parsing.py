"""Validate and normalise one incoming record; shared by the API and the CLI."""
from __future__ import annotations

from marshmallow import ValidationError

from graph.config import Settings
from graph.errors import InvalidRecord
from graph.intake.events import build_event
from graph.intake.records import build_record
from graph.model import Record
from service.event_schemas import load_event
from service.schemas import RecordSchema, flatten_errors

_SCHEMA = RecordSchema()


def warnings_of(record: Record) -> dict[str, list[str]]:
    """The fields set aside in a stored record, by field path, as errors are reported."""
    out: dict[str, list[str]] = {}
    for held in record.set_aside:
        out.setdefault(held.field, []).append(held.reason)
    return out


def parse_record(index: int, item, settings: Settings) -> tuple[Record | None, dict | None]:
    """(Record, None), or (None, error entry naming the record and field) when nothing of it can be
    stored; a field that is malformed or implausible is set aside in the Record instead."""
    keys = item if isinstance(item, dict) else {}
    error = {"index": index, "source": keys.get("source"), "sourceId": keys.get("sourceId")}
    try:
        return build_record(_SCHEMA.load(item), settings), None
    except ValidationError as exc:
        return None, dict(error, errors=flatten_errors(exc.messages))
    except InvalidRecord as exc:
        return None, dict(error, errors={exc.field: [exc.reason]})


def parse_event(index: int, item, settings: Settings):
    """(Event, None), or (None, error entry naming the event and field), like parse_record."""
    keys = item if isinstance(item, dict) else {}
    error = {"index": index, "source": keys.get("source"), "eventId": keys.get("eventId")}
    try:
        return build_event(load_event(item), settings), None
    except ValidationError as exc:
        return None, dict(error, errors=flatten_errors(exc.messages))
    except InvalidRecord as exc:
        return None, dict(error, errors={exc.field: [exc.reason]})
