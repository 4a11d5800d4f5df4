"""Response schemas for households (members, household devices, their events)."""
from __future__ import annotations

from marshmallow import Schema, fields

from graph.model import PURPOSES


class HouseholdSchema(Schema):
    householdId = fields.String()
    purpose = fields.String(metadata={"enum": list(PURPOSES)})
    name = fields.String(allow_none=True)
    addressKey = fields.String(allow_none=True)
    size = fields.Integer(allow_none=True)
    currentSize = fields.Integer(allow_none=True)
    rule = fields.String(allow_none=True)
    refreshedAt = fields.DateTime(allow_none=True)
    inferred = fields.Boolean()
    members = fields.List(fields.Dict(), metadata={
        "description": "personId, name, current, validFrom, validTo, evidence (what ties them to the household)."})
    devices = fields.List(fields.Dict(), metadata={
        "description": "Household visitors: visitorId, visitorKey, kind, status, firstAt, lastAt."})
    events = fields.List(fields.Dict(), metadata={
        "description": "The latest events that went to the household (newest first), where their consent allows."})
    withheldCount = fields.Integer()
