"""Many record pairs scored at once, exactly as one at a time (graph.resolution.linkage.Scorer).

A batch run scores millions of pairs, but they hold far fewer distinct values: a birth date, a
town's address parts or a pair of names recur across pairs, and pairs share a few thousand level
vectors. So each record's comparison keys are worked out once (``prepare``) and numbered; each
comparison's level function runs once per distinct pair of keys, and the model's weight once per
distinct level vector. The level functions and ``Model.match_weight`` stay the only definition
of a level and a weight: this module only decides how often they are called.
"""
from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np

from graph.matching.clustering import capped
from graph.matching.comparisons import COMPARISONS, prepare
from graph.matching.frequencies import frequency_key
from graph.matching.keys import Fields
from graph.matching.model import Model

_LEVELS = tuple(c.level_of_keys for c in COMPARISONS)
# every comparison's levels lie in -1 (NULL) .. RADIX - 2, so a pair's levels fit one int64
_RADIX = 1 + max(max(c.levels) for c in COMPARISONS) + 1


def _numbered(values: Sequence[Hashable]) -> tuple[np.ndarray, list[Hashable]]:
    """Each value's number (first seen first) and the distinct values in that order."""
    numbers: dict[Hashable, int] = {}
    codes = np.fromiter((numbers.setdefault(v, len(numbers)) for v in values), np.int64, len(values))
    return codes, list(numbers)


class BulkScorer:
    """Capped log2-odds of index pairs over a fixed list of records, each record prepared once."""

    def __init__(self, model: Model, records: Sequence[Fields]):
        self.model, self.records = model, records
        prepared = [prepare(r) for r in records]
        self._keys = [_numbered([p[c] for p in prepared]) for c in range(len(COMPARISONS))]
        # term frequencies read the pair's first record: its values then tell weights apart too
        self._tf: np.ndarray | None = None
        if model.frequencies is not None:
            fields = [c.tf_field for c in COMPARISONS if c.tf_field is not None]
            self._tf = _numbered([tuple(frequency_key(f, r) for f in fields) for r in records])[0]

    def log2_odds(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """``Scorer.log2_odds`` of each pair (records[left[k]], records[right[k]])."""
        vector = np.zeros(len(left), np.int64)
        for (codes, values), level in zip(self._keys, _LEVELS, strict=True):
            vector = vector * _RADIX + 1 + self._levels(codes, values, level, left, right)
        if self._tf is not None:
            vector = vector * (int(self._tf.max(initial=0)) + 1) + self._tf[left]
        distinct, first, inverse = np.unique(vector, return_index=True, return_inverse=True)
        weights = np.fromiter((self._weight(int(v), int(left[k])) for v, k in zip(distinct, first, strict=True)),
                              np.float64, len(distinct))
        return weights[inverse.reshape(-1)]

    @staticmethod
    def _levels(codes: np.ndarray, values: list, level, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """One comparison's level of each pair, its level function called once per distinct pair of keys."""
        pair = codes[left] * len(values) + codes[right]
        distinct, inverse = np.unique(pair, return_inverse=True)
        size = len(values)
        found = np.fromiter((level(values[p // size], values[p % size]) for p in distinct.tolist()),
                            np.int64, len(distinct))
        return found[inverse.reshape(-1)]

    def _weight(self, vector: int, first: int) -> float:
        if self._tf is not None:
            vector //= int(self._tf.max(initial=0)) + 1
        levels = []
        for comparison in reversed(COMPARISONS):
            vector, digit = divmod(vector, _RADIX)
            levels.append(comparison.levels(digit - 1))
        return capped(self.model.match_weight(tuple(reversed(levels)), self.records[first]))
