"""Unsupervised training: u from random pairs, m and the priors by EM over blocked pairs.

The recipe is Splink's, plus a household class. u comes from ``sampling``. m is
estimated by EM within each EM blocking rule, leaving out the comparisons that rule
selects on, and the sessions are averaged. The priors are the expected numbers of
matches and of co-resident relatives among the candidate pairs, over all pairs. Then
duplicates and housemates are taken out of the exact-agreement u counts, and EM runs
once more with the corrected u.
"""

from __future__ import annotations

import dataclasses
import random
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from enum import IntEnum

from graph.matching.blocking import CANDIDATE_RULES, EM_RULES, Pair, rule_pairs
from graph.matching.comparisons import COMPARISONS, Comparison
from graph.matching.em import (
    NAMES,
    Fixed,
    Pattern,
    Session,
    Table,
    expectation_maximisation,
    posteriors,
)
from graph.matching.frequencies import FrequencyTable
from graph.matching.keys import Fields
from graph.matching.levels import level_key
from graph.matching.model import LevelParams, Model
from graph.matching.relatives import Relatives
from graph.matching.sampling import PSEUDO_PAIRS, PairCounts, estimate_u

EM_ROUNDS = 2
MIN_M = 0.002
PSEUDO_MATCHES = 10.0
Priors = tuple[float, float]  # matches, relatives
NEW_LEVEL = LevelParams(0.01, 0.01)


def pattern(a: Fields, b: Fields) -> Pattern:
    return tuple(int(c.compare(a, b)) for c in COMPARISONS)


def fit(
    records: Sequence[Fields],
    start: Model | None = None,
    *,
    max_random_pairs: int = 50_000,
    seed: int = 0,
) -> Model:
    """Train a model on unlabelled records, starting from (and regularised towards)
    ``start``, by default the shipped model. The records' value frequencies are
    attached for term-frequency adjustment."""
    start = start or _default_start()
    m, u0 = _tables(start)
    u, pair_counts = estimate_u(records, u0, max_random_pairs, random.Random(seed))
    sessions = {rule.name: rule_pairs(records, rule) for rule in CANDIDATE_RULES}
    candidates = sorted(set().union(*sessions.values()))
    patterns = {pair: pattern(records[pair[0]], records[pair[1]]) for pair in candidates}
    counted = Counter(patterns.values())
    priors = start.prior, start.relatives.prior
    for _ in range(EM_ROUNDS):
        fixed = Fixed(u, start.relatives.kinds)
        m = _em_over_rules(patterns, sessions, m, fixed)
        priors = estimate_priors(counted, m, fixed, priors, len(records))
        u = _without_duplicates_or_housemates(counted, m, fixed, priors, pair_counts)
    model = dataclasses.replace(_model(m, u, priors, start), records=len(records))
    return model.with_frequencies(FrequencyTable.from_records(records))


def _default_start() -> Model:
    from graph.matching.defaults import initial_model

    return initial_model()


def _tables(model: Model) -> tuple[Table, Table]:
    m: Table = [{} for _ in COMPARISONS]
    u: Table = [{} for _ in COMPARISONS]
    for i, comparison in enumerate(COMPARISONS):
        for level in comparison.observed_levels:
            # a level newer than the model (trained by an older version) starts as no evidence
            params = model.parameters.get(comparison.name, {}).get(level_key(level), NEW_LEVEL)
            m[i][int(level)], u[i][int(level)] = params.m, params.u
    return m, u


def _model(m: Table, u: Table, priors: Priors, start: Model) -> Model:
    parameters = {
        c.name: {
            level_key(level): _bounded(c, level, m[i][level], u[i][level])
            for level in c.observed_levels
        }
        for i, c in enumerate(COMPARISONS)
    }
    trained_at = datetime.now(UTC).isoformat(timespec="seconds")
    relatives = Relatives(priors[1], start.relatives.kinds)
    return Model(priors[0], parameters, relatives, start.threshold, trained_at)


def _bounded(comparison: Comparison, level: IntEnum, m: float, u: float) -> LevelParams:
    """Guards against what a training set happens not to show: no disagreement is ever
    impossible for a match (m floor), and agreeing more is never evidence against a
    match (m >= u above DIFFERENT)."""
    if level in comparison.neutral_levels:
        return LevelParams(u, u)
    m = max(m, MIN_M)
    return LevelParams(max(m, u) if level > 0 else m, u)


def _em_over_rules(
    patterns: dict[Pair, Pattern], sessions: dict[str, set[Pair]], m: Table, fixed: Fixed
) -> Table:
    estimates = []
    for rule in EM_RULES:
        counted = Counter(patterns[pair] for pair in sessions[rule.name])
        if counted:
            skip = frozenset(i for i, name in enumerate(NAMES) if name in rule.uses)
            estimates.append(expectation_maximisation(counted, m, fixed, skip=skip))
    return _average_sessions(estimates, m)


def _average_sessions(sessions: list[Session], m: Table) -> Table:
    """Each session's m, weighted by the matches it saw the comparison in."""
    averaged: Table = []
    for i, start in enumerate(m):
        support = sum(s.support[i] for s in sessions)
        if support <= 0:
            averaged.append(dict(start))
            continue
        averaged.append(
            {level: sum(s.support[i] * s.m[i][level] for s in sessions) / support
             for level in start}
        )
    return averaged


def estimate_priors(
    patterns: Counter, m: Table, fixed: Fixed, priors: Priors, record_count: int
) -> Priors:
    """Expected matches and relatives among candidates over all pairs, solved as a fixed
    point because each pair's posterior itself depends on the priors.

    Both are shrunk towards the starting model: the prior by ``PSEUDO_PAIRS`` pairs, the
    ratio of relatives to matches by ``PSEUDO_MATCHES`` matches. A small sample cannot
    show that a population has no households; a large one can.
    """
    all_pairs = record_count * (record_count - 1) / 2 + PSEUDO_PAIRS
    start_prior, start_ratio = priors[0], priors[1] / priors[0]
    for _ in range(100):
        posterior = posteriors(patterns, m, fixed, *priors)
        matches = sum(n * posterior[p][0] for p, n in patterns.items())
        housemates = sum(n * posterior[p][1] for p, n in patterns.items())
        prior = _bounded_prior((matches + PSEUDO_PAIRS * start_prior) / all_pairs)
        ratio = (housemates + PSEUDO_MATCHES * start_ratio) / (matches + PSEUDO_MATCHES)
        new = prior, _bounded_prior(prior * ratio)
        if all(abs(a - b) <= b * 1e-3 for a, b in zip(new, priors, strict=True)):
            return new
        priors = new
    return priors


def _bounded_prior(value: float) -> float:
    return min(max(value, 1e-12), 0.3)


def _without_duplicates_or_housemates(
    patterns: Counter, m: Table, fixed: Fixed, priors: Priors, counts: PairCounts
) -> Table:
    """Exactly agreeing pairs include duplicates and housemates; u, the strangers'
    probability, must include neither."""
    posterior = posteriors(patterns, m, fixed, *priors)
    not_strangers = {p: n * sum(posterior[p]) for p, n in patterns.items()}
    corrected: Table = []
    for i, comparison in enumerate(COMPARISONS):
        top, u = int(comparison.top_level), fixed.u[i]
        at_top = sum(n for p, n in not_strangers.items() if p[i] == top)
        observed = sum(n for p, n in not_strangers.items() if p[i] >= 0)
        strangers_at_top = max(counts.exact[i] - at_top, 0.0) + PSEUDO_PAIRS * u[top]
        strangers = max(counts.observed[i] - observed, 0.0) + PSEUDO_PAIRS
        top_u = min(strangers_at_top / strangers, u[top])
        scale = (1 - top_u) / (1 - u[top])
        corrected.append({level: top_u if level == top else p * scale for level, p in u.items()})
    return corrected
