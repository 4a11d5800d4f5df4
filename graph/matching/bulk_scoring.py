"""Many record pairs scored at once, exactly as one at a time (graph.resolution.linkage.Scorer).

A batch run scores millions of pairs, but they hold far fewer distinct values: a birth date, a
town's address parts or a pair of names recur across pairs, and pairs share a few thousand level
vectors. So each record's comparison keys are worked out once (``prepare``) and numbered; each
comparison has a bulk form (numpy and rapidfuzz's cpdist, here and in graph.matching.bulk_levels)
that answers the plain cases of all pairs at once; the level function answers the rest, once per
distinct pair of keys. The model's weight is worked out once per distinct level vector. The level
functions and ``Model.match_weight`` stay the definition of a level and a weight;
tests/unit/test_batch_bulk.py holds each form to Scorer.log2_odds over every pair of generated records.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from functools import partial

import numpy as np
from rapidfuzz.distance import JaroWinkler
from rapidfuzz.process import cpdist

from graph.matching.bulk_levels import Levels, address_levels, gender_levels, name_levels, national_id_levels
from graph.matching.clustering import capped
from graph.matching.comparisons import (
    COMPARISONS,
    SIMILAR_EMAIL_LOCAL,
    SWAP_TYPO,
    name_level,
    names_key_swapped,
    prepare,
)
from graph.matching.frequencies import frequency_key
from graph.matching.keys import Fields
from graph.matching.levels import ContactLevel, DateLevel, NameLevel
from graph.matching.model import Model

_LEVELS = tuple(c.level_of_keys for c in COMPARISONS)
# every comparison's levels lie in -1 (NULL) .. RADIX - 2, so a pair's levels fit one int64
_RADIX = 1 + max(max(c.levels) for c in COMPARISONS) + 1
GIVEN, FAMILY = (next(n for n, c in enumerate(COMPARISONS) if c.name == name) for name in ("given", "family"))
# name levels no swap can outrank (comparisons._names_level)
_SETTLED = np.array([NameLevel.EXACT, NameLevel.NICKNAME, NameLevel.NULL])
# cpdist's similarities are single precision: a candidate for the swap check is kept a hair early
_SINGLE = 1e-3


# a comparison's levels of pairs of distinct keys (values[first[k]], values[second[k]]) worked out in numpy, and
# which pairs it settled; the level function answers the rest. Made once per run from the distinct keys.
BulkForm = Callable[[np.ndarray, np.ndarray], Levels]


def _date_levels(values: list) -> BulkForm:
    """comparisons.digits_level of two eight-digit dates: exact, day and month exchanged, one digit off
    or two adjacent digits swapped (one_edit_apart of strings of one length), the same year; and NULL
    where a side has no date."""
    whole = np.array([len(v) == 8 for v in values], bool)
    empty = np.array([not v for v in values], bool)
    table = np.array([[ord(c) for c in v] if len(v) == 8 else [0] * 8 for v in values], np.int16).reshape(-1, 8)

    def levels(first: np.ndarray, second: np.ndarray) -> Levels:
        missing = empty[first] | empty[second]
        found = np.where(missing, DateLevel.NULL, _eight_digits(table[first], table[second]))
        return found, missing | whole[first] & whole[second]

    return levels


def _eight_digits(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    apart = x != y
    same_year = ~apart[:, :4].any(axis=1)
    transposed = same_year & (x[:, 4:6] == y[:, 6:8]).all(axis=1) & (x[:, 6:8] == y[:, 4:6]).all(axis=1) \
        & (x[:, 4:6] != x[:, 6:8]).any(axis=1)
    swapped = (apart[:, :-1] & apart[:, 1:] & (x[:, :-1] == y[:, 1:]) & (x[:, 1:] == y[:, :-1])).any(axis=1)
    one_edit = (apart.sum(axis=1) == 1) | (apart.sum(axis=1) == 2) & swapped
    return np.select([~apart.any(axis=1), transposed, one_edit, same_year],
                     [DateLevel.EXACT, DateLevel.TRANSPOSED, DateLevel.ONE_EDIT, DateLevel.SAME_YEAR],
                     DateLevel.DIFFERENT).astype(np.int64)


def _phone_levels(values: list) -> BulkForm:
    """comparisons.phone_level where a side has no phone (no evidence) or each has one: the same or not."""
    return partial(_phones, np.array([len(v) for v in values], np.int64))


def _phones(sizes: np.ndarray, first: np.ndarray, second: np.ndarray) -> Levels:
    a, b = sizes[first], sizes[second]
    found = np.where((a == 0) | (b == 0), ContactLevel.NULL,
                     np.where(first == second, ContactLevel.EXACT, ContactLevel.DIFFERENT)).astype(np.int64)
    return found, (a == 0) | (b == 0) | (a == 1) & (b == 1)


def _email_levels(values: list) -> BulkForm:
    """comparisons.email_level where a side has no e-mail, or each has one and they are the same, or
    their mailbox names are too far apart for SIMILAR (Jaro-Winkler below SIMILAR_EMAIL_LOCAL, its
    first test); nearer ones are left to email_level."""
    return partial(_emails, np.array([len(v) for v in values], np.int64),
                   np.array([v[0].split("@")[0] if len(v) == 1 else "" for v in values], object))


def _emails(sizes: np.ndarray, mailbox: np.ndarray, first: np.ndarray, second: np.ndarray) -> Levels:
    a, b = sizes[first], sizes[second]
    one_each = (a == 1) & (b == 1) & (first != second)
    near = np.zeros(len(first), bool)
    near[one_each] = cpdist(mailbox[first[one_each]], mailbox[second[one_each]], scorer=JaroWinkler.similarity,
                            workers=-1) >= SIMILAR_EMAIL_LOCAL - _SINGLE
    found = np.where((a == 0) | (b == 0), ContactLevel.NULL,
                     np.where(first == second, ContactLevel.EXACT, ContactLevel.DIFFERENT)).astype(np.int64)
    return found, (a == 0) | (b == 0) | (a == 1) & (b == 1) & ~near


_FORMS = {"birthDate": _date_levels, "phone": _phone_levels, "email": _email_levels, "address": address_levels,
          "nationalId": national_id_levels, "gender": gender_levels}
_BULK: dict[int, Callable[[list], BulkForm]] = {n: _FORMS[c.name] for n, c in enumerate(COMPARISONS)
                                                if c.name in _FORMS}


def _numbered(values: Sequence[Hashable]) -> tuple[np.ndarray, list[Hashable]]:
    """Each value's number (first seen first) and the distinct values in that order."""
    numbers: dict[Hashable, int] = {}
    codes = np.fromiter((numbers.setdefault(v, len(numbers)) for v in values), np.int64, len(values))
    return codes, list(numbers)


def _renumbered(key: np.ndarray) -> np.ndarray:
    """Keys numbered 0.. in order, so that combining them with another stays within int64."""
    return np.unique(key, return_inverse=True)[1].reshape(-1)


class BulkScorer:
    """Capped log2-odds of index pairs over a fixed list of records, each record prepared once."""

    def __init__(self, model: Model, records: Sequence[Fields]):
        self.model, self.records = model, records
        prepared = [prepare(r) for r in records]
        self._keys = [_numbered([p[c] for p in prepared]) for c in range(len(COMPARISONS))]
        self._names = [_numbered([p[GIVEN][field] for p in prepared]) for field in (0, 1)]
        self._forms = {n: form(self._keys[n][1]) for n, form in _BULK.items()}
        self._name_forms = (name_levels(self._names[0][1], nicknames=True), name_levels(self._names[1][1]))
        # term frequencies read the pair's first record where a comparison is at its tf_level (model._tf_u):
        # there that record's value of the comparison's tf_field tells weights apart too
        self._tf: dict[int, np.ndarray] = {}
        if model.frequencies is not None:
            self._tf = {n: _numbered([frequency_key(c.tf_field, r) for r in records])[0]
                        for n, c in enumerate(COMPARISONS) if c.tf_field is not None and c.tf_level is not None}

    def log2_odds(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """``Scorer.log2_odds`` of each pair (records[left[k]], records[right[k]])."""
        if not len(left):
            return np.zeros(0, np.float64)
        vector = np.zeros(len(left), np.int64)
        names = self._name_levels(left, right)
        key = np.zeros(len(left), np.int64)
        for n, ((codes, values), level) in enumerate(zip(self._keys, _LEVELS, strict=True)):
            found = names[n] if n in names else self._levels(codes, values, level, left, right, self._forms.get(n))
            vector = vector * _RADIX + 1 + found
            if n in self._tf:
                tf = self._tf[n]
                at_tf_level = found == COMPARISONS[n].tf_level
                key = _renumbered(key) * (int(tf.max()) + 2) + np.where(at_tf_level, 1 + tf[left], 0)
        _, first, inverse = np.unique(_renumbered(key) * (int(vector.max()) + 1) + vector if self._tf else vector,
                                      return_index=True, return_inverse=True)
        weights = np.fromiter((self._weight(int(vector[k]), int(left[k])) for k in first.tolist()),
                              np.float64, len(first))
        return weights[inverse.reshape(-1)]

    @staticmethod
    def _levels(codes: np.ndarray, values: list, level, left: np.ndarray, right: np.ndarray,
                bulk: BulkForm | None = None) -> np.ndarray:
        """One comparison's level of each pair: its bulk form's where it has one, else the level function
        called once per distinct pair of keys."""
        if bulk is not None:
            found, done = bulk(codes[left], codes[right])
            ask = np.flatnonzero(~done)
            found[ask] = BulkScorer._levels(codes, values, level, left[ask], right[ask])
            return found
        size = len(values)
        distinct, inverse = np.unique(codes[left] * size + codes[right], return_inverse=True)
        firsts, seconds = (map(values.__getitem__, side.tolist()) for side in (distinct // size, distinct % size))
        return np.fromiter(map(level, firsts, seconds), np.int64, len(distinct))[inverse.reshape(-1)]

    def _name_levels(self, left: np.ndarray, right: np.ndarray) -> dict[int, np.ndarray]:
        """The given and family levels of each pair (comparisons.given_level, family_level): each name's
        own level once per distinct pair of names, then the swap check where it may outrank a fuzzy
        level, asked only of pairs whose crossed names are alike enough for a swap (both at least
        SWAP_TYPO: names_key_swapped's weakest case) and answered by names_key_swapped itself."""
        (given, givens), (family, families) = self._names
        levels = {GIVEN: self._levels(given, givens, lambda x, y: name_level(x, y, nicknames=True), left, right,
                                      self._name_forms[0]),
                  FAMILY: self._levels(family, families, name_level, left, right, self._name_forms[1])}
        fuzzy = {n: ~np.isin(found, _SETTLED) for n, found in levels.items()}
        ask = np.flatnonzero(fuzzy[GIVEN] | fuzzy[FAMILY])
        given_a, family_a = np.array(givens, object)[given[left[ask]]], np.array(families, object)[family[left[ask]]]
        given_b, family_b = np.array(givens, object)[given[right[ask]]], np.array(families, object)[family[right[ask]]]
        alike = np.minimum(cpdist(given_a, family_b, scorer=JaroWinkler.similarity, workers=-1),
                           cpdist(family_a, given_b, scorer=JaroWinkler.similarity, workers=-1)) >= SWAP_TYPO - _SINGLE
        ask = ask[alike]
        swapped = np.zeros(len(left), bool)
        names = zip(given_a[alike], family_a[alike], given_b[alike], family_b[alike], strict=True)
        swapped[ask] = [names_key_swapped(*four) for four in names]
        for n, found in levels.items():
            found[fuzzy[n] & swapped] = NameLevel.SWAPPED
        return levels

    def _weight(self, vector: int, first: int) -> float:
        levels = []
        for comparison in reversed(COMPARISONS):
            vector, digit = divmod(vector, _RADIX)
            levels.append(comparison.levels(digit - 1))
        return capped(self.model.match_weight(tuple(reversed(levels)), self.records[first]))
