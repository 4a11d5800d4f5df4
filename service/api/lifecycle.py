"""Lifecycle status: a person's, the customer summary, and an acquired source's overlap."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE

from graph.lifecycle import definition
from graph.lifecycle.reads import customers_summary, person_lifecycle, source_overlap
from service import context
from service.auditing import PURPOSE_HEADER_DOC, audited, read_purpose
from service.auth import requires
from service.event_schemas import CustomersSummarySchema, LifecycleSchema, OverlapSchema
from service.schemas import PurposeQuerySchema

blp = Blueprint("lifecycle", __name__, url_prefix="/v1", description="Who is a customer")


def _definition() -> definition.Definition:
    return definition.load(context.settings().lifecycle_file)


@blp.route("/persons/<string:person_id>/lifecycle", parameters=[PURPOSE_HEADER_DOC])
class PersonLifecycle(MethodView):
    @requires("agent", "analyst", "privacy")
    @blp.arguments(PurposeQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, LifecycleSchema)
    @blp.alt_response(404, description="No such person")
    @blp.alt_response(410, description="The person was erased")
    @audited("person.lifecycle")
    def get(self, args, person_id: str):
        """Customer, former customer, known or new prospect: per line of business and overall, since when,
        with the purchases that decide (event keys), and the white space (lines never bought in).

        Judged by the lifecycle definition in use (IDGRAPH_LIFECYCLE, else the shipped default), from the
        purchases the declared purpose may use (`withheldCount` counts the others).
        """
        return context.store().read(person_lifecycle, person_id, _definition(), None, read_purpose())


@blp.route("/customers/summary")
class CustomersSummary(MethodView):
    @requires("analyst")
    @blp.response(200, CustomersSummarySchema)
    def get(self):
        """Active persons counted by lifecycle status, overall and per line of business, with white space.

        Counts only: no person is named, so nothing is audited.
        """
        return customers_summary(context.store(), _definition())


@blp.route("/sources/<string:source>/overlap")
class SourceOverlap(MethodView):
    @requires("analyst")
    @blp.response(200, OverlapSchema)
    def get(self, source: str):
        """An acquired source's customer base against the brand's: its persons by status under its own
        definition, and of its customers how many were already known from other sources (as what) and
        how many are new. Counts only."""
        return context.store().read(source_overlap, source, _definition())
