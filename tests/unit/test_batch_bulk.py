"""Batch scoring and clustering in bulk (graph/matching/bulk_scoring.py, graph/resolution/batch_clustering.py)
give what the per-pair path gives: Scorer.log2_odds for every pair, and graph.matching.cluster's clusters
and the join rule's review band over the same scored pairs."""
from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import pytest

from bench.messy import batch_record
from graph.demo.population import generate_population
from graph.matching import FrequencyTable, cluster, load_default_model
from graph.matching.bulk_scoring import BulkScorer
from graph.matching.clustering import join_odds
from graph.matching.model import probability
from graph.resolution.batch import (
    WINDOW,
    BatchRecord,
    candidate_pairs,
    name_order,
    no_conflict,
    resolve_with_review,
)
from graph.resolution.blocking import is_hub
from graph.resolution.decision import Thresholds
from graph.resolution.linkage import Scorer

MODEL = load_default_model()
# typos, nicknames, initials, swapped and missing names, transposed and missing dates, shared homes
CRAFTED = [
    {"given": "Sophie", "family": "Snell", "birthDate": "1980-03-04", "postcode": "BA1 1AA", "email": "s.snell@x.org"},
    {"given": "Snell", "family": "Sophie", "birthDate": "1980-04-03", "postcode": "BA1 1AA"},
    {"given": "Snell", "family": "Sndl", "birthDate": "1980-03-04"},
    {"given": "Sophie", "family": "Sndl", "email": "s.snell@x.org", "phone": "+447700900123"},
    {"given": "S", "family": "Snell", "locality": "Bath", "gender": "female"},
    {"given": "Bob", "family": "Smith", "birthDate": "1971-12-01", "street": "rose lane", "streetNumber": "12"},
    {"given": "Robert", "family": "Smith", "birthDate": "1971-12-01", "street": "rose lne", "streetNumber": "12"},
    {"given": "Smith", "family": "Robert", "phone": ["+447700900123", "+447700900999"]},
    {"given": "Daniel", "family": "Smith", "birthDate": "1971-12-11", "nationalId": "AB123456C"},
    {"given": "Danielle", "family": "Smith", "birthDate": "1971-12-11", "nationalId": "AB123457C"},
    {"given": "Alexander", "family": "Clarke"},
    {"given": "Alexandra", "family": "Clarke", "gender": "female"},
    {},
    {"family": "Clarke"},
    {"given": "Ann"},
    # towns a typo apart with other postcodes; towns whose Jaro-Winkler is exactly the threshold 0.9,
    # which single precision rounds below it
    {"family": "Hale", "postcode": "BA1 1AA", "locality": "Bath"},
    {"family": "Hale", "postcode": "SW1 2BB", "locality": "Bathe"},
    {"family": "Hale", "locality": "Cdhfgca"},
    {"family": "Hale", "locality": "Cdhc"},
]


def _generated(people: int, seed: int, households: bool, messy: bool) -> list[BatchRecord]:
    rows = generate_population(people, seed, messy=messy, households=households)
    return [batch_record(n, fields) for n, (fields, _) in enumerate(rows)]


def _per_pair(model, fields: list[dict], left: np.ndarray, right: np.ndarray) -> np.ndarray:
    scorer = Scorer(model, remember=False)
    return np.array([scorer.log2_odds(str(i), fields[i], str(j), fields[j])
                     for i, j in zip(left.tolist(), right.tolist(), strict=True)])


def test_every_pair_of_crafted_records_scores_as_one_at_a_time_both_ways():
    pairs = [(i, j) for i in range(len(CRAFTED)) for j in range(len(CRAFTED))]
    left, right = np.array([i for i, _ in pairs]), np.array([j for _, j in pairs])
    for model in (MODEL, MODEL.with_frequencies(FrequencyTable.from_records(CRAFTED))):
        bulk = BulkScorer(model, CRAFTED).log2_odds(left, right)
        assert bulk.tolist() == _per_pair(model, CRAFTED, left, right).tolist()


@pytest.mark.parametrize(("households", "messy", "frequencies"), [(True, False, False), (False, True, True)])
def test_every_candidate_pair_and_random_pair_of_generated_records_scores_as_one_at_a_time(
        households, messy, frequencies):
    records = _generated(700, 3, households, messy)
    fields = [r.fields for r in records]
    model = MODEL.with_frequencies(FrequencyTable.from_records(fields)) if frequencies else MODEL
    by_ident, by_block = candidate_pairs(records)
    rng = np.random.default_rng(5)
    pairs = sorted(by_ident | by_block) + list(zip(rng.integers(0, len(records), 3000).tolist(),
                                                   rng.integers(0, len(records), 3000).tolist(), strict=True))
    left, right = np.array([i for i, _ in pairs]), np.array([j for _, j in pairs])
    bulk = BulkScorer(model, fields).log2_odds(left, right)
    assert bulk.tolist() == _per_pair(model, fields, left, right).tolist()
    assert len(set(bulk.tolist())) > 50       # the pairs reach many level vectors, not a few


def _reference(records: list[BatchRecord], thresholds: Thresholds) -> tuple[list[set[str]], list]:
    """Batch resolution one pair at a time: Scorer per pair, graph.matching.cluster, and the review band
    over every cluster pair's scored pairs."""
    scorer = Scorer(MODEL, remember=False)
    by_ident, by_block = candidate_pairs(records)
    scored, ties = [], defaultdict(dict)
    for i, j in sorted(by_ident):
        a, b = records[i], records[j]
        scored.append((a.key, b.key, 1.0))
        ties[a.key][b.key] = ties[b.key][a.key] = scorer.log2_odds(a.key, a.fields, b.key, b.fields)
    for i, j in sorted(by_block):
        a, b = records[i], records[j]
        scored.append((a.key, b.key, probability(scorer.log2_odds(a.key, a.fields, b.key, b.fields))))
    can_merge = no_conflict(records, ties)
    clusters = cluster([r.key for r in records], scored, thresholds.match, (), can_merge)
    of = {key: n for n, members in enumerate(clusters) for key in members}
    odds: dict[tuple[int, int], list[float]] = defaultdict(list)
    for a, b, p in scored:
        i, j = sorted((of[a], of[b]))
        if i != j and p < 1.0:
            odds[(i, j)].append(math.log2(p / (1.0 - p)))
    band = []
    for (i, j), values in sorted(odds.items()):
        odds_ij = join_odds(values)
        if thresholds.review_odds <= odds_ij < thresholds.match_odds and can_merge(clusters[i], clusters[j], odds_ij):
            band.append((i, j, round(probability(odds_ij), 4)))
    return clusters, band


@pytest.mark.parametrize(("people", "households", "messy"),
                         [(300, True, False), (900, True, True), (900, False, False)])
def test_clusters_and_review_band_are_those_of_one_pair_at_a_time(people, households, messy):
    records = _generated(people, 11, households, messy)
    thresholds = Thresholds(match=MODEL.threshold)
    clusters, band = _reference(records, thresholds)
    resolved = resolve_with_review(records, Scorer(MODEL, remember=False), thresholds)
    assert resolved.clusters == clusters
    assert resolved.review == band
    assert any(len(c) > 1 for c in clusters) and band      # the data joins records and leaves questions


def test_no_records_no_clusters():
    assert resolve_with_review([], Scorer(MODEL), Thresholds(match=0.9)).clusters == []


def test_records_no_pair_links_stay_alone():
    records = [batch_record(n, fields) for n, fields in enumerate(({"given": "Ann", "family": "Ode"},
                                                                   {"given": "Bo", "family": "Yu"}))]
    assert resolve_with_review(records, Scorer(MODEL), Thresholds(match=0.9)).clusters == [{"synthetic/0"},
                                                                                          {"synthetic/1"}]


def _reference_block_pairs(records: list[BatchRecord], by_ident: set) -> set[tuple[int, int]]:
    """Each record against every other holder of a small key, and its WINDOW neighbours either side in
    a large key's name order; hubs skipped."""
    holders: dict[str, list[int]] = defaultdict(list)
    for n, r in enumerate(records):
        for block in r.blocks:
            holders[block].append(n)
    pairs = set()
    for members in holders.values():
        if is_hub(len(members)):
            continue
        order = sorted(members, key=lambda n: (name_order(records[n]), n))
        reach = WINDOW if len(order) > WINDOW else len(order)
        pairs |= {(min(order[a], order[b]), max(order[a], order[b]))
                  for a in range(len(order)) for b in range(a + 1, min(a + reach + 1, len(order)))}
    return pairs - by_ident


@pytest.mark.parametrize(("households", "hub_above"), [(True, None), (False, None), (False, 12)])
def test_blocking_pairs_are_each_small_key_in_full_and_each_large_key_in_its_window(households, hub_above,
                                                                                    monkeypatch):
    if hub_above:       # a cap the generated blocks reach, so that some are hubs
        monkeypatch.setattr("graph.resolution.blocking.BLOCK_DEGREE_CAP", hub_above)
    records = _generated(2500, 7, households, messy=False)
    by_ident, by_block = candidate_pairs(records)
    assert by_block == _reference_block_pairs(records, by_ident)
    assert by_ident and not by_ident & by_block
