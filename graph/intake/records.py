"""Turn one validated source record (API shape) into a normalised domain Record."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import replace

from graph.config import Settings
from graph.errors import InvalidRecord
from graph.intake import normalize as norm
from graph.intake import set_aside as aside
from graph.intake.domains import email_domain, is_corporate_domain
from graph.model import Employment, Identifier, Record, Role, SetAside


def fingerprint(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def _where(path: str, fn, *args, **kwargs):
    """Call a normaliser and report its failure under the record's field path."""
    try:
        return fn(*args, **kwargs)
    except norm.NormalizationError as exc:
        field = path if exc.field in ("value", "") else f"{path}.{exc.field}"
        raise InvalidRecord(field, exc.reason) from None


def _is_junk(kind: str, raw: str, settings: Settings) -> bool:
    if raw.strip().lower() in settings.junk_values:
        return True
    return kind == "phone" and norm.phone_digits(raw) in settings.junk_values


def _identifier(item: dict, path: str, settings: Settings, query: bool) -> Identifier | SetAside | None:
    """The identifier, None for a blocked junk value, or the item set aside when it does not parse
    (a query refuses it instead: there is nothing to keep)."""
    try:
        return _parsed_identifier(item, path, settings)
    except InvalidRecord as exc:
        if query:
            raise
        return aside.identifier(exc.field, item, exc.reason)


def _parsed_identifier(item: dict, path: str, settings: Settings) -> Identifier | None:
    kind, raw = item["type"], item["value"]
    props: dict = {}
    if _where(f"{path}.value", _is_junk, kind, raw, settings):
        return None
    if kind == "email":
        value = _where(f"{path}.value", norm.normalize_email, raw)
        props = {"domain": email_domain(value), "corporate": is_corporate_domain(email_domain(value))}
    elif kind == "phone":
        value = _where(f"{path}.value", norm.normalize_phone, raw, settings.default_region)
    elif kind in ("loyaltyCard", "nationalId"):
        value = _where(f"{path}.value", norm.normalize_code, raw)
    elif kind == "device":
        value = _where(f"{path}.value", norm.normalize_token, raw)
    elif kind == "account":
        system = item.get("system")
        if not system:
            raise InvalidRecord(f"{path}.system", "an account needs the system it belongs to")
        props = {"system": system.strip().lower(), "accountId": _where(f"{path}.value", norm.normalize_token, raw)}
        value = f"{props['system']}:{props['accountId']}"
        props.update({k: item[k] for k in ("tier", "status") if item.get(k) is not None})
    elif kind == "social":
        if not item.get("platform"):
            raise InvalidRecord(f"{path}.platform", "a social handle needs its platform")
        platform, handle = _where(path, norm.normalize_handle, item["platform"], raw)
        props = {"platform": platform, "handle": handle}
        if item.get("followers") is not None:
            props["followers"] = item["followers"]
        value = f"{platform}:{handle}"
    else:
        raise InvalidRecord(f"{path}.type", f"unknown identifier type {kind!r}")
    if value.lower() in settings.junk_values:
        return None
    return Identifier(kind, value, f"{kind}:{value}", props, item.get("validFrom"), item.get("validTo"))


def _address(item: dict, path: str, query: bool) -> Identifier | SetAside:
    """A whole address, or the item set aside (partial, unknown country) with what it still says.
    A query keeps a partial address as one: it is never stored, and its postcode routes a search."""
    if query:
        return _address_identifier(item, _where(path, norm.normalize_address, **_address_args(item)))
    try:
        addr = norm.address_parts(item.get("streetNumber"), item.get("line1"), item.get("line2"),
                                  item.get("locality"), item.get("postcode"), item.get("region"))
        missing = aside.missing_parts(addr)
        if missing:
            return aside.address(path, item, "", aside.PARTIAL_ADDRESS.format(missing=missing))
        return _address_identifier(item, replace(addr, country=norm.country_code(item.get("country"))))
    except norm.NormalizationError as exc:
        return aside.address(path, item, exc.field, exc.reason)


def _address_args(item: dict) -> dict:
    return {"street_number": item.get("streetNumber"), "line1": item.get("line1"), "line2": item.get("line2"),
            "locality": item.get("locality"), "postcode": item.get("postcode"), "region": item.get("region"),
            "country": item.get("country")}


def _address_identifier(item: dict, addr: norm.NormalAddress) -> Identifier:
    props = {"streetNumber": addr.street_number, "street": addr.street, "line2": addr.line2,
             "locality": addr.locality, "postcode": addr.postcode, "region": addr.region,
             "country": addr.country, "use": item.get("use")}
    props = {k: v for k, v in props.items() if v}
    return Identifier("address", addr.key, f"address:{addr.key}", props,
                      item.get("validFrom"), item.get("validTo"))


def _check_period(item: dict, path: str) -> None:
    start, end = item.get("validFrom"), item.get("validTo")
    if start and end and end < start:
        raise InvalidRecord(f"{path}.validTo", "validTo is before validFrom")


def _contact_points(data: dict, settings: Settings, query: bool) -> tuple[list[Identifier], list[str], list[SetAside]]:
    """The record's identifiers and addresses: kept, ignored (block list) or set aside."""
    identifiers: list[Identifier] = []
    ignored: list[str] = []
    held: list[SetAside] = []
    found: Identifier | SetAside | None
    for n, item in enumerate(data.get("identifiers", [])):
        _check_period(item, f"identifiers[{n}]")
        found = _identifier(item, f"identifiers[{n}]", settings, query)
        if found is None:
            ignored.append(f"{item['type']}:{item['value']}")
        elif isinstance(found, SetAside):
            held.append(found)
        else:
            identifiers.append(found)
    for n, item in enumerate(data.get("addresses", [])):
        _check_period(item, f"addresses[{n}]")
        found = _address(item, f"addresses[{n}]", query)
        (held.append(found) if isinstance(found, SetAside) else identifiers.append(found))
    return identifiers, ignored, held


def _birth_date(data: dict, query: bool) -> tuple[dt.date | None, list[SetAside]]:
    date, held = aside.birth_date(data.get("birthDate"))
    if held and query:
        raise InvalidRecord("birthDate", held.reason)
    return date, [held] if held else []


def build_record(data: dict, settings: Settings, query: bool = False) -> Record:
    """Normalise a record that passed schema validation. A malformed or implausible field is set aside
    (Record.set_aside); InvalidRecord names the field only when the record cannot be stored at all,
    or, for a `query` (who-is-this, search: nothing is stored), when any field is malformed."""
    name = data.get("name") or {}
    person = _where("name", norm.normalize_name, name.get("given"), name.get("family"), name.get("full")) \
        if any(name.get(k) for k in ("given", "family", "full")) else None
    identifiers, ignored, held = _contact_points(data, settings, query)
    birth_date, held_date = _birth_date(data, query)
    held += held_date
    employment = [_employment(item, f"employment[{n}]") for n, item in enumerate(data.get("employment", []))]
    if person is None and not identifiers and not ignored and not held:
        raise InvalidRecord("identifiers", "a record needs a name or at least one identifier")
    return Record(
        source=data["source"], source_id=data["sourceId"],
        observed_at=data.get("observedAt") or dt.datetime.now(dt.UTC),
        fingerprint=fingerprint(data), collected_for=data.get("collectedFor"),
        consent=dict(data.get("consent") or {}),
        given=person and person.given, middle=person and person.middle,
        family=person and person.family, full_name=person and person.full,
        given_key=person and (person.given_key or None), family_key=person and (person.family_key or None),
        birth_date=birth_date, gender=data.get("gender"),
        identifiers=tuple(_dedupe(identifiers)), employment=tuple(employment),
        metrics=dict(data.get("metrics") or {}), ignored=tuple(ignored), set_aside=tuple(held),
        roles=tuple(_role(item, f"roles[{n}]") for n, item in enumerate(data.get("roles", []))),
        deceased=bool(data.get("deceased") or data.get("deceasedOn")), deceased_on=data.get("deceasedOn"))


def _role(item: dict, path: str) -> Role:
    _check_period(item, path)
    return Role(item["role"], item.get("organisation"), item.get("stance"), item.get("validFrom"), item.get("validTo"))


def _employment(item: dict, path: str) -> Employment:
    _check_period(item, path)
    key = _where(f"{path}.company", norm.company_key, item["company"])
    if not key:
        raise InvalidRecord(f"{path}.company", "the company name has nothing left once legal suffixes go")
    return Employment(key, item["company"].strip(), item.get("title"), bool(item.get("decisionMaker")),
                      item.get("validFrom"), item.get("validTo"))


def _dedupe(identifiers: list[Identifier]) -> list[Identifier]:
    seen, out = set(), []
    for ident in identifiers:
        if ident.key not in seen:
            seen.add(ident.key)
            out.append(ident)
    return out
