"""Signals of dissatisfaction: one person's, and the people service teams should contact first."""
from __future__ import annotations

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE

from graph.access import audit
from graph.signals import rules
from graph.signals.reads import listing, person_signals
from service import context
from service.auditing import PURPOSE_HEADER_DOC, audited, read_purpose
from service.auth import requires
from service.schemas import PurposeQuerySchema
from service.signal_schemas import PersonSignalsSchema, SignalListSchema, SignalsQuerySchema

blp = Blueprint("signals", __name__, url_prefix="/v1", description="Signals of dissatisfaction")


def signal_rules() -> rules.Rules:
    return rules.load(context.settings().signals_file)


@blp.route("/signals", parameters=[PURPOSE_HEADER_DOC])
class Signals(MethodView):
    @requires("agent", "analyst")
    @blp.arguments(SignalsQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, SignalListSchema)
    def get(self, args):
        """People to contact first: everyone with an open signal (a case open too long, a complaint, a
        visit to a cancellation page, falling activity), highest customer value first; pass `nextCursor`
        back as `cursor`.

        As of the last `idgraph analytics refresh`, which computes the signals and the values. Filtered by
        the declared purpose; every person listed is logged in the audit log (`signals.list`).
        """
        purpose = read_purpose()
        answer = context.store().read(listing, purpose, args["kind"], args["order"], args["limit"], args["cursor"])
        audit.record_reads(context.store(), key_id=g.principal.key_id, role=g.principal.role, purpose=purpose,
                           action="signals.list", person_ids=[p["personId"] for p in answer["persons"]])
        return answer


@blp.route("/persons/<string:person_id>/signals", parameters=[PURPOSE_HEADER_DOC])
class PersonSignals(MethodView):
    @requires("agent", "analyst", "privacy")
    @blp.arguments(PurposeQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, PersonSignalsSchema)
    @blp.alt_response(404, description="No such person")
    @blp.alt_response(410, description="The person was erased")
    @audited("person.signals")
    def get(self, args, person_id: str):
        """A person's open signals of dissatisfaction now, each with since when and its evidence (events),
        by the signal rules in use (IDGRAPH_SIGNALS, else the shipped default). Signals whose evidence the
        purpose may not use are left out and counted in `withheldCount`."""
        return context.store().read_each(person_signals, person_id, read_purpose(), signal_rules())
