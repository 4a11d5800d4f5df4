"""Request and response schemas: the API's contract, and the OpenAPI document's source."""
from __future__ import annotations

import datetime as dt

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from graph.access.apikeys import ROLES
from graph.intake.normalize import CONTROL_OR_SURROGATE
from graph.model import IDENTIFIER_TYPES, PURPOSES, ROLE_KINDS, STANCES

MAX_BATCH = 1000
MAX_FOLLOWERS = 10**12   # far above any real account, far below the graph's 64-bit integers


# Text's rule for the OpenAPI document (clients, fuzzers). Lone surrogates, refused too, are left out:
# a surrogate range in a pattern is not portable across regex engines.
NO_CONTROL_CHARACTERS = r"^[^\u0000-\u001f\u007f-\u009f]*$"


class Text(fields.String):
    """A string without control characters, invisible format marks or lone surrogates."""

    def __init__(self, max_length: int = 200, min_length: int = 1, **kwargs):
        metadata = {"pattern": NO_CONTROL_CHARACTERS, **kwargs.pop("metadata", {})}
        super().__init__(validate=validate.Length(min_length, max_length), metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if CONTROL_OR_SURROGATE.search(text):   # categories Cc and Cs
            raise ValidationError("must not contain control characters or invalid Unicode")
        return text


class PastDate(fields.Date):
    def _deserialize(self, value, attr, data, **kwargs):
        date = super()._deserialize(value, attr, data, **kwargs)
        if not dt.date(1850, 1, 1) <= date <= dt.date.today() + dt.timedelta(days=1):
            raise ValidationError("must be a real date between 1850-01-01 and today")
        return date


class BirthDate(fields.Date):
    """Documented as a date; any text is taken as given, for graph.intake.set_aside to keep or set
    aside: a mistyped birth date costs the field (with a warning), not the record."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise self.make_error("invalid")
        if CONTROL_OR_SURROGATE.search(value) or len(value) > 32:
            raise ValidationError("must be a short date text without control characters")
        return value


# Java's time zone offsets (so the stores') reach 18 hours; Python's nearly 24
JAVA_MAX_OFFSET = dt.timedelta(hours=18)


class PastDateTime(fields.AwareDateTime):
    """A time that has happened (a future observation would shadow every later update), kept with
    its offset; an offset past Java's 18 hours, which would not store, as the same instant in UTC."""

    def __init__(self, **kwargs):
        super().__init__(default_timezone=dt.UTC, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        if abs(moment.utcoffset()) > JAVA_MAX_OFFSET:
            try:
                moment = moment.astimezone(dt.UTC)
            except OverflowError:
                raise ValidationError("is out of range") from None
        if moment > dt.datetime.now(dt.UTC) + dt.timedelta(days=1):
            raise ValidationError("must not be in the future")
        return moment


class Strict(Schema):
    class Meta:
        unknown = RAISE


class Period(Strict):
    validFrom = fields.Date(allow_none=True)
    validTo = fields.Date(allow_none=True)


class NameSchema(Strict):
    given = Text(allow_none=True)
    family = Text(allow_none=True)
    full = Text(allow_none=True)


class IdentifierSchema(Period):
    type = fields.String(required=True, validate=validate.OneOf(IDENTIFIER_TYPES))
    value = Text(max_length=320, required=True)
    platform = Text(max_length=64, allow_none=True)
    system = Text(max_length=64, allow_none=True)
    followers = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=MAX_FOLLOWERS))
    tier = Text(max_length=64, allow_none=True)
    status = Text(max_length=64, allow_none=True)


class AddressSchema(Period):
    use = Text(max_length=32, allow_none=True)
    streetNumber = Text(max_length=32, allow_none=True)
    line1 = Text(allow_none=True)
    line2 = Text(allow_none=True, min_length=0)
    locality = Text(max_length=100, allow_none=True, min_length=0)
    postcode = Text(max_length=16, allow_none=True, min_length=0)
    region = Text(max_length=100, allow_none=True, min_length=0)
    country = Text(max_length=56, allow_none=True, min_length=0)


class EmploymentSchema(Period):
    company = Text(required=True)
    title = Text(allow_none=True)
    decisionMaker = fields.Boolean(load_default=False)


class RoleSchema(Period):
    role = fields.String(required=True, validate=validate.OneOf(ROLE_KINDS))
    organisation = Text(allow_none=True)
    stance = fields.String(allow_none=True, validate=validate.OneOf(STANCES),
                           metadata={"description": "a buying-team member's stance"})


class MetricsSchema(Strict):
    lifetimeSpend = fields.Float(allow_none=True, allow_nan=False, validate=validate.Range(min=0, max=1e12))
    nightsLastYear = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=366))
    tier = Text(max_length=32, allow_none=True)
    lastActivity = fields.Date(allow_none=True)


class RecordSchema(Strict):
    source = fields.String(required=True, validate=[
        validate.Length(1, 64), validate.Regexp(r"^[A-Za-z0-9_.-]+$", error="letters, digits, '_', '.', '-' only")])
    sourceId = Text(max_length=128, required=True)
    observedAt = PastDateTime(allow_none=True)
    collectedFor = Text(allow_none=True)
    consent = fields.Dict(keys=Text(max_length=64), values=fields.Boolean(), allow_none=True)
    name = fields.Nested(NameSchema, allow_none=True)
    birthDate = BirthDate(allow_none=True, metadata={
        "description": "A date that is not real or plausible (before 1850, in the future) is stored aside "
                       "with a warning, never compared as a date; a plausible year in it still counts."})
    gender = Text(max_length=20, allow_none=True)
    identifiers = fields.List(fields.Nested(IdentifierSchema), validate=validate.Length(max=50))
    addresses = fields.List(fields.Nested(AddressSchema), validate=validate.Length(max=20))
    employment = fields.List(fields.Nested(EmploymentSchema), validate=validate.Length(max=20))
    metrics = fields.Nested(MetricsSchema, allow_none=True)
    roles = fields.List(fields.Nested(RoleSchema), validate=validate.Length(max=20), metadata={
        "description": "Roles held besides employment (customer, caregiver, buying-team member ...), with validity."})
    deceased = fields.Boolean(allow_none=True, metadata={
        "description": "The source says this person has died: from then on no marketing purpose may use them "
                       "(service purposes still can). `deceasedOn` alone implies it."})
    deceasedOn = PastDate(allow_none=True, metadata={
        "description": "The day of death, if known (default: the day of observedAt)."})

    @validates_schema
    def _something_to_resolve(self, data, **kwargs):
        name = data.get("name") or {}
        if not any(name.get(k) for k in ("given", "family", "full")) and not data.get("identifiers") \
                and not data.get("addresses"):
            raise ValidationError("a record needs a name or at least one identifier", "identifiers")


class BatchSchema(Strict):
    records = fields.List(fields.Nested(RecordSchema), required=True,
                          validate=validate.Length(1, MAX_BATCH))


SEND_RECORDS = 'send a JSON object {"records": [...]}'
BATCH_SIZE = f"must be a list of 1 to {MAX_BATCH} records"


class BatchEnvelopeSchema(Strict):
    """POST /v1/records' body around its records (documented as BatchSchema). Each record is
    validated on its own afterwards (service/parsing.py), so a bad one is refused alone."""
    error_messages = {"type": SEND_RECORDS, "unknown": "unknown field"}
    records = fields.List(fields.Raw(allow_none=True), required=True,
                          validate=validate.Length(1, MAX_BATCH, error=BATCH_SIZE),
                          error_messages={"required": SEND_RECORDS.replace("{", "{{").replace("}", "}}"),
                                          "invalid": BATCH_SIZE, "null": BATCH_SIZE})

    def handle_error(self, error: ValidationError, data, **kwargs) -> None:
        """Name one field, as this envelope always has: no envelope at all, else the first unknown
        field, else what is wrong with `records`."""
        messages = error.messages if isinstance(error.messages, dict) else {}
        if "_schema" in messages or messages.get("records") == [SEND_RECORDS]:
            raise ValidationError({"records": [SEND_RECORDS]})
        unknown = sorted(field for field in messages if field != "records")
        field = unknown[0] if unknown else "records"
        raise ValidationError({field: messages[field]})


class RecordResultSchema(Schema):
    index = fields.Integer()
    source = fields.String()
    sourceId = fields.String()
    personId = fields.String(allow_none=True)
    outcome = fields.String(metadata={"enum": ["created", "joined", "merged", "updated", "unchanged", "visitor"],
                                      "description": "`visitor`: it names only a cookie or device, so it is "
                                                     "that device's Visitor, not a Person (personId null)"})
    merged = fields.List(fields.String())
    refused = fields.List(fields.Dict())
    warnings = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), metadata={
        "description": "Fields stored as given but set aside (not used as identifiers), by field path, "
                       "with the reason; empty when the record was stored whole."})


class RecordErrorSchema(Schema):
    index = fields.Integer()
    source = fields.Raw(allow_none=True)
    sourceId = fields.Raw(allow_none=True)
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class BatchResultSchema(Schema):
    results = fields.List(fields.Nested(RecordResultSchema))
    errors = fields.List(fields.Nested(RecordErrorSchema))
    summary = fields.Dict(keys=fields.String(), values=fields.Integer())


class PurposeQuerySchema(Strict):
    purpose = fields.String(validate=validate.OneOf(PURPOSES), metadata={
        "description": "Why you read this person (or the X-Purpose header); default `service`. Audited."})


class WhoisQuerySchema(PurposeQuerySchema):
    type = fields.String(required=True, validate=validate.OneOf(IDENTIFIER_TYPES))
    value = Text(max_length=320, required=True)
    platform = Text(max_length=64)
    system = Text(max_length=64)


class PageQuerySchema(Strict):
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    cursor = Text(max_length=200, load_default="")


class PersonSchema(Schema):
    """A resolved person; open-ended parts are documented in the README."""
    personId = fields.String()
    redirectedFrom = fields.String()
    name = fields.Dict()
    status = fields.String()
    identifiers = fields.List(fields.Dict())
    accounts = fields.List(fields.Dict())
    addresses = fields.List(fields.Dict())
    metrics = fields.Dict()
    roles = fields.List(fields.Dict())
    heldRoles = fields.List(fields.Dict(), metadata={
        "description": "Roles besides employment (customer, caregiver, buying-team member with a stance ...): "
                       "role, organisation, stance, validFrom, validTo, current, record, source, observedAt."})
    records = fields.List(fields.Dict())
    merges = fields.List(fields.Dict())
    why = fields.List(fields.Dict())
    query = fields.Dict()
    otherHolders = fields.List(fields.Dict())
    attributes = fields.List(fields.Dict(), metadata={
        "description": "Each stated value of givenName, familyName, fullName, birthDate, gender ... with "
                       "its source records (record, source, observedAt, collectedFor)."})
    signals = fields.List(fields.Dict(), metadata={
        "description": "Open signals of dissatisfaction (person view only), as /v1/persons/{personId}/signals."})
    inferred = fields.Dict(metadata={"description": "Derived facts (households, POSSIBLY_SAME, scores), "
                                                    "each marked inferred with its rule or model."})
    purpose = fields.String(metadata={"enum": list(PURPOSES)})
    withheld = fields.List(fields.Dict(), metadata={
        "description": "Records whose consent does not cover the purpose: recordKey, source, purpose, basis, "
                       "reason and how many facts they hold (never the facts)."})
    withheldCounts = fields.Dict(keys=fields.String(), values=fields.Integer())
    history = fields.Dict(metadata={
        "description": "Names, jobs (company, title) and addresses (value, use) each shown record stated over "
                       "time: validFrom, validTo, current, record, source; current values first. A re-sent "
                       "record's new value closes the old one (closedBecause) instead of replacing it."})
    deceased = fields.Dict(metadata={
        "description": "Present when a record or a death event says the person died: since (day) and evidence "
                       "(record, source, by record|event). No marketing purpose may use them from then on."})


class PersonsPageSchema(Schema):
    persons = fields.List(fields.Dict())
    nextCursor = fields.String(allow_none=True)
    purpose = fields.String(metadata={"enum": list(PURPOSES)})
    withheld = fields.List(fields.Dict(), metadata={
        "description": "Persons of this page the purpose may not use (personId, reason): the deceased, for marketing."})


class RecordViewSchema(Schema):
    personId = fields.String(allow_none=True)
    record = fields.Dict()
    purpose = fields.String(metadata={"enum": list(PURPOSES)})
    withheld = fields.List(fields.Dict())


class ConsentChangeSchema(Strict):
    purpose = fields.String(required=True, validate=validate.OneOf(PURPOSES))
    granted = fields.Boolean(required=True, truthy={True}, falsy={False})
    at = PastDateTime(required=True, metadata={"description": "When the customer made the change."})
    source = Text(max_length=64, required=True, metadata={
        "description": "Where the change came from, e.g. preference-centre, call-centre, letter."})


class ConsentResultSchema(Schema):
    changeId = fields.String()
    personId = fields.String()
    redirectedFrom = fields.String()
    purpose = fields.String(metadata={"enum": list(PURPOSES)})
    granted = fields.Boolean()
    at = fields.DateTime()
    source = fields.String()
    records = fields.List(fields.String(), metadata={"description": "The records the change applies to."})
    created = fields.Boolean(metadata={"description": "false: this very statement was already recorded."})


class ExportSchema(Schema):
    """Everything held about one person (subject access); open-ended parts are documented in the README."""
    personId = fields.String()
    redirectedFrom = fields.String()
    exportedAt = fields.DateTime()
    person = fields.Dict()
    records = fields.List(fields.Dict())
    identifiers = fields.List(fields.Dict())
    accounts = fields.List(fields.Dict())
    addresses = fields.List(fields.Dict())
    roles = fields.List(fields.Dict())
    inferences = fields.Dict()
    audit = fields.List(fields.Dict())
    events = fields.List(fields.Dict(), metadata={"description": "Every touchpoint held, as stored, newest first."})
    history = fields.Dict(metadata={"description": "Names, jobs and addresses over time, as in the person view."})
    deceased = fields.Dict(metadata={"description": "Since when and on whose word the person is deceased."})


class ErasureSchema(Schema):
    personId = fields.String()
    redirectedFrom = fields.String()
    status = fields.String(metadata={"enum": ["erased"]})
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    refreshed = fields.Dict(keys=fields.String(), values=fields.Integer())


class AuditQuerySchema(Strict):
    personId = Text(max_length=64, required=True)
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    cursor = Text(max_length=200, load_default="")


class AuditEventSchema(Schema):
    eventId = fields.String()
    at = fields.DateTime()
    keyId = fields.String()
    role = fields.String(metadata={"enum": list(ROLES)})
    purpose = fields.String(allow_none=True, metadata={
        "enum": list(PURPOSES) + [None], "description": "null for an erasure (action person.erase)"})
    action = fields.String()
    personId = fields.String()


class AuditPageSchema(Schema):
    personId = fields.String()
    events = fields.List(fields.Nested(AuditEventSchema))
    nextCursor = fields.String(allow_none=True)


class NewKeySchema(Strict):
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    name = Text(max_length=64, min_length=0, load_default="")


class ApiKeySchema(Schema):
    keyId = fields.String()
    role = fields.String()
    name = fields.String()
    createdAt = fields.DateTime()
    revokedAt = fields.DateTime(allow_none=True)


class IssuedKeySchema(Schema):
    keyId = fields.String()
    key = fields.String(metadata={"description": "The key itself: shown in this response only."})
    role = fields.String()
    name = fields.String()


class KeyListSchema(Schema):
    keys = fields.List(fields.Nested(ApiKeySchema))


class HealthSchema(Schema):
    status = fields.String(metadata={"enum": ["ok"]})


class ReadySchema(Schema):
    status = fields.String(metadata={"enum": ["ready"]})
    database = fields.String()


def flatten_errors(messages, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages as {'identifiers[0].value': [...]}."""
    if isinstance(messages, list):
        return {prefix or "_schema": [str(m) for m in messages]}
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        if key == "_schema":
            path = prefix or "_schema"
        elif isinstance(key, int):
            path = f"{prefix}[{key}]"
        else:
            path = f"{prefix}.{key}" if prefix else str(key)
        flat.update(flatten_errors(value, path))
    return flat
