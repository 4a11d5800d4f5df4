"""Expectation maximisation over comparison patterns, with three classes of pair:
match, stranger and co-resident relative.

Pairs are reduced to their comparison pattern (one level per comparison) and counted, so
an iteration costs the number of distinct patterns, not the number of pairs. Only m and
the two class priors are estimated: u comes from random pairs, which estimate it far
better than blocked pairs do, and how relatives share fields is fixed knowledge.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from graph.matching.comparisons import COMPARISONS
from graph.matching.relatives import RelativeKind, log2_sum

Pattern = tuple[int, ...]
Table = list[dict[int, float]]  # per comparison, in COMPARISONS order: level -> probability
Posterior = tuple[float, float]  # P(match), P(relatives)

NAMES = tuple(c.name for c in COMPARISONS)
BOUNDS = (1e-9, 0.5)
M_BOUNDS = (1e-6, 1 - 1e-6)


@dataclass(frozen=True)
class Fixed:
    """What EM does not estimate: u and the kinds of relatives."""

    u: Table
    kinds: tuple[RelativeKind, ...]

    def relatives_table(self, kind: RelativeKind, m: Table) -> Table:
        return [
            {level: kind.probability(c.name, m[i][level], p, level == c.top_level)
             for level, p in self.u[i].items()}
            for i, c in enumerate(COMPARISONS)
        ]


@dataclass(frozen=True)
class Session:
    m: Table
    prior: float
    relatives_prior: float
    support: list[float]  # expected matches in which each comparison was observed


def _log2_table(table: Table, skip: frozenset[int]) -> Table:
    # skipped comparisons and NULL levels contribute log2(1) = 0 to every class
    return [
        {level: 0.0 if i in skip else math.log2(p) for level, p in row.items()} | {-1: 0.0}
        for i, row in enumerate(table)
    ]


def _log2_sum_over(pattern: Pattern, log_table: Table) -> float:
    return sum(row[level] for row, level in zip(log_table, pattern, strict=True))


def posteriors(
    patterns: Mapping[Pattern, int], m: Table, fixed: Fixed, prior: float, relatives_prior: float,
    skip: frozenset[int] = frozenset(),
) -> dict[Pattern, Posterior]:
    strangers_prior = math.log2(1 - prior - relatives_prior)
    log_m, log_u = _log2_table(m, skip), _log2_table(fixed.u, skip)
    kinds = [
        (math.log2(relatives_prior * kind.share), _log2_table(fixed.relatives_table(kind, m), skip))
        for kind in fixed.kinds
    ]
    result = {}
    for pattern in patterns:
        match = math.log2(prior) + _log2_sum_over(pattern, log_m)
        strangers = strangers_prior + _log2_sum_over(pattern, log_u)
        relatives = log2_sum(*(kind_prior + _log2_sum_over(pattern, log_k)
                               for kind_prior, log_k in kinds), -math.inf)
        total = log2_sum(match, strangers, relatives)
        result[pattern] = (2.0 ** (match - total), 2.0 ** (relatives - total))
    return result


def expectation_maximisation(
    patterns: Mapping[Pattern, int],
    m: Table,
    fixed: Fixed,
    prior: float = 0.3,
    relatives_prior: float = 0.1,
    skip: frozenset[int] = frozenset(),
    *,
    pseudo_count: float = 10.0,
    max_iterations: int = 50,
    tolerance: float = 1e-5,
) -> Session:
    """Fit m (for comparisons not in ``skip``) and both class priors of these patterns.

    ``pseudo_count`` pseudo-matches drawn from the starting m act as a Dirichlet prior,
    so a comparison seen in few matches stays near its starting value instead of
    collapsing to 0 or 1.
    """
    start, total = m, sum(patterns.values())
    support = [0.0] * len(NAMES)
    for _ in range(max_iterations):
        posterior = posteriors(patterns, m, fixed, prior, relatives_prior, skip)
        counts, support = _expected_level_counts(patterns, posterior, skip)
        new_m = _maximise(counts, support, start, pseudo_count)
        new_prior = _clamp(sum(n * posterior[p][0] for p, n in patterns.items()) / total)
        new_relatives = _clamp(sum(n * posterior[p][1] for p, n in patterns.items()) / total)
        change = max(
            _largest_change(m, new_m), abs(new_prior - prior), abs(new_relatives - relatives_prior)
        )
        m, prior, relatives_prior = new_m, new_prior, new_relatives
        if change < tolerance:
            break
    return Session(m, prior, relatives_prior, support)


def _expected_level_counts(
    patterns: Mapping[Pattern, int], posterior: Mapping[Pattern, Posterior], skip: frozenset[int]
) -> tuple[Table, list[float]]:
    counts: Table = [{} for _ in NAMES]
    for pattern, n in patterns.items():
        for i, level in enumerate(pattern):
            if level >= 0 and i not in skip:
                counts[i][level] = counts[i].get(level, 0.0) + n * posterior[pattern][0]
    return counts, [sum(c.values()) for c in counts]


def _maximise(counts: Table, support: Sequence[float], start: Table, pseudo_count: float) -> Table:
    def estimate(i: int, level: int, p0: float) -> float:
        m = (counts[i].get(level, 0.0) + pseudo_count * p0) / (support[i] + pseudo_count)
        return min(max(m, M_BOUNDS[0]), M_BOUNDS[1])

    return [
        {level: estimate(i, level, p0) for level, p0 in row.items()} for i, row in enumerate(start)
    ]


def _largest_change(old: Table, new: Table) -> float:
    return max((abs(new[i][k] - old[i][k]) for i in range(len(old)) for k in old[i]), default=0.0)


def _clamp(value: float) -> float:
    return min(max(value, BOUNDS[0]), BOUNDS[1])
