"""Expectation maximisation of m probabilities and the prior over comparison patterns.

Pairs are reduced to their comparison pattern (one level per comparison) and counted, so
an iteration costs the number of distinct patterns, not the number of pairs. u stays
fixed: it is estimated far better from random pairs than from blocked ones.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from graph.matching.comparisons import COMPARISONS
from graph.matching.model import KinRule, log2_odds, probability

Pattern = tuple[int, ...]
Table = list[dict[int, float]]  # per comparison, in COMPARISONS order: level -> probability

NAMES = tuple(c.name for c in COMPARISONS)
BOUNDS = (1e-6, 1 - 1e-6)


@dataclass(frozen=True)
class Session:
    m: Table
    prior: float
    # expected number of matching pairs in which each comparison was observed
    support: list[float]


def pattern_log2_odds(
    pattern: Pattern, m: Table, u: Table, prior: float, kin: KinRule, skip: frozenset[int] = frozenset()
) -> float:
    weights = {
        NAMES[i]: math.log2(m[i][level] / u[i][level])
        for i, level in enumerate(pattern)
        if level >= 0 and i not in skip
    }
    prior_weight = log2_odds(prior)
    return prior_weight + sum(weights.values()) + kin.adjustment(weights, prior_weight)


def match_probabilities(
    patterns: Mapping[Pattern, int], m: Table, u: Table, prior: float, kin: KinRule,
    skip: frozenset[int] = frozenset(),
) -> dict[Pattern, float]:
    return {p: probability(pattern_log2_odds(p, m, u, prior, kin, skip)) for p in patterns}


def expectation_maximisation(
    patterns: Mapping[Pattern, int],
    m: Table,
    u: Table,
    prior: float,
    kin: KinRule,
    skip: frozenset[int] = frozenset(),
    *,
    pseudo_count: float = 10.0,
    max_iterations: int = 50,
    tolerance: float = 1e-5,
) -> Session:
    """Fit m (for comparisons not in ``skip``) and the prior of these patterns.

    ``pseudo_count`` pseudo-matches drawn from the starting m act as a Dirichlet prior,
    so a comparison seen in few matches stays near its starting value instead of
    collapsing to 0 or 1.
    """
    start, total = m, sum(patterns.values())
    support = [0.0] * len(NAMES)
    for _ in range(max_iterations):
        posterior = match_probabilities(patterns, m, u, prior, kin, skip)
        counts, support = _expected_level_counts(patterns, posterior, skip)
        new_m = _maximise(counts, support, start, pseudo_count)
        new_prior = _clamp(sum(n * posterior[p] for p, n in patterns.items()) / total)
        change = max(_largest_change(m, new_m), abs(new_prior - prior))
        m, prior = new_m, new_prior
        if change < tolerance:
            break
    return Session(m, prior, support)


def _expected_level_counts(
    patterns: Mapping[Pattern, int], posterior: Mapping[Pattern, float], skip: frozenset[int]
) -> tuple[Table, list[float]]:
    counts: Table = [dict() for _ in NAMES]
    for pattern, n in patterns.items():
        for i, level in enumerate(pattern):
            if level >= 0 and i not in skip:
                counts[i][level] = counts[i].get(level, 0.0) + n * posterior[pattern]
    return counts, [sum(c.values()) for c in counts]


def _maximise(counts: Table, support: Sequence[float], start: Table, pseudo_count: float) -> Table:
    return [
        {
            level: _clamp((counts[i].get(level, 0.0) + pseudo_count * p0) / (support[i] + pseudo_count))
            for level, p0 in start[i].items()
        }
        for i in range(len(start))
    ]


def _largest_change(old: Table, new: Table) -> float:
    return max((abs(new[i][k] - old[i][k]) for i in range(len(old)) for k in old[i]), default=0.0)


def _clamp(value: float) -> float:
    return min(max(value, BOUNDS[0]), BOUNDS[1])
