"""Who a person is connected to and why they matter: relationships, influence and the ranking."""
from __future__ import annotations

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE

from graph.access import audit
from graph.lifecycle import definition
from graph.lifecycle.reads import ranking_with_status
from graph.relationships.influence import influence, ranking
from graph.relationships.network import relationships
from service import context
from service.auditing import PURPOSE_HEADER_DOC, audited, read_purpose
from service.auth import requires
from service.event_schemas import RankingStatusQuerySchema
from service.relation_schemas import (
    InfluenceSchema,
    RankingSchema,
    RelationshipsQuerySchema,
    RelationshipsSchema,
)
from service.schemas import PurposeQuerySchema

blp = Blueprint("relationships", __name__, url_prefix="/v1", description="Relationships and influence")


@blp.route("/persons/<string:person_id>/relationships", parameters=[PURPOSE_HEADER_DOC])
class PersonRelationships(MethodView):
    @requires("agent", "analyst")
    @blp.arguments(RelationshipsQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, RelationshipsSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(410, description="The person was erased")
    @audited("person.relationships")
    def get(self, args, person_id: str):
        """Households, work and social ties up to `depth` hops, each with its evidence.

        For the declared purpose: a person none of whose records it may use is left out with their ties,
        and so is a job only a withheld record states (`withheld` counts them). Audited.
        """
        return context.store().read(relationships, person_id, args["kinds"], args["depth"], None, read_purpose())


@blp.route("/persons/<string:person_id>/influence", parameters=[PURPOSE_HEADER_DOC])
class PersonInfluence(MethodView):
    @requires("agent", "analyst")
    @blp.arguments(PurposeQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, InfluenceSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(410, description="The person was erased")
    @audited("person.influence")
    def get(self, args, person_id: str):
        """Reach, network influence (PageRank), business influence, customer value and a priority with reasons.

        Derived from all of the person's records: withheld (`withheld` says why) when the declared purpose
        may not use one of them, as the person view's scores are. Audited.
        """
        return context.store().read(influence, person_id, None, read_purpose())


@blp.route("/influence/ranking", parameters=[PURPOSE_HEADER_DOC])
class InfluenceRanking(MethodView):
    @requires("analyst")
    @blp.arguments(RankingStatusQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, RankingSchema)
    def get(self, args):
        """Persons by value, reach or priority as of the last `idgraph analytics refresh`; `status` keeps
        only persons of that lifecycle status (overall, or in `lineOfBusiness`).

        For the declared purpose: a person one of whose records it may not use is left out (their scores
        derive from all of them; `withheldCount`). Every person listed is logged as `influence.ranking`.
        """
        purpose = read_purpose()
        if args.get("status"):
            answer = context.store().read(ranking_with_status, args["order"], args["limit"],
                                          definition.load(context.settings().lifecycle_file), args["status"],
                                          args.get("lineOfBusiness"), purpose)
        else:
            answer = context.store().read(ranking, args["order"], args["limit"], purpose)
        audit.record_reads(context.store(), key_id=g.principal.key_id, role=g.principal.role, purpose=purpose,
                           action="influence.ranking", person_ids=[p["personId"] for p in answer["persons"]])
        return answer
