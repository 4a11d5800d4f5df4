"""Fellegi-Sunter scoring with term-frequency adjustment and a cap on kin evidence.

Each comparison level has m = P(level | match) and u = P(level | non-match); its match
weight is log2(m/u). The total is the prior's log2 odds plus the weights, and the match
probability is the base-2 sigmoid of that total.

Fellegi-Sunter assumes comparisons are independent given match status. Relatives break
that: family name, address, phone and (for twins) birth date agree together for people
who are not the same person. So the positive weight of those *kin* comparisons is capped:
on their own they can raise the odds to at most ``kin.max_log2_odds``, and a personal
discriminator (given name, e-mail, national id) has to carry the rest.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from graph.matching.comparisons import COMPARISONS, Record, compare, level_key
from graph.matching.frequencies import FrequencyLookup, frequency_key

FORMAT_VERSION = 1
KIN_CAP = "kinCap"


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
class KinRule:
    comparisons: frozenset[str]
    max_log2_odds: float

    def adjustment(self, weights: Mapping[str, float], prior_log2_odds: float) -> float:
        """Non-positive correction that caps the kin comparisons' combined agreement."""
        agreement = sum(max(w, 0.0) for name, w in weights.items() if name in self.comparisons)
        allowance = max(self.max_log2_odds - prior_log2_odds, 0.0)
        return min(allowance - agreement, 0.0)


DEFAULT_KIN = KinRule(frozenset({"family", "birthDate", "address", "phone"}), 4.5)


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


def log2_odds(probability: float) -> float:
    return math.log2(probability / (1.0 - probability))


def probability(log2_odds_value: float) -> float:
    if log2_odds_value < -1000:
        return 0.0
    return 1.0 / (1.0 + 2.0 ** -min(log2_odds_value, 1000.0))


@dataclass(frozen=True)
class Model:
    """Trained parameters; ``frequencies`` is attached at run time, never saved."""

    prior: float
    parameters: Mapping[str, Mapping[str, LevelParams]]
    kin: KinRule = DEFAULT_KIN
    threshold: float = 0.9
    trained_at: str | None = None
    frequencies: FrequencyLookup | None = field(default=None, compare=False, repr=False)

    def with_frequencies(self, frequencies: FrequencyLookup | None) -> Model:
        return replace(self, frequencies=frequencies)

    def score(self, a: Record, b: Record) -> MatchResult:
        levels = compare(a, b)
        weights = {c.name: self._weight(c, levels[c.name], a) for c in COMPARISONS}
        prior_weight = log2_odds(self.prior)
        contributions = [
            Contribution(c.name, level_key(levels[c.name]), weights[c.name]) for c in COMPARISONS
        ]
        capped = self.kin.adjustment(weights, prior_weight)
        if capped:
            contributions.append(Contribution(KIN_CAP, "capped", capped))
        total = prior_weight + sum(weights.values()) + capped
        return MatchResult(probability(total), total, prior_weight, tuple(contributions))

    def _weight(self, comparison, level, record: Record) -> float:
        params = self.parameters.get(comparison.name, {}).get(level_key(level))
        if params is None:
            return 0.0
        if level == comparison.tf_level and self.frequencies is not None:
            return math.log2(params.m / self._tf_u(comparison.tf_field, record, params.u))
        return params.weight

    def _tf_u(self, tf_field: str, record: Record, average_u: float) -> float:
        key = frequency_key(tf_field, record)
        frequency = None if key is None else self.frequencies(tf_field, key)
        return average_u if frequency is None else max(frequency, 1e-9)

    # --- persistence ---------------------------------------------------------------

    def to_dict(self) -> dict:
        return {
            "version": FORMAT_VERSION,
            "trainedAt": self.trained_at,
            "prior": self.prior,
            "threshold": self.threshold,
            "kin": {"comparisons": sorted(self.kin.comparisons), "maxLog2Odds": self.kin.max_log2_odds},
            "comparisons": {
                name: {level: {"m": p.m, "u": p.u} for level, p in levels.items()}
                for name, levels in self.parameters.items()
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> Model:
        if data.get("version") != FORMAT_VERSION:
            raise ModelFormatError(f"unsupported match model version {data.get('version')!r}")
        try:
            parameters = {
                name: {level: LevelParams(float(p["m"]), float(p["u"])) for level, p in levels.items()}
                for name, levels in data["comparisons"].items()
            }
            kin = KinRule(frozenset(data["kin"]["comparisons"]), float(data["kin"]["maxLog2Odds"]))
            return cls(float(data["prior"]), parameters, kin, float(data["threshold"]), data.get("trainedAt"))
        except (KeyError, TypeError, ValueError) as error:
            raise ModelFormatError(f"malformed match model: {error}") from error

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n")

    @classmethod
    def load(cls, path: str | Path) -> Model:
        return cls.from_dict(json.loads(Path(path).read_text()))
