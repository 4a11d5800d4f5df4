"""Who is this: lookups by identifier, person views and the person list."""
from __future__ import annotations

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE

from graph.config import Settings
from graph.errors import InvalidRecord
from graph.history.reads import withhold_deceased
from graph.intake.records import build_record
from graph.lifecycle import definition
from graph.lifecycle.reads import persons_page_with_status
from graph.privacy import rights
from graph.reads.views import identifier_key, person_view, persons_page, whois
from graph.signals.reads import person_signals
from graph.store.driver import Store
from service import context
from service.api.signals import signal_rules
from service.auditing import PURPOSE_HEADER_DOC, audited, read_purpose
from service.auth import requires
from service.event_schemas import PersonsQuerySchema
from service.plain_dump import dumped_as
from service.schemas import (
    ErasureSchema,
    PersonSchema,
    PersonsPageSchema,
    PurposeQuerySchema,
    WhoisQuerySchema,
)

blp = Blueprint("persons", __name__, url_prefix="/v1", description="Who is this")


def whois_answer(store: Store, settings: Settings, args: dict, purpose: str) -> dict:
    """GET /v1/whois's answer to its validated query `args` (also served by service/lean_whois.py)."""
    return store.read_each(whois, _lookup_key(args, settings), purpose)


def _lookup_key(args: dict, settings: Settings) -> str:
    """Normalise the asked identifier exactly as ingestion does."""
    item = {k: args[k] for k in ("type", "value", "platform", "system") if k in args}
    probe = {"source": "query", "sourceId": "query", "identifiers": [item]}
    try:
        record = build_record(probe, settings, query=True)
    except InvalidRecord as exc:   # name the query's field: `value`, not `identifiers[0].value`
        raise InvalidRecord(exc.field.replace("identifiers[0].", ""), exc.reason) from None
    if not record.identifiers:
        raise InvalidRecord("value", "is a blocked junk value that never identifies anyone")
    return identifier_key(args["type"], record.identifiers[0].value)


@blp.route("/whois", parameters=[PURPOSE_HEADER_DOC])
class Whois(MethodView):
    @requires("agent", "analyst", "privacy")
    @blp.arguments(WhoisQuerySchema(), location="query", unknown=RAISE)   # an instance: not one a request
    @blp.response(200, PersonSchema)
    @blp.alt_response(404, description="No person holds this identifier")
    @dumped_as(PersonSchema())   # PersonSchema's dump, without walking it through marshmallow
    @audited("whois")
    def get(self, args):
        """The person behind an identifier, how they are tied to each record, and their value.

        Facts from records whose consent does not cover the declared purpose are withheld and listed
        in `withheld` (without their values).
        """
        return whois_answer(context.store(), context.settings(), args, read_purpose())


@blp.route("/persons/<string:person_id>", parameters=[PURPOSE_HEADER_DOC])
class PersonView(MethodView):
    @requires("agent", "analyst", "privacy")
    @blp.arguments(PurposeQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, PersonSchema)
    @blp.alt_response(404, description="No such person")
    @blp.alt_response(410, description="The person was erased")
    @audited("person.view")
    def get(self, args, person_id: str):
        """A person by id; a merged-away id answers with the surviving person and `redirectedFrom`.

        Facts are filtered by the declared purpose like `/v1/whois`; an erased person answers 410.
        `signals`: their open signals of dissatisfaction, as `/v1/persons/{personId}/signals`.
        """
        view = context.store().read_each(person_view, person_id, None, read_purpose())
        view["signals"] = context.store().read_each(person_signals, view["personId"], read_purpose(),
                                                    signal_rules())["signals"]
        return view

    @requires("privacy")
    @blp.response(200, ErasureSchema)
    @blp.alt_response(404, description="No such person")
    @blp.alt_response(410, description="The person was already erased")
    def delete(self, person_id: str):
        """Erase a person (right to erasure): records, unshared identifiers, derived facts.

        Erased identifiers go on the suppression list as keyed hashes, so a later record carrying one is
        refused. Logged as an audit event with counts only. A second DELETE answers 410.
        """
        return rights.erase(context.store(), context.settings(), person_id,
                             g.principal.key_id, g.principal.role)


@blp.route("/persons")
class Persons(MethodView):
    @requires("analyst")
    @blp.arguments(PersonsQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, PersonsPageSchema)
    def get(self, args):
        """Page through all persons with their record keys (pass nextCursor back as cursor).

        Ids, display names and record keys only: no identifier values (e-mails, phones, cards ...).
        `status` keeps only persons of that lifecycle status (overall, or in `lineOfBusiness`); for a
        `purpose` death bars (marketing), deceased persons are moved to `withheld` with the reason.
        """
        if args.get("status"):
            page = context.store().read(persons_page_with_status, args["limit"], args["cursor"],
                                        definition.load(context.settings().lifecycle_file), args["status"],
                                        args.get("lineOfBusiness"))
        else:
            page = context.store().read(persons_page, args["limit"], args["cursor"])
        return context.store().read(withhold_deceased, page, args.get("purpose"))
