"""Request and response schemas for touchpoints (events), the timeline and lifecycle answers."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from graph.intake.events import EVENT_KINDS
from graph.model import PURPOSES
from service.relation_schemas import RankingQuerySchema
from service.schemas import (
    MAX_BATCH,
    AddressSchema,
    IdentifierSchema,
    PageQuerySchema,
    PastDateTime,
    PurposeQuerySchema,
    Strict,
    Text,
)

SOURCE = [validate.Length(1, 64), validate.Regexp(r"^[A-Za-z0-9_.-]+$", error="letters, digits, '_', '.', '-' only")]
SEND_EVENTS = 'send a JSON object {"events": [...]}'
EVENT_BATCH_SIZE = f"must be a list of 1 to {MAX_BATCH} events"


class EventTime(PastDateTime):
    """A moment from 1900 on that has happened, in UTC."""

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        if moment.year < 1900:
            raise ValidationError("must be from 1900 on")
        return moment


class ShipToSchema(Strict):
    identifiers = fields.List(fields.Nested(IdentifierSchema), validate=validate.Length(max=10), metadata={
        "description": "The recipient's identifiers: if they resolve to another person, the gift links to them."})
    address = fields.Nested(AddressSchema, allow_none=True, metadata={
        "description": "Where it was shipped: an address none of the buyer's records holds makes it a gift."})


class EventSchema(Strict):
    source = fields.String(required=True, validate=SOURCE)
    eventId = Text(max_length=128, required=True)
    kind = fields.String(required=True, validate=validate.OneOf(EVENT_KINDS))
    at = EventTime(required=True, metadata={"description": "When it happened."})
    observedAt = EventTime(allow_none=True, metadata={
        "description": "When the source said so (default `at`); an older re-send than the stored one is stale."})
    collectedFor = Text(allow_none=True)
    consent = fields.Dict(keys=Text(max_length=64), values=fields.Boolean(), allow_none=True)
    identifiers = fields.List(fields.Nested(IdentifierSchema), required=True, validate=validate.Length(1, 20),
                              metadata={"description": "The identifiers it was seen with (not addresses)."})
    lineOfBusiness = Text(max_length=64, allow_none=True)
    amount = fields.Float(allow_none=True, allow_nan=False, validate=validate.Range(min=-1e12, max=1e12))
    currency = fields.String(allow_none=True, validate=validate.Regexp(r"^[A-Z]{3}$", error="an ISO 4217 code"))
    productCategory = Text(max_length=100, allow_none=True)
    channel = Text(max_length=64, allow_none=True)
    pageCategory = Text(max_length=100, allow_none=True)
    deviceType = Text(max_length=32, allow_none=True, metadata={"description": "mobile, desktop, tablet ..."})
    caseStatus = fields.String(allow_none=True, validate=validate.OneOf(["opened", "resolved"]))
    satisfaction = fields.Integer(allow_none=True, validate=validate.Range(1, 5))
    caseId = Text(max_length=128, allow_none=True)
    description = Text(max_length=500, allow_none=True)
    shipTo = fields.Nested(ShipToSchema, allow_none=True, metadata={
        "description": "A purchase or order shipped to someone else is a gift: not the buyer's own interest."})
    gift = fields.Boolean(allow_none=True, metadata={
        "description": "The source's own word that it is (or is not) a gift; default: decided from shipTo."})


_REQUIRED = frozenset(name for name, f in EventSchema._declared_fields.items() if f.required)
_WHOLE = EventSchema()
_BY_FIELDS: dict[frozenset, EventSchema] = {}


def load_event(item) -> dict:
    """EventSchema().load(item): the same result and the same errors, at a third of the cost. A schema
    spends most of its time on the fields an event does not carry (an event states a handful of its
    thirty), so each set of fields given (and the required ones, so a missing one is still named) gets
    a schema of its own, made once (an input's undeclared field is still refused as unknown)."""
    if not isinstance(item, dict):
        return _WHOLE.load(item)
    names = frozenset(item).intersection(EventSchema._declared_fields) | _REQUIRED
    schema = _BY_FIELDS.get(names)
    if schema is None:
        if len(_BY_FIELDS) >= 512:      # a bound for senders that vary their fields
            _BY_FIELDS.clear()
        schema = _BY_FIELDS[names] = EventSchema(only=names)
    return schema.load(item)


class EventBatchSchema(Strict):
    events = fields.List(fields.Nested(EventSchema), required=True, validate=validate.Length(1, MAX_BATCH))


class EventEnvelopeSchema(Strict):
    """POST /v1/events' body around its events (documented as EventBatchSchema); each event is
    validated on its own afterwards, so a bad one is refused alone."""
    error_messages = {"type": SEND_EVENTS, "unknown": "unknown field"}
    events = fields.List(fields.Raw(allow_none=True), required=True,
                         validate=validate.Length(1, MAX_BATCH, error=EVENT_BATCH_SIZE),
                         error_messages={"required": SEND_EVENTS.replace("{", "{{").replace("}", "}}"),
                                         "invalid": EVENT_BATCH_SIZE, "null": EVENT_BATCH_SIZE})

    def handle_error(self, error: ValidationError, data, **kwargs) -> None:
        messages = error.messages if isinstance(error.messages, dict) else {}
        if "_schema" in messages or messages.get("events") == [SEND_EVENTS]:
            raise ValidationError({"events": [SEND_EVENTS]})
        unknown = sorted(f for f in messages if f != "events")
        name = unknown[0] if unknown else "events"
        raise ValidationError({name: messages[name]})


class EventResultSchema(Schema):
    index = fields.Integer()
    source = fields.String()
    eventId = fields.String()
    outcome = fields.String(metadata={"enum": ["created", "updated", "unchanged"]})
    personId = fields.String(allow_none=True, metadata={"description": "The person it attached to; null: none "
                                                                       "(see attachReason)."})
    recordKey = fields.String(allow_none=True)
    attachReason = fields.String()
    refused = fields.List(fields.Dict())
    warnings = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class EventErrorSchema(Schema):
    index = fields.Integer()
    source = fields.Raw(allow_none=True)
    eventId = fields.Raw(allow_none=True)
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class EventBatchResultSchema(Schema):
    results = fields.List(fields.Nested(EventResultSchema))
    errors = fields.List(fields.Nested(EventErrorSchema))
    summary = fields.Dict(keys=fields.String(), values=fields.Integer())


class KindListField(fields.String):
    """'stay,purchase' -> ('stay', 'purchase'); every kind must be known."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        kinds = tuple(dict.fromkeys(k.strip() for k in text.split(",") if k.strip()))
        unknown = [k for k in kinds if k not in EVENT_KINDS]
        if not kinds or unknown:
            raise ValidationError(f"must be a comma-separated list of {', '.join(EVENT_KINDS)}"
                                  + (f"; unknown: {', '.join(unknown)}" if unknown else ""))
        return kinds


class TimelineQuerySchema(PurposeQuerySchema):
    kinds = KindListField(load_default=(), metadata={"description": f"comma-separated: {','.join(EVENT_KINDS)}"})
    from_ = fields.Date(data_key="from", load_default=None, metadata={"description": "first day (inclusive)"})
    to = fields.Date(load_default=None, metadata={"description": "last day (inclusive)"})
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    cursor = Text(max_length=300, min_length=0, load_default="")


class TimelineSchema(Schema):
    personId = fields.String()
    redirectedFrom = fields.String()
    purpose = fields.String(metadata={"enum": list(PURPOSES)})
    events = fields.List(fields.Dict(), metadata={
        "description": "Newest first: eventKey, source, eventId, kind, at, the stated details, recordKey."})
    withheldCount = fields.Integer(metadata={"description": "Events on this page's span whose consent does not "
                                                            "cover the purpose (never their facts)."})
    nextCursor = fields.String(allow_none=True)
    lifeEvents = fields.List(fields.Dict(), metadata={
        "description": "First page only: changes the person's history shows (kind name|job|address|death, change "
                       "started|ended|died, on, the value, record), newest first, from records the purpose may use."})
    refused = fields.Dict(metadata={
        "description": "Present instead of events when the purpose may not use this person at all: reason and "
                       "deceasedSince (no marketing after death)."})


class LifecycleSchema(Schema):
    personId = fields.String()
    redirectedFrom = fields.String()
    definition = fields.Dict(metadata={"description": "The definition's name and version."})
    asOf = fields.DateTime()
    firstSeen = fields.DateTime(allow_none=True)
    overall = fields.Dict(metadata={"description": "status (customer, former customer, known prospect, new "
                                                   "prospect), since, evidence (event keys), linesOfBusiness."})
    linesOfBusiness = fields.Dict(metadata={"description": "Per line: status, since, evidence, lastPurchase, "
                                                           "purchases."})
    whiteSpace = fields.List(fields.String(), metadata={"description": "Lines a customer never bought in."})
    purpose = fields.String(metadata={"enum": list(PURPOSES)})
    withheldCount = fields.Integer(metadata={"description": "Purchases the purpose may not use, left out of the "
                                                            "judgement."})


class CustomersSummarySchema(Schema):
    definition = fields.Dict()
    asOf = fields.DateTime()
    persons = fields.Integer()
    overall = fields.Dict(keys=fields.String(), values=fields.Integer())
    linesOfBusiness = fields.Dict(keys=fields.String(), values=fields.Dict())
    whiteSpace = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "Per line: customers (current or former elsewhere) who never bought in it."})


class OverlapSchema(Schema):
    source = fields.String()
    definition = fields.Dict()
    asOf = fields.DateTime()
    persons = fields.Integer()
    bySourceStatus = fields.Dict(keys=fields.String(), values=fields.Integer())
    customers = fields.Integer(metadata={"description": "The source's current and former customers under its "
                                                        "own definition."})
    alreadyKnown = fields.Dict(metadata={"description": "Of those, how many other sources knew, by status there."})
    new = fields.Integer()


STATUS_DOC = "lifecycle status (customer, former customer, known prospect, new prospect) to keep; see /lifecycle"


class StatusFilterSchema(Strict):
    status = fields.String(validate=validate.OneOf(["customer", "former customer", "known prospect", "new prospect"]),
                           metadata={"description": STATUS_DOC})
    lineOfBusiness = Text(max_length=64, metadata={"description": "judge `status` in this line (default overall)"})


class PersonsQuerySchema(PageQuerySchema, StatusFilterSchema, PurposeQuerySchema):
    """The person list's paging, optionally a lifecycle status to keep, and the purpose (a deceased person
    is withheld from marketing)."""


class RankingStatusQuerySchema(RankingQuerySchema, StatusFilterSchema, PurposeQuerySchema):
    """The ranking's order and size, and optionally a lifecycle status to keep."""
