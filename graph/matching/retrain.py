"""Rebuild the shipped default parameters: ``python -m graph.matching.retrain``.

They are fitted, without labels, on a seeded synthetic population (see ``synthetic``),
starting from neutral parameters, and written to ``graph/data/match_model.json``. A store
refits on its own records with ``fit(records)``, starting from these.
"""

from __future__ import annotations

from graph.demo.population import generate_population
from graph.matching.defaults import DEFAULT_MODEL_PATH, neutral_model
from graph.matching.model import Model
from graph.matching.training import fit

PEOPLE, SEED = 4000, 7
# a share of careless-export people (many records each, errors in every field, partial
# addresses), so that the defaults also know what a typo or a town-only address is worth
MESSY_PEOPLE = 400


def build_default_model() -> Model:
    records = [record for record, _ in generate_population(PEOPLE, SEED)]
    records += [record for record, _ in generate_population(MESSY_PEOPLE, SEED, messy=True)]
    return fit(records, neutral_model(), max_random_pairs=100_000, seed=SEED)


if __name__ == "__main__":
    build_default_model().save(DEFAULT_MODEL_PATH)
    print(f"wrote {DEFAULT_MODEL_PATH}")
