"""GET /v1/audit: who read a person, when, with which key and role, and why."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE

from graph.access.audit import events_page, flush
from service import context
from service.auth import requires
from service.schemas import AuditPageSchema, AuditQuerySchema

blp = Blueprint("audit", __name__, url_prefix="/v1", description="Who read a person")


@blp.route("/audit")
class Audit(MethodView):
    @requires("privacy")
    @blp.arguments(AuditQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, AuditPageSchema)
    def get(self, args):
        """A person's reads, newest first (pass nextCursor back as cursor).

        Includes reads of ids since merged into this person; an unknown or erased id answers an empty list.
        """
        flush(context.store())   # the events still in this process's local audit log, if it has one
        return context.store().read(events_page, args["personId"], args["limit"], args["cursor"])
