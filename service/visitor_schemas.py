"""Request and response schemas for visitors, twin predictions (segments and intentions) and feedback."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from graph.model import PURPOSES
from graph.twins.model import TARGETS
from graph.visitors.rules import ANONYMOUS, HOUSEHOLD, IDENTIFIED, SHARED
from service.schemas import PurposeQuerySchema, Strict, Text


class VisitorQuerySchema(PurposeQuerySchema):
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500),
                           metadata={"description": "Events shown, newest first (predictions use up to 2,000)."})


class DriverSchema(Schema):
    feature = fields.String(metadata={"description": "A behaviour feature (README, Visitors and statistic twins)."})
    direction = fields.String(metadata={"enum": ["more", "less"]})
    value = fields.Float(metadata={"description": "The subject's value"})
    twins = fields.Float(metadata={"description": "The agreeing twins' mean"})
    typical = fields.Float(metadata={"description": "All known customers' mean"})


class CohortSchema(Schema):
    size = fields.Integer()
    agreeing = fields.Integer()
    share = fields.Float()
    baseRate = fields.Float()
    description = fields.String()


class PredictionSchema(Schema):
    target = fields.String(metadata={"enum": list(TARGETS)})
    value = fields.String()
    probability = fields.Float(metadata={"description": "How often twins agreeing this much were right."})
    inferred = fields.Boolean()
    model = fields.String()
    modelVersion = fields.String()
    cohort = fields.Nested(CohortSchema)
    because = fields.List(fields.Nested(DriverSchema))
    reason = fields.String()


class AbstentionSchema(Schema):
    target = fields.String()
    reason = fields.String()


class DroppedSchema(Schema):
    target = fields.String()
    value = fields.String()
    reason = fields.String()


class TwinModelInfoSchema(Schema):
    name = fields.String()
    version = fields.String()
    trainedAt = fields.String()


class VisitorSchema(Schema):
    visitorId = fields.String(metadata={"description": "Opaque id; the audit log names an anonymous visitor by it."})
    visitorKey = fields.String()
    status = fields.String(metadata={"enum": [ANONYMOUS, IDENTIFIED, HOUSEHOLD, SHARED]})
    personId = fields.String(allow_none=True)
    householdId = fields.String(allow_none=True)
    firstAt = fields.DateTime(allow_none=True)
    lastAt = fields.DateTime(allow_none=True)
    purpose = fields.String(metadata={"enum": list(PURPOSES)})
    events = fields.List(fields.Dict(), metadata={"description": "Newest first, those the purpose may use."})
    withheldCount = fields.Integer()
    predictions = fields.List(fields.Nested(PredictionSchema))
    abstained = fields.List(fields.Nested(AbstentionSchema))
    dropped = fields.List(fields.Nested(DroppedSchema))
    model = fields.Nested(TwinModelInfoSchema, allow_none=True)


class IntentionsSchema(Schema):
    personId = fields.String()
    redirectedFrom = fields.String()
    purpose = fields.String(metadata={"enum": list(PURPOSES)})
    eventsUsed = fields.Integer()
    withheldCount = fields.Integer()
    intentions = fields.List(fields.Nested(PredictionSchema))
    segments = fields.List(fields.Nested(PredictionSchema))
    abstained = fields.List(fields.Nested(AbstentionSchema))
    dropped = fields.List(fields.Nested(DroppedSchema), metadata={"description": "Marked wrong: never shown again."})
    model = fields.Nested(TwinModelInfoSchema, allow_none=True)


class PredictionFeedbackSchema(Strict):
    target = fields.String(required=True, validate=validate.OneOf(TARGETS))
    value = Text(max_length=100, required=True)
    by = fields.String(load_default="agent", validate=validate.OneOf(["agent", "customer"]),
                       metadata={"description": "Who said the prediction is wrong."})


class PredictionFeedbackResultSchema(Schema):
    personId = fields.String()
    created = fields.Boolean()
    feedback = fields.Dict()
