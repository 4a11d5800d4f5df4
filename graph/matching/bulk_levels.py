"""Bulk forms of the address and name levels (comparisons.address_level, comparisons.name_level) for
graph.matching.bulk_scoring: pairs of distinct keys (values[first[k]], values[second[k]]) answered in
numpy and rapidfuzz where the case is plain, and which pairs were settled; the level function
answers the rest. At 200,000 records nearly every scored pair has its own pair of addresses and of
names, so a Python call per distinct pair was most of the scoring.

A Jaro-Winkler similarity from rapidfuzz's cpdist (single precision) within _MARGIN of a threshold
leaves its pair to the level function; edit distances and common prefixes are integers, exact.
tests/unit/test_batch_bulk.py holds every form to Scorer.log2_odds.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
from rapidfuzz.distance import OSA, JaroWinkler, Prefix
from rapidfuzz.process import cpdist

from graph.matching.comparisons import (
    CLOSE_NAME,
    SIMILAR_NAME,
    SIMILAR_STREET,
    SIMILAR_TOWN,
)
from graph.matching.levels import AddressLevel, GenderLevel, IdentifierLevel, NameLevel
from graph.matching.text import MIN_STEM, nicknames_of, phonetic

_MARGIN = 1e-3


class _Strings:
    """One string field of the distinct keys, numbered once per run."""

    def __init__(self, strings: list[str]):
        numbers: dict[str, int] = {}
        self.codes = np.fromiter((numbers.setdefault(s, len(numbers)) for s in strings), np.int64, len(strings))
        self.distinct = np.array(list(numbers), object)
        self.filled = np.fromiter((bool(s) for s in numbers), bool, len(numbers))


class _Part:
    """A string field read at both sides of pairs of distinct keys."""

    def __init__(self, strings: _Strings, first: np.ndarray, second: np.ndarray):
        self.distinct = strings.distinct
        self.a, self.b = strings.codes[first], strings.codes[second]
        self.has_a, self.has_b = strings.filled[self.a], strings.filled[self.b]
        self.same = self.a == self.b
        self.both = self.has_a & self.has_b

    def similarity(self, mask: np.ndarray) -> np.ndarray:
        """Jaro-Winkler of the pairs in mask that differ (1.0 where the same; 0.0 outside mask)."""
        found = np.where(self.same, 1.0, 0.0)
        ask = mask & ~self.same
        found[ask] = cpdist(self.distinct[self.a[ask]], self.distinct[self.b[ask]],
                            scorer=JaroWinkler.similarity, workers=-1)
        return found


def _near(similarity: np.ndarray, mask: np.ndarray, *thresholds: float) -> np.ndarray:
    return mask & np.logical_or.reduce([np.abs(similarity - t) < _MARGIN for t in thresholds])


Levels = tuple[np.ndarray, np.ndarray]      # the level of each pair, and which pairs it settled


def address_levels(values: list) -> Callable[[np.ndarray, np.ndarray], Levels]:
    """comparisons.address_level of pairs of ``values`` (address_parts), step by step, where no street
    or town similarity is within _MARGIN of its threshold."""
    parts = [_Strings([v[p] for v in values]) for p in range(4)]
    return lambda first, second: _address_levels(*(_Part(part, first, second) for part in parts))


def _address_levels(number: _Part, street: _Part, post: _Part, place: _Part) -> Levels:
    on_both = number.both | street.both | post.both | place.both
    exact = number.has_a & street.has_a & post.has_a & number.same & street.same & post.same
    streets = street.similarity(street.both)
    similar_street = street.both & (streets >= SIMILAR_STREET)
    streetless = number.has_a & number.same & ~street.both
    same_post = post.has_a & post.same
    numbers_agree = number.same | ~number.both
    street_post = (similar_street | streetless) & same_post & numbers_agree
    street_only = similar_street & number.has_a & number.same
    posts_differ, places_differ = post.both & ~post.same, place.both & ~place.same
    post_typo = np.zeros(len(on_both), bool)
    ask = post.both & ~places_differ
    post_typo[ask] = cpdist(post.distinct[post.a[ask]], post.distinct[post.b[ask]], scorer=OSA.distance,
                            score_cutoff=1, workers=-1) <= 1
    same_place = place.has_a & place.same
    towns = place.similarity(places_differ & ~posts_differ)
    similar_town = places_differ & ~posts_differ & (towns >= SIMILAR_TOWN)
    found = np.select(
        [~on_both, exact, street_post, street_only, same_post, post_typo, same_place, similar_town],
        [AddressLevel.NULL, AddressLevel.EXACT, AddressLevel.STREET_POSTCODE, AddressLevel.STREET,
         AddressLevel.POSTCODE, AddressLevel.POSTCODE_SIMILAR, AddressLevel.LOCALITY, AddressLevel.LOCALITY_SIMILAR],
        AddressLevel.DIFFERENT).astype(np.int64)
    unsure = _near(streets, street.both & ~street.same, SIMILAR_STREET) \
        | _near(towns, places_differ & ~posts_differ, SIMILAR_TOWN)
    return found, ~unsure


def name_levels(values: list, *, nicknames: bool = False) -> Callable[[np.ndarray, np.ndarray], Levels]:
    """comparisons.name_level of pairs of ``values`` (folded names) where neither name is an initial,
    the similarity is clear of CLOSE_NAME and SIMILAR_NAME by _MARGIN and, for given names, neither
    lists the other as a nickname and they cannot be two formal names apart (both with diminutives,
    one stem with another ending)."""
    names = _Strings(values)
    lengths = np.fromiter(map(len, names.distinct), np.int64, len(names.distinct))
    sounds = np.unique(np.array([phonetic(s) for s in names.distinct], object), return_inverse=True)[1].reshape(-1)
    listed = _listed(names.distinct.tolist()) if nicknames else None
    diminutives = np.fromiter((bool(s) and bool(nicknames_of(s)) for s in names.distinct), bool, len(names.distinct))
    return lambda first, second: _name_levels(_Part(names, first, second), lengths, sounds, listed, diminutives)


def _name_levels(name: _Part, lengths: np.ndarray, sounds: np.ndarray, listed: np.ndarray | None,
                 diminutives: np.ndarray) -> Levels:
    length_a, length_b = lengths[name.a], lengths[name.b]
    fuzzy = name.both & ~name.same
    similarity = name.similarity(fuzzy)
    found = np.select([~name.both, name.same, similarity >= CLOSE_NAME, similarity >= SIMILAR_NAME,
                       sounds[name.a] == sounds[name.b]],
                      [NameLevel.NULL, NameLevel.EXACT, NameLevel.CLOSE, NameLevel.SIMILAR, NameLevel.PHONETIC],
                      NameLevel.DIFFERENT).astype(np.int64)
    unsure = fuzzy & ((length_a == 1) | (length_b == 1))
    unsure |= _near(similarity, fuzzy, CLOSE_NAME, SIMILAR_NAME)
    if listed is not None:
        size = len(lengths)
        unsure |= fuzzy & (np.isin(name.a * size + name.b, listed) | np.isin(name.b * size + name.a, listed))
        unsure |= fuzzy & _stem_apart(name, length_a, length_b, diminutives)
    return found, ~unsure


def _listed(distinct: list[str]) -> np.ndarray:
    """a * len(distinct) + b for each name a that lists name b as a nickname (text.nickname_pair's
    first test)."""
    index = {s: n for n, s in enumerate(distinct)}
    return np.array([n * len(index) + index[other] for n, s in enumerate(distinct) if s
                     for other in nicknames_of(s) if other in index], np.int64)


def _stem_apart(name: _Part, length_a: np.ndarray, length_b: np.ndarray, diminutives: np.ndarray) -> np.ndarray:
    """Pairs text.formal_names_apart may call apart: both names have diminutives and their endings
    differ (text._endings_differ)."""
    stem = np.minimum(length_a, length_b) - 2
    ask = name.both & ~name.same & diminutives[name.a] & diminutives[name.b] \
        & (np.abs(length_a - length_b) <= 2) & (stem >= MIN_STEM)
    apart = np.zeros(len(ask), bool)
    apart[ask] = cpdist(name.distinct[name.a[ask]], name.distinct[name.b[ask]], scorer=Prefix.similarity,
                        workers=-1) >= stem[ask]
    return apart


def national_id_levels(values: list) -> Callable[[np.ndarray, np.ndarray], Levels]:
    """comparisons.national_id_level: missing, the same, one edit apart (an exact edit distance), different."""
    ids = _Strings(values)

    def levels(first: np.ndarray, second: np.ndarray) -> Levels:
        part = _Part(ids, first, second)
        near = np.zeros(len(first), bool)
        ask = part.both & ~part.same
        near[ask] = cpdist(part.distinct[part.a[ask]], part.distinct[part.b[ask]], scorer=OSA.distance,
                           score_cutoff=1, workers=-1) <= 1
        found = np.select([~part.both, part.same, near], [IdentifierLevel.NULL, IdentifierLevel.EXACT,
                                                           IdentifierLevel.ONE_EDIT], IdentifierLevel.DIFFERENT)
        return found.astype(np.int64), np.ones(len(first), bool)

    return levels


def gender_levels(values: list) -> Callable[[np.ndarray, np.ndarray], Levels]:
    """comparisons.gender_level: missing, equal, different."""
    genders = _Strings(values)

    def levels(first: np.ndarray, second: np.ndarray) -> Levels:
        part = _Part(genders, first, second)
        found = np.select([~part.both, part.same], [GenderLevel.NULL, GenderLevel.EQUAL], GenderLevel.DIFFERENT)
        return found.astype(np.int64), np.ones(len(first), bool)

    return levels
