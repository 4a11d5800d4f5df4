"""Request and response schemas for relationships, influence, social edges and companies."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from graph.model import PURPOSES
from graph.relationships.edges import EDGE_TYPES
from graph.relationships.network import RELATIONSHIP_KINDS
from service.schemas import PastDateTime, PurposeQuerySchema, Strict, Text

MAX_EDGES = 1000
SOURCE = [validate.Length(1, 64), validate.Regexp(r"^[A-Za-z0-9_.-]+$", error="letters, digits, '_', '.', '-' only")]


class KindsField(fields.String):
    """'household,work' -> ('household', 'work'); every kind must be known."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        kinds = tuple(dict.fromkeys(k.strip() for k in text.split(",") if k.strip()))
        unknown = [k for k in kinds if k not in RELATIONSHIP_KINDS]
        if not kinds or unknown:
            raise ValidationError(f"must be a comma-separated list of {', '.join(RELATIONSHIP_KINDS)}"
                                  + (f"; unknown: {', '.join(unknown)}" if unknown else ""))
        return kinds


class RelationshipsQuerySchema(PurposeQuerySchema):
    kinds = KindsField(load_default=RELATIONSHIP_KINDS,
                       metadata={"description": f"comma-separated: {','.join(RELATIONSHIP_KINDS)}"})
    depth = fields.Integer(load_default=1, validate=validate.Range(1, 3))


class RankingQuerySchema(Strict):
    order = fields.String(load_default="priority", validate=validate.OneOf(["value", "reach", "priority"]))
    limit = fields.Integer(load_default=20, validate=validate.Range(1, 500))


class SocialEdgeSchema(Strict):
    platform = Text(max_length=64, required=True)
    from_ = Text(max_length=320, required=True, data_key="from")
    to = Text(max_length=320, required=True)
    type = fields.String(required=True, validate=validate.OneOf(list(EDGE_TYPES)))
    observedAt = PastDateTime(allow_none=True)
    source = fields.String(allow_none=True, validate=SOURCE)


class SocialEdgesSchema(Strict):
    edges = fields.List(fields.Nested(SocialEdgeSchema), required=True, validate=validate.Length(1, MAX_EDGES))


class SocialEdgesResultSchema(Schema):
    received = fields.Integer()
    created = fields.Integer()
    existing = fields.Integer()
    handles = fields.Integer()


class CompanySchema(Strict):
    name = Text(required=True)
    parent = Text(allow_none=True, metadata={"description": "the parent company's name (SUBSIDIARY_OF)"})
    observedAt = PastDateTime(allow_none=True)
    source = fields.String(allow_none=True, validate=SOURCE)


class CompaniesSchema(Strict):
    companies = fields.List(fields.Nested(CompanySchema), required=True, validate=validate.Length(1, MAX_EDGES))


class CompaniesResultSchema(Schema):
    companies = fields.List(fields.Dict())


class RelationshipsSchema(Schema):
    """A person's neighbourhood: nodes (persons, households, companies, handles) and typed relationships."""
    personId = fields.String()
    redirectedFrom = fields.String()
    kinds = fields.List(fields.String())
    depth = fields.Integer()
    truncated = fields.Boolean()
    roles = fields.List(fields.Dict(), metadata={"description": "The person's roles besides employment, with "
                                                                "source and validity (as in the person view)."})
    summary = fields.Dict()
    nodes = fields.List(fields.Dict())
    relationships = fields.List(fields.Dict())
    purpose = fields.String(metadata={"enum": list(PURPOSES)})
    withheld = fields.Dict(metadata={"description": "How many persons and relationships the purpose may not "
                                                    "use were left out (never which)."})


class InfluenceSchema(Schema):
    personId = fields.String()
    redirectedFrom = fields.String()
    purpose = fields.String(metadata={"enum": list(PURPOSES)})
    withheld = fields.String(metadata={"description": "Why nothing else is answered: the figures derive from "
                                                      "records the purpose may not use."})
    name = fields.String(allow_none=True)
    reach = fields.Dict()
    network = fields.Dict()
    business = fields.Dict()
    value = fields.Dict()
    priority = fields.Dict()
    flags = fields.List(fields.String())


class RankingSchema(Schema):
    order = fields.String()
    limit = fields.Integer()
    refreshedAt = fields.Raw(allow_none=True)
    runId = fields.String(allow_none=True)
    persons = fields.List(fields.Dict())
    flagged = fields.Dict()
    purpose = fields.String(metadata={"enum": list(PURPOSES)})
    withheldCount = fields.Integer(metadata={"description": "Persons left out before this page's end: a record "
                                                            "of theirs refuses the purpose."})
