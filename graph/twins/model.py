"""The twin model: segments and intentions from the known customers who behave most like someone.

Why nearest neighbours (scikit-learn's NearestNeighbors over standardised profiles) rather than a
calibrated classifier: the twins *are* the explanation. A prediction is "of the 100 known customers
whose behaviour is nearest to yours, 71 are under 35", so it names its cohort and the behaviours it
shares with them, and its probability is a plain share of real customers. One index serves every
target, so a new target or a new label costs no refit, and training is indexing (seconds, never a
wait for ingestion).

The abstention rule: a target is answered only when (1) at least `min_cohort` twins carry a label
for it, (2) the leading value's share reaches `confidence`, and (3) the share's Wilson interval
(`z` standard errors) lies wholly above that value's base rate among all known customers. (3) is
what makes noise abstain: when behaviour carries no signal the twins are a random sample and their
shares sit near the base rates, so even a segment whose majority is above `confidence` gets no
answer; guessing the majority is the baseline, not a prediction.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

import numpy as np
from sklearn.isotonic import IsotonicRegression
from sklearn.neighbors import NearestNeighbors

from graph.twins.features import Profile
from graph.twins.special import refuse_special, special_category

MODEL_NAME = "statistic-twins-knn"
FORMAT_VERSION = 2   # 2: each row's subject (subject_key), so a known customer is never their own twin
# What may be predicted. A target outside this list is refused, so nothing outside it is ever produced.
TARGETS = ("ageBand", "area", "lifeStage", "valueBand", "intention")
DECIMALS = 4   # the stored matrix's precision: the model in memory is the model as saved


@dataclass(frozen=True)
class TwinSettings:
    k: int = 100                 # twins per prediction
    confidence: float = 0.6      # the default confidence: below it, no answer
    z: float = 2.58              # the interval that must clear the base rate (99%)
    min_cohort: int = 30         # fewest labelled twins a target needs
    calibration_sample: int = 2000   # known customers whose own twins calibrate the shares


@dataclass(frozen=True)
class Example:
    """A known customer as training sees them: their behaviour and what is known about them."""
    profile: Profile
    labels: Mapping[str, str]
    rejected: Mapping[str, frozenset[str]] = field(default_factory=dict)   # feedback: values marked wrong
    subject: str | None = None   # whose example this is (subject_key): left out of their own twins


@dataclass(frozen=True)
class Driver:
    feature: str
    direction: str     # "more" or "less" than typical, for the subject and the agreeing twins alike
    value: float       # the subject's
    twins: float       # the agreeing twins' mean
    typical: float     # all known customers' mean


@dataclass(frozen=True)
class Outcome:
    """One target's outcome: the twins' leading value, and whether it is an answer (`answered`) or an
    abstention (`reason` says why either way). Only answered values may be shown to anyone."""
    target: str
    value: str | None
    probability: float   # calibrated: how often twins agreeing this much were right
    share: float         # the twins' raw share for the value
    prior: float
    cohort_size: int
    agreeing: int
    answered: bool
    reason: str
    drivers: tuple[Driver, ...] = ()


Calibration = Mapping[str, tuple[Sequence[float], Sequence[float]]]   # target: (shares, precisions)


class TwinModel:
    def __init__(self, features: Sequence[str], mean: np.ndarray, scale: np.ndarray, matrix: np.ndarray,
                 labels: Mapping[str, Sequence[str | None]], settings: TwinSettings, trained_at: str,
                 calibration: Calibration | None = None, subjects: Sequence[str | None] | None = None):
        for target in labels:
            _check_target(target)
        self.features = list(features)
        self.mean, self.scale, self.matrix = mean, scale, matrix
        self.labels = {t: list(v) for t, v in labels.items()}
        self.subjects = list(subjects) if subjects is not None else [None] * len(matrix)
        self._rows_by_subject: dict[str, set[int]] = {}
        for row, subject in enumerate(self.subjects):
            if subject is not None:
                self._rows_by_subject.setdefault(subject, set()).add(row)
        self.settings, self.trained_at = settings, trained_at
        self.priors = {t: _shares(v) for t, v in self.labels.items()}
        self._centroids: dict[tuple[str, str], np.ndarray] = {}
        self.index = NearestNeighbors(n_neighbors=min(settings.k + 1, len(matrix))).fit(matrix)
        self.calibration = {t: (list(x), list(y)) for t, (x, y) in (calibration or {}).items()}
        if calibration is None:
            self.calibration = self._calibrate()
        self.version = self._version()

    @classmethod
    def fit(cls, examples: Iterable[Example], settings: TwinSettings | None = None,
            trained_at: str | None = None) -> TwinModel:
        """Index known customers' behaviour with their labels (feedback-rejected ones left out)."""
        rows = [e for e in examples if e.profile]
        if len(rows) < 2:
            raise ValueError("the twin model needs at least two known customers with events")
        features = sorted({f for e in rows for f in e.profile})
        raw = np.array([[e.profile.get(f, 0.0) for f in features] for e in rows])
        mean, scale = raw.mean(axis=0), raw.std(axis=0)
        scale[scale == 0] = 1.0
        targets = sorted({t for e in rows for t in e.labels})
        labels = {t: [_label(e, t) for e in rows] for t in targets}
        when = trained_at or dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        return cls(features, mean, scale, np.round((raw - mean) / scale, DECIMALS), labels,
                   settings or TwinSettings(), when, subjects=[e.subject for e in rows])

    def predict(self, profile: Profile, targets: Iterable[str] | None = None,
                confidence: float | None = None, subjects: Iterable[str] = ()) -> list[Outcome]:
        """Each target's outcome for this behaviour profile (answered or abstained); `confidence`
        overrides the trained default (IDGRAPH_TWINS_CONFIDENCE). `subjects`: who the profile is
        (subject_key of a known customer and of the ids merged into them): their own training rows
        are left out of their twins, or a customer's earlier self would vote for their future."""
        return self.predict_many([profile], targets, confidence, [frozenset(subjects)])[0]

    def predict_many(self, profiles: Sequence[Profile], targets: Iterable[str] | None = None,
                     confidence: float | None = None,
                     subjects: Sequence[AbstractSet[str]] | None = None) -> list[list[Outcome]]:
        """`predict` for many profiles with one neighbour search."""
        wanted = list(targets) if targets is not None else sorted(self.labels)
        for target in wanted:
            _check_target(target)
        least = self.settings.confidence if confidence is None else confidence
        known = [i for i, p in enumerate(profiles) if p]
        answers = [[_abstain(t, "no behaviour to compare") for t in wanted] for _ in profiles]
        if known:
            own = [self._rows_of(subjects[i]) if subjects else set() for i in known]
            k = min(self.settings.k, len(self.matrix))
            points = np.array([self._standardise(profiles[i]) for i in known])
            _, found = self.index.kneighbors(points, n_neighbors=min(k + max(map(len, own)), len(self.matrix)))
            for i, point, twins, skip in zip(known, points, found, own, strict=True):
                twins = np.array([t for t in twins if int(t) not in skip][:k])
                answers[i] = [self._outcome(t, point, twins, least) for t in wanted]
        return answers

    def _rows_of(self, subjects: AbstractSet[str]) -> set[int]:
        return set().union(*(self._rows_by_subject.get(s, set()) for s in subjects))

    def _outcome(self, target: str, point: np.ndarray, twins: np.ndarray, confidence: float) -> Outcome:
        values = self.labels.get(target)
        if values is None:
            return _abstain(target, "no known customer has this label")
        labelled = [int(i) for i in twins if values[i] is not None]
        if len(labelled) < self.settings.min_cohort:
            return _abstain(target, f"only {len(labelled)} twins have this label")
        value, agreeing = _leading(values, labelled)
        share, prior = agreeing / len(labelled), self.priors[target][value]
        probability = self._calibrated(target, share)
        answered, reason = self._rule(probability, share, prior, agreeing, len(labelled), confidence)
        drivers = self._drivers(point, target, value, [i for i in labelled if values[i] == value]) if answered else ()
        return Outcome(target, value, round(probability, 4), round(share, 4), round(prior, 4), len(labelled),
                       agreeing, answered, reason, drivers)

    def _rule(self, probability: float, share: float, prior: float, agreeing: int, n: int,
              confidence: float) -> tuple[bool, str]:
        if probability < confidence:
            return False, f"probability {probability:.2f} is below the confidence {confidence}"
        if wilson_low(agreeing, n, self.settings.z) <= prior:
            return False, f"the twins' share {share:.2f} is not clearly above the base rate {prior:.2f}"
        return True, f"{agreeing} of {n} twins (base rate {prior:.2f}); twins this alike were right {probability:.0%}"

    def _calibrated(self, target: str, share: float) -> float:
        """How often a leading share like this one was right for known customers (their own twins,
        themselves left out): raw shares of a wide cohort understate a strong signal."""
        points = self.calibration.get(target)
        return float(np.interp(share, points[0], points[1])) if points and points[0] else share

    def _calibrate(self) -> dict[str, tuple[list[float], list[float]]]:
        rng = np.random.default_rng(0)
        size = min(self.settings.calibration_sample, len(self.matrix))
        sample = np.sort(rng.choice(len(self.matrix), size=size, replace=False))
        _, found = self.index.kneighbors(self.matrix[sample])
        curves = {}
        for target, values in self.labels.items():
            shares, right = [], []
            for row, twins in zip(sample, found, strict=True):
                labelled = [int(i) for i in twins if i != row and values[i] is not None][:self.settings.k]
                if values[row] is None or len(labelled) < self.settings.min_cohort:
                    continue
                value, agreeing = _leading(values, labelled)
                shares.append(agreeing / len(labelled))
                right.append(float(value == values[row]))
            if len(shares) >= 50:
                fitted = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(shares, right)
                curves[target] = ([round(float(x), DECIMALS) for x in fitted.X_thresholds_],
                                  [round(float(y), DECIMALS) for y in fitted.y_thresholds_])
        return curves

    def _drivers(self, point: np.ndarray, target: str, value: str, agreeing: list[int],
                 top: int = 3) -> tuple[Driver, ...]:
        """The features on which the subject stands out the way all known customers with `value` do
        (not merely the way its nearest twins do: they share its quirks too), most first."""
        weight = point * self._centroid(target, value)
        twins = self.matrix[agreeing].mean(axis=0)
        order = [i for i in np.argsort(-weight)[:top] if weight[i] > 0]
        return tuple(Driver(self.features[i], "more" if point[i] > 0 else "less",
                            round(float(point[i] * self.scale[i] + self.mean[i]), 4),
                            round(float(twins[i] * self.scale[i] + self.mean[i]), 4),
                            round(float(self.mean[i]), 4)) for i in order)

    def _centroid(self, target: str, value: str) -> np.ndarray:
        key = (target, value)
        if key not in self._centroids:
            rows = [i for i, v in enumerate(self.labels[target]) if v == value]
            self._centroids[key] = self.matrix[rows].mean(axis=0)
        return self._centroids[key]

    def _standardise(self, profile: Profile) -> np.ndarray:
        raw = np.array([float(profile.get(f, 0.0)) for f in self.features])
        return (raw - self.mean) / self.scale

    def _version(self) -> str:
        digest = hashlib.sha256(self.matrix.tobytes() + self.mean.tobytes() + self.scale.tobytes())
        for target in sorted(self.labels):
            digest.update(repr((target, self.labels[target])).encode())
        digest.update(repr((self.settings, sorted(self.calibration.items()), self.subjects)).encode())
        return f"{FORMAT_VERSION}.{digest.hexdigest()[:12]}"

    def to_dict(self) -> dict:
        return {"name": MODEL_NAME, "version": FORMAT_VERSION, "modelVersion": self.version,
                "trainedAt": self.trained_at, "settings": vars(self.settings), "features": self.features,
                "mean": self.mean.tolist(), "scale": self.scale.tolist(), "matrix": self.matrix.tolist(),
                "labels": self.labels, "calibration": self.calibration, "subjects": self.subjects}

    @classmethod
    def from_dict(cls, data: dict) -> TwinModel:
        if data.get("name") != MODEL_NAME or data.get("version") != FORMAT_VERSION:
            raise TwinModelFormatError(f"not a {MODEL_NAME} model of version {FORMAT_VERSION}")
        try:
            model = cls(data["features"], np.array(data["mean"], float), np.array(data["scale"], float),
                        np.array(data["matrix"], float), data["labels"], TwinSettings(**data["settings"]),
                        data["trainedAt"], data["calibration"], data["subjects"])
        except (KeyError, TypeError, ValueError) as exc:
            raise TwinModelFormatError(f"twin model file is malformed: {type(exc).__name__}") from exc
        if model.version != data.get("modelVersion"):
            raise TwinModelFormatError("twin model file does not match its version (edited or truncated)")
        return model


class UnknownTargetError(ValueError):
    """A target outside TARGETS: only what is listed there may ever be predicted."""


class TwinModelFormatError(ValueError):
    """A twin model file this version cannot read."""


def subject_key(person_id: str) -> str:
    """The opaque key a known customer's training row carries: enough to leave them out of their own
    twins, without the person id in the file."""
    return hashlib.sha256(f"twins-subject|{person_id}".encode()).hexdigest()[:16]


def wilson_low(successes: int, n: int, z: float) -> float:
    """The lower end of the Wilson score interval of a share."""
    p = successes / n
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - spread) / (1 + z * z / n)


def _label(example: Example, target: str) -> str | None:
    value = example.labels.get(target)
    if value is None or special_category(value) or value in example.rejected.get(target, frozenset()):
        return None
    return value


def _check_target(target: str) -> None:
    refuse_special("target", target)
    if target not in TARGETS:
        raise UnknownTargetError(f"target {target!r} is not one of {', '.join(TARGETS)}")


def _leading(values: Sequence[str | None], labelled: list[int]) -> tuple[str, int]:
    value, count = Counter(values[i] for i in labelled).most_common(1)[0]
    assert value is not None   # `labelled` holds labelled rows only
    return value, count


def _shares(values: Sequence[str | None]) -> dict[str, float]:
    counted = Counter(v for v in values if v is not None)
    total = sum(counted.values())
    return {v: n / total for v, n in counted.items()}


def _abstain(target: str, reason: str) -> Outcome:
    return Outcome(target, None, 0.0, 0.0, 0.0, 0, 0, False, reason)
