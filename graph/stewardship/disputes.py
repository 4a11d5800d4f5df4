"""A record's comparable facts without the ones its person disputes. Pure.

A disputed identifier (an e-mail, a phone, an address the customer says is not theirs) stays on the
record and in every export, marked; matching reads the record's `matchFields` and blocking keys,
so the disputed value is taken out of those, now and at every later re-send of the record.
"""
from __future__ import annotations

from collections.abc import Iterable

from graph.matching.match_input import ADDRESS_FIELDS

LISTED = {"email": "email", "phone": "phone"}


def _address_is(fields: dict, value: str) -> bool:
    """Whether the record's compared address is the one keyed `value` ('GB|BA11AA|12|rose lane')."""
    parts = value.split("|")
    postcode = (fields.get("postcode") or "").replace(" ", "").upper()
    number = str(fields.get("streetNumber") or "")
    return len(parts) >= 3 and postcode == parts[1] and number == parts[2]


def strip(fields: dict, disputed: Iterable[str] | None) -> dict:
    """`fields` without the disputed identifier keys' values ('email:x', 'address:...')."""
    out = dict(fields)
    for key in disputed or ():
        kind, _, value = key.partition(":")
        if kind in LISTED and value in out.get(LISTED[kind], []):
            out[LISTED[kind]] = [v for v in out[LISTED[kind]] if v != value]
        elif kind == "nationalId" and out.get("nationalId") == value:
            del out["nationalId"]
        elif kind == "address" and _address_is(out, value):
            for name in ADDRESS_FIELDS:
                out.pop(name, None)
    return {k: v for k, v in out.items() if v}
