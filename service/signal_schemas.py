"""Request and response schemas for signals of dissatisfaction (graph/signals/)."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from graph.model import PURPOSES
from graph.signals.rules import SIGNAL_KINDS
from service.schemas import PurposeQuerySchema, Text


class SignalKindsField(fields.String):
    """'openCase,complaint' -> ('openCase', 'complaint'); every kind must be known."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        kinds = tuple(dict.fromkeys(k.strip() for k in text.split(",") if k.strip()))
        unknown = [k for k in kinds if k not in SIGNAL_KINDS]
        if not kinds or unknown:
            raise ValidationError(f"must be a comma-separated list of {', '.join(SIGNAL_KINDS)}"
                                  + (f"; unknown: {', '.join(unknown)}" if unknown else ""))
        return kinds


class SignalsQuerySchema(PurposeQuerySchema):
    kind = SignalKindsField(load_default=(), metadata={
        "description": f"only persons with an open signal of these kinds (comma-separated: {','.join(SIGNAL_KINDS)})"})
    order = fields.String(load_default="value", validate=validate.OneOf(["value", "since"]), metadata={
        "description": "`value`: highest customer value first (the last analytics refresh's valueScore); "
                       "`since`: longest-standing signal first"})
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    cursor = Text(max_length=400, min_length=0, load_default="")


SIGNAL_DOC = ("kind (openCase, complaint, cancellationVisit, fallingActivity), since, evidence (event keys the "
              "purpose may use), evidenceWithheld, and the rule's figures (cases, openDays, windowDays, "
              "recentEvents, earlierEvents ...)")


class PersonSignalsSchema(Schema):
    personId = fields.String()
    redirectedFrom = fields.String()
    purpose = fields.String(metadata={"enum": list(PURPOSES)})
    rules = fields.Dict(metadata={"description": "The signal rules' name and version."})
    asOf = fields.DateTime()
    signals = fields.List(fields.Dict(), metadata={"description": SIGNAL_DOC})
    withheldCount = fields.Integer(metadata={"description": "Signals whose evidence the purpose may not use."})


class SignalListSchema(Schema):
    purpose = fields.String(metadata={"enum": list(PURPOSES)})
    order = fields.String()
    kinds = fields.List(fields.String())
    persons = fields.List(fields.Dict(), metadata={
        "description": "personId, name, value {score, lifetimeSpend, tier}, since (the oldest signal), signals "
                       f"(each: {SIGNAL_DOC}, computedAt)"})
    withheldCount = fields.Integer(metadata={"description": "Persons left out before this page's end: a signal or "
                                                            "a record the purpose may not use."})
    nextCursor = fields.String(allow_none=True)
