"""Clustering scored pairs into people without chaining.

Connected components of the above-threshold graph would chain: A~B and B~C put A and C
together even when A and C clearly differ. Here, within each component, clusters grow by the
join rule (``join_odds``): two clusters merge when the mean log-odds of their scored cross pairs
clears the threshold, or when their best cross pair does and no cross pair contradicts it
strongly (the model at least 97% sure the two records are different people). So one strong
link cannot outvote a contradicting one, while a person's corrupted records, each of which
the model merely doubts against some of the others, no longer drag the mean below the
threshold: the mean alone split people with many records and an error in every field
(issue 13; figures in bench/messy.py and the README). Pairs never scored (not blocked together)
count as no evidence either way. A cannot-link between any two members forbids the merge
outright.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from itertools import count
from typing import Any

import networkx as nx

ScoredPair = tuple[Hashable, Hashable, float]
LOG2_ODDS_LIMIT = 40.0
# a scored pair below this (probability 0.03) is a strong contradiction: it vetoes the join
CONTRADICTION_ODDS = -5.0


def join_odds(odds: Iterable[float]) -> float:
    """How well two groups of records (a record and a Person, two clusters) match as a whole, in
    log2-odds over their scored pairs: the best pair when no pair contradicts strongly, else the
    mean. No scored pair is no evidence: -inf, never a match."""
    values = list(odds)
    return _join(sum(values), len(values), max(values), min(values)) if values else -math.inf


def _join(total: float, n: int, best: float, worst: float) -> float:
    return best if worst >= CONTRADICTION_ODDS else total / n


def cluster(
    ids: Iterable[Hashable],
    scored_pairs: Iterable[ScoredPair],
    threshold: float,
    cannot_link: Iterable[tuple[Hashable, Hashable]] = frozenset(),
    can_merge: Callable[[set, set, float], bool] | None = None,
) -> list[set]:
    """Clusters of ``ids`` (every id appears once), sorted by their smallest member.

    Ids must be mutually orderable; the result does not depend on input order.
    ``can_merge(a, b)``, when given, may veto a merge of two whole clusters (say, facts that
    conflict between them as groups), as ``cannot_link`` vetoes one pair of members.
    """
    evidence = _evidence(scored_pairs)
    graph: nx.Graph[Any] = nx.Graph()   # ids: Hashable and mutually orderable
    graph.add_nodes_from(ids)
    graph.add_edges_from(tuple(pair) for pair, odds in evidence.items() if odds >= clamped_log2_odds(threshold))
    forbidden = {frozenset(pair) for pair in cannot_link}
    clusters = []
    for component in nx.connected_components(graph):
        members = sorted(component)
        clusters.extend(grow_clusters(members, evidence, clamped_log2_odds(threshold), forbidden, can_merge))
    return sorted(clusters, key=min)


def capped(log2_odds: float) -> float:
    """Log2-odds within +-LOG2_ODDS_LIMIT: certainty either way counts as very strong, not infinite."""
    return max(min(log2_odds, LOG2_ODDS_LIMIT), -LOG2_ODDS_LIMIT)


def clamped_log2_odds(probability: float) -> float:
    if probability <= 0.0:
        return -LOG2_ODDS_LIMIT
    if probability >= 1.0:
        return LOG2_ODDS_LIMIT
    return capped(math.log2(probability / (1 - probability)))


def _evidence(scored_pairs: Iterable[ScoredPair]) -> dict[frozenset, float]:
    # a pair scored twice keeps its best score, whatever order it came in
    evidence: dict[frozenset, float] = {}
    for a, b, probability in scored_pairs:
        if a != b:
            key = frozenset((a, b))
            evidence[key] = max(evidence.get(key, -math.inf), clamped_log2_odds(probability))
    return evidence


class _Linkage:
    """Sum, count, best and worst of the cross-pair log-odds between live clusters, plus cannot-links."""

    def __init__(self, members: list, evidence: dict[frozenset, float], forbidden: set[frozenset]):
        self.clusters = {i: {member} for i, member in enumerate(members)}
        index = {member: i for i, member in enumerate(members)}
        self.links: dict[int, dict[int, list]] = defaultdict(dict)
        self.blocked: set[frozenset[int]] = set()
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                key = frozenset((a, b))
                if key in evidence:
                    odds = evidence[key]
                    self._add(i, index[b], [odds, 1, odds, odds])
                if key in forbidden:
                    self.blocked.add(frozenset((i, index[b])))

    def _add(self, i: int, j: int, other: list) -> None:
        """Fold ``other`` ([total, n, best, worst]) into the link between i and j."""
        link = self.links[i].setdefault(j, [0.0, 0, -math.inf, math.inf])
        link[0] += other[0]
        link[1] += other[1]
        link[2] = max(link[2], other[2])
        link[3] = min(link[3], other[3])
        self.links[j][i] = link

    def score(self, i: int, j: int) -> float:
        return _join(*self.links[i][j])

    def merge(self, i: int, j: int, new: int) -> None:
        self.clusters[new] = self.clusters.pop(i) | self.clusters.pop(j)
        for old in (i, j):
            for other, link in self.links.pop(old).items():
                del self.links[other][old]
                if other not in (i, j):
                    self._add(new, other, link)
        self.blocked |= {
            frozenset((new, other)) for pair in self.blocked if pair & {i, j}
            for other in pair - {i, j}
        }


def grow_clusters(members: list, evidence: dict, threshold: float, forbidden: set,
                     can_merge: Callable[[set, set, float], bool] | None = None) -> list[set]:
    linkage = _Linkage(members, evidence, forbidden)
    heap = [(-linkage.score(i, j), i, j) for i in linkage.links for j in linkage.links[i] if i < j]
    heapq.heapify(heap)
    new_ids = count(len(members))
    while heap:
        negative_score, i, j = heapq.heappop(heap)
        if i not in linkage.clusters or j not in linkage.clusters:
            continue  # one side already merged away: a stale entry
        if -negative_score < threshold:
            break
        if frozenset((i, j)) in linkage.blocked:
            continue
        if can_merge is not None and not can_merge(linkage.clusters[i], linkage.clusters[j], -negative_score):
            continue
        new = next(new_ids)
        linkage.merge(i, j, new)
        for other in linkage.links[new]:
            heapq.heappush(heap, (-linkage.score(new, other), min(new, other), max(new, other)))
    return list(linkage.clusters.values())
