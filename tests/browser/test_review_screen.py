"""The steward's review screen in headless Chromium: the queue, a pair side by side, the two answers."""
from __future__ import annotations

import pytest

from graph.access import apikeys
from tests.integration.helpers import load, person_of

SCREENSHOT = "/tmp/idgraph-review.png"
PAIRS = (("RV-1", "Robert", "Stone", 900.0), ("RV-2", "Edith", "Marsh", 100.0))


@pytest.fixture(scope="module")
def review_pairs(demo_app, session_store, settings):
    """Two pairs in the review band (one name, nothing else), on top of the demo."""
    for source_id, given, family, spend in PAIRS:
        name = {"given": given, "family": family}
        load(session_store, settings,
             {"source": "crm", "sourceId": source_id, "name": name, "metrics": {"lifetimeSpend": spend}},
             {"source": "web", "sourceId": source_id, "name": name})


@pytest.fixture
def steward_page(page, review_pairs, session_store):
    key = apikeys.issue(session_store, "steward", "review screen test").key
    page.goto("/console/review")
    page.fill("#api-key", key)
    page.click("#key-form button[type=submit]")
    page.click("#queue-form button[type=submit]")
    page.wait_for_selector("body[data-state=ready], body[data-state=error]", timeout=30_000)
    return page


def test_the_review_screen_shows_the_pairs_side_by_side_and_records_the_answers(steward_page, session_store):
    page = steward_page
    assert page.get_attribute("body", "data-state") == "ready", page.text_content("#message")
    items = page.locator("#queue li")
    assert items.count() == 2
    assert "Robert Stone" in items.nth(0).text_content()         # highest value first
    assert {page.text_content("#side-a"), page.text_content("#side-b")} == {"crm/RV-1", "web/RV-1"}
    rows = page.locator("#side-by-side tbody tr")
    assert [rows.nth(n).locator("th").text_content() for n in range(rows.count())] == ["given name", "family name"]
    assert page.locator("#side-by-side td.agrees").count() == 4
    assert "review band" in page.text_content("#pair-summary")
    assert page.locator("#comparisons tbody tr").count() >= 2
    page.screenshot(path=SCREENSHOT, full_page=True)

    page.fill("#reason", "checked by phone")
    page.click("#same")
    page.wait_for_selector("#message.done", timeout=30_000)
    assert "Merged into" in page.text_content("#message")
    assert person_of(session_store, "crm", "RV-1") == person_of(session_store, "web", "RV-1")
    assert items.count() == 1 and "Edith Marsh" in items.nth(0).text_content()

    page.click("#different")
    page.wait_for_selector("#message:has-text('Kept apart')", timeout=30_000)
    assert items.count() == 0
    assert person_of(session_store, "crm", "RV-2") != person_of(session_store, "web", "RV-2")
    decisions = session_store.query("MATCH (d:StewardDecision) RETURN d.action AS action, d.reason AS reason, "
                                    "d.label AS label ORDER BY d.decisionId")
    assert decisions == [{"action": "review same", "reason": "checked by phone", "label": "same"},
                         {"action": "review different", "reason": None, "label": "different"}]
    assert page.errors == []


def test_an_agent_key_is_refused_with_the_reason(page, review_pairs, agent_key):
    page.goto("/console/review")
    page.fill("#api-key", agent_key)
    page.click("#key-form button[type=submit]")
    page.click("#queue-form button[type=submit]")
    page.wait_for_selector("body[data-state=error]", timeout=30_000)
    assert "403" in page.text_content("#message") and "steward" in page.text_content("#message")
