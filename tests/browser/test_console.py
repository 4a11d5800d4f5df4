"""The agent console in headless Chromium: paste a key, type an identifier, read the card, see the graph."""
from __future__ import annotations

import pytest

from tests.integration.demo_graph import demo

SCREENSHOT = "/tmp/idgraph-console.png"
READY = "body[data-state=ready]"


def use_key(page, key: str) -> None:
    page.goto("/console")
    page.fill("#api-key", key)
    page.click("#key-form button[type=submit]")


def look_up(page, type_: str, value: str, **qualifiers) -> None:
    page.select_option("#id-type", type_)
    for field, text in qualifiers.items():
        page.fill(f"#{field}", text)
    page.fill("#id-value", value)
    page.click("#lookup button[type=submit]")
    page.wait_for_selector("body[data-state=ready], body[data-state=error]", timeout=30_000)


def graph_counts(page) -> dict:
    return page.evaluate("""() => {
        const cy = window.idgraphConsole.cy;
        const kinds = {};
        cy.nodes().forEach((n) => { kinds[n.data('kind')] = (kinds[n.data('kind')] || 0) + 1; });
        const box = cy.elements().renderedBoundingBox();
        return {nodes: cy.nodes().length, edges: cy.edges().length, kinds,
                visible: cy.nodes(':visible').length, width: box.w, height: box.h};
    }""")


def jane_records() -> set[str]:
    return {f"{s}/{i}" for s, i in demo().truth["jane"]}


@pytest.fixture
def jane(page, agent_key):
    use_key(page, agent_key)
    look_up(page, "social", "@JaneSmith", platform="twitter")
    return page


def test_a_lookup_shows_the_person_card(jane):
    assert jane.text_content("#card-name") == "Jane Smith"
    assert jane.text_content("#card-tier") == "platinum"
    card = jane.text_content("#card")
    assert "51,350" in card and "140" in card                     # spend and nights last year
    assert "null" not in card and "undefined" not in card and "[object" not in card
    assert "Travel Manager" in jane.text_content("#card-roles") and "ACME Travel Ltd" in card
    assert "decision maker" in jane.text_content("#card-roles")
    assert "decision maker at ACME Travel Ltd" in jane.text_content("#card-reasons")


def test_the_card_shows_consent_per_purpose_as_each_record_stores_it(jane):
    rows = jane.eval_on_selector_all("#card-consent tbody tr",
                                     "rows => rows.map(r => [...r.cells].map(c => c.textContent))")
    assert {r[0] for r in rows} == jane_records()
    header = jane.eval_on_selector_all("#card-consent thead th", "cells => cells.map(c => c.textContent)")
    callcentre = dict(zip(header, next(r for r in rows if r[0] == "callcentre/CC-0311"), strict=True))
    assert callcentre["marketing"] == "no" and callcentre["analytics"] == "yes" and callcentre["fraud"] == "–"


def test_the_graph_renders_records_identifiers_and_relationships(jane):
    counts = graph_counts(jane)
    kinds = counts["kinds"]
    assert kinds["focus"] == 1 and kinds["record"] == len(jane_records())
    assert {"email", "phone", "loyaltyCard", "social", "device", "account", "address"} <= set(kinds)
    assert kinds.get("company", 0) >= 1 and kinds.get("person", 0) >= 3      # employer, followers, colleagues
    assert counts["edges"] > counts["nodes"] - 1 and counts["visible"] == counts["nodes"]
    assert counts["width"] > 100 and counts["height"] > 100                 # laid out, not piled on one point
    assert jane.locator("#graph canvas").count() >= 1
    jane.screenshot(path=SCREENSHOT, full_page=True)
    assert not jane.errors


def test_filters_hide_and_show_parts_of_the_graph(jane):
    jane.uncheck("#show-identifiers")
    hidden = graph_counts(jane)
    assert "email" not in jane.evaluate("() => window.idgraphConsole.cy.nodes(':visible').map(n => n.data('kind'))")
    jane.check("#show-identifiers")
    assert graph_counts(jane)["visible"] > hidden["visible"]


def test_clicking_a_related_person_opens_their_card(jane):
    other = jane.evaluate("""() => {
        const node = window.idgraphConsole.cy.nodes('[kind = "person"]').filter(n => n.data('name')).first();
        node.emit('tap');
        return node.data();
    }""")
    assert other["name"] in jane.text_content("#details") and "[object" not in jane.text_content("#details")
    jane.click("#details button")
    jane.wait_for_function(f"() => document.querySelector('#card-name').textContent === {other['name']!r}",
                           timeout=30_000)
    assert jane.text_content("#card-person-id") == other["id"]


def test_the_key_lives_in_session_storage_for_this_tab_only(jane, agent_key):
    stored = jane.evaluate("() => [sessionStorage.getItem('idgraph.apiKey'), localStorage.length]")
    assert stored == [agent_key, 0]
    assert jane.input_value("#api-key") == ""                      # not left in the field
    jane.reload()
    _, key_id, secret = agent_key.split("_", 2)                    # the secret may itself hold "_"
    assert key_id in jane.text_content("#key-status")
    assert secret not in jane.content()                            # the secret is never shown


def test_an_unknown_identifier_says_nobody_was_found(page, agent_key):
    use_key(page, agent_key)
    look_up(page, "email", "nobody.at.all@example.org")
    assert page.get_attribute("body", "data-state") == "error"
    assert "Nobody found" in page.text_content("#message")


def test_a_malformed_identifier_names_the_field(page, agent_key):
    use_key(page, agent_key)
    look_up(page, "email", "not-an-email")
    assert "Check the lookup" in page.text_content("#message") and "value" in page.text_content("#message")


def test_a_wrong_key_is_refused_with_a_clear_message(page):
    use_key(page, "idg_nosuchkey_0000")
    look_up(page, "loyaltyCard", "PLT-99812")
    assert "Key refused" in page.text_content("#message")
    assert not page.is_visible("#result")


def test_the_card_shows_who_is_a_customer_and_the_latest_touchpoints(jane):
    lifecycle = jane.text_content("#card-lifecycle")
    assert "hotel: customer since 2025-04-11" in lifecycle and "pms/ST-3518" in lifecycle
    timeline = jane.text_content("#card-timeline")
    assert "stay · pms · hotel" in timeline and "webVisit · web" in timeline and "case · callcentre" in timeline
    assert "never bought: cars, dining" in jane.text_content("#card")


def test_the_card_shows_roles_besides_employment_with_source_and_dates(jane):
    held = jane.text_content("#card-held-roles")
    assert "buyingTeamMember · champion at ACME Travel Ltd (2024-01-01 to now) · crm" in held
    assert "partner at ACME Travel Ltd (2019-03-01 to 2023-12-31) · crm (past)" in held


def test_the_card_shows_open_signals_of_dissatisfaction(jane):
    signals = jane.text_content("#card-signals")
    assert signals == "case open too long since 2026-08-02 (callcentre/CASE-0912)"
