"""JSON bodies loaded with a schema in the view rather than by flask-smorest's @arguments.

@arguments would name a failing field `json.edges[0].to`; these bodies' errors name it as the body
does (`edges[0].to`), like the per-record errors of POST /v1/records.
"""
from __future__ import annotations

from collections import Counter

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


def batch_answer(results: list[dict], errors: list[dict], field: str, **summary: int) -> tuple[dict, int]:
    """A batch POST's answer, records and events alike: 200 all stored whole, 207 some set aside or
    refused, Invalid (422) naming `field[index].path` when nothing was stored."""
    if errors and not results:
        raise Invalid({f"{field}[{e['index']}].{f}": reasons for e in errors for f, reasons in e["errors"].items()})
    warned = sum(1 for r in results if r["warnings"])
    body = {"results": results, "errors": errors,
            "summary": dict(Counter(r["outcome"] for r in results), rejected=len(errors), warned=warned, **summary)}
    return body, (207 if errors or warned else 200)
