"""Pure analytics: households, PageRank in pieces, scores and flags, corporate e-mail domains."""
from __future__ import annotations

import datetime as dt

import networkx as nx
import pytest

from graph.analytics import households as hh
from graph.analytics import scoring, social_rank
from graph.intake.domains import email_domain, is_corporate_domain

TODAY = dt.date(2026, 11, 23)
D = dt.date.fromisoformat
LANDLINE, MOBILE = "phone:+441174960321", "phone:+447700900123"


def resident(pid, start=None, end=None, family=(), phones=(), devices=(), refused=()):
    return hh.Residence(pid, start and D(start), end and D(end), frozenset(family), frozenset(phones),
                        frozenset(devices), frozenset(refused))


# --- households --------------------------------------------------------------------------------

def test_spouses_sharing_a_landline_and_tablet_are_one_household_with_all_evidence():
    [house] = hh.derive("address:a", [
        resident("P-david", "2008-06-01", family={"wilson"}, phones={LANDLINE}, devices={"device:tab"},
                 refused={LANDLINE, "device:tab"}),
        resident("P-sarah", "2008-06-01", family={"wilson"}, phones={LANDLINE}, devices={"device:tab"})])
    assert [m.person_id for m in house.members] == ["P-david", "P-sarah"]
    assert [e.label() for e in house.members[0].evidence] == ["device:tab", "familyName:wilson",
                                                              "landline:+441174960321"]
    assert all(e.mergeRefused for e in house.members[0].evidence if e.kind != "familyName")
    assert house.current(TODAY) and house.household_id == hh.household_id("address:a")


def test_previous_resident_is_no_member_after_moving_out():
    [house] = hh.derive("address:a", [
        resident("P-son", "2000-01-01", "2019-08-31", family={"jones"}),
        resident("P-mum", "1995-01-01", family={"jones"}),
        resident("P-dad", "1995-01-01", family={"jones"})])
    son = house.member("P-son")
    assert son.valid_to == D("2019-08-31") and not son.current(TODAY)
    assert house.member("P-mum").current(TODAY) and house.current(TODAY)


def test_next_resident_with_the_same_surname_never_joins_the_one_who_left():
    assert hh.derive("address:a", [resident("P-old", "2010-01-01", "2019-08-31", family={"smith"}),
                                   resident("P-new", "2020-03-01", family={"smith"})]) == []


def test_flatmates_with_nothing_in_common_are_not_a_household():
    assert hh.derive("address:a", [resident("P-1", family={"lee"}, phones={MOBILE}),
                                   resident("P-2", family={"kay"})]) == []


def test_a_shared_mobile_is_not_landline_evidence_but_a_shared_device_is():
    assert hh.derive("address:a", [resident("P-1", phones={MOBILE}), resident("P-2", phones={MOBILE})]) == []
    [house] = hh.derive("address:a", [resident("P-1", devices={"device:tv"}),
                                      resident("P-2", devices={"device:tv"})])
    assert house.members[0].evidence == [hh.Evidence("device", "device:tv")]


def test_membership_lasts_while_living_with_another_member():
    [house] = hh.derive("address:a", [resident("P-1", "2010-01-01", family={"x"}),
                                      resident("P-2", "2015-05-01", "2018-01-31", family={"x"})])
    assert (house.member("P-1").valid_from, house.member("P-1").valid_to) == (D("2015-05-01"), D("2018-01-31"))
    assert not house.current(TODAY)


def test_landline_detection():
    assert hh.is_landline(LANDLINE) and not hh.is_landline(MOBILE) and not hh.is_landline("phone:junk")


# --- PageRank in pieces ------------------------------------------------------------------------

def test_pagerank_per_component_scaled_matches_networkx_on_the_whole_graph():
    edges = [social_rank.Edge(a, b, "FOLLOWS") for a, b in ("ab", "bc", "ca", "da", "xy", "yx")]
    whole = nx.pagerank(social_rank.component_graph(edges), weight="weight")
    graph = social_rank.component_graph(edges)
    pieces = {}
    for nodes in nx.weakly_connected_components(graph):
        pieces.update(social_rank.pagerank(graph.subgraph(nodes), graph.number_of_nodes()))
    assert pieces == pytest.approx(whole, rel=1e-4)
    assert sum(pieces.values()) == pytest.approx(1.0)


def test_mentions_weigh_less_than_follows_and_self_edges_are_ignored():
    graph = social_rank.component_graph([social_rank.Edge("a", "b", "MENTIONS"), social_rank.Edge("a", "b", "FOLLOWS"),
                                         social_rank.Edge("a", "a", "FOLLOWS")])
    assert graph["a"]["b"]["weight"] == 1.5 and not graph.has_edge("a", "a")


def test_most_followed_handle_ranks_first():
    edges = ([social_rank.Edge(f"f{n}", "star", "FOLLOWS") for n in range(5)]
             + [social_rank.Edge("star", "f0", "FOLLOWS")])
    ranks = social_rank.pagerank(social_rank.component_graph(edges), 6)
    assert max(ranks, key=ranks.get) == "star"
    assert social_rank.relative(ranks["star"], 6) > 1 > social_rank.relative(ranks["f1"], 6)


# --- scores --------------------------------------------------------------------------------------

JANE = scoring.Profile("P-jane", "Jane", 51350.0, "platinum", D("2026-06-20"), followers=75, network=1.4,
                       companies=(scoring.Company("ACME Travel Ltd", "acme travel", 1200, 90000.0, True),))
PRIYA = scoring.Profile("P-priya", "Priya", None, None, None, followers=20000, network=2.0)
NOBODY = scoring.Profile("P-x")


def test_loyal_decision_maker_with_few_followers_is_high_priority_and_flagged():
    s = scoring.score(JANE, TODAY)
    assert s.level == "high" and s.flags == ("highValueLowReach",)
    assert any("decision maker at ACME Travel Ltd (1200 employees known" in r for r in s.reasons)
    assert s.value > scoring.HIGH_VALUE and s.reach < s.value


def test_influencer_who_never_bought_is_flagged_not_prioritised_over_the_customer():
    s = scoring.score(PRIYA, TODAY)
    assert s.flags == ("highReachNoPurchase",) and s.value == 0
    assert s.reach > scoring.score(JANE, TODAY).reach
    assert scoring.score(JANE, TODAY).priority > s.priority
    assert any("never bought" in r for r in s.reasons)


def test_unknown_person_scores_zero_with_a_reason():
    s = scoring.score(NOBODY, TODAY)
    assert (s.value, s.reach, s.business, s.priority, s.level, s.flags) == (0, 0, 0, 0, "low", ())
    assert s.reasons == ("no purchases, reach or business role known",)


@pytest.mark.parametrize("days, points", [(0, 20), (90, 20), (91, 12), (365, 12), (800, 5), (2000, 0)])
def test_recency_points(days, points):
    assert scoring._recency_points(TODAY - dt.timedelta(days=days), TODAY) == points


def test_scores_are_bounded_and_monotonic_in_spend_and_followers():
    rich = scoring.Profile("P", spend=10**9, tier="platinum", last_activity=TODAY, followers=10**9, network=1e6)
    s = scoring.score(rich, TODAY)
    assert s.value == 100 and s.reach == 100
    assert scoring.value_score(scoring.Profile("P", spend=100), TODAY) < \
        scoring.value_score(scoring.Profile("P", spend=1000), TODAY)


def test_bigger_company_means_more_business_influence():
    small = scoring.Profile("P", companies=(scoring.Company("A", "a", 3, 0, True),))
    big = scoring.Profile("P", companies=(scoring.Company("B", "b", 800, 0, True),))
    employee = scoring.Profile("P", companies=(scoring.Company("B", "b", 800, 0, False),))
    assert scoring.business_score(big) > scoring.business_score(small) > scoring.business_score(employee) > 0


# --- e-mail domains ------------------------------------------------------------------------------

@pytest.mark.parametrize("domain", ["gmail.com", "googlemail.com", "outlook.com", "hotmail.co.uk",
                                    "yahoo.co.uk", "icloud.com", "btinternet.com", "example.com", "example.org",
                                    "example.net", "shop.test", "", "localhost"])
def test_free_mail_and_placeholder_domains_are_not_corporate(domain):
    assert not is_corporate_domain(domain)


@pytest.mark.parametrize("domain", ["northwind.example.com", "acme-travel.co.uk", "initech.com"])
def test_company_domains_are_corporate(domain):
    assert is_corporate_domain(domain)


def test_email_domain():
    assert email_domain("Jane@Mail.ACME.com") == "mail.acme.com" and email_domain("nobody") == ""
