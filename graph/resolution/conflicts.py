"""Exclusive facts that keep two people apart however many identifiers they share."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from rapidfuzz.distance import DamerauLevenshtein, Levenshtein

from graph.matching.comparisons import given_names_compatible

OVERRULE_PROBABILITY = 0.99
NATIONAL_IDS = "different national ids"


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

    def absorb(self, other: Facts) -> None:
        self.given |= other.given
        self.birth_dates |= other.birth_dates
        self.national_ids |= other.national_ids
        self.families |= other.families


def _names_swapped(a: Facts, b: Facts) -> bool:
    """Given and family name written the other way round on one side ("Clark Julia")."""
    return bool(a.given & b.families) and bool(b.given & a.families)


def _agree(xs, ys, compatible) -> bool:
    return any(compatible(x, y) for x in xs for y in ys)


def _clash(xs, ys, compatible) -> bool:
    return bool(xs and ys) and not _agree(xs, ys, compatible)


def clashes(a: Facts, b: Facts) -> list[str]:
    """Every exclusive fact on which the two sides clearly disagree, strongest first.

    One exclusive fact is overruled by stronger agreement on the others, because a field keyed
    wrongly or filled from the wrong box is commoner than two people sharing the rest: the same
    national id (up to a keying slip) outweighs a given-name or birth-date disagreement, and the
    same given name and birth date outweigh a national-id disagreement. Twins (one birth date,
    different given names) and namesakes a generation apart still clash."""
    same_id = _agree(a.national_ids, b.national_ids, national_ids_compatible)
    given_agree = _agree(a.given, b.given, given_names_compatible) or _names_swapped(a, b)
    birth_agree = _agree(a.birth_dates, b.birth_dates, birth_dates_compatible)
    found = []
    if _clash(a.national_ids, b.national_ids, national_ids_compatible) and not (given_agree and birth_agree):
        found.append(NATIONAL_IDS)
    if not same_id and _clash(a.birth_dates, b.birth_dates, birth_dates_compatible):
        found.append("different birth dates")
    if not same_id and a.given and b.given and not given_agree:
        found.append("different given names")
    return found


def conflict(a: Facts, b: Facts, probability: float | None = None) -> str | None:
    """The reason two sets of facts cannot be one person, or None.

    ``probability`` is the match model's verdict when the two were compared by it (it weighs the
    same facts, and a household of relatives as the other explanation): at OVERRULE_PROBABILITY
    or above it outweighs one clash, never two. A national id that differs while the given name or
    the birth date agrees (the other unknown on one side) is left to the model at its own
    threshold: a mistyped id and a junior named after his father are both plausible there, and
    the model's relatives class, fitted to the data at hand, tells them apart better than a rule.
    Stitching by a shared identifier passes the model's verdict over the records it ties
    (graph.resolution.decision), never the identifier's certainty: a family phone alone never
    outweighs a clash."""
    found = clashes(a, b)
    return verdict(found, probability, overrule_at(a, b, found))


def tied_conflict(a: Facts, b: Facts, probability: float | None) -> str | None:
    """``conflict`` between two sides a shared identifier ties, with the model's verdict over the
    records it ties: that verdict overrules a lone clash only at OVERRULE_PROBABILITY, a differing
    national id included. The identifier already put the pair in question, so the model must be
    sure: two national ids under one family e-mail are a father and son as often as a keying slip."""
    return verdict(clashes(a, b), probability)


def overrule_at(a: Facts, b: Facts, found: list[str]) -> float:
    """The model probability that overrules the lone clash ``found`` between ``a`` and ``b``."""
    if found == [NATIONAL_IDS] and (_agree(a.given, b.given, given_names_compatible)
                                    or _agree(a.birth_dates, b.birth_dates, birth_dates_compatible)):
        return 0.0
    return OVERRULE_PROBABILITY


def verdict(found: list[str], probability: float | None, overrule: float = OVERRULE_PROBABILITY) -> str | None:
    """`conflict` for clashes already found: the first, unless a model verdict at ``overrule`` or
    above overrules a lone one."""
    if not found or (len(found) == 1 and probability is not None and probability >= overrule):
        return None
    return found[0]
