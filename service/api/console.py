"""The agent console: one static page at /console that calls the /v1 API with the agent's own key.

The page itself holds no data and needs no key; every lookup it makes goes through /v1 with the
key the agent pasted, so roles, the audit log and rate limits apply as to any client.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, send_from_directory

from service.console import assets

bp = Blueprint("console", __name__, url_prefix="/console")
# Scripts and styles only from this origin (no inline script, no CDN); the API only to this origin.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                               "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
MISSING_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>idgraph console unavailable</title></head>
<body><h1>The agent console is not installed</h1>
<p>Its JavaScript libraries (from npm) are {reason}.</p>
<p>Restart <code>idgraph serve</code> or <code>idgraph demo</code> on a machine with Node.js and npm, which
installs them, or run <code>npm ci</code> in <code>service/console</code>. The REST API under
<code>/v1</code> works without them.</p></body></html>
"""


@bp.after_request
def _secure(response: Response) -> Response:
    response.headers.update(SECURITY_HEADERS)
    return response


@bp.get("/", strict_slashes=False)
def page():
    if not assets.installed():
        reason = "missing or out of date" if assets.NODE_MODULES.exists() else "not installed yet"
        return Response(MISSING_PAGE.format(reason=reason), status=503, mimetype="text/html",
                        headers={"Retry-After": "60"})
    response = send_from_directory(assets.STATIC_DIR, "index.html", max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/static/<path:name>")
def static_file(name: str):
    return send_from_directory(assets.STATIC_DIR, name, max_age=0)


@bp.get("/vendor/<name>")
def vendor(name: str):
    path = assets.vendor_file(name)
    if path is None:
        abort(404)
    if not path.is_file():
        abort(503)
    return send_from_directory(path.parent, path.name, max_age=3600)
