"""Learning from the steward's labels: labelled pairs adjust m and u and calibrate the threshold. Pure.

Every merge and review answer "same" labels its record pairs a match, every split and "different"
a non-match. Labels are few and chosen (the hard cases of the review band), so they do not replace
what EM fitted on all records: per comparison level, m is the labelled matches' share at that
level blended with the fitted m as if it were PRIOR_PAIRS pairs (u likewise from the non-matches);
where no label reaches a comparison the fitted values stay. The threshold is then the one that
gives the best F1 on the labels (ties: the nearest to the fitted one), within [0.5, 0.99].
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from graph.matching.comparisons import COMPARISONS, compare
from graph.matching.levels import level_key
from graph.matching.model import LevelParams, Model

PRIOR_PAIRS = 20.0          # how many labelled pairs the fitted m (or u) counts as
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


def _blend(fitted: float, count: int, total: int) -> float:
    value = (count + PRIOR_PAIRS * fitted) / (total + PRIOR_PAIRS)
    return min(max(value, FLOOR), 1 - FLOOR)


def _parameters(model: Model, pairs: Sequence[LabelledPair]) -> dict:
    vectors = [(compare(p.a, p.b), p.same) for p in pairs]
    out: dict[str, dict[str, LevelParams]] = {}
    for comparison in COMPARISONS:
        fitted = model.parameters.get(comparison.name, {})
        neutral = {level_key(level) for level in comparison.neutral_levels}
        levels = [(level_key(v[comparison.name]), same) for v, same in vectors]
        levels = [(key, same) for key, same in levels if key in fitted]
        same_counts = Counter(key for key, same in levels if same)
        other_counts = Counter(key for key, same in levels if not same)
        n_same, n_other = sum(same_counts.values()), sum(other_counts.values())
        out[comparison.name] = {
            key: params if key in neutral else LevelParams(
                _blend(params.m, same_counts[key], n_same) if n_same else params.m,
                _blend(params.u, other_counts[key], n_other) if n_other else params.u)
            for key, params in fitted.items()}
    for name, kept in model.parameters.items():     # comparisons this code no longer has stay as they were
        out.setdefault(name, dict(kept))
    return out


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
    return replace(adjusted, threshold=round(calibrate(adjusted, pairs), 4))
