"""One JSON error shape for every error: {code, status, message, errors?}."""
from __future__ import annotations

import logging

from flask import jsonify
from flask_smorest import abort
from werkzeug.exceptions import HTTPException, InternalServerError

from graph.store.driver import StoreUnavailable
from graph.views import NotFound
from service.schemas import flatten_errors

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5


def _payload(code: int, status: str, message: str, errors: dict | None = None):
    body = {"code": code, "status": status, "message": message}
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = code
    return response


def init_app(app, api) -> None:
    @app.errorhandler(StoreUnavailable)
    def _unavailable(exc):
        log.warning("store unavailable: %s", exc)
        response = _payload(503, "Service Unavailable",
                            "the graph database is unreachable; retry after a few seconds")
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    @app.errorhandler(NotFound)
    def _not_found(exc):
        return _payload(404, "Not Found", str(exc))

    @app.errorhandler(HTTPException)
    def _http(exc):
        data = getattr(exc, "data", {}) or {}
        messages = data.get("messages")
        errors = data.get("errors")
        if messages:
            errors = {f"{where}.{field}" if field != "_schema" else where: reasons
                      for where, fields in messages.items()
                      for field, reasons in flatten_errors(fields).items()}
        message = data.get("message") or exc.description or exc.name
        if exc.code == 422 and errors:
            message = "the request is not valid: " + "; ".join(f"{k}: {v[0]}" for k, v in list(errors.items())[:5])
        response = _payload(exc.code, exc.name, message, errors)
        if getattr(exc, "valid_methods", None):
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc):
        log.exception("unhandled error")
        return _http(InternalServerError())


def unprocessable(errors: dict[str, list[str]]):
    first = next(iter(errors.items()))
    abort(422, message=f"the request is not valid: {first[0]}: {first[1][0]}", errors=errors)
