"""Every /v1 request: which key is calling (401), how often (429), whether its role may (403),
and whether its JSON body nests too deep to parse safely (400).

Views declare the roles they admit with `@requires(...)`; admin is admitted everywhere, and a /v1
view that declares nothing admits admin only. /healthz, /readyz, /openapi.json and /docs are open.
Log lines name the key id and the route rule, never the key, the path or the query.
"""
from __future__ import annotations

import logging
import math

from flask import current_app, g, request
from flask_smorest import Blueprint, abort

from graph.access import apikeys
from service import context
from service.limits import MAX_JSON_DEPTH, TokenBuckets, json_too_deep
from service.shared_limits import SharedTokenBuckets

log = logging.getLogger(__name__)
PROTECTED_PREFIX = "/v1/"
ADMIN_ONLY = frozenset({"admin"})
RATE_LIMIT_CONFIG = "IDGRAPH_RATE_LIMIT"
SECURITY_SCHEMES = {
    "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "idg_<keyId>_<secret>",
                   "description": "An API key from `idgraph keys create`, sent as `Authorization: Bearer <key>`."},
    "apiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-API-Key",
                     "description": "The same API key in an `X-API-Key` header."},
}
SECURITY = [{name: []} for name in SECURITY_SCHEMES]
_ERROR_RESPONSES = {"401": "UNAUTHORIZED", "403": "FORBIDDEN", "429": "TOO_MANY_REQUESTS"}


def requires(*roles: str):
    """Admit keys with one of `roles` (and admin); documents the roles and the refusals in OpenAPI."""
    unknown = set(roles) - set(apikeys.ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")
    allowed = frozenset(roles) | ADMIN_ONLY

    def decorator(view):
        documented = Blueprint.doc(responses=_ERROR_RESPONSES, **{"x-roles": sorted(allowed)})(view)
        documented.required_roles = allowed
        return documented
    return decorator


def init_app(app, api, shared_limits: str | None = None) -> None:
    """`shared_limits`: the file of the rate-limit buckets that all worker processes share."""
    for name, scheme in SECURITY_SCHEMES.items():
        api.spec.components.security_scheme(name, scheme)
    app.extensions["idgraph"]["buckets"] = SharedTokenBuckets(shared_limits) if shared_limits else TokenBuckets()
    app.before_request(_guard)


def _guard() -> None:
    if request.url_rule is None or not request.path.startswith(PROTECTED_PREFIX):
        return    # an open path, or a 404/405 that routing answers
    principal = _authenticate()
    _limit(principal)
    _authorise(principal)
    g.principal = principal
    _refuse_deep_json()


def _refuse_deep_json() -> None:
    """400 for a body nested past MAX_JSON_DEPTH, before a JSON parser recurses into it (a
    RecursionError there would be a 500)."""
    if request.is_json and json_too_deep(request.get_data(cache=True)):
        abort(400, message=f"the JSON body nests deeper than {MAX_JSON_DEPTH} levels",
              errors={"json": [f"nests deeper than {MAX_JSON_DEPTH} levels"]})


def _presented_key() -> str:
    return presented_key(request.headers.get("Authorization", ""), request.headers.get("X-API-Key", ""))


def presented_key(authorization: str, api_key: str) -> str:
    """The key of an `Authorization: Bearer` header, else of an `X-API-Key` header; "" for none."""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return api_key.strip()


def _authenticate() -> apikeys.Principal:
    key = _presented_key()
    principal = apikeys.authenticate(context.store(), key) if key else None
    if principal is None:
        key_id = apikeys.key_id_of(key) if key else None
        log.info("401 on %s %s: %s", request.method, request.url_rule.rule,
                 f"key {key_id} refused" if key_id else "malformed key" if key else "no key")
        message = ("the API key is not valid (unknown, wrong or revoked)" if key else
                   "an API key is required: send `Authorization: Bearer <key>` or `X-API-Key: <key>`")
        challenge = 'Bearer realm="idgraph"' + (', error="invalid_token"' if key else "")
        abort(401, message=message, headers={"WWW-Authenticate": challenge})
    return principal


def _limit(principal: apikeys.Principal) -> None:
    rate = current_app.config[RATE_LIMIT_CONFIG]
    wait = take_token(current_app, principal.key_id)
    if wait:
        log.warning("429: key %s is over %s requests per minute", principal.key_id, rate)
        abort(429, message=f"this key is over its limit of {rate} requests per minute; retry later",
              headers={"Retry-After": str(math.ceil(wait))})


def take_token(app, key_id: str) -> float:
    """A token from the key's bucket: 0 when the request may go ahead, else the seconds to wait."""
    return app.extensions["idgraph"]["buckets"].take(key_id, app.config[RATE_LIMIT_CONFIG])


def _authorise(principal: apikeys.Principal) -> None:
    allowed = _allowed_roles()
    if principal.role not in allowed:
        log.info("403 on %s %s: key %s has role %s", request.method, request.url_rule.rule,
                 principal.key_id, principal.role)
        abort(403, message=f"the {principal.role} role may not use this endpoint; "
                           f"it admits {', '.join(sorted(allowed))}")


def _allowed_roles() -> frozenset[str]:
    view = current_app.view_functions[request.endpoint]
    method = "get" if request.method == "HEAD" else request.method.lower()
    handler = getattr(getattr(view, "view_class", None), method, view)
    return getattr(handler, "required_roles", ADMIN_ONLY)
