"""Liveness and readiness probes: open, no API key."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from graph.errors import StoreUnavailable
from graph.store import schema
from service import context
from service.schemas import HealthSchema, ReadySchema

blp = Blueprint("health", __name__, description="Probes")


@blp.route("/healthz")
class Health(MethodView):
    @blp.doc(security=[])
    @blp.response(200, HealthSchema)
    def get(self):
        """The process is up."""
        return {"status": "ok"}


@blp.route("/readyz")
class Ready(MethodView):
    @blp.doc(security=[])
    @blp.response(200, ReadySchema)
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    def get(self):
        """The graph database answers; 503 with Retry-After otherwise."""
        store = context.store()
        if not store.ping():
            raise StoreUnavailable("the graph database does not answer")
        schema.ensure(store)
        return {"status": "ready", "database": context.settings().database}
