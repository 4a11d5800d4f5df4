"""JSON bodies loaded with a schema in the view rather than by flask-smorest's @arguments.

@arguments would name a failing field `json.edges[0].to`; these bodies' errors name it as the body
does (`edges[0].to`), like the per-record errors of POST /v1/records.
"""
from __future__ import annotations

from flask import request
from marshmallow import Schema, ValidationError

from graph.errors import Invalid
from service.schemas import flatten_errors


def load_json(schema: type[Schema]) -> dict:
    """The request's JSON loaded by `schema`; Invalid (422) naming each failing field."""
    try:
        return schema().load(request.get_json(silent=True) or {})
    except ValidationError as exc:
        raise Invalid(flatten_errors(exc.messages)) from None
