"""Field comparisons: each maps a pair of records to a small, named agreement level.

A record is a plain mapping with optional keys ``given``, ``family``, ``birthDate``
('YYYY-MM-DD'), ``streetNumber``, ``street``, ``locality``, ``postcode``, ``phone``,
``email``, ``nationalId`` and ``gender``; ``phone`` and ``email`` may also be lists.
Levels run from DIFFERENT (0) up to the strongest agreement; NULL (-1) means a side is
missing, which the model treats as no evidence at all rather than disagreement.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from enum import IntEnum

from graph.matching.text import (
    digits,
    fold,
    jaro_winkler,
    nickname_equivalent,
    one_edit_apart,
    phonetic,
)

Record = Mapping[str, object]

CLOSE_NAME, SIMILAR_NAME, COMPATIBLE_NAME = 0.92, 0.85, 0.88
SIMILAR_STREET, SIMILAR_EMAIL_LOCAL = 0.85, 0.88


class NameLevel(IntEnum):
    NULL = -1
    DIFFERENT = 0
    INITIAL = 1
    PHONETIC = 2
    SIMILAR = 3
    CLOSE = 4
    SWAPPED = 5
    NICKNAME = 6
    EXACT = 7


class DateLevel(IntEnum):
    NULL = -1
    DIFFERENT = 0
    SAME_YEAR = 1
    ONE_EDIT = 2
    TRANSPOSED = 3
    EXACT = 4


class AddressLevel(IntEnum):
    NULL = -1
    DIFFERENT = 0
    LOCALITY = 1
    POSTCODE = 2
    STREET = 3
    EXACT = 4


class ContactLevel(IntEnum):
    NULL = -1
    DIFFERENT = 0
    SIMILAR = 1
    EXACT = 2


class IdentifierLevel(IntEnum):
    NULL = -1
    DIFFERENT = 0
    ONE_EDIT = 1
    EXACT = 2


class GenderLevel(IntEnum):
    NULL = -1
    DIFFERENT = 0
    EQUAL = 1


# --- names ---------------------------------------------------------------------------


def _close(x: str, y: str) -> bool:
    return x == y or jaro_winkler(x, y) >= CLOSE_NAME


def _is_initial_of(x: str, y: str) -> bool:
    return len(x) == 1 and y.startswith(x) or len(y) == 1 and x.startswith(y)


def name_level(x: str, y: str, *, nicknames: bool = False) -> NameLevel:
    """Level for two already folded names, without the swap check (needs both fields)."""
    if not x or not y:
        return NameLevel.NULL
    if x == y:
        return NameLevel.EXACT
    if nicknames and nickname_equivalent(x, y):
        return NameLevel.NICKNAME
    similarity = jaro_winkler(x, y)
    if similarity >= CLOSE_NAME:
        return NameLevel.CLOSE
    if similarity >= SIMILAR_NAME:
        return NameLevel.SIMILAR
    if phonetic(x) == phonetic(y):
        return NameLevel.PHONETIC
    if _is_initial_of(x, y):
        return NameLevel.INITIAL
    return NameLevel.DIFFERENT


def _names_swapped(a: Record, b: Record) -> bool:
    given_a, family_a = fold(a.get("given")), fold(a.get("family"))
    given_b, family_b = fold(b.get("given")), fold(b.get("family"))
    if not (given_a and family_a and given_b and family_b):
        return False
    return _close(given_a, family_b) and _close(family_a, given_b)


def _compare_name_field(a: Record, b: Record, field: str, nicknames: bool) -> NameLevel:
    level = name_level(fold(a.get(field)), fold(b.get(field)), nicknames=nicknames)
    if level in (NameLevel.EXACT, NameLevel.NICKNAME, NameLevel.NULL):
        return level
    # a full swap outranks the fuzzy levels: it explains both name fields at once
    return NameLevel.SWAPPED if _names_swapped(a, b) else level


def compare_given(a: Record, b: Record) -> NameLevel:
    return _compare_name_field(a, b, "given", nicknames=True)


def compare_family(a: Record, b: Record) -> NameLevel:
    return _compare_name_field(a, b, "family", nicknames=False)


def given_names_compatible(a: str | None, b: str | None) -> bool:
    """Could these given names belong to one person? Missing names never conflict."""
    x, y = fold(a), fold(b)
    if not x or not y or x == y or _is_initial_of(x, y):
        return True
    return nickname_equivalent(x, y) or jaro_winkler(x, y) >= COMPATIBLE_NAME


# --- birth dates ---------------------------------------------------------------------


def _transposed(x: str, y: str) -> bool:
    if len(x) != 8 or len(y) != 8 or x[4:6] == x[6:8]:
        return False
    return x[:4] == y[:4] and x[4:6] == y[6:8] and x[6:8] == y[4:6]


def date_level(a: object, b: object) -> DateLevel:
    x, y = digits(a), digits(b)
    if not x or not y:
        return DateLevel.NULL
    if x == y:
        return DateLevel.EXACT
    if _transposed(x, y):
        return DateLevel.TRANSPOSED
    if one_edit_apart(x, y):
        return DateLevel.ONE_EDIT
    return DateLevel.SAME_YEAR if x[:4] == y[:4] else DateLevel.DIFFERENT


def compare_birth_dates(a: Record, b: Record) -> DateLevel:
    return date_level(a.get("birthDate"), b.get("birthDate"))


def birth_dates_compatible(a: str | None, b: str | None) -> bool:
    """Exact, day/month transposed or one digit off; missing dates never conflict."""
    return date_level(a, b) in _COMPATIBLE_DATES


_COMPATIBLE_DATES = (DateLevel.NULL, DateLevel.EXACT, DateLevel.TRANSPOSED, DateLevel.ONE_EDIT)


# --- address -------------------------------------------------------------------------


def _address(record: Record) -> tuple[str, str, str, str]:
    postcode = fold(record.get("postcode")).replace(" ", "")
    return (
        fold(record.get("streetNumber")),
        fold(record.get("street")),
        postcode,
        fold(record.get("locality")),
    )


def address_key(record: Record) -> tuple[str, str, str] | None:
    number, street, postcode, _ = _address(record)
    return (number, street, postcode) if number and street and postcode else None


def postcode_key(record: Record) -> str | None:
    return _address(record)[2] or None


def compare_addresses(a: Record, b: Record) -> AddressLevel:
    (num_a, street_a, post_a, loc_a), (num_b, street_b, post_b, loc_b) = _address(a), _address(b)
    if not any(x and y for x, y in zip(_address(a), _address(b))):
        return AddressLevel.NULL
    if address_key(a) is not None and address_key(a) == address_key(b):
        return AddressLevel.EXACT
    if num_a and num_a == num_b and street_a and street_b:
        if jaro_winkler(street_a, street_b) >= SIMILAR_STREET:
            return AddressLevel.STREET
    if post_a and post_a == post_b:
        return AddressLevel.POSTCODE
    return AddressLevel.LOCALITY if loc_a and loc_a == loc_b else AddressLevel.DIFFERENT


# --- phone, email, national id, gender ----------------------------------------------


def _values(value: object) -> tuple[object, ...]:
    if value is None:
        return ()
    return tuple(value) if isinstance(value, (list, tuple, set, frozenset)) else (value,)


def phone_keys(record: Record) -> tuple[str, ...]:
    # the last nine digits ignore how the country or trunk prefix was written
    keys = (digits(v) for v in _values(record.get("phone")))
    return tuple(sorted({k[-9:] for k in keys if len(k) >= 6}))


def email_keys(record: Record) -> tuple[str, ...]:
    keys = (str(v).strip().lower() for v in _values(record.get("email")))
    return tuple(sorted({k for k in keys if "@" in k}))


def compare_phones(a: Record, b: Record) -> ContactLevel:
    keys_a, keys_b = phone_keys(a), phone_keys(b)
    if not keys_a or not keys_b:
        return ContactLevel.NULL
    return ContactLevel.EXACT if set(keys_a) & set(keys_b) else ContactLevel.DIFFERENT


def compare_emails(a: Record, b: Record) -> ContactLevel:
    keys_a, keys_b = email_keys(a), email_keys(b)
    if not keys_a or not keys_b:
        return ContactLevel.NULL
    if set(keys_a) & set(keys_b):
        return ContactLevel.EXACT
    locals_a = [k.split("@")[0] for k in keys_a]
    locals_b = [k.split("@")[0] for k in keys_b]
    if any(jaro_winkler(x, y) >= SIMILAR_EMAIL_LOCAL for x in locals_a for y in locals_b):
        return ContactLevel.SIMILAR
    return ContactLevel.DIFFERENT


def national_id_key(record: Record) -> str | None:
    return fold(record.get("nationalId")).replace(" ", "") or None


def compare_national_ids(a: Record, b: Record) -> IdentifierLevel:
    x, y = national_id_key(a), national_id_key(b)
    if not x or not y:
        return IdentifierLevel.NULL
    if x == y:
        return IdentifierLevel.EXACT
    return IdentifierLevel.ONE_EDIT if one_edit_apart(x, y) else IdentifierLevel.DIFFERENT


_GENDERS = {"m": "m", "male": "m", "man": "m", "f": "f", "female": "f", "woman": "f"}


def gender_key(record: Record) -> str | None:
    value = fold(record.get("gender"))
    return _GENDERS.get(value, value) or None


def compare_genders(a: Record, b: Record) -> GenderLevel:
    x, y = gender_key(a), gender_key(b)
    if not x or not y:
        return GenderLevel.NULL
    return GenderLevel.EQUAL if x == y else GenderLevel.DIFFERENT


# --- registry ------------------------------------------------------------------------

KeyFunction = Callable[[Record], tuple[Hashable, ...]]


@dataclass(frozen=True)
class Comparison:
    """One field comparison. ``exact_keys`` are the values behind its top level, so its
    u can be counted from value frequencies; ``tf_field`` names the field whose value
    frequency replaces the average u at ``tf_level`` (term-frequency adjustment)."""

    name: str
    levels: type[IntEnum]
    compare: Callable[[Record, Record], IntEnum]
    exact_keys: KeyFunction
    fields: tuple[str, ...]
    tf_field: str | None = None
    tf_level: IntEnum | None = None

    @property
    def top_level(self) -> IntEnum:
        return max(self.levels)


def _one(function: Callable[[Record], Hashable | None]) -> KeyFunction:
    def keys(record: Record) -> tuple[Hashable, ...]:
        key = function(record)
        return () if key is None or key == "" else (key,)

    return keys


def _folded(field: str) -> Callable[[Record], str]:
    return lambda record: fold(record.get(field))


def birth_date_key(record: Record) -> str:
    return digits(record.get("birthDate"))


TF_KEYS: dict[str, Callable[[Record], Hashable | None]] = {
    "given": _folded("given"),
    "family": _folded("family"),
    "postcode": postcode_key,
}

_ADDRESS_FIELDS = ("streetNumber", "street", "postcode", "locality")

COMPARISONS: tuple[Comparison, ...] = (
    Comparison("given", NameLevel, compare_given, _one(_folded("given")), ("given",),
               "given", NameLevel.EXACT),
    Comparison("family", NameLevel, compare_family, _one(_folded("family")), ("family",),
               "family", NameLevel.EXACT),
    Comparison("birthDate", DateLevel, compare_birth_dates, _one(birth_date_key), ("birthDate",)),
    Comparison("address", AddressLevel, compare_addresses, _one(address_key), _ADDRESS_FIELDS,
               "postcode", AddressLevel.POSTCODE),
    Comparison("phone", ContactLevel, compare_phones, phone_keys, ("phone",)),
    Comparison("email", ContactLevel, compare_emails, email_keys, ("email",)),
    Comparison("nationalId", IdentifierLevel, compare_national_ids, _one(national_id_key),
               ("nationalId",)),
    Comparison("gender", GenderLevel, compare_genders, _one(gender_key), ("gender",)),
)
COMPARISONS_BY_NAME = {c.name: c for c in COMPARISONS}


def compare(a: Record, b: Record) -> dict[str, IntEnum]:
    """The comparison vector of a pair: comparison name -> level."""
    return {c.name: c.compare(a, b) for c in COMPARISONS}


def level_key(level: IntEnum) -> str:
    """JSON/explanation spelling of a level: ONE_EDIT -> 'oneEdit'."""
    head, *rest = level.name.lower().split("_")
    return head + "".join(part.title() for part in rest)
