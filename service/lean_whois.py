"""GET /v1/whois's ordinary requests answered without Flask's dispatch (issue 17: who-is-this speed).

A WSGI middleware in front of the Flask app. A request it can answer (GET /v1/whois, no body, a
valid key whose role the route admits, a query that validates, a purpose that is valid, a token in
the key's bucket) it answers with the same steps as the Flask view, through the same functions:
`auth.presented_key`, `apikeys.authenticate`, `auth.take_token`, `WhoisQuerySchema`,
`auditing.purpose_of`, `persons.whois_answer`, `auditing.log_read` (the answer goes out only once its
audit event is durable) and PersonSchema's plain dump, in Flask's JSON. An error after the token
(404, 410, 422, 503, 500) is answered by the app's own error handlers. Every other request,
refusals included, goes to the Flask app untouched and takes no token here, so Flask answers
401/403/422/429 as before and the key's bucket is charged once.

Why: Flask, werkzeug routing, flask-smorest and webargs cost about a fifth of a who-is-this's CPU
in the API, the hottest route of the service. The OpenAPI document still comes from the Flask view.
"""
from __future__ import annotations

from urllib.parse import parse_qsl

from flask import Flask
from marshmallow import RAISE, ValidationError

from graph.access import apikeys
from graph.errors import Invalid
from service import auth
from service.api import persons
from service.auditing import PURPOSE_HEADER, log_read, purpose_of
from service.plain_dump import plain_dump
from service.schemas import PersonSchema, WhoisQuerySchema

PATH = "/v1/whois"
_PURPOSE_ENVIRON = "HTTP_" + PURPOSE_HEADER.upper().replace("-", "_")


class LeanWhois:
    """`app.wsgi_app = LeanWhois(app, app.wsgi_app)`: the test client and every server go through it;
    `fallback` (Flask's own wsgi_app) answers every request it does not."""

    def __init__(self, app: Flask, wsgi_app):
        self._app, self.fallback = app, wsgi_app
        self._idgraph = app.extensions["idgraph"]    # read per request, as service.context does
        self._roles = persons.Whois.get.required_roles
        self._query = WhoisQuerySchema()
        self._dump = plain_dump(PersonSchema())

    def __call__(self, environ, start_response):
        ready = self._admitted(environ) if self._ours(environ) else None
        if ready is None:
            return self.fallback(environ, start_response)
        principal, args, purpose = ready
        try:
            store = self._idgraph["store"]
            result = persons.whois_answer(store, self._idgraph["settings"], args, purpose)
            log_read(store, principal, purpose, "whois", result)
            response = self._app.json.response(self._dump(result))   # as @dumped_as answers
        except Exception as exc:  # noqa: BLE001 - every error goes to the app's handlers, as in Flask
            response = self._error(environ, exc)
        return response(environ, start_response)

    @staticmethod
    def _ours(environ) -> bool:
        return (environ.get("PATH_INFO") == PATH and environ.get("REQUEST_METHOD") == "GET"
                and environ.get("CONTENT_LENGTH", "") in ("", "0") and "HTTP_TRANSFER_ENCODING" not in environ)

    def _admitted(self, environ):
        """(principal, query, purpose) when the request passes every check Flask makes before the
        view, the token taken last; None (nothing taken) when Flask should answer it."""
        key = auth.presented_key(environ.get("HTTP_AUTHORIZATION", ""), environ.get("HTTP_X_API_KEY", ""))
        try:
            principal = apikeys.authenticate(self._idgraph["store"], key) if key else None
        except Exception:  # noqa: BLE001 - the store is down: Flask asks again and answers 503
            return None
        if principal is None or principal.role not in self._roles:
            return None
        query = _query_of(environ)
        if query is None:
            return None
        try:
            args = self._query.load(query, unknown=RAISE)
            purpose = purpose_of(query.get("purpose"), environ.get(_PURPOSE_ENVIRON))
        except (ValidationError, Invalid):
            return None
        if auth.take_token(self._app, principal.key_id):
            return None   # over the limit: Flask takes again (refused again) and answers 429
        return principal, args, purpose

    def _error(self, environ, exc: Exception):
        """The response Flask's error handlers give `exc` raised in the view."""
        with self._app.request_context(environ):
            return self._app.finalize_request(self._app.handle_user_exception(exc))


def _query_of(environ) -> dict[str, str] | None:
    """The query string as werkzeug's `request.args` reads it; None when a name repeats or it is not
    UTF-8 (Flask decides those)."""
    try:
        pairs = parse_qsl(environ.get("QUERY_STRING", "").encode("latin-1").decode(),
                          keep_blank_values=True, errors="werkzeug.url_quote")
    except UnicodeError:
        return None
    query = dict(pairs)
    return query if len(query) == len(pairs) else None
