"""Unsupervised training: u from random pairs, m and the prior by EM over blocked pairs.

The steps follow Splink's recipe. u of each top level (exact agreement) is counted from
value frequencies, which is exact and cheap; the other levels' u come from a sample of
random pairs. m is estimated by EM separately within each EM blocking rule, leaving out
the comparisons that rule selects on, and the sessions are averaged. The global prior is
the expected number of matches among all candidate pairs over the number of all pairs.
Finally duplicates are taken out of the exact-agreement u counts, and EM runs again.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timezone

from graph.matching.blocking import CANDIDATE_RULES, EM_RULES, Pair, rule_pairs
from graph.matching.comparisons import COMPARISONS, Comparison, Record, level_key
from graph.matching.em import (
    NAMES,
    Pattern,
    Table,
    expectation_maximisation,
    match_probabilities,
)
from graph.matching.frequencies import FrequencyTable
from graph.matching.model import LevelParams, Model

EM_ROUNDS = 2


def pattern(a: Record, b: Record) -> Pattern:
    return tuple(int(c.compare(a, b)) for c in COMPARISONS)


def fit(
    records: Sequence[Record],
    start: Model | None = None,
    *,
    max_random_pairs: int = 50_000,
    seed: int = 0,
) -> Model:
    """Train a model on unlabelled records, starting from (and regularised towards)
    ``start``, by default the shipped model. Frequencies of the records are attached."""
    start = start or _default_start()
    m0, u0 = _tables(start)
    u, exact_pairs, observed_pairs = estimate_u(records, u0, max_random_pairs, random.Random(seed))
    sessions = {rule.name: rule_pairs(records, rule) for rule in CANDIDATE_RULES}
    candidates = set().union(*sessions.values())
    patterns = {pair: pattern(records[pair[0]], records[pair[1]]) for pair in sorted(candidates)}
    m, prior = m0, start.prior
    for _ in range(EM_ROUNDS):
        m = _em_over_rules(patterns, sessions, m, u, start)
        prior = estimate_prior(Counter(patterns.values()), m, u, start, len(records))
        u = _remove_duplicates_from_u(Counter(patterns.values()), m, u, prior, start, exact_pairs, observed_pairs)
    return _model(m, u, prior, start).with_frequencies(FrequencyTable.from_records(records))


def _default_start() -> Model:
    from graph.matching.defaults import initial_model

    return initial_model()


def _tables(model: Model) -> tuple[Table, Table]:
    m: Table = [{} for _ in COMPARISONS]
    u: Table = [{} for _ in COMPARISONS]
    for i, comparison in enumerate(COMPARISONS):
        for level in _levels(comparison):
            params = model.parameters[comparison.name][level_key(level)]
            m[i][int(level)], u[i][int(level)] = params.m, params.u
    return m, u


def _levels(comparison: Comparison) -> list:
    return [level for level in comparison.levels if level >= 0]


def _model(m: Table, u: Table, prior: float, start: Model) -> Model:
    parameters = {
        c.name: {level_key(level): LevelParams(m[i][level], u[i][level]) for level in _levels(c)}
        for i, c in enumerate(COMPARISONS)
    }
    trained_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return Model(prior, parameters, start.kin, start.threshold, trained_at)


# --- u ---------------------------------------------------------------------------------


def estimate_u(
    records: Sequence[Record], u0: Table, max_pairs: int, rng: random.Random
) -> tuple[Table, list[float], list[float]]:
    """u per comparison, with the number of exactly agreeing and of observed pairs."""
    u, exact_pairs, observed_pairs = [], [], []
    for i, comparison in enumerate(COMPARISONS):
        present = [r for r in records if any(r.get(f) not in (None, "", []) for f in comparison.fields)]
        levels, observed = _sampled_levels(comparison, present, max_pairs, rng)
        exact = _exact_pairs(comparison, present)
        u.append(_u_from_counts(comparison, levels, exact / max(observed, 1.0), u0[i]))
        exact_pairs.append(exact)
        observed_pairs.append(observed)
    return u, exact_pairs, observed_pairs


def _exact_pairs(comparison: Comparison, records: Sequence[Record]) -> float:
    counts = Counter(key for r in records for key in comparison.exact_keys(r))
    return float(sum(n * (n - 1) // 2 for n in counts.values()))


def _sampled_levels(
    comparison: Comparison, records: Sequence[Record], max_pairs: int, rng: random.Random
) -> tuple[Counter, float]:
    n = len(records)
    all_pairs = n * (n - 1) // 2
    if all_pairs <= max_pairs:
        pairs = ((i, j) for i in range(n) for j in range(i + 1, n))
    else:
        pairs = (tuple(rng.sample(range(n), 2)) for _ in range(max_pairs))
    levels = Counter(int(comparison.compare(records[i], records[j])) for i, j in pairs)
    sampled = sum(levels.values())
    observed_share = 1 - levels.pop(-1, 0) / sampled if sampled else 0.0
    return levels, all_pairs * observed_share


def _u_from_counts(comparison: Comparison, levels: Counter, top_u: float, u0: dict[int, float]) -> dict[int, float]:
    # the sample is used only for the lower levels; the top level is counted exactly
    top = int(comparison.top_level)
    levels.pop(top, None)
    rest = {level: p for level, p in u0.items() if level != top}
    pseudo, total = 10.0, sum(levels.values())
    share = {level: (levels.get(level, 0) + pseudo * p / sum(rest.values())) / (total + pseudo) for level, p in rest.items()}
    top_u = min(max(top_u, 1e-9), 0.999)
    return {top: top_u} | {level: max(s * (1 - top_u), 1e-9) for level, s in share.items()}


# --- m and the prior --------------------------------------------------------------


def _em_over_rules(patterns: dict[Pair, Pattern], sessions: dict[str, set[Pair]], m: Table, u: Table, start: Model) -> Table:
    estimates = []
    for rule in EM_RULES:
        counted = Counter(patterns[pair] for pair in sessions[rule.name])
        if counted:
            skip = frozenset(i for i, name in enumerate(NAMES) if name in rule.uses)
            estimates.append(expectation_maximisation(counted, m, u, 0.3, start.kin, skip))
    return _average_sessions(estimates, m)


def _average_sessions(sessions, m: Table) -> Table:
    averaged: Table = []
    for i, start in enumerate(m):
        support = sum(s.support[i] for s in sessions)
        if support <= 0:
            averaged.append(dict(start))
            continue
        averaged.append({level: sum(s.support[i] * s.m[i][level] for s in sessions) / support for level in start})
    return averaged


def estimate_prior(patterns: Counter, m: Table, u: Table, start: Model, record_count: int) -> float:
    """Expected matches among candidates over all pairs, solved as a fixed point
    because each pair's match probability itself depends on the prior."""
    all_pairs = max(record_count * (record_count - 1) / 2, 1.0)
    prior = start.prior
    for _ in range(50):
        posterior = match_probabilities(patterns, m, u, prior, start.kin)
        new_prior = min(max(sum(n * posterior[p] for p, n in patterns.items()) / all_pairs, 1e-12), 0.5)
        if abs(new_prior - prior) <= prior * 1e-3:
            return new_prior
        prior = new_prior
    return prior


def _remove_duplicates_from_u(
    patterns: Counter, m: Table, u: Table, prior: float, start: Model,
    exact_pairs: list[float], observed_pairs: list[float],
) -> Table:
    """Exactly agreeing random pairs include the true duplicates; u must not."""
    posterior = match_probabilities(patterns, m, u, prior, start.kin)
    corrected: Table = []
    for i, comparison in enumerate(COMPARISONS):
        top = int(comparison.top_level)
        matched_top = sum(n * posterior[p] for p, n in patterns.items() if p[i] == top)
        matched = sum(n * posterior[p] for p, n in patterns.items() if p[i] >= 0)
        top_u = max(exact_pairs[i] - matched_top, 0.5) / max(observed_pairs[i] - matched, 1.0)
        top_u = min(top_u, u[i][top])
        scale = (1 - top_u) / (1 - u[i][top])
        corrected.append({level: top_u if level == top else p * scale for level, p in u[i].items()})
    return corrected
