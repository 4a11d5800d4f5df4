"""Visitors and statistic twins through the Flask test client on the real graph: an anonymous device is
a Visitor, not a Person; identifying back-fills its history within consent; a household device stays
the household's; predictions and intentions are purpose-gated, audited and explain themselves; a
prediction marked wrong is dropped and left out of the next training."""
from __future__ import annotations

import datetime as dt

import pytest

from graph.demo.behaviour import behaviour_population
from graph.twins.features import profile
from graph.twins.model import Example, TwinModel, TwinSettings
from graph.twins.model_file import save_twins_model, twins_model_path
from tests.integration.helpers import count

ADA = "ada@example.com"


def email(value: str) -> dict:
    return {"type": "email", "value": value}


def device(value: str) -> dict:
    return {"type": "device", "value": value}


def rec(source_id: str, given: str, mail: str, consent: dict | None = None, **fields) -> dict:
    return {"source": "crm", "sourceId": source_id, "observedAt": "2026-05-01T10:00:00Z",
            "name": {"given": given, "family": "Lovelace"}, "identifiers": [email(mail)],
            "consent": consent or {}, **fields}


def visit(event_id: str, cookie: str, at: str, page: str = "cameras", consent: dict | None = None, **fields) -> dict:
    return {"source": "web", "eventId": event_id, "kind": "webVisit", "at": at, "pageCategory": page,
            "identifiers": [device(cookie)], "consent": consent or {}, **fields}


def login(event_id: str, cookie: str, mail: str, at: str) -> dict:
    return {"source": "web", "eventId": event_id, "kind": "login", "at": at,
            "identifiers": [device(cookie), email(mail)]}


def post(client, path: str, body: dict, status: int = 200) -> dict:
    response = client.post(path, json=body)
    assert response.status_code == status, response.get_json()
    return response.get_json()


def get(client, path: str, status: int = 200, **params) -> dict:
    response = client.get(path, query_string=params)
    assert response.status_code == status, response.get_json()
    return response.get_json()


def records(client, *items) -> list[str]:
    return [r["personId"] for r in post(client, "/v1/records", {"records": list(items)})["results"]]


def events(client, *items) -> dict:
    return post(client, "/v1/events", {"events": list(items)})


def timeline_keys(client, person_id: str, purpose: str = "service", household: bool = False) -> set[str]:
    """The person's own events (household=True: the household devices' events their timeline shows too)."""
    return {e["eventKey"] for e in get(client, f"/v1/persons/{person_id}/timeline", purpose=purpose)["events"]
            if bool(e.get("household")) == household}


def test_an_anonymous_device_is_a_visitor_not_a_person_and_its_read_is_audited(client, store):
    events(client, visit("W-1", "ck-1", "2026-04-01T10:00:00Z"), visit("W-2", "ck-1", "2026-05-02T21:00:00Z"))
    assert count(store, "Person") == 0 and count(store, "Visitor") == 1
    view = get(client, "/v1/visitors/device/ck-1")
    assert (view["status"], view["personId"], view["visitorKey"]) == ("anonymous", None, "device:ck-1")
    assert [e["eventKey"] for e in view["events"]] == ["web/W-2", "web/W-1"]
    assert view["firstAt"].startswith("2026-04-01") and view["lastAt"].startswith("2026-05-02")
    logged = get(client, "/v1/audit", personId=view["visitorId"])["events"]
    assert [(e["action"], e["purpose"]) for e in logged] == [("visitor.view", "service")]
    assert not [e for e in logged if "ck-1" in str(e)]


def test_an_unknown_visitor_or_a_non_device_kind_is_404(client):
    assert get(client, "/v1/visitors/device/ck-none", status=404)["code"] == 404
    assert get(client, "/v1/visitors/email/a@example.com", status=404)["code"] == 404


def test_identifying_back_fills_the_visitors_history_and_later_visits_follow(client, store):
    [ada] = records(client, rec("C-1", "Ada", ADA))
    events(client, visit("W-1", "ck-1", "2026-04-01T10:00:00Z"), visit("W-2", "ck-1", "2026-04-03T10:00:00Z"))
    assert timeline_keys(client, ada) == set()
    events(client, login("L-1", "ck-1", ADA, "2026-04-05T09:00:00Z"))
    assert timeline_keys(client, ada) == {"web/W-1", "web/W-2", "web/L-1"}
    view = get(client, "/v1/visitors/device/ck-1")
    assert (view["status"], view["personId"]) == ("identified", ada)
    assert {e["eventKey"]: e.get("backfilledFrom") for e in view["events"]} == \
        {"web/W-1": "device:ck-1", "web/W-2": "device:ck-1", "web/L-1": None}
    events(client, visit("W-3", "ck-1", "2026-04-09T10:00:00Z"))      # anonymous again, after the login
    assert "web/W-3" in timeline_keys(client, ada)
    assert count(store, "Person") == 1
    assert "visitor.view" in [e["action"] for e in get(client, "/v1/audit", personId=ada)["events"]]


def test_a_purpose_the_person_refused_is_not_back_filled_even_if_the_cookie_granted_it(client):
    [ada] = records(client, rec("C-1", "Ada", ADA, consent={"marketing": False, "analytics": True}))
    events(client, visit("W-1", "ck-1", "2026-04-01T10:00:00Z", consent={"marketing": True, "analytics": True}))
    before = get(client, "/v1/visitors/device/ck-1", purpose="marketing")
    assert [e["eventKey"] for e in before["events"]] == ["web/W-1"]      # the cookie banner's grant
    events(client, login("L-1", "ck-1", ADA, "2026-04-05T09:00:00Z"))
    assert "web/W-1" in timeline_keys(client, ada, "analytics")
    assert "web/W-1" not in timeline_keys(client, ada, "marketing")
    after = get(client, "/v1/visitors/device/ck-1", purpose="marketing")
    assert after["events"] == [] and after["withheldCount"] == 2


@pytest.fixture
def lovelaces(client, store):
    """A couple at one address (a household after the analytics refresh), and an unrelated neighbour."""
    from graph.relationships.refresh import refresh
    home = {"use": "home", "streetNumber": "7", "line1": "Clifton Vale", "locality": "Bristol",
            "postcode": "BS8 4PX", "country": "GB"}
    landline = {"type": "phone", "value": "0117 496 0321"}
    ids = records(client,
                  dict(rec("C-1", "Ada", ADA, birthDate="1980-01-01", addresses=[home]),
                       identifiers=[email(ADA), landline]),
                  dict(rec("C-2", "William", "will@example.org", birthDate="1978-03-02", addresses=[home]),
                       identifiers=[email("will@example.org"), landline]),
                  {"source": "crm", "sourceId": "C-3", "name": {"given": "Grace", "family": "Hopper"},
                   "identifiers": [email("grace@example.net")]})
    refresh(store)
    return dict(zip(("ada", "william", "grace"), ids, strict=True))


def test_a_tablet_seen_with_two_persons_of_one_household_stays_a_household_visitor(client, lovelaces):
    ada, william = lovelaces["ada"], lovelaces["william"]
    events(client, visit("W-1", "tab-1", "2026-04-01T10:00:00Z"), login("L-1", "tab-1", ADA, "2026-04-02T10:00:00Z"))
    assert "web/W-1" in timeline_keys(client, ada)
    events(client, login("L-2", "tab-1", "will@example.org", "2026-04-03T10:00:00Z"),
           visit("W-2", "tab-1", "2026-04-04T10:00:00Z"))
    view = get(client, "/v1/visitors/device/tab-1")
    assert view["status"] == "household" and view["personId"] is None and view["householdId"]
    assert "web/W-1" not in timeline_keys(client, ada)                # the back-fill was undone
    assert not {"web/W-1", "web/W-2"} & timeline_keys(client, william)
    assert timeline_keys(client, ada) == {"web/L-1"} and timeline_keys(client, william) == {"web/L-2"}
    # the household device's anonymous visits, the undone back-fill too, go to the household
    assert timeline_keys(client, ada, household=True) == timeline_keys(client, william, household=True) == \
        {"web/W-1", "web/W-2"}


def test_a_device_seen_with_two_unrelated_persons_is_shared_and_back_fills_no_one(client, lovelaces):
    events(client, visit("W-1", "kiosk", "2026-04-01T10:00:00Z"), login("L-1", "kiosk", ADA, "2026-04-02T10:00:00Z"),
           login("L-2", "kiosk", "grace@example.net", "2026-04-03T10:00:00Z"))
    view = get(client, "/v1/visitors/device/kiosk")
    assert (view["status"], view["householdId"]) == ("shared", None)
    assert "web/W-1" not in timeline_keys(client, lovelaces["ada"]) | timeline_keys(client, lovelaces["grace"])


# --- twin predictions ------------------------------------------------------------------------------

def _wire(event: dict, n: int, identifiers: list[dict], consent: dict) -> dict:
    return {k: v for k, v in event.items() if k != "at"} | {
        "source": "shop", "eventId": f"E-{n}", "at": event["at"].isoformat(), "identifiers": identifiers,
        "consent": consent}


@pytest.fixture
def twins(settings):
    """A twin model trained on generated customers, where the API looks for it; and a generated
    visitor the model answers for."""
    customers = behaviour_population(900, seed=5)
    model = TwinModel.fit([Example(profile(c.events, max(e["at"] for e in c.events)), c.segments)
                           for c in customers[:800]], TwinSettings())
    path = save_twins_model(model, twins_model_path(settings))
    now = dt.datetime.now(dt.UTC)
    visitor = next(c for c in customers[800:] if any(o.answered for o in model.predict(profile(c.events, now))))
    yield model, visitor
    path.unlink()


def test_a_visitors_twin_predictions_name_cohort_drivers_and_model(client, twins):
    model, visitor = twins
    events(client, *[_wire(e, n, [device("ck-9")], {}) for n, e in enumerate(visitor.events)])
    view = get(client, "/v1/visitors/device/ck-9", limit=5)
    expected = {(o.target, o.value) for o in model.predict(profile(visitor.events, dt.datetime.now(dt.UTC)))
                if o.answered}
    assert {(p["target"], p["value"]) for p in view["predictions"]} == expected and expected
    assert len(view["events"]) == 5 and view["model"]["version"] == model.version
    for p in view["predictions"]:
        assert p["inferred"] is True and p["model"] == "statistic-twins-knn" and p["modelVersion"] == model.version
        assert p["probability"] >= 0.6 and p["cohort"]["size"] == 100 and p["because"]
    assert {a["target"] for a in view["abstained"]} | {p["target"] for p in view["predictions"]} == set(model.labels)


def test_marketing_predictions_need_the_visitors_consent(client, twins):
    model, visitor = twins
    events(client, *[_wire(e, n, [device("ck-9")], {}) for n, e in enumerate(visitor.events)])
    refused = get(client, "/v1/visitors/device/ck-9", purpose="marketing")
    assert refused["predictions"] == [] and refused["events"] == []
    assert {a["reason"] for a in refused["abstained"]} == {"no behaviour to compare"}
    events(client, *[_wire(e, n, [device("ck-8")], {"marketing": True}) for n, e in enumerate(visitor.events)])
    granted = get(client, "/v1/visitors/device/ck-8", purpose="marketing")
    assert granted["predictions"] and len(granted["events"]) == min(50, len(visitor.events))


def test_a_persons_intentions_are_purpose_gated_and_a_value_marked_wrong_is_dropped(client, twins):
    model, visitor = twins
    [ada] = records(client, rec("C-1", "Ada", ADA, consent={"analytics": True}))
    events(client, *[_wire(e, n, [email(ADA)], {}) for n, e in enumerate(visitor.events)])
    seen = get(client, f"/v1/persons/{ada}/intentions", purpose="analytics")
    assert seen["eventsUsed"] == len(visitor.events) and seen["withheldCount"] == 0
    [first, *_] = seen["segments"] + seen["intentions"]
    assert get(client, f"/v1/persons/{ada}/intentions", purpose="marketing")["eventsUsed"] == 0
    mark = {"target": first["target"], "value": first["value"], "by": "customer"}
    created = post(client, f"/v1/persons/{ada}/predictions/feedback", mark, status=201)
    assert created["feedback"]["modelVersion"] == model.version and created["feedback"]["by"] == "customer"
    assert post(client, f"/v1/persons/{ada}/predictions/feedback", mark, status=200)["created"] is False
    after = get(client, f"/v1/persons/{ada}/intentions", purpose="analytics")
    assert (first["target"], first["value"]) not in {(p["target"], p["value"]) for p in after["segments"]
                                                     + after["intentions"]}
    assert after["dropped"] == [{"target": first["target"], "value": first["value"],
                                 "reason": "marked wrong by feedback"}]
    assert [e["action"] for e in get(client, "/v1/audit", personId=ada)["events"]].count("person.intentions") == 3


def test_feedback_never_takes_a_special_category_or_an_unknown_target(client):
    [ada] = records(client, rec("C-1", "Ada", ADA))
    refused = post(client, f"/v1/persons/{ada}/predictions/feedback", {"target": "intention", "value": "pharmacy"},
                   status=422)
    assert "value" in refused["errors"]
    special_target = {"target": "religion", "value": "x"}
    assert "json.target" in post(client, f"/v1/persons/{ada}/predictions/feedback", special_target,
                                 status=422)["errors"]
    assert post(client, "/v1/persons/nobody/predictions/feedback", {"target": "intention", "value": "toys"},
                status=404)["code"] == 404


def test_without_a_trained_model_every_target_abstains_and_says_how_to_train(client):
    events(client, visit("W-1", "ck-1", "2026-04-01T10:00:00Z"))
    view = get(client, "/v1/visitors/device/ck-1")
    assert view["predictions"] == [] and view["model"] is None
    assert all("idgraph twins train" in a["reason"] for a in view["abstained"])


def test_a_record_naming_only_a_cookie_is_a_visitor_and_a_later_login_identifies_it(client, store):
    anonymous = {"source": "web", "sourceId": "S-1", "observedAt": "2026-04-01T10:00:00Z",
                 "identifiers": [device("ck-7")], "consent": {"analytics": True}}
    body = post(client, "/v1/records", {"records": [anonymous]})
    assert [(r["outcome"], r["personId"]) for r in body["results"]] == [("visitor", None)]
    assert post(client, "/v1/records", {"records": [anonymous]})["results"][0]["outcome"] == "unchanged"
    assert count(store, "Person") == 0 and count(store, "SourceRecord") == 0
    assert get(client, "/v1/visitors/device/ck-7")["status"] == "anonymous"
    [ada] = records(client, rec("C-1", "Ada", ADA))
    events(client, visit("W-1", "ck-7", "2026-04-02T10:00:00Z"), login("L-1", "ck-7", ADA, "2026-04-03T10:00:00Z"))
    assert get(client, "/v1/visitors/device/ck-7")["personId"] == ada
    assert timeline_keys(client, ada) == {"web/W-1", "web/L-1"}


def test_erasing_a_person_erases_the_visitor_identified_as_them_and_suppresses_its_cookie(app, client, issue_key,
                                                                                          store):
    from tests.conftest import keyed_client
    [ada] = records(client, rec("C-1", "Ada", ADA))
    events(client, visit("W-1", "ck-1", "2026-04-01T10:00:00Z"), login("L-1", "ck-1", ADA, "2026-04-02T10:00:00Z"))
    privacy = keyed_client(app, issue_key("privacy"))
    assert privacy.delete(f"/v1/persons/{ada}").status_code == 200
    assert count(store, "Visitor") == 0 and count(store, "Event") == 0 and count(store, "VisitorMonth") == 0
    get(client, "/v1/visitors/device/ck-1", status=404)
    refused = client.post("/v1/events", json={"events": [visit("W-2", "ck-1", "2026-04-03T10:00:00Z")]})
    assert refused.status_code == 422, refused.get_json()


def test_a_visitor_identified_as_a_person_follows_them_when_they_merge_into_another(app, client, issue_key, store):
    from tests.conftest import keyed_client
    ada2 = "ada.lovelace@example.org"
    [ada, other] = records(client, rec("C-1", "Ada", ADA), rec("C-2", "Ada", ada2))
    events(client, visit("W-1", "ck-1", "2026-04-01T10:00:00Z"), login("L-1", "ck-1", ADA, "2026-04-02T10:00:00Z"),
           visit("W-2", "ck-2", "2026-04-01T11:00:00Z"), login("L-2", "ck-2", ada2, "2026-04-02T11:00:00Z"))
    bridge = rec("L-1", "Ada", ADA) | {"source": "loyalty", "identifiers": [email(ADA), email(ada2)]}
    [survivor] = records(client, bridge)
    [merged_away] = {ada, other} - {survivor}      # one of the two visitors was identified under this id
    for cookie in ("ck-1", "ck-2"):
        view = get(client, f"/v1/visitors/device/{cookie}")
        assert (view["status"], view["personId"]) == ("identified", survivor)
    away_cookie, away_mail = ("ck-1", ADA) if merged_away == ada else ("ck-2", ada2)
    # The survivor logging in on the merged-away id's cookie is the same person, not a second one.
    events(client, visit("W-3", away_cookie, "2026-04-05T10:00:00Z"),
           login("L-3", away_cookie, ADA if away_mail == ada2 else ada2, "2026-04-06T10:00:00Z"))
    view = get(client, f"/v1/visitors/device/{away_cookie}")
    assert (view["status"], view["personId"]) == ("identified", survivor)
    assert {"web/W-1", "web/W-2", "web/W-3"} <= timeline_keys(client, survivor)
    privacy = keyed_client(app, issue_key("privacy"))
    assert privacy.delete(f"/v1/persons/{survivor}").status_code == 200
    assert count(store, "Visitor") == 0                 # both, whichever id they were identified under
