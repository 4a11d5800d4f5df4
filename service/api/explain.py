"""Why a record is in a person, why two records are (not) one person, and the fuzzy who-is-this search."""
from __future__ import annotations

import functools

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE

from graph.access import audit
from graph.errors import InvalidRecord
from graph.intake.records import build_record
from graph.reads.explain_reads import why, why_not
from graph.reads.search_reads import search_persons
from service import context
from service.auditing import PURPOSE_HEADER_DOC, audited, read_purpose
from service.auth import requires
from service.explain_schemas import (
    SearchResultSchema,
    WhoisSearchSchema,
    WhyNotQuerySchema,
    WhyNotSchema,
    WhyQuerySchema,
    WhySchema,
)
from service.schemas import PurposeQuerySchema

blp = Blueprint("explain", __name__, url_prefix="/v1", description="Explanations and fuzzy who-is-this")

WHY_ACTION, WHY_NOT_ACTION, SEARCH_ACTION = "person.why", "persons.why-not", "whois.search"


def audited_persons(action: str, person_ids):
    """Log `action` on every person `person_ids(result)` names, after the read and before the answer."""
    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            purpose = read_purpose()
            result = view(*args, **kwargs)
            for person_id in dict.fromkeys(filter(None, person_ids(result))):
                audit.record_read(context.store(), key_id=g.principal.key_id, role=g.principal.role,
                                  purpose=purpose, action=action, person_id=person_id)
            return result
        return wrapper
    return decorator


@blp.route("/persons/<string:person_id>/why", parameters=[PURPOSE_HEADER_DOC])
class PersonWhy(MethodView):
    @requires("agent", "analyst", "privacy")
    @blp.arguments(WhyQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, WhySchema)
    @blp.alt_response(404, description="No such person, or the record is not one of theirs")
    @blp.alt_response(410, description="The person was erased")
    @audited(WHY_ACTION)
    def get(self, args, person_id: str):
        """What holds a record in a person: shared identifiers and, against each of the person's
        other records, every comparison's level and match weight, plus the match probability.

        Records whose consent does not cover the declared purpose inform nothing and are listed in
        `withheld`."""
        purpose = read_purpose()
        return context.read_scored(lambda tx, model, thresholds:
                                   why(tx, person_id, args["record"], model, thresholds, purpose))


@blp.route("/why-not", parameters=[PURPOSE_HEADER_DOC])
class WhyNot(MethodView):
    @requires("agent", "analyst", "steward", "privacy")
    @blp.arguments(WhyNotQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, WhyNotSchema)
    @blp.alt_response(404, description="No such record")
    @audited_persons(WHY_NOT_ACTION, lambda result: (result["a"]["personId"], result["b"]["personId"]))
    def get(self, args):
        """Two records: are they one person, how well they match, and what keeps them apart
        (threshold, conflicting facts, block-listed or generic value, validity periods).

        If either record's consent does not cover the declared purpose, only whether they are one
        person is answered, with `withheld`."""
        purpose = read_purpose()
        return context.read_scored(lambda tx, model, thresholds:
                                   why_not(tx, args["a"], args["b"], model, thresholds, purpose))


def _probe(args: dict):
    """The query as a record, normalised exactly as ingestion normalises one."""
    identifiers = [{"type": kind, "value": args[kind]} for kind in ("phone", "email") if args.get(kind)]
    address = dict(args.get("address") or {})
    if args.get("postcode"):
        address["postcode"] = args["postcode"]
    data = {"source": "query", "sourceId": "query", "name": args.get("name"), "birthDate": args.get("birthDate"),
            "gender": args.get("gender"), "identifiers": identifiers,
            "addresses": [address] if any(address.values()) else []}
    try:
        record = build_record(data, context.settings(), query=True)
    except InvalidRecord as exc:
        raise InvalidRecord(_query_field(exc.field, identifiers), exc.reason) from None
    if not record.identifiers and not record.family_key and not record.given_key:
        raise InvalidRecord("_schema", "nothing to search on: give a name, an address or postcode, a phone or an "
                                       "e-mail that is not a blocked junk value")
    return record


def _query_field(field: str, identifiers: list[dict]) -> str:
    """A probe record's field path as the query names it: identifiers[1].value -> email."""
    if field.startswith("identifiers["):
        index = int(field[len("identifiers["):field.index("]")])
        return identifiers[index]["type"]
    return field.replace("addresses[0]", "address")


@blp.route("/whois/search", parameters=[PURPOSE_HEADER_DOC])
class WhoisSearch(MethodView):
    @requires("agent", "analyst", "privacy")
    @blp.arguments(PurposeQuerySchema, location="query", unknown=RAISE)
    @blp.arguments(WhoisSearchSchema)
    @blp.response(200, SearchResultSchema)
    @audited_persons(SEARCH_ACTION, lambda result: (c["personId"] for c in result["candidates"]))
    def post(self, query, args):
        """Candidate persons for a partial description (any of name, birth date, address or
        postcode, phone, e-mail), best first, each with its match probability and why.
        Nothing above the floor (`minProbability`) is an empty list, not a guess. Only records
        whose consent covers the declared purpose are matched against."""
        probe, purpose = _probe(args), read_purpose()
        return context.read_scored(lambda tx, model, _:
                                   search_persons(tx, probe, model, args["minProbability"], args["limit"], purpose))
