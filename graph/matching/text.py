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
def _canonicals(name: str) -> frozenset[str]:
    return frozenset(_nicknamer().canonicals_of(name))


@lru_cache(maxsize=50_000)
def nicknames_of(name: str) -> frozenset[str]:
    return frozenset(_nicknamer().nicknames_of(name))


def nickname_equivalent(a: str, b: str) -> bool:
    """True when one name is a nickname of the other or both shorten the same name."""
    if not a or not b:
        return False
    if b in nicknames_of(a) or a in nicknames_of(b):
        return True
    return bool(_canonicals(a) & _canonicals(b))
