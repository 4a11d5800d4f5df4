"""Signals of dissatisfaction through the API on the real graph: each kind, the listing's order and
pages, purpose filtering and the audit log."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from graph.relationships.refresh import refresh
from graph.signals import rules
from tests.api.test_events_api import email, event, post_events, post_records, rec
from tests.conftest import keyed_client

NOW = dt.datetime.now(dt.UTC)


def ago(days: float) -> str:
    return (NOW - dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def signals_of(client, person_id: str, purpose: str = "service") -> dict:
    response = client.get(f"/v1/persons/{person_id}/signals?purpose={purpose}")
    assert response.status_code == 200, response.get_json()
    return {s["kind"]: s for s in response.get_json()["signals"]}


def test_a_case_open_longer_than_the_rule_is_a_signal_until_resolved(client, store):
    [ada] = post_records(client, rec("C-1", email("ada@example.com")))
    post_events(client, event("K-1", kind="case", at=ago(30), source="cc", caseId="K-1", caseStatus="opened"),
                event("K-2", kind="case", at=ago(5), source="cc", caseId="K-2", caseStatus="opened"))
    case = signals_of(client, ada)["openCase"]
    assert case["evidence"] == ["cc/K-1"] and case["cases"] == ["K-1"] and case["openDays"] == 14
    assert case["since"].startswith(ago(30)[:10])
    post_events(client, event("K-1b", kind="case", at=ago(1), source="cc", caseId="K-1", caseStatus="resolved"))
    assert "openCase" not in signals_of(client, ada)


def test_a_recent_complaint_and_a_cancellation_visit_are_signals(client, store):
    [ada] = post_records(client, rec("C-1", email("ada@example.com")))
    post_events(client, event("P-1", kind="complaint", at=ago(10), source="cc", description="cold room"),
                event("P-0", kind="complaint", at=ago(200), source="cc"),
                event("W-1", kind="webVisit", at=ago(3), source="web", pageCategory="Cancellation"),
                event("W-2", kind="webVisit", at=ago(2), source="web", pageCategory="rooms"))
    found = signals_of(client, ada)
    assert set(found) == {"complaint", "cancellationVisit"}
    assert found["complaint"]["evidence"] == ["cc/P-1"] and found["complaint"]["windowDays"] == 90
    assert found["cancellationVisit"]["evidence"] == ["web/W-1"]


def test_activity_well_below_the_person_s_own_earlier_rate_is_falling_activity(client, store):
    ada, bob = post_records(client, rec("C-1", email("ada@example.com")),
                            rec("C-2", email("bob@example.com"), given="Bob"))
    post_events(client, *[event(f"S-{n}", at=ago(80 + 30 * n)) for n in range(6)],
                *[event(f"B-{n}", email("bob@example.com"), at=ago(20 + 40 * n)) for n in range(6)])
    falling = signals_of(client, ada)["fallingActivity"]
    assert (falling["recentEvents"], falling["earlierEvents"]) == (0, 6)
    assert falling["evidence"] == ["pms/S-0"]            # the last activity before it fell
    assert signals_of(client, bob) == {}                 # steady: one in the recent window, as before


def test_a_brand_s_own_rules_file_decides(settings, store, issue_key, tmp_path):
    from service import create_app
    data = json.loads(rules.DEFAULT_FILE.read_text())
    data.update(name="brand", version="3")
    data["openCase"]["openDays"] = 60
    path = tmp_path / "signals.json"
    path.write_text(json.dumps(data))
    client = keyed_client(create_app(dataclasses.replace(settings, signals_file=path), store), issue_key("admin"))
    [ada] = post_records(client, rec("C-1", email("ada@example.com")))
    post_events(client, event("K-1", kind="case", at=ago(30), source="cc", caseId="K-1", caseStatus="opened"))
    body = client.get(f"/v1/persons/{ada}/signals").get_json()
    assert body["rules"] == {"name": "brand", "version": "3"} and body["signals"] == []


def test_the_person_view_shows_open_signals_and_the_read_is_audited(client, store):
    [ada] = post_records(client, rec("C-1", email("ada@example.com")))
    post_events(client, event("P-1", kind="complaint", at=ago(10), source="cc"))
    assert [s["kind"] for s in client.get(f"/v1/persons/{ada}").get_json()["signals"]] == ["complaint"]
    client.get(f"/v1/persons/{ada}/signals?purpose=support")
    [last, *_] = client.get(f"/v1/audit?personId={ada}").get_json()["events"]
    assert (last["action"], last["purpose"]) == ("person.signals", "support")


def test_signals_are_filtered_by_purpose(client, store):
    """An event refusing the purpose is no evidence; falling activity needs every record to allow it."""
    ada, bob = post_records(client, rec("C-1", email("ada@example.com"), consent={"marketing": True}),
                            rec("C-2", email("bob@example.com"), given="Bob", consent={"marketing": True}))
    post_records(client, rec("L-1", email("bob@example.com"), given="Bob", source="loyalty",
                             consent={"marketing": False}))
    post_events(client, event("P-1", kind="complaint", at=ago(10), source="cc", consent={"support": False}),
                event("P-2", kind="complaint", at=ago(9), source="cc"),
                *[event(f"B-{n}", email("bob@example.com"), at=ago(80 + 30 * n)) for n in range(6)])
    assert signals_of(client, ada, "service")["complaint"]["evidence"] == ["cc/P-1", "cc/P-2"]
    support = signals_of(client, ada, "support")["complaint"]
    assert (support["evidence"], support["evidenceWithheld"]) == (["cc/P-2"], 1)
    assert "fallingActivity" in signals_of(client, bob, "service")
    body = client.get(f"/v1/persons/{bob}/signals?purpose=marketing").get_json()
    assert (body["signals"], body["withheldCount"]) == ([], 1)


def _customers(client, spends: dict[str, float]) -> dict[str, str]:
    ids = post_records(client, *[rec(f"C-{name}", email(f"{name}@example.com"), given=name,
                                     metrics={"lifetimeSpend": spend}) for name, spend in spends.items()])
    return dict(zip(spends, ids, strict=True))


@pytest.fixture
def ranked(client, store):
    """Four customers by value; three with a complaint (at different times), one with none."""
    ids = _customers(client, {"Ann": 500.0, "Cal": 90000.0, "Bea": 12000.0, "Dan": 70000.0})
    post_events(client, *[event(f"P-{name}", email(f"{name}@example.com"), kind="complaint", at=ago(days),
                                source="cc") for name, days in (("Ann", 40), ("Cal", 5), ("Bea", 20))])
    refresh(store)
    return ids


def test_the_listing_puts_the_most_valuable_customers_with_a_signal_first(client, ranked):
    body = client.get("/v1/signals").get_json()
    assert [p["personId"] for p in body["persons"]] == [ranked["Cal"], ranked["Bea"], ranked["Ann"]]
    scores = [p["value"]["score"] for p in body["persons"]]
    assert scores == sorted(scores, reverse=True) and body["nextCursor"] is None
    assert body["persons"][0]["signals"][0]["evidence"] == ["cc/P-Cal"]
    oldest = client.get("/v1/signals?order=since").get_json()["persons"]
    assert [p["personId"] for p in oldest] == [ranked["Ann"], ranked["Bea"], ranked["Cal"]]


def test_the_listing_pages_by_cursor_and_filters_by_kind(client, ranked):
    seen, cursor = [], ""
    while True:
        body = client.get(f"/v1/signals?limit=1&cursor={cursor}").get_json()
        seen += [p["personId"] for p in body["persons"]]
        if not body["nextCursor"]:
            break
        cursor = body["nextCursor"]
    assert seen == [ranked["Cal"], ranked["Bea"], ranked["Ann"]]
    assert client.get("/v1/signals?kind=openCase").get_json()["persons"] == []
    assert client.get("/v1/signals?kind=nope").status_code == 422
    assert client.get("/v1/signals?cursor=bm9wZQ").status_code == 422


def test_the_listing_is_filtered_by_purpose_and_audited(client, store):
    """Marketing needs a grant on every record: Cal gave none, so he is left out (his value would show
    in the order)."""
    ann, cal = post_records(client, rec("C-Ann", email("Ann@example.com"), given="Ann",
                                        metrics={"lifetimeSpend": 500.0}, consent={"marketing": True}),
                            rec("C-Cal", email("Cal@example.com"), given="Cal", metrics={"lifetimeSpend": 90000.0}))
    ids = {"Ann": ann, "Cal": cal}
    post_events(client, *[event(f"P-{n}", email(f"{n}@example.com"), kind="complaint", at=ago(5), source="cc")
                          for n in ("Ann", "Cal")])
    refresh(store)
    body = client.get("/v1/signals?purpose=marketing").get_json()
    assert [p["personId"] for p in body["persons"]] == [ids["Ann"]] and body["withheldCount"] == 1
    events = client.get(f"/v1/audit?personId={ids['Ann']}").get_json()["events"]
    assert (events[0]["action"], events[0]["purpose"]) == ("signals.list", "marketing")
    assert client.get(f"/v1/audit?personId={ids['Cal']}").get_json()["events"] == []


def test_a_refresh_replaces_stale_signals(client, ranked, store):
    post_events(client, event("P-Cal", email("Cal@example.com"), kind="complaint", at=ago(300), source="cc",
                              observedAt=ago(0)))   # the source corrects the date
    refresh(store)
    assert ranked["Cal"] not in [p["personId"] for p in client.get("/v1/signals").get_json()["persons"]]
    assert store.query("MATCH (s:Signal) RETURN count(s) AS n")[0]["n"] == 2


def test_an_erasure_takes_the_person_s_stored_signals_with_it(client, ranked, store):
    assert client.delete(f"/v1/persons/{ranked['Cal']}").status_code == 200
    assert store.query("MATCH (s:Signal) WHERE s.signalKey STARTS WITH $p RETURN count(s) AS n",
                       p=ranked["Cal"])[0]["n"] == 0
    assert ranked["Cal"] not in [p["personId"] for p in client.get("/v1/signals").get_json()["persons"]]
