"""Stewardship: manual merge and split, undo, the review queue and feedback on facts."""
from __future__ import annotations

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE

from graph.access import audit
from graph.errors import InvalidRecord
from graph.intake.records import build_record
from graph.stewardship import decisions, feedback, review
from graph.stewardship.decisions import Steward
from service import context
from service.auth import requires
from service.schemas import PageQuerySchema
from service.stewardship_schemas import (
    DecisionSchema,
    DecisionsPageSchema,
    FeedbackResolutionSchema,
    FeedbackSchema,
    MergeSchema,
    ReviewAnswerSchema,
    ReviewPageSchema,
    ReviewQuerySchema,
    SplitSchema,
    UndoSchema,
)

blp = Blueprint("stewardship", __name__, url_prefix="/v1",
                description="Stewardship: merge, split, undo, review queue, feedback")

CHANGED = "Decision recorded: who, when, why, and the persons it left"


def _steward() -> Steward:
    return Steward(g.principal.key_id, g.principal.role)


def _audited(action: str, decision: dict) -> dict:
    """Log the decision on every person it names (no purpose: a steward acts, nobody is read)."""
    names = [decision.get("personId"), decision.get("otherPersonId"), *decision.get("persons", {})]
    for person_id in dict.fromkeys(filter(None, names)):
        audit.record_read(context.store(), key_id=g.principal.key_id, role=g.principal.role, purpose=None,
                          action=action, person_id=person_id)
    return decision


@blp.route("/persons/<string:person_id>/merge")
class Merge(MethodView):
    @requires("steward")
    @blp.arguments(MergeSchema, unknown=RAISE)
    @blp.response(201, DecisionSchema, description=CHANGED)
    @blp.alt_response(404, description="No such person (either one)")
    @blp.alt_response(410, description="A person was erased")
    def post(self, args, person_id: str):
        """Merge two persons: the older id survives, the other redirects to it; the records keep
        their consent, roles and events. Leaves a must-link that later ingests and `resolve --all`
        keep; undo with `POST /v1/decisions/{decisionId}/undo`. 422 when they are already one."""
        result = context.store().write(decisions.merge, person_id, args["with_"], args.get("reason"), _steward())
        return _audited("person.merge", result), 201


@blp.route("/persons/<string:person_id>/split")
class Split(MethodView):
    @requires("steward")
    @blp.arguments(SplitSchema, unknown=RAISE)
    @blp.response(201, DecisionSchema, description=CHANGED)
    @blp.alt_response(404, description="No such person")
    @blp.alt_response(410, description="The person was erased")
    def post(self, args, person_id: str):
        """Separate records from a person: the larger part keeps the id, the other becomes a new
        person (SPLIT_FROM). Leaves a do-not-link between the two parts that later ingests, bridge
        merges and `resolve --all` keep. 422 for a record not the person's, or all of them."""
        result = context.store().write(decisions.split, person_id, args["records"], args.get("reason"),
                                       _steward())
        return _audited("person.split", result), 201


@blp.route("/decisions")
class Decisions(MethodView):
    @requires("steward", "analyst")
    @blp.arguments(PageQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, DecisionsPageSchema)
    def get(self, args):
        """Every steward decision, oldest first (pass nextCursor back as cursor): the audit trail
        and the labelled pairs training uses."""
        return context.store().read(decisions.decisions_page, args["limit"], args["cursor"])


@blp.route("/decisions/<string:decision_id>")
class Decision(MethodView):
    @requires("steward", "analyst")
    @blp.response(200, DecisionSchema)
    @blp.alt_response(404, description="No such decision")
    def get(self, decision_id: str):
        """One decision: who, when, why, what it constrains and its status."""
        return decisions.view(context.store().read(decisions.get, decision_id))


@blp.route("/decisions/<string:decision_id>/undo")
class Undo(MethodView):
    @requires("steward")
    @blp.arguments(UndoSchema, unknown=RAISE)
    @blp.response(200, DecisionSchema, description="Undone: the persons are as they were before it")
    @blp.alt_response(404, description="No such decision")
    def post(self, args, decision_id: str):
        """Undo a merge, split or review answer: persons, ids, records and links exactly as before,
        and its constraint lifted. 422 when the decision is not active, or when its persons changed
        since (then merge or split anew)."""
        result = context.store().write(decisions.undo, decision_id, args.get("reason"), _steward())
        return _audited("decision.undo", result)


@blp.route("/review")
class ReviewQueue(MethodView):
    @requires("steward")
    @blp.arguments(ReviewQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, ReviewPageSchema)
    def get(self, args):
        """POSSIBLY_SAME pairs to decide, highest business impact (`value`) or likeliest
        (`probability`) first, each with one record of each person (its compared facts side by
        side) and their why-not comparison. Each person shown is logged as `review.view`."""
        page = context.read_scored(lambda tx, model, thresholds:
                                   review.queue(tx, args["order"], args["limit"], args["cursor"], model, thresholds))
        for pair in page["pairs"]:       # the steward sees both persons' facts: a read, logged as one
            for side in ("a", "b"):
                audit.record_read(context.store(), key_id=g.principal.key_id, role=g.principal.role,
                                  purpose=None, action="review.view", person_id=pair[side]["personId"])
        return page


@blp.route("/review/<string:pair_id>")
class ReviewAnswer(MethodView):
    @requires("steward")
    @blp.arguments(ReviewAnswerSchema, unknown=RAISE)
    @blp.response(201, DecisionSchema, description=CHANGED)
    @blp.alt_response(404, description="No such pair in the queue")
    def post(self, args, pair_id: str):
        """Answer a pair: `same` merges the two persons, `different` keeps them apart for good;
        either way the answer is a labelled pair for `idgraph model train`."""
        result = context.store().write(review.answer, pair_id, args["answer"], args.get("reason"), _steward())
        return _audited("review.answer", result), 201


def _identifier_key(args: dict) -> str | None:
    """The disputed identifier or address, normalised exactly as ingestion does."""
    if args.get("identifier"):
        probe, field = {"identifiers": [args["identifier"]]}, "identifier"
    elif args.get("address"):
        probe, field = {"addresses": [args["address"]]}, "address"
    else:
        return None
    try:
        record = build_record({"source": "query", "sourceId": "query", **probe}, context.settings(), query=True)
    except InvalidRecord as exc:
        raise InvalidRecord(field, exc.reason) from None
    if not record.identifiers:
        raise InvalidRecord(field, "is no identifier (a blocked junk value, or an incomplete address)")
    return record.identifiers[0].key


@blp.route("/persons/<string:person_id>/feedback")
class Feedback(MethodView):
    @requires("agent", "steward")
    @blp.arguments(FeedbackSchema, unknown=RAISE)
    @blp.response(201, DecisionSchema, description="Feedback recorded")
    @blp.alt_response(404, description="No such person")
    @blp.alt_response(410, description="The person was erased")
    def post(self, args, person_id: str):
        """Feedback from an agent or on the customer's behalf: a `disputed fact` (kept, marked
        disputed, no longer used for answers or matching), a `wrong link` (the identifier is cut
        from the person, the record stays) or a `wrong prediction`. 422 when the person holds no
        such identifier."""
        result = context.store().write(feedback.give, person_id, args["kind"], _identifier_key(args),
                                       args.get("prediction"), args.get("reason"), args["onBehalfOfCustomer"],
                                       _steward())
        return _audited("person.feedback", result), 201


@blp.route("/feedback/<string:decision_id>")
class FeedbackRuling(MethodView):
    @requires("steward")
    @blp.arguments(FeedbackResolutionSchema, unknown=RAISE)
    @blp.response(200, DecisionSchema)
    @blp.alt_response(404, description="No such decision")
    def post(self, args, decision_id: str):
        """A steward's ruling on feedback: `confirmed` (the dispute stands) or `withdrawn` (the
        fact is used again, as before the dispute)."""
        result = context.store().write(feedback.rule, decision_id, args["outcome"], args.get("reason"), _steward())
        return _audited("person.feedback", result)
