"""POST /v1/social/edges (FOLLOWS, MENTIONS) and POST /v1/companies (SUBSIDIARY_OF)."""
from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import ValidationError

from graph.intake.records import RecordError
from graph.relationships.edges import CycleError, build_companies, build_edges, store_companies, store_edges
from graph.store import schema
from service import context
from service.auth import requires
from service.errors import unprocessable
from service.relation_schemas import CompaniesResultSchema, CompaniesSchema, SocialEdgesResultSchema, SocialEdgesSchema
from service.schemas import flatten_errors

blp = Blueprint("social", __name__, url_prefix="/v1", description="Social edges and company structure")


def _body(schema_cls):
    try:
        return schema_cls().load(request.get_json(silent=True) or {})
    except ValidationError as exc:
        unprocessable(flatten_errors(exc.messages))


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
        try:
            edges = build_edges(_body(SocialEdgesSchema)["edges"])
        except RecordError as exc:
            unprocessable({exc.field: [exc.reason]})
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
        try:
            companies = build_companies(_body(CompaniesSchema)["companies"])
        except RecordError as exc:
            unprocessable({exc.field: [exc.reason]})
        store = context.store()
        schema.ensure(store)
        try:
            return store.write(store_companies, companies)
        except CycleError as exc:
            unprocessable({exc.field: [exc.reason]})
