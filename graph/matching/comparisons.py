"""Field comparisons: each maps a pair of records to a small, named agreement level.

A record is a plain mapping with optional keys ``given``, ``family``, ``birthDate``
('YYYY-MM-DD'), ``streetNumber``, ``street``, ``locality``, ``postcode``, ``phone``,
``email``, ``nationalId`` and ``gender``; ``phone`` and ``email`` may also be lists.
A side that is missing gives the NULL level, which the model treats as no evidence at all
rather than as disagreement.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache
from typing import Any

from graph.matching.keys import (
    Address,
    Fields,
    address_key,
    address_parts,
    birth_date_key,
    email_keys,
    full_address,
    gender_key,
    name_field_key,
    national_id_key,
    phone_keys,
)
from graph.matching.levels import (
    AddressLevel,
    ContactLevel,
    DateLevel,
    GenderLevel,
    IdentifierLevel,
    NameLevel,
)
from graph.matching.text import (
    digits,
    fold,
    formal_names_apart,
    jaro_winkler,
    nickname_pair,
    one_edit_apart,
    phonetic,
)

CLOSE_NAME, SIMILAR_NAME, COMPATIBLE_NAME = 0.92, 0.85, 0.88
SWAP_TYPO = 0.8  # the second name of a swap, when the first is the same
SIMILAR_STREET, SIMILAR_EMAIL_LOCAL, SIMILAR_TOWN = 0.85, 0.88, 0.9

# --- names ---------------------------------------------------------------------------


def _is_initial_of(x: str, y: str) -> bool:
    return len(x) == 1 and y.startswith(x) or len(y) == 1 and x.startswith(y)


# names repeat across pairs (a household, a block): each distinct pair is judged once per process
@lru_cache(maxsize=200_000)
def name_level(x: str, y: str, *, nicknames: bool = False) -> NameLevel:
    """Level of two folded names, short of the swap check (which needs both fields).

    ``nicknames``: given names, where the nickname library also tells formal names apart."""
    if not x or not y:
        return NameLevel.NULL
    if x == y:
        return NameLevel.EXACT
    if nicknames and nickname_pair(x, y):
        return NameLevel.NICKNAME
    # before the similarity levels: 'A' and 'Al' are alike as strings, but the evidence is an initial
    if _is_initial_of(x, y):
        return NameLevel.INITIAL
    # Alexander/Alexandra look alike (twins' names often do) but are two names
    if nicknames and formal_names_apart(x, y):
        return NameLevel.DIFFERENT
    similarity = jaro_winkler(x, y)
    if similarity >= CLOSE_NAME:
        return NameLevel.CLOSE
    if similarity >= SIMILAR_NAME:
        return NameLevel.SIMILAR
    return NameLevel.PHONETIC if phonetic(x) == phonetic(y) else NameLevel.DIFFERENT


def names_swapped(a: Fields, b: Fields) -> bool:
    """Given and family names exchanged: each close to the other side's, or one the same and the
    other a typo or two apart ('Snell Sophie' for 'Sophie Sndl'). A name found in the other field
    makes a swap likely, and a swapped record is keyed by hand, with typos, as often as any other.
    Two formal names (Daniel, Danielle) are never taken for a typo."""
    return names_key_swapped(*names_key(a), *names_key(b))


def names_key(record: Fields) -> tuple[str, str]:
    """(given, family), folded: what both name comparisons read of a record."""
    return name_field_key(record, "given"), name_field_key(record, "family")


# both name comparisons of a pair ask, so the answer is kept per four names, as name_level's per two
@lru_cache(maxsize=200_000)
def names_key_swapped(given_a: str, family_a: str, given_b: str, family_b: str) -> bool:
    if not (given_a and family_a and given_b and family_b):
        return False
    crossed = sorted((_crossed(given_a, family_b), _crossed(family_a, given_b)))
    return crossed[0] >= CLOSE_NAME or crossed[1] == 1.0 and crossed[0] >= SWAP_TYPO


def _crossed(x: str, y: str) -> float:
    return 0.0 if formal_names_apart(x, y) else jaro_winkler(x, y)


def _names_level(x: tuple[str, str], y: tuple[str, str], field: int, nicknames: bool) -> NameLevel:
    level = name_level(x[field], y[field], nicknames=nicknames)
    if level in (NameLevel.EXACT, NameLevel.NICKNAME, NameLevel.NULL):
        return level
    # a full swap outranks the fuzzy levels: it explains both name fields at once
    return NameLevel.SWAPPED if names_key_swapped(*x, *y) else level


def given_level(x: tuple[str, str], y: tuple[str, str]) -> NameLevel:
    """The given-name level of two records' ``names_key``."""
    return _names_level(x, y, 0, nicknames=True)


def family_level(x: tuple[str, str], y: tuple[str, str]) -> NameLevel:
    return _names_level(x, y, 1, nicknames=False)


def compare_given(a: Fields, b: Fields) -> NameLevel:
    return given_level(names_key(a), names_key(b))


def compare_family(a: Fields, b: Fields) -> NameLevel:
    return family_level(names_key(a), names_key(b))


def given_names_compatible(a: str | None, b: str | None) -> bool:
    """Could these given names belong to one person? Missing names never conflict."""
    x, y = fold(a), fold(b)
    if not x or not y or x == y or _is_initial_of(x, y) or nickname_pair(x, y):
        return True
    return not formal_names_apart(x, y) and jaro_winkler(x, y) >= COMPATIBLE_NAME


# --- birth dates ---------------------------------------------------------------------


def _transposed(x: str, y: str) -> bool:
    if len(x) != 8 or len(y) != 8 or x[4:6] == x[6:8]:
        return False
    return x[:4] == y[:4] and x[4:6] == y[6:8] and x[6:8] == y[4:6]


def date_level(a: object, b: object) -> DateLevel:
    """Level of two dates written 'YYYY-MM-DD' (or any form with the digits in order)."""
    return digits_level(digits(a), digits(b))


def digits_level(x: str, y: str) -> DateLevel:
    """``date_level`` of two dates already reduced to their digits (``birth_date_key``)."""
    if not x or not y:
        return DateLevel.NULL
    if x == y:
        return DateLevel.EXACT
    if _transposed(x, y):
        return DateLevel.TRANSPOSED
    if one_edit_apart(x, y):
        return DateLevel.ONE_EDIT
    return DateLevel.SAME_YEAR if x[:4] == y[:4] else DateLevel.DIFFERENT


def compare_birth_dates(a: Fields, b: Fields) -> DateLevel:
    return digits_level(birth_date_key(a), birth_date_key(b))


_COMPATIBLE_DATES = (DateLevel.NULL, DateLevel.EXACT, DateLevel.TRANSPOSED, DateLevel.ONE_EDIT)


def birth_dates_compatible(a: str | None, b: str | None) -> bool:
    """Exact, day/month transposed or one digit off; missing dates never conflict."""
    return date_level(a, b) in _COMPATIBLE_DATES


# --- address -------------------------------------------------------------------------


def compare_addresses(a: Fields, b: Fields) -> AddressLevel:
    return address_level(address_parts(a), address_parts(b))


def address_level(parts_a: Address, parts_b: Address) -> AddressLevel:
    """Level of two addresses as ``address_parts`` gives them."""
    if not _any_part_on_both(parts_a, parts_b):
        return AddressLevel.NULL
    full_a = full_address(parts_a)
    if full_a is not None and full_a == full_address(parts_b):
        return AddressLevel.EXACT
    (number_a, street_a, post_a, place_a), (number_b, street_b, post_b, place_b) = parts_a, parts_b
    similar_street = bool(street_a and street_b) and jaro_winkler(street_a, street_b) >= SIMILAR_STREET
    streetless = bool(number_a) and number_a == number_b and not (street_a and street_b)
    if (similar_street or streetless) and post_a and post_a == post_b and \
            (number_a == number_b or not (number_a and number_b)):
        return AddressLevel.STREET_POSTCODE
    if similar_street and number_a and number_a == number_b:
        return AddressLevel.STREET
    if post_a and post_a == post_b:
        return AddressLevel.POSTCODE
    return _town_level(post_a, post_b, place_a, place_b)


def _any_part_on_both(parts_a: Address, parts_b: Address) -> bool:
    # spelt out: this runs for every scored pair, and a generator costs more than the test
    return bool(parts_a[0] and parts_b[0] or parts_a[1] and parts_b[1] or parts_a[2] and parts_b[2]
                or parts_a[3] and parts_b[3])


def _town_level(post_a: str, post_b: str, place_a: str, place_b: str) -> AddressLevel:
    """Postcode and town on their own, once street and number say nothing: exact, one typo away,
    different. A typo counts only where the other part does not disagree (two towns a keystroke
    apart are more often neighbours than a mistyped one)."""
    posts_differ = bool(post_a and post_b) and post_a != post_b
    places_differ = bool(place_a and place_b) and place_a != place_b
    if post_a and post_b and not places_differ and one_edit_apart(post_a, post_b):
        return AddressLevel.POSTCODE_SIMILAR
    if place_a and place_a == place_b:
        return AddressLevel.LOCALITY
    if places_differ and not posts_differ and jaro_winkler(place_a, place_b) >= SIMILAR_TOWN:
        return AddressLevel.LOCALITY_SIMILAR
    return AddressLevel.DIFFERENT


# --- phone, e-mail, national id, gender ----------------------------------------------


def _overlap(keys_a: tuple[str, ...], keys_b: tuple[str, ...]) -> bool:
    return any(k in keys_b for k in keys_a)


def compare_phones(a: Fields, b: Fields) -> ContactLevel:
    return phone_level(phone_keys(a), phone_keys(b))


def phone_level(keys_a: tuple[str, ...], keys_b: tuple[str, ...]) -> ContactLevel:
    if not keys_a or not keys_b:
        return ContactLevel.NULL
    return ContactLevel.EXACT if _overlap(keys_a, keys_b) else ContactLevel.DIFFERENT


def _similar_local_parts(keys_a: tuple[str, ...], keys_b: tuple[str, ...]) -> bool:
    locals_b = [k.split("@")[0] for k in keys_b]
    return any(_similar_local(k.split("@")[0], other) for k in keys_a for other in locals_b)


def _similar_local(x: str, y: str) -> bool:
    """Mailbox names one typo or so apart. Most of a mailbox name is often the person's name
    ('john.smith74'), so two namesakes' mailboxes look alike; the number is what tells them
    apart: numbers more than one keystroke apart ('74' and '87') are two mailboxes, not a typo,
    else the e-mail would count the names' agreement a second time."""
    if jaro_winkler(x, y) < SIMILAR_EMAIL_LOCAL:
        return False
    return one_edit_apart(digits(x), digits(y))


def compare_emails(a: Fields, b: Fields) -> ContactLevel:
    return email_level(email_keys(a), email_keys(b))


def email_level(keys_a: tuple[str, ...], keys_b: tuple[str, ...]) -> ContactLevel:
    if not keys_a or not keys_b:
        return ContactLevel.NULL
    if _overlap(keys_a, keys_b):
        return ContactLevel.EXACT
    if _similar_local_parts(keys_a, keys_b):
        return ContactLevel.SIMILAR
    return ContactLevel.DIFFERENT


def compare_national_ids(a: Fields, b: Fields) -> IdentifierLevel:
    return national_id_level(national_id_key(a), national_id_key(b))


def national_id_level(x: str, y: str) -> IdentifierLevel:
    if not x or not y:
        return IdentifierLevel.NULL
    if x == y:
        return IdentifierLevel.EXACT
    return IdentifierLevel.ONE_EDIT if one_edit_apart(x, y) else IdentifierLevel.DIFFERENT


def compare_genders(a: Fields, b: Fields) -> GenderLevel:
    return gender_level(gender_key(a), gender_key(b))


def gender_level(x: str, y: str) -> GenderLevel:
    if not x or not y:
        return GenderLevel.NULL
    return GenderLevel.EQUAL if x == y else GenderLevel.DIFFERENT


# --- registry ------------------------------------------------------------------------

KeyFunction = Callable[[Fields], tuple[Hashable, ...]]


@dataclass(frozen=True)
class Comparison:
    """One field comparison.

    ``exact_keys`` are the values behind its top level, so that level's u can be counted
    from value frequencies. ``fields`` are the record keys it reads. At ``tf_level`` the
    frequency of ``tf_field``'s value replaces the average u (term-frequency adjustment).
    ``key`` and ``level`` split ``compare`` for records prepared once and compared many times
    (``prepare``): ``compare(a, b) == level(key(a), key(b))``. Without them the key is the
    whole record and the level is ``compare``.
    """

    name: str
    levels: type[IntEnum]
    compare: Callable[[Fields, Fields], IntEnum]
    exact_keys: KeyFunction
    fields: tuple[str, ...]
    tf_field: str | None = None
    tf_level: IntEnum | None = None
    unused_levels: tuple[IntEnum, ...] = ()
    # levels whose evidence another comparison already counts: their weight stays 0
    neutral_levels: tuple[IntEnum, ...] = ()
    key: Callable[[Fields], Any] | None = None
    level: Callable[[Any, Any], IntEnum] | None = None

    @property
    def top_level(self) -> IntEnum:
        return max(self.levels)

    @property
    def observed_levels(self) -> tuple[IntEnum, ...]:
        """Every level this comparison can return, NULL aside, weakest first."""
        return tuple(x for x in self.levels if x >= 0 and x not in self.unused_levels)

    def key_of(self, record: Fields) -> Any:
        return record if self.key is None else self.key(record)

    @property
    def level_of_keys(self) -> Callable[[Any, Any], IntEnum]:
        return self.compare if self.level is None else self.level


def _one(function: Callable[[Fields], Hashable | None]) -> KeyFunction:
    def keys(record: Fields) -> tuple[Hashable, ...]:
        key = function(record)
        return (key,) if key else ()

    return keys


def _name(field: str) -> KeyFunction:
    return _one(lambda record: name_field_key(record, field))


_ADDRESS_FIELDS = ("streetNumber", "street", "postcode", "locality")

COMPARISONS: tuple[Comparison, ...] = (
    # names read both name fields: the swap check needs both of both sides
    Comparison("given", NameLevel, compare_given, _name("given"), ("given",),
               "given", NameLevel.EXACT, key=names_key, level=given_level),
    # the swap is counted once, by the given-name comparison
    Comparison("family", NameLevel, compare_family, _name("family"), ("family",),
               "family", NameLevel.EXACT, (NameLevel.NICKNAME,), (NameLevel.SWAPPED,),
               key=names_key, level=family_level),
    Comparison("birthDate", DateLevel, compare_birth_dates, _one(birth_date_key),
               ("birthDate",), key=birth_date_key, level=digits_level),
    Comparison("address", AddressLevel, compare_addresses, _one(address_key), _ADDRESS_FIELDS,
               "postcode", AddressLevel.POSTCODE, key=address_parts, level=address_level),
    Comparison("phone", ContactLevel, compare_phones, phone_keys, ("phone",),
               unused_levels=(ContactLevel.SIMILAR,), key=phone_keys, level=phone_level),
    Comparison("email", ContactLevel, compare_emails, email_keys, ("email",),
               key=email_keys, level=email_level),
    Comparison("nationalId", IdentifierLevel, compare_national_ids, _one(national_id_key),
               ("nationalId",), key=national_id_key, level=national_id_level),
    Comparison("gender", GenderLevel, compare_genders, _one(gender_key), ("gender",),
               key=gender_key, level=gender_level),
)


def compare(a: Fields, b: Fields) -> dict[str, IntEnum]:
    """The comparison vector of a pair: comparison name -> level."""
    return {c.name: c.compare(a, b) for c in COMPARISONS}


# --- records prepared once, compared many times ----------------------------------------

# what each comparison reads of a record, in COMPARISONS order
Prepared = tuple[Any, ...]
_KEYS = tuple(c.key_of for c in COMPARISONS)
_LEVELS = tuple(c.level_of_keys for c in COMPARISONS)


def prepare(record: Fields) -> Prepared:
    """Each comparison's key of a record, worked out once for every pair the record is in."""
    return tuple(key(record) for key in _KEYS)


def compare_prepared(a: Prepared, b: Prepared) -> tuple[IntEnum, ...]:
    """``compare`` of two prepared records, as levels in COMPARISONS order."""
    return tuple(level(x, y) for level, x, y in zip(_LEVELS, a, b, strict=True))
