"""POST /v1/social/edges (FOLLOWS, MENTIONS) and POST /v1/companies (SUBSIDIARY_OF)."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from graph.relationships.edges import build_companies, build_edges, store_companies, store_edges
from graph.store import schema
from service import context
from service.api.bodies import load_json
from service.auth import requires
from service.relation_schemas import CompaniesResultSchema, CompaniesSchema, SocialEdgesResultSchema, SocialEdgesSchema

blp = Blueprint("social", __name__, url_prefix="/v1", description="Social edges and company structure")


def _doc(name: str) -> dict:
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": name}}}}


@blp.route("/social/edges")
class SocialEdges(MethodView):
    @requires("steward")
    @blp.doc(**_doc("SocialEdgesSchema"))
    @blp.response(200, SocialEdgesResultSchema)
    @blp.alt_response(422, description="An edge is malformed; nothing was stored")
    def post(self):
        """Store up to 1,000 FOLLOWS/MENTIONS edges between social handles (idempotent)."""
        edges = build_edges(load_json(SocialEdgesSchema)["edges"])
        store = context.store()
        schema.ensure(store)
        return store.write(store_edges, edges)


@blp.route("/companies")
class Companies(MethodView):
    @requires("steward")
    @blp.doc(**_doc("CompaniesSchema"))
    @blp.response(200, CompaniesResultSchema)
    @blp.alt_response(422, description="A company is malformed or its parent would make a cycle")
    def post(self):
        """Register companies and, when given, their parent (SUBSIDIARY_OF); names match across spellings."""
        companies = build_companies(load_json(CompaniesSchema)["companies"])
        store = context.store()
        schema.ensure(store)
        return store.write(store_companies, companies)
