"""The console's statistic-twin predictions in headless Chromium: on the person card with confidence,
cohort, the behaviours that drove them and the model, marked inferred, with a way to mark one wrong;
what to run when no model is trained; and the card of a device that is an anonymous visitor."""
from __future__ import annotations

import datetime as dt

import pytest

from bench.twins import example
from graph.demo.behaviour import behaviour_population
from graph.events.ingest import ingest_events
from graph.resolution.ingest import ingest
from graph.twins.features import profile
from graph.twins.model import TwinModel, TwinSettings
from graph.twins.model_file import save_twins_model, twins_model_path
from service.parsing import parse_event, parse_record
from tests.browser.test_console import READY, look_up, use_key

GRACE = "grace.hopper@example.com"
COOKIE = "ck-browser-7"
SCREENSHOT = "/tmp/idgraph-console-predictions.png"


def _wire(events: list[dict], prefix: str, identifiers: list[dict], consent: dict) -> list[dict]:
    return [{k: v for k, v in e.items() if k != "at"} | {
        "source": "shop", "eventId": f"{prefix}-{n}", "at": e["at"].isoformat(), "identifiers": identifiers,
        "consent": consent} for n, e in enumerate(events)]


def _answered(model: TwinModel, events: list[dict]) -> set[tuple[str, str]]:
    return {(o.target, o.value) for o in model.predict(profile(events, dt.datetime.now(dt.UTC))) if o.answered}


@pytest.fixture(scope="module")
def shoppers(demo_app, session_store, settings):
    """A model trained on generated customers, and two more of them in the graph: Grace, a customer
    (analytics granted on her record) with an answered intention, and an anonymous cookie's visits."""
    customers = behaviour_population(900, seed=5)
    model = TwinModel.fit([example(c)[0] for c in customers[:800]], TwinSettings())
    grace, visitor = [c for c in customers[800:] if any(t == "intention" for t, _ in _answered(model, c.events))][:2]
    record = {"source": "shop", "sourceId": "G-1", "observedAt": "2026-01-01T00:00:00Z",
              "name": {"given": "Grace", "family": "Hopper"}, "identifiers": [{"type": "email", "value": GRACE}],
              "consent": {"analytics": True}}
    ingest(session_store, settings, [parse_record(0, record, settings)[0]])
    wire = _wire(grace.events, "G", [{"type": "email", "value": GRACE}], {}) + \
        _wire(visitor.events, "V", [{"type": "device", "value": COOKIE}], {"analytics": True})
    ingest_events(session_store, [parse_event(n, e, settings)[0] for n, e in enumerate(wire)])
    return model, grace, visitor


@pytest.fixture
def twins(shoppers, settings):
    model, grace, visitor = shoppers
    path = save_twins_model(model, twins_model_path(settings))
    yield model, grace, visitor
    path.unlink()


def look_up_for_analytics(page, key: str, type_: str, value: str) -> None:
    use_key(page, key)
    page.select_option("#purpose", "analytics")
    look_up(page, type_, value)
    page.wait_for_selector(READY, timeout=30_000)


def script_errors(page) -> list[str]:
    """The page's errors but the browser's own /favicon.ico request (the console has no icon: 404);
    a failing API call shows in what the card says instead."""
    return [e for e in page.errors if not e.startswith("Failed to load resource")]


def shown(page) -> list[dict]:
    return page.eval_on_selector_all("#card-predictions li.prediction", """items => items.map(li => ({
        target: li.dataset.target, value: li.dataset.value, text: li.textContent,
        because: li.querySelectorAll('ul.because li').length, button: !!li.querySelector('button.mark-wrong')}))""")


def test_without_a_trained_model_the_card_says_so_and_what_to_run(page, agent_key, shoppers):
    look_up_for_analytics(page, agent_key, "email", GRACE)
    assert "idgraph twins train" in page.text_content("#card-predictions-none")
    assert not shown(page) and not script_errors(page)


def test_the_card_shows_each_prediction_with_confidence_cohort_why_and_model(page, agent_key, twins):
    model, grace, _ = twins
    look_up_for_analytics(page, agent_key, "email", GRACE)
    items = shown(page)
    assert {(i["target"], i["value"]) for i in items} == _answered(model, grace.events)
    assert "intention" in {i["target"] for i in items}
    for item in items:
        assert "% confident" in item["text"] and f"inferred · statistic-twins-knn {model.version}" in item["text"]
        assert "of the 100 known customers who behave most alike" in item["text"]
        assert item["because"] >= 1 and item["button"]
    page.locator("#card-predictions").screenshot(path=SCREENSHOT)
    assert f"from {len(grace.events)} touchpoint(s) allowed for analytics" in page.text_content("#card-predictions")
    assert "null" not in page.text_content("#card") and "undefined" not in page.text_content("#card")
    assert not script_errors(page)


def test_a_device_no_person_holds_shows_the_anonymous_visitor_and_its_predictions(page, agent_key, twins):
    model, _, visitor = twins
    look_up_for_analytics(page, agent_key, "device", COOKIE)
    assert page.text_content("#card-name") == "anonymous visitor" and not page.is_visible("#graph-panel")
    items = shown(page)
    assert {(i["target"], i["value"]) for i in items} == _answered(model, visitor.events) and items
    assert not any(i["button"] for i in items)            # feedback is for persons
    assert len(page.query_selector_all("#card-timeline li")) == 10
    assert not script_errors(page)


def test_an_agent_marks_a_prediction_wrong_and_it_is_dropped(page, agent_key, twins, session_store):
    look_up_for_analytics(page, agent_key, "email", GRACE)
    [intention] = [i for i in shown(page) if i["target"] == "intention"]
    page.click("#card-predictions li[data-target=intention] button.mark-wrong")
    page.wait_for_function("() => document.querySelector('#message').textContent.startsWith('Marked')",
                           timeout=30_000)
    assert ("intention", intention["value"]) not in {(i["target"], i["value"]) for i in shown(page)}
    assert f"likely next purchase {intention['value']}: marked wrong by feedback" in page.text_content(
        "#card-predictions")
    stored = session_store.query("MATCH (f:PredictionFeedback) RETURN f.target AS target, f.value AS value, "
                                 "f.by AS by")
    assert [dict(r) for r in stored] == [{"target": "intention", "value": intention["value"], "by": "agent"}]
    assert not script_errors(page)
