"""Person reads: the purpose the caller declares, and the audit event each read leaves."""
from __future__ import annotations

import functools

from flask import g, request

from graph.access import audit
from graph.errors import Invalid
from graph.model import DEFAULT_PURPOSE, PURPOSES
from service import context

PURPOSE_HEADER = "X-Purpose"
PURPOSE_HEADER_DOC = {"in": "header", "name": PURPOSE_HEADER, "required": False,
                      "schema": {"type": "string", "enum": list(PURPOSES)},
                      "description": f"Why you read this person (or the `purpose` query parameter); "
                                     f"default `{DEFAULT_PURPOSE}`. Recorded in the audit log."}


def read_purpose() -> str:
    """The declared purpose (query parameter or header; both must agree), default 'service'."""
    return purpose_of(request.args.get("purpose"), request.headers.get(PURPOSE_HEADER))


def purpose_of(query: str | None, header: str | None) -> str:
    """read_purpose's rule over the query parameter's and the header's values (None: not given)."""
    given = {"query.purpose": query, f"header.{PURPOSE_HEADER}": header}
    given = {where: value.strip() for where, value in given.items() if value is not None}
    for where, value in given.items():
        if value not in PURPOSES:
            raise Invalid({where: [f"must be one of: {', '.join(PURPOSES)}"]})
    if len(set(given.values())) > 1:
        raise Invalid({f"header.{PURPOSE_HEADER}": ["differs from the purpose query parameter"]})
    return next(iter(given.values()), DEFAULT_PURPOSE)


def audited(action: str):
    """Log `action` on the person the decorated view returns, after the read and before the answer.

    If the event cannot be written the read fails (503): no unlogged reads.
    """
    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            purpose = read_purpose()
            result = view(*args, **kwargs)
            log_read(context.store(), g.principal, purpose, action, result)
            return result
        return wrapper
    return decorator


def log_read(store, principal, purpose: str, action: str, result: dict) -> None:
    """The audit event of a read that answered `result` (none when it names no person); returns once
    it is durable."""
    if result.get("personId"):
        audit.record_read(store, key_id=principal.key_id, role=principal.role,
                          purpose=purpose, action=action, person_id=result["personId"])
