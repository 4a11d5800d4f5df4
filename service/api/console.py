"""The agent console: one static page at /console that calls the /v1 API with the agent's own key.

The page itself holds no data and needs no key; every lookup it makes goes through /v1 with the
key the agent pasted, so roles, the audit log and rate limits apply as to any client.
"""
from __future__ import annotations

from service.api import pages
from service.console import assets

# The console's policy allows inline styles (never inline scripts); /docs needs neither.
bp = pages.page_blueprint("console", assets.STATIC_DIR, heading="The agent console is not installed",
                          inline_styles=True)


@bp.get("/review")
def review_page():
    """The steward's review screen: the /v1/review queue, side by side, with the two answers."""
    return pages.page_response("console", assets.STATIC_DIR, "review.html",
                               heading="The agent console is not installed")
