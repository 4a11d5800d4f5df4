import random

import networkx as nx
import pytest

from graph.matching import blocking_keys, candidate_pairs, cluster
from graph.matching.blocking import GIVEN_INITIAL_POSTCODE, rule_pairs


def test_a_record_does_not_join_through_one_strong_link_when_another_contradicts_it():
    pairs = [("a", "b", 0.99), ("b", "c", 0.99), ("a", "c", 0.01)]
    assert cluster("abc", pairs, 0.9) == [{"a", "b"}, {"c"}]


def test_a_record_joins_on_its_best_link_when_the_others_only_doubt_it():
    # c is a corrupted record of a: the model doubts c and b (probability 0.2), no contradiction;
    # the mean (6.6 - 2) / 2 would have split c off
    pairs = [("a", "b", 0.99), ("a", "c", 0.99), ("b", "c", 0.2)]
    assert cluster("abc", pairs, 0.9) == [{"a", "b", "c"}]


def test_a_cannot_link_blocks_the_join_whatever_the_scores():
    pairs = [("a", "b", 0.99), ("b", "c", 0.99), ("a", "c", 0.01)]
    assert cluster("abc", pairs, 0.9, cannot_link={("c", "a")}) == [{"a", "b"}, {"c"}]
    strong = [("a", "b", 0.999), ("b", "c", 0.999), ("a", "c", 0.999)]
    assert cluster("abc", strong, 0.9, cannot_link={("a", "c")}) == [{"a", "b"}, {"c"}]


def test_a_pair_never_scored_is_no_evidence_against_joining():
    assert cluster("abc", [("a", "b", 0.99), ("b", "c", 0.99)], 0.9) == [{"a", "b", "c"}]


def test_every_id_appears_once_and_singletons_are_kept():
    clusters = cluster(["x", "a", "b", "y"], [("a", "b", 0.95), ("x", "y", 0.2)], 0.9)
    assert clusters == [{"a", "b"}, {"x"}, {"y"}]


def test_output_does_not_depend_on_input_order_and_a_repeated_pair_keeps_its_best_score():
    pairs = [(1, 2, 0.95), (2, 3, 0.97), (3, 4, 0.2), (4, 5, 0.99), (2, 1, 0.1), (1, 3, 0.92)]
    expected = cluster(range(1, 6), pairs, 0.9)
    shuffled = pairs[:]
    random.Random(1).shuffle(shuffled)
    assert cluster([5, 4, 3, 2, 1], shuffled, 0.9) == expected == [{1, 2, 3}, {4, 5}]


@pytest.mark.parametrize("seed", range(5))
def test_with_only_strong_pairs_clusters_are_the_connected_components(seed):
    graph = nx.gnp_random_graph(60, 0.03, seed=seed)
    pairs = [(a, b, 0.99) for a, b in graph.edges]
    expected = sorted((set(c) for c in nx.connected_components(graph)), key=min)
    assert cluster(graph.nodes, pairs, 0.9) == expected


def test_blocking_pairs_a_duplicate_despite_a_typo_a_swap_or_a_move():
    original = {"given": "Robert", "family": "Smith", "birthDate": "1980-03-14",
                "postcode": "1234", "email": "rob@example.com"}
    records = [
        original,
        original | {"family": "Smiht", "birthDate": "1980-03-15"},
        {"given": "Smith", "family": "Robert", "postcode": "9999"},
        original | {"given": "Bob", "postcode": "5678", "birthDate": None},
        {"given": "Alice", "family": "Jones", "birthDate": "1990-01-01", "postcode": "4321"},
    ]
    assert candidate_pairs(records) == [(0, 1), (0, 2), (0, 3), (1, 3)]


def test_blocking_keys_are_text_naming_their_rule():
    keys = blocking_keys({"given": "Robert", "family": "Smith", "postcode": "AB1 2CD",
                          "streetNumber": "12", "street": "High St", "phone": "+44 7700 900123"})
    assert keys == sorted(keys)
    assert "givenInitialPostcode:r|ab12cd" in keys
    assert "address:12|high st|ab12cd" in keys
    assert "phone:700900123" in keys
    assert not [k for k in keys if k.startswith("birthDate:")]


def test_oversized_blocks_are_skipped():
    records = [{"given": "Ann", "postcode": "1000"} for _ in range(5)]
    assert len(rule_pairs(records, GIVEN_INITIAL_POSTCODE)) == 10
    assert rule_pairs(records, GIVEN_INITIAL_POSTCODE, max_block_size=4) == set()
