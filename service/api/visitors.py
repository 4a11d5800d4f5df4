"""Visitors and statistic twins: GET /v1/visitors/{type}/{value}, GET /v1/persons/{id}/intentions and
POST /v1/persons/{id}/predictions/feedback."""
from __future__ import annotations

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE

from graph.access import audit
from graph.errors import InvalidRecord
from graph.intake.records import build_record
from graph.reads.views import identifier_key
from graph.twins.model_file import active_twins_model
from graph.visitors.rules import VISITOR_KINDS
from graph.visitors.views import person_intentions, record_feedback, visitor_view
from service import context
from service.auditing import PURPOSE_HEADER_DOC, audited, read_purpose
from service.auth import requires
from service.schemas import PurposeQuerySchema
from service.visitor_schemas import (
    IntentionsSchema,
    PredictionFeedbackResultSchema,
    PredictionFeedbackSchema,
    VisitorQuerySchema,
    VisitorSchema,
)

blp = Blueprint("visitors", __name__, url_prefix="/v1", description="Visitors and statistic twins")


def _visitor_key(kind: str, value: str) -> str:
    """Normalise the asked device exactly as ingestion does."""
    probe = {"source": "query", "sourceId": "query", "identifiers": [{"type": kind, "value": value}]}
    try:
        record = build_record(probe, context.settings(), query=True)
    except InvalidRecord as exc:
        raise InvalidRecord("path.value", exc.reason) from None
    if not record.identifiers:
        raise InvalidRecord("path.value", "is a blocked junk value that never identifies anyone")
    return identifier_key(kind, record.identifiers[0].value)


# `any(...)` documents the kinds as an enum; another kind is simply no route (404).
@blp.route(f"/visitors/<any({', '.join(VISITOR_KINDS)}):kind>/<string:value>", parameters=[PURPOSE_HEADER_DOC])
class Visitor(MethodView):
    @requires("agent", "analyst", "privacy")
    @blp.arguments(VisitorQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, VisitorSchema)
    @blp.alt_response(404, description="No visitor with this cookie or device")
    @blp.alt_response(422, description="Not a valid value for its kind")
    def get(self, args, kind: str, value: str):
        """An anonymous (or since identified) visitor: its events and what its statistic twins predict.

        Predictions name their twin cohort, the behaviours that drove them and the model; below the
        configured confidence a target abstains. Events (and so predictions) whose consent does not
        cover the declared purpose are left out: marketing and analytics need a grant. Audited: on the
        person once identified, else on the visitor's `visitorId`.
        """
        settings, purpose = context.settings(), read_purpose()
        answer = context.store().read(visitor_view, _visitor_key(kind, value), purpose,
                                      active_twins_model(settings), settings.twins_confidence, args["limit"])
        audit.record_read(context.store(), key_id=g.principal.key_id, role=g.principal.role, purpose=purpose,
                          action="visitor.view", person_id=answer["personId"] or answer["visitorId"])
        return answer


@blp.route("/persons/<string:person_id>/intentions", parameters=[PURPOSE_HEADER_DOC])
class Intentions(MethodView):
    @requires("agent", "analyst")
    @blp.arguments(PurposeQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, IntentionsSchema)
    @blp.alt_response(404, description="No such person")
    @blp.alt_response(410, description="The person was erased")
    @audited("person.intentions")
    def get(self, args, person_id: str):
        """What a person is likely to buy next (intentions) and their predicted segments, from the known
        customers who behave most like them, each with its probability, cohort and why.

        Only events whose consent covers the declared purpose are used (marketing and analytics need a
        grant); predictions marked wrong for this person are dropped (`dropped`).
        """
        settings = context.settings()
        return context.store().read(person_intentions, person_id, read_purpose(), active_twins_model(settings),
                                    settings.twins_confidence)


@blp.route("/persons/<string:person_id>/predictions/feedback")
class Feedback(MethodView):
    @requires("agent", "steward")
    @blp.arguments(PredictionFeedbackSchema, unknown=RAISE)
    @blp.response(201, PredictionFeedbackResultSchema, description="The mark was recorded")
    @blp.alt_response(200, schema=PredictionFeedbackResultSchema, description="This value was already marked wrong")
    @blp.alt_response(404, description="No such person")
    @blp.alt_response(410, description="The person was erased")
    def post(self, mark, person_id: str):
        """Mark a predicted segment or intention wrong (said by an agent or by the customer): it is never
        shown for this person again, and the next `idgraph twins train` leaves it out of their labels."""
        model = active_twins_model(context.settings())
        result = context.store().write(record_feedback, person_id, mark["target"], mark["value"], mark["by"],
                                       g.principal.key_id, model.version if model else None)
        return result, (201 if result["created"] else 200)
