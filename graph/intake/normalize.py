"""Pure normalisation of raw identifier values into the canonical forms the graph keys on.

Every function takes untrusted text from a source feed and returns a canonical value, or
raises NormalizationError naming the field and saying what was expected. Library errors
never escape. Reasons never repeat the input: they end up in logs, and inputs are PII.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from urllib.parse import urlsplit

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from nameparser import HumanName
from unidecode import unidecode

MAX_EMAIL_LENGTH = 320  # RFC 5321: 64 for the local part, 1 for '@', 255 for the domain
MAX_LENGTH = 200
DEFAULT_COUNTRY = "GB"

# Apostrophes and dots join a word ("O'Brien", "L.L.C."); anything else non-alphanumeric
# separates words ("Smith-Jones", "Marks & Spencer").
_JOINERS = re.compile(r"['`.]")
_SEPARATORS = re.compile(r"[^a-z0-9]+")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# '12 Rose Lane', '12, Rose Lane', '12A Rose Lane', '12-14 Rose Lane'; not '1st Avenue'.
_NUMBERED_LINE = re.compile(r"(\d+[a-z]?(?:\s*-\s*\d+[a-z]?)?)\b[\s,]*(.*)", re.I | re.S)
_COUNTRY_ALIASES = {"UK": "GB"}  # 'UK' is not ISO 3166 but is what British forms say
# Unicode categories Cc (control) and Cs (lone surrogates): exactly these ranges, fixed by Unicode's
# stability policy; one regex search is far cheaper than a category lookup per character.
CONTROL_OR_SURROGATE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# Distinct inputs remembered by the cached parsers below (names, e-mail addresses, phone numbers).
CACHE_SIZE = 4096

# Only the last word of a street is read as its type: in 'St Johns Rd' the 'St' is Saint.
_STREET_TYPES = {
    "rd": "road", "ln": "lane", "st": "street", "str": "street", "ave": "avenue",
    "av": "avenue", "dr": "drive", "ct": "court", "crt": "court", "pl": "place",
    "sq": "square", "cres": "crescent", "cr": "crescent", "gdns": "gardens",
    "gro": "grove", "gr": "grove", "ter": "terrace", "terr": "terrace",
    "tce": "terrace", "cl": "close", "pk": "park", "pde": "parade", "wy": "way",
    "blvd": "boulevard", "hwy": "highway", "mt": "mount", "bldgs": "buildings",
}
# cleanco was considered and not used: its last release is from 2024, it can empty a
# name outright ('Coop'), and one pass leaves stacked suffixes ('Co. Ltd').
_LEGAL_SUFFIXES = frozenset({
    "ltd", "limited", "plc", "inc", "incorporated", "llc", "llp", "lp", "gmbh", "ag",
    "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "pty", "pvt", "co", "corp",
    "corporation", "company", "cic",
})


class NormalizationError(ValueError):
    """A raw value that cannot be made canonical; `field` names it, `reason` says why."""

    def __init__(self, field: str, reason: str):
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def _clean(value: object, field: str = "value", limit: int = MAX_LENGTH) -> str:
    if value is None:
        raise NormalizationError(field, "is missing; expected text")
    if not isinstance(value, str):
        raise NormalizationError(field, f"must be text, not {type(value).__name__}")
    text = value.strip()
    if not text:
        raise NormalizationError(field, "is empty; expected a value")
    if len(text) > limit:
        raise NormalizationError(field, f"is {len(text)} characters long; the limit is {limit}")
    # Cs (lone surrogates) too: they are not text, and unidecode warns on them.
    if CONTROL_OR_SURROGATE.search(text):
        raise NormalizationError(field, "contains control characters; expected printable text")
    return text


def _optional(value: str | None, field: str) -> str | None:
    """Blank means absent for optional parts; otherwise the same checks, spaces collapsed."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return " ".join(_clean(value, field).split())


def _fold(text: str) -> str:
    """Lower-case ASCII words for matching: 'José O'Brien-Smith' -> 'jose obrien smith'."""
    ascii_text = _JOINERS.sub("", unidecode(text).lower())
    return " ".join(_SEPARATORS.sub(" ", ascii_text).split())


def normalize_email(value: str) -> str:
    return _valid_email(_clean(value, limit=MAX_EMAIL_LENGTH))


@lru_cache(maxsize=CACHE_SIZE)   # pure, and a customer's address arrives from every silo
def _valid_email(text: str) -> str:
    try:
        result = validate_email(text, check_deliverability=False)
    except ValueError as exc:  # EmailNotValidError, and any idna/unicode error beneath it
        reason = str(exc) if isinstance(exc, EmailNotValidError) else "cannot be read"
        raise NormalizationError("value", f"is not a valid email address: {reason}") from exc
    # The whole address is lower-cased: sources disagree on the case of the local part
    # and almost no mail provider honours it, so case must not split one person in two.
    return result.normalized.lower()


def phone_digits(value: str) -> str:
    """Just the digits (any script, as ASCII), to compare with a junk block list.

    Text without digits gives '': it is no block-list entry, and normalize_phone then
    rejects it with the real reason.
    """
    return phonenumbers.normalize_digits_only(_clean(value))


def normalize_phone(value: str, default_region: str = "GB") -> str:
    text = _clean(value)
    region = _clean(default_region, "default_region").upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise NormalizationError("default_region", "expected a two-letter region such as 'GB'")
    return _e164(text, region)


@lru_cache(maxsize=CACHE_SIZE)   # pure, and a customer's number arrives from every silo
def _e164(text: str, region: str) -> str:
    number = _parse_phone(text, region)
    digits = phonenumbers.normalize_digits_only(text)
    if number is None and digits.startswith("00"):
        # Most of the world dials abroad with '00'; read it as '+' even when the default
        # region uses another prefix (the US uses 011).
        number = _parse_phone("+" + digits[2:], region)
    if number is None:
        raise NormalizationError(
            "value", f"is not a possible phone number; expected international form "
            f"('+44 20 7946 0958') or a national number for region {region}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _parse_phone(text: str, region: str) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    # Possible (right length for the country), not valid: test feeds use reserved ranges.
    return number if phonenumbers.is_possible_number(number) else None


def normalize_code(value: str) -> str:
    """Loyalty cards, national ids: 'plt-99812 ' -> 'PLT-99812', 'QQ 12 34 56 C' -> 'QQ123456C'."""
    # Spaces are print layout; dashes can be part of the code, so they stay.
    return "".join(_clean(value).split()).upper()


def normalize_token(value: str) -> str:
    """Device ids, cookies, account ids: opaque and case-sensitive, so only stripped."""
    return _clean(value)


def normalize_handle(platform: str, value: str) -> tuple[str, str]:
    """('Twitter', '@JaneSmith') -> ('twitter', 'janesmith'); profile URLs give their handle."""
    name = _clean(platform, "platform").lower()
    text = _clean(value)
    handle = (_handle_from_url(text) if "/" in text else text).lstrip("@").lower()
    if not handle:
        raise NormalizationError("value", "has no handle in it; expected e.g. '@janesmith'")
    if any(ch.isspace() for ch in handle):
        raise NormalizationError("value", "contains spaces; expected one handle, e.g. '@jane'")
    return name, handle


def _handle_from_url(text: str) -> str:
    # Profile URLs end with the handle: 'x.com/JaneSmith/', 'linkedin.com/in/jane-smith'.
    try:
        parts = urlsplit(text if "://" in text else "//" + text)
    except ValueError as exc:
        raise NormalizationError("value", "is neither a handle nor a profile URL") from exc
    segments = [segment for segment in parts.path.split("/") if segment]
    return segments[-1] if segments else ""


def name_key(value: str) -> str:
    """'José' -> 'jose', "O'Brien" -> 'obrien', 'Smith-Jones' -> 'smith jones'."""
    key = _fold(_clean(value))
    if not key:
        raise NormalizationError("value", "has no letters or digits to match on")
    return key


@dataclass(frozen=True)
class PersonName:
    """Display forms, properly cased; the *_key properties are for matching."""

    given: str | None
    middle: str | None
    family: str | None
    full: str | None

    @property
    def given_key(self) -> str | None:
        return name_key(self.given) if self.given else None

    @property
    def family_key(self) -> str | None:
        return name_key(self.family) if self.family else None


def normalize_name(
    given: str | None = None, family: str | None = None, full: str | None = None,
) -> PersonName:
    """given/family win when present; otherwise they come from parsing `full`."""
    given, family = _optional(given, "given"), _optional(family, "family")
    full = _optional(full, "full")
    if not (given or family or full):
        raise NormalizationError("full", "no name given; expected given and/or family, or full")
    parsed_first, parsed_middle, parsed_last, display = _parsed_full(full) if full else ("", "", "", "")
    first, last = _cased_parts(given or parsed_first, family or parsed_last)
    middle = " ".join(word.rstrip(".") for word in parsed_middle.split())
    if not (first or last):
        raise NormalizationError("full", "has no given or family name; expected e.g. 'Jane Smith'")
    for field, part in (("given", first), ("family", last)):
        if part and not _fold(part):
            raise NormalizationError(field, "has no letters or digits to match on")
    rebuilt = " ".join(p for p in (first, middle, last) if p)
    return PersonName(first or None, middle or None, last or None, display or rebuilt)


# nameparser takes a few hundred microseconds per name, and the same names keep arriving (a customer
# in every silo, common given and family names), so its uses are cached; each is pure, the same
# text always parses and cases the same way.
@lru_cache(maxsize=CACHE_SIZE)
def _parsed_full(full: str) -> tuple[str, str, str, str]:
    """first, middle, last and the display form of a full name, properly cased."""
    parsed = _cased(HumanName(full))
    # A full name that parsed to nothing usable ('Dr.') is no display form: the caller rebuilds one.
    display = str(parsed) if parsed.first or parsed.last else ""
    return parsed.first, parsed.middle, parsed.last, display


def _cased_parts(first: str, last: str) -> tuple[str, str]:
    # Forced casing re-cases each word from its own text and role, so the given and the family
    # name are cased apart (and cached apart: far fewer distinct values than pairs).
    return _cased_first(first), _cased_last(last)


@lru_cache(maxsize=CACHE_SIZE)
def _cased_first(first: str) -> str:
    return _cased(HumanName(first=first, last="")).first


@lru_cache(maxsize=CACHE_SIZE)
def _cased_last(last: str) -> str:
    return _cased(HumanName(first="", last=last)).last


def clear_caches() -> None:
    """Forget every cached parse (benchmarks measure each run as if its data were new)."""
    for cached in (_valid_email, _e164, _parsed_full, _cased_first, _cased_last):
        cached.cache_clear()


def _cased(name: HumanName) -> HumanName:
    # force=True re-cases mixed input too ('JANE smith'), keeping 'McDonald', "O'Brien".
    name.capitalize(force=True)
    return name


@dataclass(frozen=True)
class NormalAddress:
    """Display forms (spaces collapsed, case kept) and `key`, the canonical match key."""

    street_number: str | None
    street: str | None
    line2: str | None
    locality: str | None
    postcode: str | None
    region: str | None
    country: str | None

    @property
    def key(self) -> str:
        """'GB|BA11AA|12|rose lane'; the folded locality stands in for a missing postcode."""
        place = _postcode_key(self.postcode) if self.postcode else _fold(self.locality or "")
        number = (self.street_number or "").upper()
        return "|".join((self.country or "", place, number, _street_key(self.street)))


def normalize_address(
    street_number: str | None = None, line1: str | None = None, line2: str | None = None,
    locality: str | None = None, postcode: str | None = None, region: str | None = None,
    country: str | None = DEFAULT_COUNTRY,
) -> NormalAddress:
    """`country` None or blank means DEFAULT_COUNTRY, so feeds that omit it still match."""
    parts = address_parts(street_number, line1, line2, locality, postcode, region)
    if not parts.street and not parts.postcode:
        raise NormalizationError("line1", "address has neither a street nor a postcode; "
                                 "expected at least one of them")
    return replace(parts, country=country_code(country))


def address_parts(
    street_number: str | None = None, line1: str | None = None, line2: str | None = None,
    locality: str | None = None, postcode: str | None = None, region: str | None = None,
) -> NormalAddress:
    """The parts of an address, however few, without its country: what a partial address still
    says (a city, a postcode) when it is too little to be an address of its own."""
    given_number = _optional(street_number, "street_number")
    given_number = given_number and _number(given_number)
    number, street = _split_line1(_optional(line1, "line1"), given_number)
    code = _optional(postcode, "postcode")
    if code and not _postcode_key(code):
        raise NormalizationError("postcode", "has no letters or digits; expected e.g. 'BA1 1AA'")
    return NormalAddress(
        street_number=number, street=street, line2=_optional(line2, "line2"),
        locality=_optional(locality, "locality"), postcode=code and code.upper(),
        region=_optional(region, "region"), country=None,
    )


def _split_line1(line1: str | None, number: str | None) -> tuple[str | None, str | None]:
    match = _NUMBERED_LINE.fullmatch(line1) if line1 else None
    if match is None:
        return number, line1
    found, rest = _number(match[1]), match[2] or None
    if number is None or number == found:
        return found, rest
    return number, line1  # a different number given apart: line1 is not ours to split


def _number(text: str) -> str:
    """'12a' -> '12A', '12 - 14' -> '12-14', 'flat 3' -> 'FLAT 3'."""
    return re.sub(r"\s*-\s*", "-", " ".join(text.split())).upper()


def country_code(value: str | None) -> str:
    """An ISO 3166 alpha-2 code; None or blank means DEFAULT_COUNTRY."""
    code = (_optional(value, "country") or DEFAULT_COUNTRY).upper()
    code = _COUNTRY_ALIASES.get(code, code)
    if code not in phonenumbers.SUPPORTED_REGIONS:  # ISO 3166 alpha-2 codes, as a set
        raise NormalizationError("country", "expected a two-letter ISO 3166 code such as 'GB'")
    return code


def _postcode_key(postcode: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", unidecode(postcode).upper())


def _street_key(street: str | None) -> str:
    words = _fold(street or "").split()
    if words:
        words[-1] = _STREET_TYPES.get(words[-1], words[-1])
    return " ".join(words)


def company_key(name: str) -> str:
    """'ACME Travel Ltd', 'Acme Travel Limited', 'ACME TRAVEL LTD.' -> 'acme travel'."""
    words = _fold(_clean(name, "name").replace("&", " and ")).split()
    if not words:
        raise NormalizationError("name", "has no letters or digits; expected a company name")
    core = list(words)
    while len(core) > 1 and core[-1] in _LEGAL_SUFFIXES:
        core.pop()
    if len(core) < len(words) and len(core) > 1 and core[-1] == "and":
        core.pop()  # what is left of 'Smith & Co'
    if len(core) > 1 and core[0] == "the":
        core.pop(0)
    return " ".join(core)


def parse_date(value: str) -> dt.date:
    text = _clean(value)
    # fromisoformat alone would also take '20240501' and '2024-W18-3'; feeds must not.
    if not _ISO_DATE.fullmatch(text):
        raise NormalizationError("value", "is not a date in YYYY-MM-DD form")
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise NormalizationError("value", "is not a real calendar date (YYYY-MM-DD)") from exc


def parse_datetime(value: str) -> dt.datetime:
    """ISO 8601 to an aware UTC datetime; a value without an offset is taken to be UTC."""
    text = _clean(value)
    try:
        parsed = dt.datetime.fromisoformat(text)
        if parsed.tzinfo is None:
            return parsed.replace(tzinfo=dt.UTC)
        return parsed.astimezone(dt.UTC)
    except (ValueError, OverflowError) as exc:  # OverflowError: offset pushes past year 1
        raise NormalizationError(
            "value", "is not an ISO 8601 date-time such as '2024-05-01T09:30:00Z'") from exc
