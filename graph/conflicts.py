"""Exclusive facts that keep two people apart however many identifiers they share."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

from nicknames import NickNamer
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler, Levenshtein

GIVEN_NAME_SIMILARITY = 0.88


@lru_cache(maxsize=1)
def _namer() -> NickNamer:
    return NickNamer()


@lru_cache(maxsize=4096)
def _name_family(name: str) -> frozenset[str]:
    namer = _namer()
    return frozenset({name} | namer.nicknames_of(name) | namer.canonicals_of(name))


def given_names_compatible(a: str, b: str) -> bool:
    """Same given name allowing nicknames (Bob/Robert), initials (J/Jane) and small typos."""
    if a == b or (min(len(a), len(b)) == 1 and a[0] == b[0]):
        return True
    if b in _name_family(a) or a in _name_family(b):
        return True
    return JaroWinkler.similarity(a, b) >= GIVEN_NAME_SIMILARITY


def national_ids_compatible(a: str, b: str) -> bool:
    """Equal, or one keying slip apart (a character swapped, dropped, added or mistyped): two people's
    ids differ in more than one place, while a clerk's typo changes one."""
    return DamerauLevenshtein.distance(a, b) <= 1


def birth_dates_compatible(a: dt.date, b: dt.date) -> bool:
    """Equal, day and month swapped, or one digit mistyped."""
    if a == b or (a.year == b.year and a.month == b.day and a.day == b.month):
        return True
    return Levenshtein.distance(a.strftime("%Y%m%d"), b.strftime("%Y%m%d")) <= 1


@dataclass
class Facts:
    """What a record or a person says about exclusive attributes."""
    given: set[str] = field(default_factory=set)
    birth_dates: set[dt.date] = field(default_factory=set)
    national_ids: set[str] = field(default_factory=set)
    families: set[str] = field(default_factory=set)     # family-name keys, to recognise swapped names

    def absorb(self, other: "Facts") -> None:
        self.given |= other.given
        self.birth_dates |= other.birth_dates
        self.national_ids |= other.national_ids
        self.families |= other.families


def _names_swapped(a: Facts, b: Facts) -> bool:
    """Given and family name written the other way round on one side ("Clark Julia")."""
    return bool(a.given & b.families) and bool(b.given & a.families)


def conflict(a: Facts, b: Facts) -> str | None:
    """The reason two sets of facts cannot be one person, or None."""
    if a.national_ids and b.national_ids and not any(
            national_ids_compatible(x, y) for x in a.national_ids for y in b.national_ids):
        return "different national ids"
    if a.birth_dates and b.birth_dates and not any(
            birth_dates_compatible(x, y) for x in a.birth_dates for y in b.birth_dates):
        return "different birth dates"
    if a.given and b.given and not any(given_names_compatible(x, y) for x in a.given for y in b.given) \
            and not _names_swapped(a, b):
        return "different given names"
    return None
