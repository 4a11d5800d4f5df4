"""Clustering scored pairs into people without chaining.

Connected components of the above-threshold graph would chain: A~B and B~C put A and C
together even when A and C clearly differ. Here, within each component, clusters grow by
average linkage instead: two clusters merge only when the mean log-odds of all their
scored cross pairs clears the threshold, so one strong link cannot outvote a contradicting
one. Pairs never scored (not blocked together) count as no evidence either way. A
cannot-link between any two members forbids the merge outright.
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
    graph.add_edges_from(tuple(pair) for pair, odds in evidence.items() if odds >= _log2_odds(threshold))
    forbidden = {frozenset(pair) for pair in cannot_link}
    clusters = []
    for component in nx.connected_components(graph):
        members = sorted(component)
        clusters.extend(_average_linkage(members, evidence, _log2_odds(threshold), forbidden, can_merge))
    return sorted(clusters, key=min)


def capped(log2_odds: float) -> float:
    """Log2-odds within +-LOG2_ODDS_LIMIT: certainty either way counts as very strong, not infinite."""
    return max(min(log2_odds, LOG2_ODDS_LIMIT), -LOG2_ODDS_LIMIT)


def _log2_odds(probability: float) -> float:
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
            evidence[key] = max(evidence.get(key, -math.inf), _log2_odds(probability))
    return evidence


class _Linkage:
    """Sum and count of cross-pair log-odds between live clusters, plus cannot-links."""

    def __init__(self, members: list, evidence: dict[frozenset, float], forbidden: set[frozenset]):
        self.clusters = {i: {member} for i, member in enumerate(members)}
        index = {member: i for i, member in enumerate(members)}
        self.links: dict[int, dict[int, list[float]]] = defaultdict(dict)
        self.blocked: set[frozenset[int]] = set()
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                key = frozenset((a, b))
                if key in evidence:
                    self._add(i, index[b], evidence[key], 1)
                if key in forbidden:
                    self.blocked.add(frozenset((i, index[b])))

    def _add(self, i: int, j: int, total: float, n: float) -> None:   # n: a count, kept beside total
        link = self.links[i].setdefault(j, [0.0, 0])
        link[0] += total
        link[1] += n
        self.links[j][i] = link

    def mean(self, i: int, j: int) -> float:
        total, n = self.links[i][j]
        return total / n

    def merge(self, i: int, j: int, new: int) -> None:
        self.clusters[new] = self.clusters.pop(i) | self.clusters.pop(j)
        for old in (i, j):
            for other, (total, n) in self.links.pop(old).items():
                del self.links[other][old]
                if other not in (i, j):
                    self._add(new, other, total, n)
        self.blocked |= {
            frozenset((new, other)) for pair in self.blocked if pair & {i, j}
            for other in pair - {i, j}
        }


def _average_linkage(members: list, evidence: dict, threshold: float, forbidden: set,
                     can_merge: Callable[[set, set, float], bool] | None = None) -> list[set]:
    linkage = _Linkage(members, evidence, forbidden)
    heap = [(-linkage.mean(i, j), i, j) for i in linkage.links for j in linkage.links[i] if i < j]
    heapq.heapify(heap)
    new_ids = count(len(members))
    while heap:
        negative_mean, i, j = heapq.heappop(heap)
        if i not in linkage.clusters or j not in linkage.clusters:
            continue  # one side already merged away: a stale entry
        if -negative_mean < threshold:
            break
        if frozenset((i, j)) in linkage.blocked:
            continue
        if can_merge is not None and not can_merge(linkage.clusters[i], linkage.clusters[j], -negative_mean):
            continue
        new = next(new_ids)
        linkage.merge(i, j, new)
        for other in linkage.links[new]:
            heapq.heappush(heap, (-linkage.mean(new, other), min(new, other), max(new, other)))
    return list(linkage.clusters.values())
