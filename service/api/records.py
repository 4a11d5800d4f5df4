"""POST /v1/records and GET /v1/sources/{source}/records/{sourceId}."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE

from graph.reads.views import record_view
from graph.store import schema
from service import context
from service.api.bodies import batch_answer, load_json
from service.auditing import PURPOSE_HEADER_DOC, audited, read_purpose
from service.auth import requires
from service.loading import ingest_batches
from service.parsing import warnings_of
from service.schemas import BatchEnvelopeSchema, BatchResultSchema, PurposeQuerySchema, RecordViewSchema

blp = Blueprint("records", __name__, url_prefix="/v1", description="Ingest and read source records")
BATCH_DOC = {"requestBody": {"required": True, "content": {"application/json": {"schema": "BatchSchema"}}}}


@blp.route("/records")
class Records(MethodView):
    @requires("steward")
    @blp.doc(**BATCH_DOC)
    @blp.response(200, BatchResultSchema, description="Every record stored whole")
    @blp.alt_response(207, schema=BatchResultSchema, description="Records stored with fields set aside (each "
                      "result's `warnings`), or some stored and the others refused (`errors`)")
    @blp.alt_response(422, description="No record could be stored")
    def post(self):
        """Store up to 1,000 source records and resolve each to a person.

        Re-sending a record is idempotent. A malformed or implausible field (an e-mail or phone that does
        not parse, a partial address, an impossible birth date, an unknown country) is stored as given but
        set aside: never an identifier, reported in the result's `warnings` by field, and replaced when the
        corrected record is sent. Only a record that cannot be stored at all is refused, by index and field;
        the other records of the same batch are stored. A record carrying an identifier erased at a
        customer's request (the suppression list) is refused, naming the field.
        """
        settings = context.settings()
        items = load_json(BatchEnvelopeSchema)["records"]
        store = context.store()
        schema.ensure(store)
        results, errors = [], []
        for batch in ingest_batches(store, settings, items):
            results += [dict(vars(o), index=n, warnings=warnings_of(record))
                        for (n, record), o in zip(batch.good, batch.outcomes, strict=True)]
            errors += batch.errors
        return batch_answer(results, errors, "records")


@blp.route("/sources/<string:source>/records/<path:source_id>", parameters=[PURPOSE_HEADER_DOC])
class SourceRecord(MethodView):
    @requires("agent", "analyst", "privacy")
    @blp.arguments(PurposeQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, RecordViewSchema)
    @blp.alt_response(404, description="No such record")
    @audited("record.view")
    def get(self, args, source: str, source_id: str):
        """One source record as stored, with the person it resolved to.

        A record whose consent does not cover the declared purpose answers with its provenance only
        and a `withheld` entry saying why.
        """
        return context.store().read(record_view, source, source_id, read_purpose())
