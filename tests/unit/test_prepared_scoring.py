"""The fast scoring path (records prepared once, level vectors weighed once) gives exactly what the
plain per-pair path gives: the same levels as ``compare(a, b)`` and the same weight as ``Model.score``."""
from __future__ import annotations

import dataclasses
import random
from collections import Counter

import pytest

from graph.demo.population import generate_population
from graph.matching import COMPARISONS, FrequencyTable, candidate_pairs, compare, load_default_model
from graph.matching.clustering import capped
from graph.matching.comparisons import compare_prepared, prepare
from graph.resolution.linkage import Scorer

# what the generators never write: family initials and sound-alikes, foreign letters, lists
BY_HAND = [
    {"given": "Catherine", "family": "Thomson", "email": ["c.t@x.example", "cat@y.example"],
     "phone": ["+44 7700 900123", "020 7946 0000"], "gender": "female"},
    {"given": "Kathryn", "family": "T.", "email": "cat@y.example", "phone": "07700900123", "gender": "F"},
    {"given": "Kathryn", "family": "Tomsen", "streetNumber": "4", "postcode": "AB1 2CD"},
    {"given": "Cathy", "family": "Philips"}, {"given": "Kate", "family": "Fillips", "gender": "x"},
    {"given": "Zoë", "family": "O'Brién-Smith", "birthDate": "1980-02-01", "street": "High St.",
     "postcode": "ab12cd", "nationalId": "AB 12 34 56 C"},
    {"given": "Zoe", "family": "Obrien Smith", "birthDate": "1980-01-02", "streetNumber": "4",
     "street": "High St", "locality": "Leeds", "nationalId": "ab123456c"},
]


def _messy_pairs() -> tuple[list[dict], list[tuple[int, int]]]:
    """Blocked pairs of messy exports and of households (typos, moves, swaps, nicknames, twins),
    random pairs, and every pair of the records by hand, so that every level comes up."""
    records = [r for r, _ in generate_population(60, seed=3, messy=True)]
    records += [r for r, _ in generate_population(150, seed=5)]
    rng = random.Random(11)
    pairs = set(candidate_pairs(records))
    pairs |= {(len(records) + i, len(records) + j) for i in range(len(BY_HAND)) for j in range(i + 1, len(BY_HAND))}
    records += BY_HAND
    pairs |= {tuple(sorted(rng.sample(range(len(records)), 2))) for _ in range(2000)}
    return records, sorted(pairs)


RECORDS, PAIRS = _messy_pairs()


def test_the_pairs_reach_every_level_of_every_comparison():
    seen = {c.name: Counter() for c in COMPARISONS}
    for a, b in PAIRS:
        for name, level in compare(RECORDS[a], RECORDS[b]).items():
            seen[name][level] += 1
    for comparison in COMPARISONS:
        missing = set(comparison.observed_levels) - set(seen[comparison.name])
        assert not missing, (comparison.name, missing)


def test_prepared_records_compare_to_the_same_levels_as_compare():
    prepared = [prepare(r) for r in RECORDS]
    for a, b in PAIRS:
        plain = compare(RECORDS[a], RECORDS[b])
        assert compare_prepared(prepared[a], prepared[b]) == tuple(plain[c.name] for c in COMPARISONS), \
            (RECORDS[a], RECORDS[b])


@pytest.mark.parametrize("frequencies", [False, True], ids=["plain", "term-frequencies"])
def test_the_scorer_gives_the_weight_model_score_gives(frequencies):
    model = load_default_model()
    if frequencies:    # the term-frequency levels are weighed per record, not per level vector
        model = model.with_frequencies(FrequencyTable.from_records(RECORDS))
    scorer = Scorer(model)
    for a, b in PAIRS:
        fresh = dataclasses.replace(model)     # no weight cached from other pairs
        expected = capped(fresh.score(RECORDS[a], RECORDS[b]).match_weight)
        assert scorer.log2_odds(str(a), RECORDS[a], str(b), RECORDS[b]) == expected


def test_a_record_forgotten_by_the_scorer_is_prepared_again_with_its_new_fields():
    model = load_default_model()
    scorer = Scorer(model)
    a, b = {"given": "Ann", "family": "Lee", "birthDate": "1980-01-02"}, {"given": "Ann", "family": "Lee"}
    changed = {"given": "Bob", "family": "Stone", "birthDate": "1950-05-06"}
    before = scorer.log2_odds("a", a, "b", b)
    scorer.forget("a")
    after = scorer.log2_odds("a", changed, "b", b)
    assert after == capped(model.score(changed, b).match_weight)
    assert after < before
