"""One JSON error shape for every error: {code, status, message, errors?}, and the one place that
maps idgraph's errors (graph/errors.py) to HTTP.

Log lines name an exception's class, driver code and code location, never its message: messages
can echo the data (a conflicting identifier, a value that failed to parse).
"""
from __future__ import annotations

import http
import logging
import traceback

from apispec import BasePlugin
from flask import jsonify
from werkzeug.exceptions import HTTPException, InternalServerError

from graph.errors import Gone, IdgraphError, Invalid, NotFound, StoreUnavailable
from service.schemas import flatten_errors

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5
# Most specific first: Gone is a NotFound. An IdgraphError not listed here is a bug (500).
STATUS = ((Gone, 410), (NotFound, 404), (Invalid, 422), (StoreUnavailable, 503))
UNAVAILABLE = "the graph database is unreachable; retry after a few seconds"


def _payload(code: int, status: str, message: str, errors: dict | None = None):
    body = {"code": code, "status": status, "message": message}
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = code
    return response


class BodyErrorsPlugin(BasePlugin):
    """Every operation that takes a request body documents 400 (the body is not JSON) and 413 (the
    body is over MAX_CONTENT_LENGTH): Flask and webargs answer those before the view runs."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        for operation in (operations or {}).values():
            if isinstance(operation, dict) and "requestBody" in operation:
                responses = operation.setdefault("responses", {})
                for code in (400, 413):
                    responses.setdefault(str(code), http.HTTPStatus(code).name)


def init_app(app, api) -> None:
    api.spec.plugins.append(BodyErrorsPlugin())

    @app.errorhandler(IdgraphError)
    def _idgraph(exc):
        code = next((code for cls, code in STATUS if isinstance(exc, cls)), None)
        if code is None:
            return _unexpected(exc)
        status = http.HTTPStatus(code).phrase
        if isinstance(exc, Invalid):
            return _payload(code, status, _invalid(exc.errors), exc.errors)
        if isinstance(exc, StoreUnavailable):
            log.warning("store unavailable: %s", describe(exc))
            response = _payload(code, status, UNAVAILABLE)
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        return _payload(code, status, str(exc))

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
        if exc.code in (400, 422) and errors:   # name the field: werkzeug's 400 text names nothing
            message = _invalid(errors)
        response = _payload(exc.code, exc.name, message, errors)
        if getattr(exc, "valid_methods", None):
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        response.headers.update(data.get("headers") or {})
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc):
        frames = [f"  {f.filename}:{f.lineno} in {f.name}" for f in traceback.extract_tb(exc.__traceback__)]
        log.error("unhandled %s\n%s", describe(exc), "\n".join(frames))
        return _http(InternalServerError())


def describe(exc: BaseException) -> str:
    """An exception and its causes as class names and driver codes, without their messages."""
    parts = []
    while exc is not None and len(parts) < 5:
        code = getattr(exc, "code", None)
        parts.append(type(exc).__name__ + (f" ({code})" if isinstance(code, str) else ""))
        exc = exc.__cause__ or exc.__context__
    return " <- ".join(parts)


def _invalid(errors: dict[str, list[str]]) -> str:
    """The message of a 400 or 422: the first few fields and their first reason."""
    return "the request is not valid: " + "; ".join(f"{k}: {v[0]}" for k, v in list(errors.items())[:5])
