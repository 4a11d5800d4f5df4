"""Canonical keys of record fields, shared by comparisons, blocking and frequencies.

Folding is light on purpose: ``graph.intake.normalize`` does the real normalisation upstream;
these keys only ignore what matching must never see (case, accents, punctuation,
phone prefixes, spaces inside postcodes).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache

from graph.matching.text import digits, fold

# A record's comparable facts by matching's field names (graph.matching.match_input makes them).
Fields = Mapping[str, object]
Address = tuple[str, str, str, str]  # number, street, postcode, locality

_GENDERS = {"m": "m", "male": "m", "man": "m", "f": "f", "female": "f", "woman": "f"}


def name_field_key(record: Fields, field: str) -> str:
    return fold(record.get(field))


def birth_date_key(record: Fields) -> str:
    return digits(record.get("birthDate"))


def address_parts(record: Fields) -> Address:
    return (
        fold(record.get("streetNumber")),
        fold(record.get("street")),
        fold(record.get("postcode")).replace(" ", ""),
        fold(record.get("locality")),
    )


def full_address(parts: Address) -> tuple[str, str, str] | None:
    number, street, postcode, _ = parts
    return (number, street, postcode) if number and street and postcode else None


def address_key(record: Fields) -> tuple[str, str, str] | None:
    """Number, street and postcode, when all three are known."""
    return full_address(address_parts(record))


def postcode_key(record: Fields) -> str:
    return address_parts(record)[2]


def national_id_key(record: Fields) -> str:
    return fold(record.get("nationalId")).replace(" ", "")


def gender_key(record: Fields) -> str:
    value = fold(record.get("gender"))
    return _GENDERS.get(value, value)


@lru_cache(maxsize=200_000)
def _phone_key(value: object) -> str:
    # the last nine digits ignore how the country or trunk prefix was written
    key = digits(value)
    return key[-9:] if len(key) >= 6 else ""


@lru_cache(maxsize=200_000)
def _email_key(value: object) -> str:
    key = str(value).strip().lower()
    return key if "@" in key else ""


def _keys(value: object, key: Callable[[object], str]) -> tuple[str, ...]:
    """Keys of a single value or of a list of them, blanks dropped."""
    if value is None:
        return ()
    if isinstance(value, (list, tuple, set, frozenset)):
        return tuple(sorted({k for k in map(key, value) if k}))
    single = key(value)
    return (single,) if single else ()


def phone_keys(record: Fields) -> tuple[str, ...]:
    return _keys(record.get("phone"), _phone_key)


def email_keys(record: Fields) -> tuple[str, ...]:
    return _keys(record.get("email"), _email_key)


# fields whose value frequency adjusts the weight of an exact agreement
FREQUENCY_KEYS: dict[str, Callable[[Fields], str]] = {
    "given": lambda record: name_field_key(record, "given"),
    "family": lambda record: name_field_key(record, "family"),
    "postcode": postcode_key,
}
