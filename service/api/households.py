"""Households: members, household devices and the events that went to the household."""
from __future__ import annotations

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE

from graph.access import audit
from graph.events.household import household_view
from service import context
from service.auditing import PURPOSE_HEADER_DOC, read_purpose
from service.auth import requires
from service.history_schemas import HouseholdSchema
from service.schemas import PurposeQuerySchema

blp = Blueprint("households", __name__, url_prefix="/v1", description="Households")


@blp.route("/households/<string:household_id>", parameters=[PURPOSE_HEADER_DOC])
class Household(MethodView):
    @requires("agent", "analyst", "privacy")
    @blp.arguments(PurposeQuerySchema, location="query", unknown=RAISE)
    @blp.response(200, HouseholdSchema)
    @blp.alt_response(404, description="No such household (they come from the analytics refresh)")
    def get(self, args, household_id: str):
        """A household: its members, its devices (a device two members hold equally is the household's) and
        the latest events on them that the declared purpose may use (by each event's own consent).

        Every member's read is audited (action household.view).
        """
        purpose = read_purpose()
        view = context.store().read(household_view, household_id, purpose)
        for member in view["members"]:
            audit.record_read(context.store(), key_id=g.principal.key_id, role=g.principal.role,
                              purpose=purpose, action="household.view", person_id=member["personId"])
        return view
