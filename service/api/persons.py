"""Who is this: lookups by identifier, person views and the person list."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE

from graph.records import RecordError, build_record
from graph.views import identifier_key, person_view, persons_page, whois
from service import context
from service.auditing import PURPOSE_HEADER_DOC, audited
from service.auth import requires
from service.errors import unprocessable
from service.schemas import PageQuerySchema, PersonSchema, PersonsPageSchema, PurposeQuerySchema, WhoisQuerySchema

blp = Blueprint("persons", __name__, url_prefix="/v1", description="Who is this")


def _lookup_key(args: dict) -> str:
    """Normalise the asked identifier exactly as ingestion does."""
    item = {k: args[k] for k in ("type", "value", "platform", "system") if k in args}
    probe = {"source": "query", "sourceId": "query", "identifiers": [item]}
    try:
        record = build_record(probe, context.settings())
    except RecordError as exc:
        unprocessable({exc.field.replace("identifiers[0].", ""): [exc.reason]})
    if not record.identifiers:
        unprocessable({"value": ["is a blocked junk value that never identifies anyone"]})
    return identifier_key(args["type"], record.identifiers[0].value)


@blp.route("/whois", parameters=[PURPOSE_HEADER_DOC])
class Whois(MethodView):
    @requires("agent", "analyst", "privacy")
    @blp.arguments(WhoisQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, PersonSchema)
    @audited("whois")
    def get(self, args):
        """The person behind an identifier, how they are tied to each record, and their value."""
        return context.store().read(whois, _lookup_key(args))


@blp.route("/persons/<string:person_id>", parameters=[PURPOSE_HEADER_DOC])
class PersonView(MethodView):
    @requires("agent", "analyst", "privacy")
    @blp.arguments(PurposeQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, PersonSchema)
    @audited("person.view")
    def get(self, args, person_id: str):
        """A person by id; a merged-away id answers with the surviving person and `redirectedFrom`."""
        return context.store().read(person_view, person_id)


@blp.route("/persons")
class Persons(MethodView):
    @requires("analyst")
    @blp.arguments(PageQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, PersonsPageSchema)
    def get(self, args):
        """Page through all persons with their record keys (pass nextCursor back as cursor).

        Ids, display names and record keys only: no identifier values (e-mails, phones, cards ...).
        """
        return context.store().read(persons_page, args["limit"], args["cursor"])
