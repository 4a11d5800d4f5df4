"""A customer's rights: consent changes and subject access (erasure is DELETE /v1/persons/{id})."""
from __future__ import annotations

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE

from graph.access import audit
from graph.privacy import rights
from service import context
from service.auditing import PURPOSE_HEADER_DOC, audited
from service.auth import requires
from service.schemas import ConsentChangeSchema, ConsentResultSchema, ExportSchema, PurposeQuerySchema

blp = Blueprint("privacy", __name__, url_prefix="/v1", description="Consent, subject access and erasure")


@blp.route("/persons/<string:person_id>/consent")
class Consent(MethodView):
    @requires("agent", "steward", "privacy")
    @blp.arguments(ConsentChangeSchema, unknown=RAISE)
    @blp.response(201, ConsentResultSchema, description="The change was recorded")
    @blp.alt_response(200, schema=ConsentResultSchema, description="This very change was already recorded")
    @blp.alt_response(404, description="No such person")
    @blp.alt_response(410, description="The person was erased")
    def post(self, change, person_id: str):
        """Record a customer's consent change for one purpose, with its date and source.

        It applies to every record the person holds now and stays with each record through merges
        and splits; a record's effective consent is its newest statement. Sending the same change
        again changes nothing (200, `created: false`).
        """
        result = context.store().write(rights.record_consent_change, person_id, change, g.principal.key_id)
        return result, (201 if result["created"] else 200)


@blp.route("/persons/<string:person_id>/export", parameters=[PURPOSE_HEADER_DOC])
class Export(MethodView):
    @requires("privacy")
    @blp.arguments(PurposeQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, ExportSchema)
    @blp.alt_response(404, description="No such person")
    @blp.alt_response(410, description="The person was erased")
    @audited("person.export")
    def get(self, args, person_id: str):
        """Everything held about a person (subject access), unfiltered by purpose: records as stored
        with provenance and consent, identifiers, inferences and the log of who looked them up."""
        audit.flush(context.store())   # the export lists the person's reads: the local log's too
        return context.store().read(rights.export, person_id)
