"""Learning from the steward's labels: labelled pairs adjust m and u and calibrate the threshold. Pure.

Every merge and review answer "same" labels its record pairs a match, every split and "different"
a non-match. Labels are few and chosen (the hard cases of the review band), so they cannot stand
for all pairs as EM's estimates do: counting u from them would make every agreement look common.
Instead they correct the fitted weights where they exist: a regularised logistic regression on
the labels, with the fitted model's log-odds as offset, finds per comparison level how much more
or less weight the labels ask for, and that level's u moves accordingly (m stays; a level no label
reaches keeps its weight). The threshold is then the one that gives the best F1 on the labels
(ties: the nearest to the fitted one), within [0.5, 0.99].
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from graph.matching.comparisons import COMPARISONS, compare
from graph.matching.levels import level_key
from graph.matching.model import LevelParams, Model

PENALTY = 2.0               # L2 pull of each correction towards 0 (the fitted weight)
STEPS, RATE = 400, 1.0      # gradient descent on the mean log-loss
LIMIT = 30.0                # log-odds beyond this count as certain
LN2 = math.log(2.0)
LOWEST, HIGHEST = 0.5, 0.99  # the calibrated threshold stays a decision threshold, never a review one
FLOOR = 1e-6


@dataclass(frozen=True)
class LabelledPair:
    a: dict                  # matchFields of one record
    b: dict                  # of the other
    same: bool
    decision_id: str


@dataclass(frozen=True)
class Quality:
    pairs: int
    precision: float | None
    recall: float | None
    f1: float | None

    def to_dict(self) -> dict:
        return {"pairs": self.pairs, "precision": self.precision, "recall": self.recall, "f1": self.f1}


def _ratio(n: int, d: int) -> float | None:
    return round(n / d, 4) if d else None


def quality(model: Model, pairs: Sequence[LabelledPair], threshold: float | None = None) -> Quality:
    """Pairwise precision, recall and F1 of `model` (at `threshold`, default its own) on the labels."""
    cut = model.threshold if threshold is None else threshold
    return _quality([model.score(p.a, p.b).probability for p in pairs], pairs, cut)


def _quality(probabilities: Sequence[float], pairs: Sequence[LabelledPair], cut: float) -> Quality:
    predicted = [p >= cut for p in probabilities]
    tp = sum(1 for hit, p in zip(predicted, pairs, strict=True) if hit and p.same)
    fp = sum(1 for hit, p in zip(predicted, pairs, strict=True) if hit and not p.same)
    fn = sum(1 for hit, p in zip(predicted, pairs, strict=True) if not hit and p.same)
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    f1 = _ratio(2 * tp, 2 * tp + fp + fn)
    return Quality(len(pairs), precision, recall, f1)


def _features(model: Model, pair: LabelledPair) -> list[tuple[str, str]]:
    """The (comparison, level) the pair reaches wherever the model has a weight for it."""
    levels = compare(pair.a, pair.b)
    found = []
    for comparison in COMPARISONS:
        key = level_key(levels[comparison.name])
        neutral = {level_key(level) for level in comparison.neutral_levels}
        if key in model.parameters.get(comparison.name, {}) and key not in neutral:
            found.append((comparison.name, key))
    return found


def corrections(model: Model, pairs: Sequence[LabelledPair]) -> dict[tuple[str, str], float]:
    """Per (comparison, level), the change of match weight (log2) the labels ask for: a logistic
    regression on the labels with the model's own log-odds as offset, its coefficients held
    towards 0 by an L2 penalty worth PRIOR_PAIRS pairs."""
    offsets = [min(max(model.score(p.a, p.b).match_weight * LN2, -LIMIT), LIMIT) for p in pairs]
    features = [_features(model, p) for p in pairs]
    delta: dict[tuple[str, str], float] = defaultdict(float)
    n = len(pairs)
    for _ in range(STEPS):
        gradient: dict[tuple[str, str], float] = defaultdict(float)
        for offset, found, pair in zip(offsets, features, pairs, strict=True):
            z = min(max(offset + sum(delta[f] for f in found), -LIMIT), LIMIT)
            error = 1.0 / (1.0 + math.exp(-z)) - (1.0 if pair.same else 0.0)
            for f in found:
                gradient[f] += error
        for f in set(gradient) | set(delta):
            delta[f] -= RATE * (gradient[f] + PENALTY * delta[f]) / n
    return {f: d / LN2 for f, d in delta.items() if abs(d) > 1e-6}


def _parameters(model: Model, pairs: Sequence[LabelledPair]) -> dict:
    """The model's m and u with each corrected level's u moved so its weight changes as asked."""
    change = corrections(model, pairs)
    return {name: {key: LevelParams(params.m, min(max(params.u * 2.0 ** -change.get((name, key), 0.0), FLOOR),
                                                 1 - FLOOR))
                   for key, params in levels.items()}
            for name, levels in model.parameters.items()}


def calibrate(model: Model, pairs: Sequence[LabelledPair]) -> float:
    """The threshold with the best F1 on the labels; ties go to the one nearest the model's own."""
    probabilities = [model.score(p.a, p.b).probability for p in pairs]
    if not any(p.same for p in pairs) or all(p.same for p in pairs):
        return model.threshold       # one class only: F1 cannot tell thresholds apart fairly
    candidates = {model.threshold} | {min(max(p, LOWEST), HIGHEST) for p in probabilities}
    return max(sorted(candidates), key=lambda cut: (_quality(probabilities, pairs, cut).f1 or 0.0,
                                                    -abs(cut - model.threshold)))


def with_labels(model: Model, pairs: Sequence[LabelledPair]) -> Model:
    """`model` with m and u adjusted by the labels and the threshold calibrated on them."""
    if not pairs:
        return model
    adjusted = replace(model, parameters=_parameters(model, pairs))
    # rounded down: a threshold just above the pair that set it would undo the calibration
    return replace(adjusted, threshold=math.floor(calibrate(adjusted, pairs) * 10_000) / 10_000)
