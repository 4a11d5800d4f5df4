"""u, the probability of each level for two strangers, from the records themselves.

The top level (exact agreement) is counted from value frequencies: the number of pairs
sharing a key is exact and costs one pass. The other levels come from a sample of random
pairs. Both are shrunk towards the starting model's u by ``PSEUDO_PAIRS`` pseudo-pairs,
so a field seen on a handful of records keeps sensible values.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from graph.matching.comparisons import COMPARISONS, Comparison
from graph.matching.keys import Fields

Table = list[dict[int, float]]  # per comparison, in COMPARISONS order: level -> probability
PSEUDO_PAIRS = 1000.0


@dataclass(frozen=True)
class PairCounts:
    """Per comparison: pairs agreeing exactly, and pairs where both sides are present."""

    exact: list[float]
    observed: list[float]


def estimate_u(
    records: Sequence[Fields], u0: Table, max_pairs: int, rng: random.Random
) -> tuple[Table, PairCounts]:
    u, counts = [], PairCounts([], [])
    for i, comparison in enumerate(COMPARISONS):
        present = [r for r in records if any(r.get(f) for f in comparison.fields)]
        levels, observed = _sampled_levels(comparison, present, max_pairs, rng)
        exact = _exact_pairs(comparison, present)
        u.append(_u_from_counts(comparison, levels, exact, observed, u0[i]))
        counts.exact.append(exact)
        counts.observed.append(observed)
    return u, counts


def _exact_pairs(comparison: Comparison, records: Sequence[Fields]) -> float:
    counts = Counter(key for r in records for key in comparison.exact_keys(r))
    return float(sum(n * (n - 1) // 2 for n in counts.values()))


def _sampled_levels(
    comparison: Comparison, records: Sequence[Fields], max_pairs: int, rng: random.Random
) -> tuple[Counter, float]:
    """Level counts of the sample, and how many of all pairs have both sides present."""
    n = len(records)
    all_pairs = n * (n - 1) // 2
    if all_pairs <= max_pairs:
        pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    else:
        pairs = random_pairs(rng, n, max_pairs)
    levels = Counter(int(comparison.compare(records[i], records[j])) for i, j in pairs)
    sampled = sum(levels.values())
    observed_share = 1 - levels.pop(-1, 0) / sampled if sampled else 0.0
    return levels, all_pairs * observed_share


def random_pairs(rng: random.Random, n: int, count: int) -> list[tuple[int, int]]:
    indices = range(n)
    pairs = zip(rng.choices(indices, k=count), rng.choices(indices, k=count), strict=True)
    return [(i, j) for i, j in pairs if i != j]


def _u_from_counts(
    comparison: Comparison, levels: Counter, exact: float, observed: float, u0: dict[int, float]
) -> dict[int, float]:
    top = int(comparison.top_level)
    top_u = (exact + PSEUDO_PAIRS * u0[top]) / (observed + PSEUDO_PAIRS)
    levels.pop(top, None)  # the sample serves only the lower levels
    rest = {level: p / (1 - u0[top]) for level, p in u0.items() if level != top}
    total = sum(levels.values())
    # a level the sample never showed is not known to be rarer than one in the sample
    rarest = 1.0 / (total + PSEUDO_PAIRS) if total else 0.0
    shares = {
        level: max((levels.get(level, 0) + PSEUDO_PAIRS * p) / (total + PSEUDO_PAIRS), rarest)
        for level, p in rest.items()
    }
    return {top: top_u} | {level: share * (1 - top_u) for level, share in shares.items()}
