"""graph.demo.population's population as API records, for tests and benchmarks that ingest it."""
from __future__ import annotations

import datetime as dt

from graph.demo.population import generate_population


def _valid_date(text: str | None) -> str | None:
    """Corruptions can produce month 13 or day 0: such a date is left out, as a form would refuse it."""
    try:
        return text if text and dt.date.fromisoformat(text) < dt.date.today() else None
    except ValueError:
        return None


def api_record(n: int, fields: dict, source: str = "synthetic") -> dict:
    item: dict = {"source": source, "sourceId": str(n)}
    name = {k: fields[k] for k in ("given", "family") if fields.get(k)}
    if name:
        item["name"] = name
    if _valid_date(fields.get("birthDate")):
        item["birthDate"] = fields["birthDate"]
    if fields.get("gender"):
        item["gender"] = fields["gender"].upper()
    identifiers = [{"type": kind, "value": fields[kind]}
                   for kind in ("phone", "email", "nationalId") if fields.get(kind)]
    if identifiers:
        item["identifiers"] = identifiers
    address = {"streetNumber": fields.get("streetNumber"), "line1": fields.get("street"),
               "locality": fields.get("locality"), "postcode": fields.get("postcode")}
    if address["line1"] or address["postcode"]:
        item["addresses"] = [dict({k: v for k, v in address.items() if v}, country="GB")]
    return item


def raw_api_record(n: int, fields: dict, source: str = "synthetic") -> dict:
    """A record as a careless export sends it: every field as generated, an impossible date or a
    town-only address included. Intake keeps the record and sets such fields aside (issue 13)."""
    item = api_record(n, fields, source)
    if fields.get("birthDate"):
        item["birthDate"] = fields["birthDate"]
    address = {"streetNumber": fields.get("streetNumber"), "line1": fields.get("street"),
               "locality": fields.get("locality"), "postcode": fields.get("postcode")}
    if any(address.values()):
        item["addresses"] = [dict({k: v for k, v in address.items() if v}, country="GB")]
    return item


def population(people: int, seed: int = 0) -> list[tuple[dict, int]]:
    """(API record, true person id) pairs for about `people` people."""
    return [(api_record(n, fields), person) for n, (fields, person) in enumerate(generate_population(people, seed))]
