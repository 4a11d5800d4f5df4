"""/v1/keys: API keys for admins (the same use cases as `idgraph keys`)."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from graph.access import apikeys
from graph.errors import NotFound
from service import context
from service.auth import requires
from service.schemas import IssuedKeySchema, KeyListSchema, NewKeySchema

blp = Blueprint("keys", __name__, url_prefix="/v1", description="API keys (admin)")


@blp.route("/keys")
class Keys(MethodView):
    @requires()
    @blp.response(200, KeyListSchema)
    def get(self):
        """Every key ever issued, with its role and revocation time; never the key or its hash."""
        return {"keys": apikeys.list_keys(context.store())}

    @requires()
    @blp.arguments(NewKeySchema)
    @blp.response(201, IssuedKeySchema)
    def post(self, args):
        """Issue a key for a role. The key is in this response only; the graph keeps its hash."""
        return vars(apikeys.issue(context.store(), args["role"], args["name"]))


@blp.route("/keys/<string:key_id>")
class KeyById(MethodView):
    @requires()
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    def delete(self, key_id: str):
        """Revoke a key (idempotent): requests with it are refused from now on."""
        if not apikeys.revoke(context.store(), key_id):
            raise NotFound(f"no API key {key_id}")
