"""graph.demo.population without households: the data set on which Splink's time can be compared
(bench/resolve_all.py --no-households)."""
from collections import Counter, defaultdict

from graph.demo.population import generate_population


def _homes(population) -> dict[int, tuple]:
    """Each person's usual home: the street address most of their records give."""
    seen: dict[int, Counter] = defaultdict(Counter)
    for record, person in population:
        seen[person][(record.get("streetNumber"), record.get("street"), record.get("postcode"))] += 1
    return {person: homes.most_common(1)[0][0] for person, homes in seen.items()}


def _shared_homes(population) -> int:
    return sum(n - 1 for n in Counter(_homes(population).values()).values() if n > 1)


def test_without_households_everyone_lives_alone():
    assert _shared_homes(generate_population(300, seed=4, households=False)) == 0


def test_by_default_families_share_a_home():
    assert _shared_homes(generate_population(300, seed=4)) > 50


def test_without_households_the_number_of_people_is_kept():
    people = {person for _, person in generate_population(300, seed=4, households=False)}
    assert len(people) == 300
