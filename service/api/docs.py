"""The interactive API docs at /docs: Swagger UI from the pinned npm package swagger-ui-dist
(service/console/package-lock.json, installed by service/console/assets.py), served from this origin.

flask-smorest's own page loads Swagger UI from a URL (a CDN) and starts it with an inline script;
this page loads the same library from /docs/vendor and starts it from docs.js, so its
Content-Security-Policy allows nothing but this origin on the page where people paste an admin key.
"""
from __future__ import annotations

from pathlib import Path

from service.api import pages

PAGE_DIR = Path(__file__).resolve().parent.parent / "apidocs"
bp = pages.page_blueprint("docs", PAGE_DIR, heading="The interactive API docs are not installed",
                          inline_styles=False)
