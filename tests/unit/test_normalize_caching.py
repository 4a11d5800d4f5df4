"""The shortcuts that make parsing cheap give exactly what the slow paths gave."""
from __future__ import annotations

import unicodedata

import pytest
from nameparser import HumanName

from graph.intake import normalize
from graph.intake.normalize import (
    CONTROL_OR_SURROGATE,
    NormalizationError,
    normalize_email,
    normalize_name,
    normalize_phone,
)

TRICKY_NAMES = ["jane", "JANE", "mcdonald", "o'brien", "de la cruz", "van der berg", "y", "e", "and", "Dr.", "J.",
                "smith-und.-jones", "MARY-KATE", "III", "phd", "d'arcy", "ÉLODIE", "ß", "bin", "st.", "the", ""]


@pytest.fixture(autouse=True)
def cold_caches():
    normalize.clear_caches()
    yield
    normalize.clear_caches()


def test_the_control_character_pattern_is_exactly_unicode_categories_cc_and_cs():
    # every Cc and Cs code point lies in the Basic Multilingual Plane
    for code in list(range(0x10000)) + [0x10000, 0x1F600, 0xE0001, 0x10FFFF]:
        ch = chr(code)
        assert bool(CONTROL_OR_SURROGATE.search(ch)) == (unicodedata.category(ch) in ("Cc", "Cs")), hex(code)


@pytest.mark.parametrize("given", TRICKY_NAMES)
@pytest.mark.parametrize("family", ["smith", "DE LA CRUZ", "o'neil-und.-jones", "iii", ""])
def test_given_and_family_names_are_cased_apart_as_they_are_together(given, family):
    together = HumanName(first=given, last=family)
    together.capitalize(force=True)
    assert normalize._cased_parts(given, family) == (together.first, together.last)


@pytest.mark.parametrize("args", [("jane", "SMITH", None), (None, None, "dr. jane o'brien-smith phd"),
                                  ("Mary", None, "JANE ann smith"), (None, "de la cruz", "juan e-f")])
def test_a_name_parses_the_same_from_the_cache_as_cold(args):
    cold = normalize_name(*args)
    assert normalize_name(*args) == cold
    normalize.clear_caches()
    assert normalize_name(*args) == cold


def test_a_refused_value_is_refused_again_when_it_comes_back():
    for _ in range(2):
        with pytest.raises(NormalizationError):
            normalize_email("not-an-address")
        with pytest.raises(NormalizationError):
            normalize_phone("12")
        with pytest.raises(NormalizationError):
            normalize_name(None, None, "Dr.")
