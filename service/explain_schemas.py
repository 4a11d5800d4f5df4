"""Request and response schemas for explanations (why, why not) and the fuzzy who-is-this search."""
from __future__ import annotations

import re

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from graph.reads import search
from service.schemas import NameSchema, PastDate, PurposeQuerySchema, Strict, Text

_SOURCE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


class RecordKey(Text):
    """'SOURCE/SOURCE_ID' -> the stored record key; the source is everything before the first '/'."""

    def __init__(self, **kwargs):
        super().__init__(max_length=64 + 1 + 128, metadata={"description": "SOURCE/SOURCE_ID, e.g. crm/C-1"},
                         **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        source, slash, source_id = text.partition("/")
        if not slash or not _SOURCE.fullmatch(source) or not source_id.strip() or len(source_id) > 128:
            raise ValidationError("must be SOURCE/SOURCE_ID: a source of letters, digits, '_', '.', '-' "
                                  "and a source id of 1 to 128 characters")
        return text


class WhyQuerySchema(PurposeQuerySchema):
    record = RecordKey(required=True)


class WhyNotQuerySchema(PurposeQuerySchema):
    a = RecordKey(required=True)
    b = RecordKey(required=True)

    @validates_schema
    def _two_records(self, data, **kwargs):
        if data.get("a") and data.get("a") == data.get("b"):
            raise ValidationError("a and b are the same record", "b")


class SearchAddressSchema(Strict):
    streetNumber = Text(max_length=32, allow_none=True)
    line1 = Text(allow_none=True)
    locality = Text(max_length=100, allow_none=True)
    postcode = Text(max_length=16, allow_none=True)
    country = Text(max_length=56, allow_none=True)


SEARCH_FIELDS = ("name", "birthDate", "address", "postcode", "phone", "email")


class WhoisSearchSchema(Strict):
    name = fields.Nested(NameSchema)
    birthDate = PastDate()
    address = fields.Nested(SearchAddressSchema)
    postcode = Text(max_length=16)
    phone = Text(max_length=64)
    email = Text(max_length=320)
    gender = Text(max_length=20)
    limit = fields.Integer(load_default=search.DEFAULT_LIMIT, validate=validate.Range(1, 50))
    minProbability = fields.Float(load_default=search.DEFAULT_FLOOR, validate=validate.Range(0.01, 1.0),
                                  metadata={"description": "the floor: weaker candidates are not returned"})

    @validates_schema
    def _something_to_search(self, data, **kwargs):
        name = data.get("name") or {}
        address = data.get("address") or {}
        if not any(name.get(k) for k in ("given", "family", "full")) and not any(address.values()) \
                and not any(data.get(k) for k in ("birthDate", "postcode", "phone", "email")):
            raise ValidationError(f"give at least one of: {', '.join(SEARCH_FIELDS)}", "_schema")
        if address.get("postcode") and data.get("postcode") and address["postcode"] != data["postcode"]:
            raise ValidationError("differs from address.postcode", "postcode")


class ComparisonSchema(Schema):
    comparison = fields.String()
    level = fields.String()
    weight = fields.Float(metadata={"description": "match weight, log2(m/u)"})


class LinkSchema(Schema):
    record = fields.String()
    probability = fields.Float()
    matchWeight = fields.Float()
    priorWeight = fields.Float()
    comparisons = fields.List(fields.Nested(ComparisonSchema))
    sharedIdentifiers = fields.List(fields.Dict())
    chain = fields.List(fields.Dict(), allow_none=True)
    compared = fields.Boolean(metadata={"description": "shares an identifier or a blocking key: a candidate pair"})


class WhySchema(Schema):
    personId = fields.String()
    redirectedFrom = fields.String()
    record = fields.String()
    joined = fields.Dict(metadata={"description": "how the record joined: rule, evidence, since"})
    links = fields.List(fields.Nested(LinkSchema))
    probability = fields.Float(allow_none=True, metadata={
        "description": "against the compared records as a whole (mean log-odds); null when none was compared"})
    comparedRecords = fields.Integer()
    bestProbability = fields.Float(allow_none=True)
    thresholds = fields.Dict()
    summary = fields.String()
    withheld = fields.List(fields.Dict(), metadata={"description": "records the purpose may not use, and why"})
    stewardDecision = fields.Dict(metadata={"description": "the steward's merge that keeps the record here"})


class WhyNotSchema(Schema):
    a = fields.Dict()
    b = fields.Dict()
    samePerson = fields.Boolean()
    verdict = fields.String()
    sharedIdentifiers = fields.List(fields.Dict())
    probability = fields.Float()
    matchWeight = fields.Float()
    priorWeight = fields.Float()
    comparisons = fields.List(fields.Nested(ComparisonSchema))
    thresholds = fields.Dict()
    blockers = fields.List(fields.Dict())
    possiblySame = fields.Dict()
    summary = fields.String()
    withheld = fields.List(fields.Dict(), metadata={"description": "records the purpose may not use, and why"})


class SearchCandidateSchema(Schema):
    personId = fields.String()
    name = fields.String(allow_none=True)
    probability = fields.Float()
    matchWeight = fields.Float()
    record = fields.String(metadata={"description": "the person's record that matches best"})
    explanation = fields.String()
    comparisons = fields.List(fields.Nested(ComparisonSchema))
    foundBy = fields.List(fields.String())


class SearchResultSchema(Schema):
    candidates = fields.List(fields.Nested(SearchCandidateSchema))
    floor = fields.Float()
    considered = fields.Integer()
    capped = fields.Boolean()
