"""Fields kept but set aside: a malformed or implausible value is stored as given with the reason,
never becomes an identifier, and still tells the matcher what it can (graph.model.SetAside).

Pure. A record is refused only when nothing in it can be stored; one bad field no longer costs the
whole customer (issue 13).
"""
from __future__ import annotations

import datetime as dt
import json

from graph.intake import normalize as norm
from graph.model import SetAside

EARLIEST_BIRTH = dt.date(1850, 1, 1)
IMPLAUSIBLE_BIRTH = "is not a plausible birth date (between 1850-01-01 and today); kept aside"
PARTIAL_ADDRESS = "is a partial address ({missing}); kept as matching evidence, not as an address"


def _plausible_birth(date: dt.date) -> bool:
    # a day of slack: the source's today may be ahead of ours
    return EARLIEST_BIRTH <= date <= dt.date.today() + dt.timedelta(days=1)


def _year_evidence(text: str) -> dict:
    """The year of an unusable date, when the year itself is plausible: still a comparable fact."""
    year = text[:4]
    if len(text) >= 4 and year.isdigit() and EARLIEST_BIRTH.year <= int(year) <= dt.date.today().year:
        return {"birthDate": year}
    return {}


def birth_date(value: dt.date | str | None) -> tuple[dt.date | None, SetAside | None]:
    """(the birth date, None) when it is a real, plausible date; else (None, what was set aside)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None   # blank is absent, as for every optional field
    text = value.isoformat() if isinstance(value, dt.date) else value.strip()
    try:
        date = value if isinstance(value, dt.date) else norm.parse_date(text)
    except norm.NormalizationError as exc:
        return None, SetAside("birthDate", value if isinstance(value, str) else text, exc.reason,
                              _year_evidence(text))
    if not _plausible_birth(date):
        return None, SetAside("birthDate", text, IMPLAUSIBLE_BIRTH, _year_evidence(text))
    return date, None


def identifier(path: str, item: dict, reason: str) -> SetAside:
    """An identifier whose value does not parse: an e-mail or phone still compares fuzzily."""
    raw, kind = item["value"], item["type"]
    evidence = {kind: [" ".join(raw.split()).lower()]} if kind in ("email", "phone") else {}
    return SetAside(path, raw, reason, evidence)


def _given(item: dict) -> str:
    """An address item as the source gave it, for provenance."""
    parts = {k: v for k, v in item.items() if v not in (None, "") and k not in ("validFrom", "validTo")}
    return json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)


def _parts_evidence(item: dict) -> dict:
    try:
        parts = norm.address_parts(item.get("streetNumber"), item.get("line1"), item.get("line2"),
                                   item.get("locality"), item.get("postcode"), item.get("region"))
    except norm.NormalizationError:
        return {}
    found = {"streetNumber": parts.street_number, "street": parts.street,
             "postcode": parts.postcode, "locality": parts.locality}
    return {k: v for k, v in found.items() if v}


def address(path: str, item: dict, field: str, reason: str) -> SetAside:
    """An address that cannot be a whole one; its city, postcode or street still reach the matcher."""
    return SetAside(f"{path}.{field}" if field else path, _given(item), reason, _parts_evidence(item))


def missing_parts(addr: norm.NormalAddress) -> str | None:
    """What keeps a normalised address from being a whole one (None: nothing). A postcode or a
    street alone is shared by many households, so it must not join them as one address."""
    missing = [name for name, part in (("no street number", addr.street_number), ("no street", addr.street))
               if not part]
    return ", ".join(missing) or None
