"""Who a person is connected to and why they matter: relationships, influence and the ranking."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE

from graph.lifecycle import definition
from graph.lifecycle.reads import ranking_with_status
from graph.relationships.influence import influence, ranking
from graph.relationships.network import relationships
from service import context
from service.auth import requires
from service.event_schemas import RankingStatusQuerySchema
from service.relation_schemas import (
    InfluenceSchema,
    RankingSchema,
    RelationshipsQuerySchema,
    RelationshipsSchema,
)

blp = Blueprint("relationships", __name__, url_prefix="/v1", description="Relationships and influence")


@blp.route("/persons/<string:person_id>/relationships")
class PersonRelationships(MethodView):
    @requires("agent", "analyst")
    @blp.arguments(RelationshipsQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, RelationshipsSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args, person_id: str):
        """Households, work and social ties up to `depth` hops, each with its evidence."""
        return context.store().read(relationships, person_id, args["kinds"], args["depth"])


@blp.route("/persons/<string:person_id>/influence")
class PersonInfluence(MethodView):
    @requires("agent", "analyst")
    @blp.response(200, InfluenceSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, person_id: str):
        """Reach, network influence (PageRank), business influence, customer value and a priority with reasons."""
        return context.store().read(influence, person_id)


@blp.route("/influence/ranking")
class InfluenceRanking(MethodView):
    @requires("analyst")
    @blp.arguments(RankingStatusQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, RankingSchema)
    def get(self, args):
        """Persons by value, reach or priority as of the last `idgraph analytics refresh`; `status` keeps
        only persons of that lifecycle status (overall, or in `lineOfBusiness`)."""
        if args.get("status"):
            return context.store().read(ranking_with_status, args["order"], args["limit"],
                                        definition.load(context.settings().lifecycle_file), args["status"],
                                        args.get("lineOfBusiness"))
        return context.store().read(ranking, args["order"], args["limit"])
