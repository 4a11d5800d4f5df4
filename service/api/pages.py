"""The browser pages (/console, /docs): one static page each, plus the npm libraries it loads by name
(service/console/assets.py), under a Content-Security-Policy that admits only this origin. While the
libraries are missing the page is a 503 that says why; the API never depends on them."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, send_from_directory

from service.console import assets

# Scripts and styles only from this origin (no inline script, no CDN); the API only to this origin.
POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self'{styles}; "
          "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
OTHER_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
MISSING_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>idgraph {name} unavailable</title></head>
<body><h1>{heading}</h1>
<p>Its JavaScript libraries (from npm) are {reason}.</p>
<p>Restart <code>idgraph serve</code> or <code>idgraph demo</code> on a machine with Node.js and npm, which
installs them, or run <code>npm ci</code> in <code>service/console</code>. The REST API under
<code>/v1</code> works without them.</p></body></html>
"""


def security_headers(inline_styles: bool) -> dict[str, str]:
    styles = " 'unsafe-inline'" if inline_styles else ""
    return {"Content-Security-Policy": POLICY.format(styles=styles), **OTHER_HEADERS}


def page_blueprint(name: str, folder: Path, *, heading: str, inline_styles: bool) -> Blueprint:
    """/<name>: folder's index.html (503 with `heading` while the libraries are missing),
    /<name>/static/<file> from folder, /<name>/vendor/<file> from the VENDOR table."""
    bp = Blueprint(name, __name__, url_prefix=f"/{name}")
    headers = security_headers(inline_styles)

    @bp.after_request
    def _secure(response: Response) -> Response:
        response.headers.update(headers)
        return response

    @bp.get("/", strict_slashes=False)
    def page():
        return _missing(name, heading) or _no_store(send_from_directory(folder, "index.html", max_age=0))

    @bp.get("/static/<path:file>")
    def static_file(file: str):
        return send_from_directory(folder, file, max_age=0)

    bp.add_url_rule("/vendor/<file>", "vendor", _vendor_file)
    return bp


def page_response(name: str, folder: Path, file: str, *, heading: str) -> Response:
    """Another page of the folder, served like its index (503 while the libraries are missing)."""
    return _missing(name, heading) or _no_store(send_from_directory(folder, file, max_age=0))


def _missing(name: str, heading: str) -> Response | None:
    if assets.installed():
        return None
    reason = "missing or out of date" if assets.NODE_MODULES.exists() else "not installed yet"
    return Response(MISSING_PAGE.format(name=name, heading=heading, reason=reason), status=503,
                    mimetype="text/html", headers={"Retry-After": "60"})


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def _vendor_file(file: str) -> Response:
    """One file of the VENDOR table by the name the page asks for; nothing else under node_modules."""
    path = assets.vendor_file(file)
    if path is None:
        abort(404)
    if not path.is_file():
        abort(503)
    return send_from_directory(path.parent, path.name, max_age=3600)
