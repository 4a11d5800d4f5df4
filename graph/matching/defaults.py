"""The shipped default parameters, and the neutral start they were trained from.

``python -m graph.matching.retrain`` rebuilds them (see there).
"""

from __future__ import annotations

from pathlib import Path

from graph.matching.comparisons import COMPARISONS
from graph.matching.levels import level_key
from graph.matching.model import LevelParams, Model
from graph.matching.relatives import HOUSEHOLD_KINDS, Relatives

DEFAULT_MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "match_model.json"


def load_default_model() -> Model:
    return Model.load(DEFAULT_MODEL_PATH)


def neutral_model() -> Model:
    """Untrained starting point: agreement likely for matches, disagreement for others."""
    parameters = {}
    for comparison in COMPARISONS:
        levels = comparison.observed_levels[::-1]
        top, different, middle = levels[0], levels[-1], levels[1:-1]
        spare_m, spare_u = (0.12, 0.099) if middle else (0.0, 0.0)
        m = {top: 0.85 + 0.12 - spare_m, different: 0.03}
        u = {top: 0.001 + 0.099 - spare_u, different: 0.9}
        m |= {level: spare_m / len(middle) for level in middle}
        u |= {level: spare_u / len(middle) for level in middle}
        parameters[comparison.name] = {
            level_key(level): LevelParams(m[level], u[level]) for level in levels
        }
    return Model(1e-4, parameters, Relatives(1e-4, HOUSEHOLD_KINDS))


def initial_model() -> Model:
    """Where training starts: the shipped parameters, or neutral ones before they exist."""
    return load_default_model() if DEFAULT_MODEL_PATH.exists() else neutral_model()
