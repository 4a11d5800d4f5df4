"""Fellegi-Sunter scoring with term-frequency adjustment and a household class.

Each comparison level has m = P(level | match) and u = P(level | non-match); its match
weight is log2(m/u). The classic total is the prior's log2 odds plus the weights, and the
match probability is the base-2 sigmoid of the total. Term-frequency adjustment replaces
the average u of an exact agreement with the frequency of the agreed value, so 'smith'
counts less than 'zabrowski'. Non-matches also include co-resident relatives (see
``relatives``); the weight that costs shows as one more contribution, ``household``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import IntEnum
from functools import cached_property
from pathlib import Path

from graph.matching.comparisons import COMPARISONS, Comparison, compare
from graph.matching.frequencies import FrequencyLookup, frequency_key
from graph.matching.keys import Fields
from graph.matching.levels import level_key
from graph.matching.relatives import Relatives, log2_sum

FORMAT_VERSION = 1
HOUSEHOLD = "household"


class ModelFormatError(ValueError):
    """A parameter file this code cannot read."""


@dataclass(frozen=True)
class LevelParams:
    m: float
    u: float

    @property
    def weight(self) -> float:
        return math.log2(self.m / self.u)


@dataclass(frozen=True)
class Contribution:
    comparison: str
    level: str
    weight: float


@dataclass(frozen=True)
class MatchResult:
    probability: float
    match_weight: float
    prior_weight: float
    contributions: tuple[Contribution, ...]

    def is_match(self, threshold: float) -> bool:
        return self.probability >= threshold


def log2_odds(p: float) -> float:
    return math.log2(p / (1.0 - p))


def probability(log2_odds_value: float) -> float:
    return 1.0 / (1.0 + 2.0 ** -min(max(log2_odds_value, -1000.0), 1000.0))


@dataclass(frozen=True)
class Model:
    """Trained parameters; ``frequencies`` is attached at run time, never saved."""

    prior: float
    parameters: Mapping[str, Mapping[str, LevelParams]]
    relatives: Relatives
    threshold: float = 0.9
    trained_at: str | None = None
    records: int | None = None     # how many records the priors were fitted over (None: not known)
    frequencies: FrequencyLookup | None = field(default=None, compare=False, repr=False)

    def with_frequencies(self, frequencies: FrequencyLookup | None) -> Model:
        return replace(self, frequencies=frequencies)

    def at_scale(self, records: int) -> Model:
        """The model for a set of ``records`` records. Its priors are the chances that two records
        drawn at random are one person, or co-resident relatives; a person's duplicates and
        housemates are a handful however many records there are, so both chances fall as 1/n.
        They hold for the records the model was fitted over: more records lower them in
        proportion (else chance agreements, namesakes born on one day, grow with the records while
        the evidence needed stays put); fewer never raise them (a small store says nothing about
        how many duplicates it holds)."""
        if not self.records or records <= self.records:
            return self
        share = self.records / records
        return replace(self, prior=self.prior * share,
                       relatives=replace(self.relatives, prior=self.relatives.prior * share))

    def score(self, a: Fields, b: Fields) -> MatchResult:
        """Match probability of two records with each comparison's weight, for
        explanations. The weights plus the prior and the household correction add up
        to ``match_weight``."""
        levels = compare(a, b)
        total = self.match_weight(tuple(levels[c.name] for c in COMPARISONS), a)
        contributions = []
        for comparison in COMPARISONS:
            level = levels[comparison.name]
            logs = self.level_logs(comparison, level, a)
            weight = 0.0 if logs is None else logs[0] - logs[1]
            contributions.append(Contribution(comparison.name, level_key(level), weight))
        prior_weight = log2_odds(self.prior)
        household = total - prior_weight - sum(c.weight for c in contributions)
        if abs(household) >= 0.01:
            contributions.append(Contribution(HOUSEHOLD, "relatives", household))
        return MatchResult(probability(total), total, prior_weight, tuple(contributions))

    def match_weight(self, levels: tuple[IntEnum, ...], a: Fields) -> float:
        """log2 odds of one person against strangers and each kind of relatives, from a pair's
        levels in COMPARISONS order; ``a`` is the pair's first record (term frequencies read it).
        Pairs share few level vectors, so a vector's weight is worked out once unless a term
        frequency applies to it."""
        if self.frequencies is not None and any(
                level == c.tf_level for c, level in zip(COMPARISONS, levels, strict=True)):
            return self._match_weight(levels, a)
        weight = self._weight_cache.get(levels)
        if weight is None:
            weight = self._weight_cache[levels] = self._match_weight(levels, a)
        return weight

    def _match_weight(self, levels: tuple[IntEnum, ...], a: Fields) -> float:
        # log2 joint likelihood of each class: match, strangers, then each kind of relatives
        classes = list(self._prior_logs)
        for comparison, level in zip(COMPARISONS, levels, strict=True):
            logs = self.level_logs(comparison, level, a)
            if logs is not None:
                classes = [c + x for c, x in zip(classes, logs, strict=True)]
        return classes[0] - log2_sum(*classes[1:])

    @cached_property
    def _prior_logs(self) -> tuple[float, ...]:
        relatives = self.relatives
        logs = [math.log2(self.prior), math.log2(1 - self.prior - relatives.prior)]
        return tuple(logs + [math.log2(relatives.prior * kind.share) for kind in relatives.kinds])

    @cached_property
    def _log_cache(self) -> dict:
        return {}

    @cached_property
    def _weight_cache(self) -> dict[tuple[IntEnum, ...], float]:
        return {}

    def level_logs(self, comparison: Comparison, level: IntEnum, record: Fields) -> tuple[float, ...] | None:
        """log2 of ``_probabilities``; cached per level unless term frequencies apply to it (the
        parameters never change: the model is frozen)."""
        if level == comparison.tf_level and self.frequencies is not None:
            probabilities = self._probabilities(comparison, level, record)
            return None if probabilities is None else tuple(math.log2(p) for p in probabilities)
        key = (comparison.name, level)
        if key not in self._log_cache:
            probabilities = self._probabilities(comparison, level, record)
            self._log_cache[key] = None if probabilities is None else tuple(math.log2(p) for p in probabilities)
        return self._log_cache[key]

    def _probabilities(
        self, comparison: Comparison, level: IntEnum, record: Fields
    ) -> tuple[float, ...] | None:
        """P(level) for each class (match, strangers, each kind of relatives), or None when
        the level is no evidence."""
        key = level_key(level)
        params = self.parameters.get(comparison.name, {}).get(key)
        if params is None:
            return None
        u = params.u
        if level == comparison.tf_level and self.frequencies is not None and comparison.tf_field is not None:
            u = _tf_u(self.frequencies, comparison.tf_field, record, u)
        kinds = self.relatives.kinds
        top = level == comparison.top_level
        return params.m, u, *(kind.probability(comparison.name, params.m, u, top) for kind in kinds)

    # --- persistence ---------------------------------------------------------------

    def to_dict(self) -> dict:
        return {
            "version": FORMAT_VERSION,
            "trainedAt": self.trained_at,
            "records": self.records,
            "prior": self.prior,
            "threshold": self.threshold,
            "relatives": self.relatives.to_dict(),
            "comparisons": {
                name: {level: {"m": p.m, "u": p.u} for level, p in levels.items()}
                for name, levels in self.parameters.items()
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> Model:
        if data.get("version") != FORMAT_VERSION:
            version = data.get("version")
            raise ModelFormatError(f"unsupported match model version {version!r}")
        try:
            parameters = {
                name: {key: LevelParams(float(p["m"]), float(p["u"])) for key, p in levels.items()}
                for name, levels in data["comparisons"].items()
            }
            relatives = Relatives.from_dict(data["relatives"])
            prior, threshold = float(data["prior"]), float(data["threshold"])
            records = int(data["records"]) if data.get("records") is not None else None
            return cls(prior, parameters, relatives, threshold, data.get("trainedAt"), records)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise ModelFormatError(f"malformed match model: {error}") from error

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n")

    @classmethod
    def load(cls, path: str | Path) -> Model:
        return cls.from_dict(json.loads(Path(path).read_text()))


def _tf_u(frequencies: FrequencyLookup, tf_field: str, record: Fields, average_u: float) -> float:
    """u from how common the record's value is (term-frequency adjustment), else the average u."""
    key = frequency_key(tf_field, record)
    frequency = None if key is None else frequencies(tf_field, key)
    return average_u if frequency is None else max(frequency, 1e-9)
