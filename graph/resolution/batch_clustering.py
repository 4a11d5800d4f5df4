"""graph.matching.cluster and the review band over scored pairs held as arrays of record indexes.

A batch run holds millions of scored pairs. As tuples of keys and frozensets they cost Python per
pair and about a hundred bytes each; as arrays, the above-threshold graph's components come from
its edges alone, and only the pairs inside a component (the ones the join rule reads) become a dict for
graph.matching.clustering's own growth. The review band reads the pairs between two clusters, and
of those only the cluster pairs whose best pair reaches the band: below it the join odds (the best
pair, or the mean, never above the best) cannot reach it. The clusters and the band are those
graph.matching.cluster and the join rule give over the same pairs (tests/unit/test_batch_bulk.py).
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import networkx as nx
import numpy as np

from graph.matching.clustering import clamped_log2_odds, grow_clusters, join_odds
from graph.matching.model import probability as from_log2_odds
from graph.resolution.decision import Thresholds

# the mean of a cluster pair's odds can round a hair above their best one
_ROUNDING = 1e-6


@dataclass
class ScoredArrays:
    """Scored pairs of record indexes, in the order they were scored; ``probability`` is what the
    pair's scorer says (1.0: certain, an identifier or a steward's must-link)."""
    left: np.ndarray
    right: np.ndarray
    probability: np.ndarray

    @classmethod
    def of(cls, left: np.ndarray, right: np.ndarray, log2_odds: np.ndarray, certain: np.ndarray) -> ScoredArrays:
        """Probabilities as the per-pair path stores them (model.probability of the capped log2-odds),
        worked out once per distinct score."""
        distinct, inverse = np.unique(log2_odds, return_inverse=True)
        probability = np.fromiter((from_log2_odds(x) for x in distinct.tolist()), np.float64, len(distinct))
        return cls(left, right, np.where(certain, 1.0, probability[inverse.reshape(-1)]))

    def log2_odds(self, clustering: bool) -> np.ndarray:
        """The log2-odds clustering reads of each probability (capped), or the review band's (uncapped)."""
        distinct, inverse = np.unique(self.probability, return_inverse=True)
        values = [clamped_log2_odds(p) if clustering else math.log2(p / (1.0 - p)) if p < 1.0 else math.inf
                  for p in distinct.tolist()]
        return np.array(values, np.float64)[inverse.reshape(-1)]


def cluster_arrays(keys: list[str], scored: ScoredArrays, threshold: float,
                   forbidden: set[frozenset], can_merge: Callable[[set, set, float], bool]) -> list[set[str]]:
    """graph.matching.cluster(keys, scored pairs, threshold, cannot-links, can_merge)."""
    n = len(keys)
    odds = scored.log2_odds(clustering=True)
    edge = (odds >= clamped_log2_odds(threshold)) & (scored.left != scored.right)
    component = np.arange(n)        # a record on no above-threshold edge is its own component
    graph: nx.Graph[int] = nx.Graph(zip(scored.left[edge].tolist(), scored.right[edge].tolist(), strict=True))
    for c, linked in enumerate(nx.connected_components(graph), start=n):
        component[list(linked)] = c
    inside = (component[scored.left] == component[scored.right]) & (scored.left != scored.right)
    evidence: dict[int, dict[frozenset, float]] = defaultdict(dict)
    for a, b, x in zip(scored.left[inside].tolist(), scored.right[inside].tolist(), odds[inside].tolist(),
                       strict=True):
        pairs, pair = evidence[int(component[a])], frozenset((keys[a], keys[b]))
        pairs[pair] = max(pairs.get(pair, -math.inf), x)    # a pair scored twice keeps its best score
    members: dict[int, list[str]] = defaultdict(list)
    for key, c in zip(keys, component.tolist(), strict=True):
        members[c].append(key)
    clusters: list[set[str]] = []
    for c, held in members.items():
        if len(held) == 1:
            clusters.append(set(held))
        else:
            clusters.extend(grow_clusters(sorted(held), evidence[c], clamped_log2_odds(threshold), forbidden,
                                          can_merge))
    return sorted(clusters, key=min)


def review_band(clusters: list[set[str]], index: dict[str, int], scored: ScoredArrays, thresholds: Thresholds,
                can_merge: Callable[[set, set, float], bool]) -> list[tuple[int, int, float]]:
    """Cluster pairs whose join log2-odds over their scored pairs (join_odds, as clustering) lies in
    the review band and whose facts do not conflict (a conflict is a no, not a question)."""
    of = np.empty(len(index), np.int64)
    for n, held in enumerate(clusters):
        of[[index[key] for key in held]] = n
    first, second = of[scored.left], of[scored.right]
    low, high = np.minimum(first, second), np.maximum(first, second)
    across = (low != high) & (scored.probability < 1.0)
    group = low[across] * len(clusters) + high[across]
    odds = scored.log2_odds(clustering=False)[across]
    order = np.argsort(group, kind="stable")        # stable: each group's odds in scoring order, as summed
    group, odds = group[order], odds[order]
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]]) if len(group) else np.array([], np.int64)
    ends = np.r_[starts[1:], len(group)]
    best = np.maximum.reduceat(odds, starts) if len(group) else odds
    band = []
    for start, end in zip(starts[best >= thresholds.review_odds - _ROUNDING].tolist(),
                          ends[best >= thresholds.review_odds - _ROUNDING].tolist(), strict=True):
        i, j = divmod(int(group[start]), len(clusters))
        odds_ij = join_odds(odds[start:end].tolist())
        if thresholds.review_odds <= odds_ij < thresholds.match_odds and can_merge(clusters[i], clusters[j], odds_ij):
            band.append((i, j, round(from_log2_odds(odds_ij), 4)))
    return band
