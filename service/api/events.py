"""POST /v1/events and GET /v1/persons/{personId}/timeline: touchpoints in, a person's timeline out."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE

from graph.errors import Invalid
from graph.events.timeline import timeline
from graph.store import schema
from service import context
from service.api.bodies import batch_answer, load_json
from service.auditing import PURPOSE_HEADER_DOC, audited, read_purpose
from service.auth import requires
from service.event_schemas import EventBatchResultSchema, EventEnvelopeSchema, TimelineQuerySchema, TimelineSchema
from service.loading import ingest_events_batches
from service.parsing import warnings_of

blp = Blueprint("events", __name__, url_prefix="/v1", description="Touchpoints and timelines")
BATCH_DOC = {"requestBody": {"required": True, "content": {"application/json": {"schema": "EventBatchSchema"}}}}


def _result(n: int, event, outcome) -> dict:
    return dict(vars(outcome), index=n, warnings=warnings_of(event))


@blp.route("/events")
class Events(MethodView):
    @requires("steward")
    @blp.doc(**BATCH_DOC)
    @blp.response(200, EventBatchResultSchema, description="Every event stored whole")
    @blp.alt_response(207, schema=EventBatchResultSchema, description="Events stored with identifiers set aside "
                      "(each result's `warnings`), or some stored and the others refused (`errors`)")
    @blp.alt_response(422, description="No event could be stored")
    def post(self):
        """Store up to 1,000 touchpoints (stays, orders, calls, cases, web visits ...), each attached to the
        person its identifiers resolve to.

        Idempotent by `source` + `eventId`: the same event again is `unchanged`, a changed one (a case now
        resolved) `updated`. An event never merges persons: it joins the person holding most of its
        identifiers, or none (`personId` null, `attachReason` says why) when no one or several equally hold
        them; a re-send attaches it once someone does. A malformed identifier is set aside with a warning,
        an event carrying an erased identifier (suppression list) is refused naming the field.
        """
        items = load_json(EventEnvelopeSchema)["events"]
        store = context.store()
        schema.ensure(store)
        results, errors = [], []
        for batch in ingest_events_batches(store, context.settings(), items):
            results += [_result(n, event, o) for (n, event), o in zip(batch.good, batch.outcomes, strict=True)]
            errors += batch.errors
        return batch_answer(results, errors, "events", unattached=sum(1 for r in results if not r["personId"]))


@blp.route("/persons/<string:person_id>/timeline", parameters=[PURPOSE_HEADER_DOC])
class Timeline(MethodView):
    @requires("agent", "analyst", "privacy")
    @blp.arguments(TimelineQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, TimelineSchema)
    @blp.alt_response(404, description="No such person")
    @blp.alt_response(410, description="The person was erased")
    @audited("person.timeline")
    def get(self, args, person_id: str):
        """A person's touchpoints across every silo, newest first (`kinds`, `from`, `to` days inclusive);
        pass `nextCursor` back as `cursor`.

        Events whose consent does not cover the declared purpose are left out and counted in
        `withheldCount`. A merged-away id answers for the survivor with `redirectedFrom`.
        """
        if args["from_"] and args["to"] and args["to"] < args["from_"]:
            raise Invalid({"query.to": ["is before from"]})
        # each statement an auto-commit read: no BEGIN and COMMIT round trips (Store.read_each)
        return context.store().read_each(timeline, person_id, read_purpose(), args["kinds"], args["from_"], args["to"],
                                    args["limit"], args["cursor"])
