"""Light string folding and similarity helpers shared by comparisons and blocking.

Inputs are expected to be already normalised by ``graph.intake.normalize``; folding here only
removes the differences that matching must never see (case, accents, punctuation).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

import jellyfish
from nicknames import NickNamer
from rapidfuzz.distance import OSA, JaroWinkler
from unidecode import unidecode

_PUNCTUATION = re.compile(r"[^\w\s]")
_SPACES = re.compile(r"\s+")
_NON_DIGITS = re.compile(r"\D")
MIN_STEM = 3  # shorter stems say little: Bill and Bob share only a 'b'


@lru_cache(maxsize=200_000)
def fold(value: object) -> str:
    """Lower-case ASCII with punctuation dropped and spaces collapsed; '' when missing."""
    if value is None:
        return ""
    text = unidecode(str(value)).lower().replace("-", " ")
    text = _PUNCTUATION.sub("", text)
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=200_000)
def digits(value: object) -> str:
    return "" if value is None else _NON_DIGITS.sub("", str(value))


def jaro_winkler(a: str, b: str) -> float:
    return JaroWinkler.similarity(a, b)


def one_edit_apart(a: str, b: str) -> bool:
    """One substitution, insertion, deletion or adjacent swap (optimal string alignment)."""
    return OSA.distance(a, b, score_cutoff=1) <= 1


@lru_cache(maxsize=200_000)
def phonetic(value: str) -> str:
    return jellyfish.metaphone(value) if value else ""


@cache
def _nicknamer() -> NickNamer:
    return NickNamer()


@lru_cache(maxsize=50_000)
def nicknames_of(name: str) -> frozenset[str]:
    return frozenset(_nicknamer().nicknames_of(name))


def nickname_pair(a: str, b: str) -> bool:
    """True when the library lists one name as a diminutive of the other (Robert/Bob,
    Elizabeth/Liz). Between two formal names apart (below) a listing counts only when the two
    list each other (Charles/Charlie) or the listed name is the shorter (Jessica/Jessie) or has
    fewer diminutives of its own (Susan/Susie): the library also lists formal names under one
    another (Frederica has 'frederick', who has Fred, Fritz and Rick)."""
    if not a or not b or a == b:
        return False
    a_lists_b, b_lists_a = b in nicknames_of(a), a in nicknames_of(b)
    if not (a_lists_b or b_lists_a):
        return False
    if a_lists_b and b_lists_a or not formal_names_apart(a, b):
        return True
    formal, listed = (a, b) if a_lists_b else (b, a)
    return len(listed) < len(formal) or len(_own(listed, formal)) < len(_own(formal, listed))


def _own(name: str, other: str) -> frozenset[str]:
    """The name's diminutives in the library, besides the other name."""
    return nicknames_of(name) - {other}


def _endings_differ(a: str, b: str) -> bool:
    """One stem with another ending of at most two letters, as a name's male and female forms
    differ (Alexander/Alexandra, Patrick/Patricia, Daniel/Danielle); a diminutive is
    shorter (Alex/Alexander) and a misspelling differs inside the name (Micheal/Michael)."""
    stem = min(len(a), len(b)) - 2
    return abs(len(a) - len(b)) <= 2 and stem >= MIN_STEM and a[:stem] == b[:stem]


@lru_cache(maxsize=50_000)
def formal_names_apart(a: str, b: str) -> bool:
    """Two formal names of their own however alike they look (Alexander/Alexandra,
    Daniel/Danielle): each has diminutives in the library, fewer than half of them shared,
    and the names differ in their ending. One name spelt two ways shares most of its
    diminutives (Isabel/Isabelle, Christina/Christine) and is not apart."""
    own_a, own_b = _own(a, b), _own(b, a)
    if a == b or not own_a or not own_b or not _endings_differ(a, b):
        return False
    return 2 * len(own_a & own_b) < len(own_a | own_b)
