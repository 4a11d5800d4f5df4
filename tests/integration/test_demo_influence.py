"""The demo loaded as `idgraph demo` loads it, read through the API: the influence ranking in each
order, value beside reach, the influence of one person, and a style for every label in the graph."""
from __future__ import annotations

import pytest

from graph.access import apikeys
from tests.conftest import keyed_client
from tests.integration.demo_graph import load_demo
from tests.unit.test_grass import GRASS, parse_grass

SCORE = {"value": lambda p: p["value"]["score"], "reach": lambda p: p["reach"]["followers"],
         "priority": lambda p: p["priority"]["score"]}


@pytest.fixture(scope="module")
def demo_app(session_store, settings):
    from service import create_app
    load_demo(session_store, settings)
    return create_app(settings, session_store)


@pytest.fixture(scope="module")
def analyst(demo_app, session_store):
    return keyed_client(demo_app, apikeys.issue(session_store, "analyst", "ranking tests").key)


@pytest.fixture(scope="module")
def agent(demo_app, session_store):
    return keyed_client(demo_app, apikeys.issue(session_store, "agent", "ranking tests").key)


def ranking(client, order: str, limit: int = 500) -> dict:
    response = client.get("/v1/influence/ranking", query_string={"order": order, "limit": limit})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.mark.parametrize("order", sorted(SCORE))
def test_the_ranking_is_sorted_by_the_asked_order_and_numbered(analyst, order):
    body = ranking(analyst, order)
    persons = body["persons"]
    assert body["order"] == order and body["runId"] and len(persons) > 50
    assert [SCORE[order](p) for p in persons] == sorted((SCORE[order](p) for p in persons), reverse=True)
    assert [p["rank"] for p in persons] == list(range(1, len(persons) + 1))


def test_the_loyal_decision_maker_leads_by_priority_ahead_of_the_influencer_who_never_bought(analyst):
    persons = ranking(analyst, "priority")["persons"]
    names = [p["name"] for p in persons]
    jane = persons[0]
    assert jane["name"] == "Jane Smith" and jane["priority"]["level"] == "high"
    assert jane["reach"]["followers"] == 75 and "highValueLowReach" in jane["flags"]
    assert names.index("Jane Smith") < names.index("Priya Kaur")


def test_by_reach_the_influencer_ranks_high_but_is_flagged_as_never_having_bought(analyst):
    body = ranking(analyst, "reach", 5)
    priya = next(p for p in body["persons"] if p["name"] == "Priya Kaur")
    assert priya["reach"]["followers"] == 20000 and priya["value"]["lifetimeSpend"] is None
    assert body["flagged"]["highReachNoPurchase"] == [priya["personId"]]
    assert priya["rank"] < next(p["rank"] for p in ranking(analyst, "reach")["persons"] if p["name"] == "Jane Smith")


def test_value_and_reach_sit_side_by_side_and_flags_agree_with_them(analyst):
    persons = ranking(analyst, "value")["persons"]
    flagged = [p for p in persons if "highValueLowReach" in p["flags"]]
    assert persons and flagged      # the checks below must have something to check
    for p in persons:
        assert {"value", "reach", "business", "priority", "flags"} <= set(p)
    for p in flagged:
        assert p["value"]["score"] >= 70 and p["reach"]["followers"] < 500


def test_the_limit_cuts_the_ranking(analyst):
    assert len(ranking(analyst, "priority", 3)["persons"]) == 3
    response = analyst.get("/v1/influence/ranking", query_string={"order": "followers"})
    assert response.status_code == 422 and "query.order" in response.get_json()["errors"]


def test_an_agent_may_not_page_through_the_ranking(agent):
    assert agent.get("/v1/influence/ranking").status_code == 403


def test_influence_gives_reasons_an_agent_can_read(agent, analyst):
    jane = ranking(analyst, "priority", 1)["persons"][0]
    body = agent.get(f"/v1/persons/{jane['personId']}/influence").get_json()
    assert body["priority"]["level"] == "high" and body["business"]["decisionMaker"] is True
    assert any("decision maker at ACME Travel Ltd" in r for r in body["priority"]["reasons"])
    assert body["business"]["companies"][0]["parent"] == "ACME Group plc"
    assert body["network"]["pagerank"] > 0 and body["value"]["tier"] == "platinum"


def test_every_label_in_the_loaded_graph_has_a_style(agent, session_store):
    agent.get("/v1/whois", query_string={"type": "loyaltyCard", "value": "PLT-99812"})   # writes an AuditEvent
    styled = {name for kind, name in parse_grass(GRASS.read_text(encoding="utf-8")) if kind == "node"}
    labels = {label for row in session_store.query("MATCH (n) RETURN DISTINCT labels(n) AS labels")
              for label in row["labels"]}
    assert {"Person", "Household", "Company", "ApiKey", "AuditEvent", "AnalyticsRun"} <= labels
    assert labels <= styled


def test_a_refresh_reading_keys_in_many_small_pages_writes_the_same_scores(analyst, session_store, monkeypatch):
    from graph.relationships import refresh
    from tests.integration.demo_graph import TODAY
    before = [(p["personId"], p["priority"]["score"]) for p in ranking(analyst, "priority")["persons"]]
    assert len(before) > 50         # an empty ranking would compare equal to an empty one
    monkeypatch.setattr(refresh, "KEY_PAGE", 7)    # many key reads, each cut into pieces of 3
    stats = refresh.refresh(session_store, batch_size=3, today=TODAY)
    assert stats["persons"] == len(before) and stats["households"] == 1
    assert [(p["personId"], p["priority"]["score"]) for p in ranking(analyst, "priority")["persons"]] == before
