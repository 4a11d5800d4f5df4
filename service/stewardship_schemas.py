"""Request and response schemas of the stewardship endpoints: decisions, review, feedback."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from graph.model import IDENTIFIER_TYPES
from service.explain_schemas import RecordKey
from service.schemas import Strict, Text

REASON = {"description": "Why: kept with the decision in the audit trail."}


class MergeSchema(Strict):
    with_ = Text(max_length=64, required=True, data_key="with", metadata={"description": "The other person's id."})
    reason = Text(max_length=500, metadata=REASON)


class SplitSchema(Strict):
    records = fields.List(RecordKey(), required=True, validate=validate.Length(1, 500), metadata={
        "description": "The records (SOURCE/SOURCE_ID) to separate from the others."})
    reason = Text(max_length=500, metadata=REASON)


class UndoSchema(Strict):
    reason = Text(max_length=500, metadata=REASON)


class DecisionSchema(Schema):
    decisionId = fields.String()
    action = fields.String(metadata={"description": "merge, split, review same, review different, dispute, "
                                                    "cut link, wrong prediction"})
    status = fields.String(metadata={"enum": ["active", "undone", "superseded", "confirmed", "withdrawn"]})
    at = fields.DateTime()
    keyId = fields.String()
    role = fields.String()
    reason = fields.String()
    personId = fields.String()
    otherPersonId = fields.String()
    constraint = fields.String(metadata={"enum": ["apart", "together"]})
    label = fields.String(metadata={"enum": ["same", "different"]})
    persons = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                          metadata={"description": "each person the decision left, with its records"})
    sideA = fields.List(fields.String())
    sideB = fields.List(fields.String())
    superseded = fields.List(fields.String(), metadata={"description": "earlier decisions this one overrules"})
    identifier = fields.String()
    prediction = fields.String()
    statusAt = fields.DateTime()
    undoneAt = fields.DateTime()
    undoneBy = fields.String()


class DecisionsPageSchema(Schema):
    decisions = fields.List(fields.Nested(DecisionSchema))
    nextCursor = fields.String(allow_none=True)


class ReviewQuerySchema(Strict):
    order = fields.String(load_default="value", validate=validate.OneOf(("value", "probability")), metadata={
        "description": "value: the pair's summed lifetime spend first; probability: the likeliest first"})
    limit = fields.Integer(load_default=20, validate=validate.Range(1, 200))
    cursor = Text(max_length=200, load_default="")


class ReviewPairSchema(Schema):
    pairId = fields.String()
    a = fields.Dict()
    b = fields.Dict()
    probability = fields.Float()
    value = fields.Float()
    whyNot = fields.Dict(metadata={"description": "GET /v1/why-not for one record of each person"})


class ReviewPageSchema(Schema):
    order = fields.String()
    pairs = fields.List(fields.Nested(ReviewPairSchema))
    total = fields.Integer()
    nextCursor = fields.String(allow_none=True)


class ReviewAnswerSchema(Strict):
    answer = fields.String(required=True, validate=validate.OneOf(("same", "different")))
    reason = Text(max_length=500, metadata=REASON)


class FeedbackIdentifierSchema(Strict):
    type = fields.String(required=True, validate=validate.OneOf(IDENTIFIER_TYPES))
    value = Text(max_length=320, required=True)
    platform = Text(max_length=64)
    system = Text(max_length=64)


class FeedbackSchema(Strict):
    kind = fields.String(required=True, validate=validate.OneOf(("disputed fact", "wrong link", "wrong prediction")),
                         metadata={"description": "disputed fact: the person says it is not theirs (kept, marked, "
                                                  "no longer used); wrong link: cut the identifier from the "
                                                  "person's records; wrong prediction: an inference is wrong"})
    identifier = fields.Nested(FeedbackIdentifierSchema, metadata={"description": "for a disputed fact or link"})
    address = fields.Dict(keys=fields.String(), values=fields.String(), metadata={
        "description": "for a disputed address: streetNumber, line1, locality, postcode, country"})
    prediction = Text(max_length=200, metadata={"description": "for a wrong prediction: what was predicted"})
    reason = Text(max_length=500, metadata=REASON)
    onBehalfOfCustomer = fields.Boolean(load_default=False)


class FeedbackResolutionSchema(Strict):
    outcome = fields.String(required=True, validate=validate.OneOf(("confirmed", "withdrawn")), metadata={
        "description": "confirmed: the dispute holds; withdrawn: the fact is used again"})
    reason = Text(max_length=500, metadata=REASON)
