"""Special categories of personal data (GDPR article 9): never a feature, a target or an answer.

A category, target or predicted value that names health, religion, ethnicity, sexual orientation or
politics is refused here, once, for every caller: features.py drops such a page or product category
before it becomes a feature, the model refuses such a target and never learns such a label, and a
prediction is checked on its way out. Matching is on whole words of the folded text, so "pharmacy"
is caught but "gardening" never matches "gar".
"""
from __future__ import annotations

import re

SPECIAL_CATEGORIES: dict[str, tuple[str, ...]] = {
    "health": ("health", "medical", "medicine", "pharmacy", "pharma", "clinic", "hospital", "doctor",
               "disease", "illness", "diagnosis", "therapy", "mental", "pregnancy", "fertility", "diabetes",
               "cancer", "hiv", "disability", "prescription", "rehab", "addiction"),
    "religion": ("religion", "religious", "church", "mosque", "synagogue", "temple", "faith", "bible", "quran",
                 "koran", "torah", "halal", "kosher", "prayer", "christian", "muslim", "jewish", "hindu",
                 "buddhist", "sikh", "atheist"),
    "ethnicity": ("ethnicity", "ethnic", "race", "racial", "ancestry", "nationality"),
    "sexualOrientation": ("sexual", "orientation", "gay", "lesbian", "bisexual", "lgbt", "lgbtq", "queer",
                          "transgender"),
    "politics": ("politics", "political", "party", "election", "vote", "voting", "union",
                 "trade union", "conservative", "labour", "liberal", "socialist", "activism"),
}
_WORDS = re.compile(r"[a-z0-9]+")
_TERMS = {term: name for name, terms in SPECIAL_CATEGORIES.items() for term in terms}


class SpecialCategoryError(ValueError):
    """A special category was asked for as a target, or reached an answer."""


def special_category(text: str | None) -> str | None:
    """The special category `text` names (a category, a target, a value), or None."""
    if not text:
        return None
    words = _WORDS.findall(_split_camel(text).lower())
    for size in (2, 1):   # "trade union" before "union"
        for i in range(len(words) - size + 1):
            hit = _TERMS.get(" ".join(words[i:i + size]))
            if hit:
                return hit
    return None


def refuse_special(kind: str, text: str) -> None:
    """Raise SpecialCategoryError if `text` names a special category."""
    hit = special_category(text)
    if hit:
        raise SpecialCategoryError(f"{kind} {text!r} is a special category ({hit}): never used or produced")


def _split_camel(text: str) -> str:
    return re.sub(r"([a-z])([A-Z])", r"\1 \2", text)
