"""A stored record as the matching model reads it (graph.matching's field names).

Pure. Ingest keeps this on each SourceRecord as the JSON string `matchFields`, so candidates,
explanations and searches read a record's comparable facts in one property, without joins.
"""
from __future__ import annotations

import json

from graph.model import Identifier, Record


def _current_address(record: Record) -> Identifier | None:
    """The address the record says the person lives at now: open-ended first, home before others."""
    addresses = record.of_kind("address")
    ranked = sorted(addresses, key=lambda a: (a.valid_to is not None, a.props.get("use") not in (None, "home")))
    return ranked[0] if ranked else None


def match_fields(record: Record) -> dict:
    """The comparable facts of a record; missing facts are left out (neutral in comparisons)."""
    fields = {"given": record.given, "family": record.family, "gender": record.gender,
              "birthDate": record.birth_date.isoformat() if record.birth_date else None,
              "phone": [i.value for i in record.of_kind("phone")],
              "email": [i.value for i in record.of_kind("email")],
              "nationalId": next((i.value for i in record.of_kind("nationalId")), None)}
    address = _current_address(record)
    if address is not None:
        fields.update({k: address.props.get(k) for k in ("streetNumber", "street", "postcode", "locality")})
    return {k: v for k, v in fields.items() if v}


def dumps(fields: dict) -> str:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"))


def loads(text: str | None) -> dict:
    return json.loads(text) if text else {}
