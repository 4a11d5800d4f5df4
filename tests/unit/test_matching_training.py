import random
from collections import Counter, defaultdict
from itertools import combinations

import pytest

from graph.demo.population import generate_population
from graph.matching import FrequencyTable, candidate_pairs, cluster, fit
from graph.matching.comparisons import COMPARISONS
from graph.matching.defaults import neutral_model
from graph.matching.em import Fixed, expectation_maximisation
from graph.matching.sampling import estimate_u
from graph.matching.training import _tables


def _truth_table(rng: random.Random, agree_first: bool) -> list[dict[int, float]]:
    """A random distribution over each comparison's levels, leaning to the top level for
    matches and to DIFFERENT for strangers, as real ones do."""
    table = []
    for comparison in COMPARISONS:
        levels = [int(level) for level in comparison.observed_levels]
        favoured = levels[-1] if agree_first else levels[0]
        weights = {level: rng.uniform(0.2, 1.0) for level in levels}
        weights[favoured] = sum(weights.values()) * 3
        total = sum(weights.values())
        table.append({level: w / total for level, w in weights.items()})
    return table


def _draw(rng: random.Random, distribution: dict[int, float]) -> int:
    return rng.choices(list(distribution), list(distribution.values()))[0]


def test_expectation_maximisation_recovers_m_and_the_prior_from_unlabelled_pairs():
    rng = random.Random(3)
    true_m, true_u, true_prior = _truth_table(rng, True), _truth_table(rng, False), 0.25
    patterns = Counter()
    for _ in range(20_000):
        table = true_m if rng.random() < true_prior else true_u
        patterns[tuple(_draw(rng, levels) for levels in table)] += 1
    start_m, _ = _tables(neutral_model())

    session = expectation_maximisation(patterns, start_m, Fixed(true_u, ()), prior=0.5)

    assert session.prior == pytest.approx(true_prior, abs=0.02)
    for estimated, true in zip(session.m, true_m, strict=True):
        for level, probability in true.items():
            assert estimated[level] == pytest.approx(probability, abs=0.03)


def test_u_is_estimated_from_value_frequencies_and_random_pairs():
    rng = random.Random(5)
    names = [f"name{i}" for i in range(20)]
    records = [{"given": rng.choice(names), "gender": rng.choice("mf")} for _ in range(400)]
    _, u0 = _tables(neutral_model())

    u, counts = estimate_u(records, u0, 5_000, random.Random(0))

    given, gender = COMPARISONS[0], COMPARISONS[-1]
    assert u[0][int(given.top_level)] == pytest.approx(1 / 20, rel=0.15)
    assert u[-1][int(gender.top_level)] == pytest.approx(1 / 2, rel=0.1)
    assert sum(u[0].values()) == pytest.approx(1.0)
    assert counts.observed[0] == pytest.approx(400 * 399 / 2)


@pytest.fixture(scope="module")
def population():
    return generate_population(150, seed=21)


@pytest.fixture(scope="module")
def fitted(population):
    return fit([record for record, _ in population], max_random_pairs=3_000)


def test_fit_learns_a_usable_model_from_unlabelled_records(population, fitted):
    records = [record for record, _ in population]
    people = [person for _, person in population]
    scored = [(i, j, fitted.score(records[i], records[j]).probability)
              for i, j in candidate_pairs(records)]
    clusters = cluster(range(len(records)), scored, fitted.threshold)

    predicted = {frozenset(p) for c in clusters for p in combinations(c, 2)}
    by_person = defaultdict(list)
    for index, person in enumerate(people):
        by_person[person].append(index)
    truth = {frozenset(p) for group in by_person.values() for p in combinations(group, 2)}
    hits = len(predicted & truth)
    assert hits / len(predicted) > 0.9 and hits / len(truth) > 0.75


def test_fit_estimates_a_prior_and_keeps_the_records_frequencies(population, fitted):
    pairs = len(population) * (len(population) - 1) / 2
    assert 1 / pairs < fitted.prior < 0.05
    assert isinstance(fitted.frequencies, FrequencyTable)
    assert fitted.trained_at is not None
    agreeing = fitted.parameters["given"]["exact"]
    assert agreeing.m > 0.3 and agreeing.weight > 3
    assert fitted.parameters["given"]["different"].weight < 0
