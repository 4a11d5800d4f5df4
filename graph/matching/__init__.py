"""Probabilistic identity matching: pure, store-independent.

Compare two customer records field by field, score the pair with a Fellegi-Sunter model
trained without labels, and cluster scored pairs into people without chaining.
"""

from graph.matching.blocking import blocking_keys, candidate_pairs
from graph.matching.clustering import cluster
from graph.matching.comparisons import (
    COMPARISONS,
    birth_dates_compatible,
    compare,
    given_names_compatible,
)
from graph.matching.defaults import DEFAULT_MODEL_PATH, load_default_model
from graph.matching.frequencies import FrequencyLookup, FrequencyTable, frequency_key
from graph.matching.model import Contribution, MatchResult, Model, ModelFormatError
from graph.matching.training import fit

__all__ = [
    "COMPARISONS",
    "DEFAULT_MODEL_PATH",
    "Contribution",
    "FrequencyLookup",
    "FrequencyTable",
    "MatchResult",
    "Model",
    "ModelFormatError",
    "birth_dates_compatible",
    "blocking_keys",
    "candidate_pairs",
    "cluster",
    "compare",
    "fit",
    "frequency_key",
    "given_names_compatible",
    "load_default_model",
]
