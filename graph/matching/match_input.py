"""A stored record as the matching model reads it (graph.matching's field names).

Pure. Ingest keeps this on each SourceRecord as the JSON string `matchFields`, so candidates,
explanations and searches read a record's comparable facts in one property, without joins.
"""
from __future__ import annotations

import json

from graph.model import Identifier, Record

ADDRESS_FIELDS = ("streetNumber", "street", "postcode", "locality")


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
        fields.update({k: address.props.get(k) for k in ADDRESS_FIELDS})
    _add_set_aside(fields, record)
    return {k: v for k, v in fields.items() if v}


def _add_set_aside(fields: dict, record: Record) -> None:
    """What set-aside fields still say (graph.intake.set_aside): a mistyped e-mail joins the e-mails
    compared fuzzily, a partial address stands in when there is no whole one, a year for a date."""
    for held in record.set_aside:
        address_known = _has_address(fields)   # parts of two addresses must not mix
        for name, value in held.evidence.items():
            if isinstance(fields.get(name), list):
                fields[name] = fields[name] + [v for v in value if v not in fields[name]]
            elif name in ADDRESS_FIELDS:
                fields[name] = fields.get(name) if address_known else value
            elif not fields.get(name):
                fields[name] = value


def _has_address(fields: dict) -> bool:
    return any(fields.get(k) for k in ADDRESS_FIELDS)


def dumps(fields: dict) -> str:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"))


def loads(text: str | None) -> dict:
    return json.loads(text) if text else {}
