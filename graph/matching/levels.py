"""Named agreement levels, weakest first. NULL means a side is missing: no evidence."""

from __future__ import annotations

from enum import IntEnum
from functools import cache


class NameLevel(IntEnum):
    NULL = -1
    DIFFERENT = 0
    INITIAL = 1  # one side is just the initial of the other
    PHONETIC = 2  # same metaphone code
    SIMILAR = 3  # Jaro-Winkler >= 0.85
    CLOSE = 4  # Jaro-Winkler >= 0.92
    SWAPPED = 5  # given and family names exchanged
    NICKNAME = 6  # Bob / Robert
    EXACT = 7


class DateLevel(IntEnum):
    NULL = -1
    DIFFERENT = 0
    SAME_YEAR = 1
    ONE_EDIT = 2  # one digit off, or two adjacent digits swapped
    TRANSPOSED = 3  # day and month exchanged
    EXACT = 4


class AddressLevel(IntEnum):
    NULL = -1
    DIFFERENT = 0
    LOCALITY_SIMILAR = 1  # town names Jaro-Winkler >= 0.9 (a typo), postcodes not different
    LOCALITY = 2
    POSTCODE_SIMILAR = 3  # postcodes one edit apart (a typo), towns not different
    POSTCODE = 4
    STREET = 5  # same number, street name Jaro-Winkler >= 0.85
    # same postcode and street (Jaro-Winkler >= 0.85), the number too or missing on a side, or
    # same postcode and number with the street missing on a side: a typo in the street, or a
    # street or number left out, is nearly the exact address
    STREET_POSTCODE = 6
    EXACT = 7  # same number, street and postcode


class ContactLevel(IntEnum):
    NULL = -1
    DIFFERENT = 0
    SIMILAR = 1  # e-mail local parts Jaro-Winkler >= 0.88
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


def level_key(level: IntEnum) -> str:
    """JSON and explanation spelling of a level: ONE_EDIT -> 'oneEdit'."""
    # keyed by enum and name: IntEnum members of different enums with one value are equal
    return _spelling(type(level), level.name)


@cache
def _spelling(_enum: type, name: str) -> str:
    head, *rest = name.lower().split("_")
    return head + "".join(part.title() for part in rest)
