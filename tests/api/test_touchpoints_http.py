"""Issue 14 end to end through real HTTP: the app served by waitress on a loopback port over the real
database, the demo's records, re-sends, relations and touchpoints loaded once for the module, every
call a socket request with an API key, as an agent desk or a marketing system makes it."""
from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

import pytest

from graph.access import apikeys
from graph.reads.views import whois
from tests.integration.demo_graph import load_demo


@pytest.fixture(scope="module")
def demo_http(session_store, settings):
    """(base URL, admin key, the demo's people by name) over the demo graph; waitress in a thread."""
    from waitress import create_server

    from service import create_app
    load_demo(session_store, settings)
    people = {name: session_store.read(whois, key)["personId"] for name, key in (
        ("jane", "loyaltyCard:PLT-99812"), ("emma", "email:emma.clarke@example.org"),
        ("sarah", "email:sarah.wilson@example.org"), ("tom", "loyaltyCard:BLU-70155"))}
    key = apikeys.issue(session_store, "admin", "http walkthrough").key
    server = create_server(create_app(settings, session_store), host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    yield f"http://127.0.0.1:{server.effective_port}", key, people
    server.close()


def call(demo_http, path: str, body: dict | None = None) -> tuple[int, dict]:
    base, key, _ = demo_http
    request = urllib.request.Request(base + path, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
                                     method="GET" if body is None else "POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_an_event_posted_twice_is_stored_once_and_lands_on_the_person_it_names(demo_http):
    jane = demo_http[2]["jane"]
    stay = {"source": "pms", "eventId": "HTTP-1", "kind": "stay", "at": "2026-11-20T15:00:00Z",
            "lineOfBusiness": "hotel", "identifiers": [{"type": "loyaltyCard", "value": "PLT-99812"}]}
    status, first = call(demo_http, "/v1/events", {"events": [stay]})
    assert status == 200 and [(r["outcome"], r["personId"]) for r in first["results"]] == [("created", jane)]
    status, again = call(demo_http, "/v1/events", {"events": [stay]})
    assert status == 200 and [r["outcome"] for r in again["results"]] == ["unchanged"]
    status, page = call(demo_http, f"/v1/persons/{jane}/timeline?kinds=stay&limit=1")
    assert status == 200 and [e["eventId"] for e in page["events"]] == ["HTTP-1"]


def test_the_timeline_marks_a_gift_and_names_its_recipient_by_person_id(demo_http):
    people = demo_http[2]
    status, page = call(demo_http, f"/v1/persons/{people['jane']}/timeline?kinds=order&purpose=service")
    assert status == 200
    order = page["events"][0]
    assert (order["gift"], order["recipient"]) == (True, {"personId": people["emma"]})


def test_lifecycle_status_per_line_of_business_and_the_customer_summary(demo_http):
    status, body = call(demo_http, f"/v1/persons/{demo_http[2]['jane']}/lifecycle")
    assert status == 200 and body["linesOfBusiness"]["hotel"]["status"] == "customer"
    assert body["linesOfBusiness"]["hotel"]["evidence"]
    status, summary = call(demo_http, "/v1/customers/summary")
    assert status == 200 and summary["overall"]["customer"] >= 1


def test_a_new_job_title_keeps_the_old_one_as_history(demo_http):
    status, view = call(demo_http, f"/v1/persons/{demo_http[2]['jane']}")
    assert status == 200
    titles = {(j["title"], j["current"]) for j in view["history"]["jobs"]}
    assert {("Head of Travel", True), ("Travel Manager", False)} <= titles


def test_a_deceased_person_is_refused_for_marketing_and_allowed_for_service(demo_http):
    tom = demo_http[2]["tom"]
    status, marketing = call(demo_http, f"/v1/persons/{tom}?purpose=marketing")
    assert status == 200 and marketing["records"] == [] and marketing["deceased"]["since"]
    assert {w["basis"] for w in marketing["withheld"]} == {"deceased"}
    status, service = call(demo_http, f"/v1/persons/{tom}?purpose=service")
    assert status == 200 and service["records"] and service["deceased"]["since"]


def test_a_household_tablet_s_visits_land_on_the_household(demo_http):
    status, sarah = call(demo_http, f"/v1/persons/{demo_http[2]['sarah']}")
    [household] = sarah["inferred"]["households"]
    status, house = call(demo_http, f"/v1/households/{household['householdId']}?purpose=service")
    assert status == 200
    assert [e["eventId"] for e in house["events"]] == ["WV-50031", "WV-50017", "WV-50002"]


def test_signals_list_people_to_contact_first_and_respect_the_purpose(demo_http):
    jane = demo_http[2]["jane"]
    status, service = call(demo_http, "/v1/signals?order=value&purpose=service")
    assert status == 200 and service["persons"][0]["personId"] == jane
    assert "openCase" in {s["kind"] for s in service["persons"][0]["signals"]}
    status, marketing = call(demo_http, "/v1/signals?order=value&purpose=marketing")
    assert status == 200 and jane not in {p["personId"] for p in marketing["persons"]}


def test_relationships_and_influence_are_purpose_filtered_and_audited(demo_http):
    jane = demo_http[2]["jane"]
    for path, action in ((f"/v1/persons/{jane}/relationships?purpose=analytics", "person.relationships"),
                         (f"/v1/persons/{jane}/influence?purpose=analytics", "person.influence")):
        status, _ = call(demo_http, path)
        assert status == 200
        status, audit = call(demo_http, f"/v1/audit?personId={jane}&limit=1")
        assert (audit["events"][0]["action"], audit["events"][0]["purpose"]) == (action, "analytics")
