"""Turn one validated source record (API shape) into a normalised domain Record."""
from __future__ import annotations

import datetime as dt
import hashlib
import json

from graph.config import Settings
from graph.errors import InvalidRecord
from graph.intake import normalize as norm
from graph.intake.domains import email_domain, is_corporate_domain
from graph.model import Employment, Identifier, Record


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


def _identifier(item: dict, path: str, settings: Settings) -> Identifier | None:
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


def _address(item: dict, path: str) -> Identifier:
    addr = _where(path, norm.normalize_address, street_number=item.get("streetNumber"),
                  line1=item.get("line1"), line2=item.get("line2"), locality=item.get("locality"),
                  postcode=item.get("postcode"), region=item.get("region"), country=item.get("country"))
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


def build_record(data: dict, settings: Settings) -> Record:
    """Normalise a record that passed schema validation; InvalidRecord names the failing field."""
    name = data.get("name") or {}
    person = _where("name", norm.normalize_name, name.get("given"), name.get("family"), name.get("full")) \
        if any(name.get(k) for k in ("given", "family", "full")) else None
    identifiers, ignored = [], []
    for n, item in enumerate(data.get("identifiers", [])):
        path = f"identifiers[{n}]"
        _check_period(item, path)
        ident = _identifier(item, path, settings)
        (identifiers.append(ident) if ident else ignored.append(f"{item['type']}:{item['value']}"))
    for n, item in enumerate(data.get("addresses", [])):
        _check_period(item, f"addresses[{n}]")
        identifiers.append(_address(item, f"addresses[{n}]"))
    employment = [_employment(item, f"employment[{n}]") for n, item in enumerate(data.get("employment", []))]
    if person is None and not identifiers and not ignored:
        raise InvalidRecord("identifiers", "a record needs a name or at least one identifier")
    return Record(
        source=data["source"], source_id=data["sourceId"],
        observed_at=data.get("observedAt") or dt.datetime.now(dt.UTC),
        fingerprint=fingerprint(data), collected_for=data.get("collectedFor"),
        consent=dict(data.get("consent") or {}),
        given=person and person.given, middle=person and person.middle,
        family=person and person.family, full_name=person and person.full,
        given_key=person and (person.given_key or None), family_key=person and (person.family_key or None),
        birth_date=data.get("birthDate"), gender=data.get("gender"),
        identifiers=tuple(_dedupe(identifiers)), employment=tuple(employment),
        metrics=dict(data.get("metrics") or {}), ignored=tuple(ignored))


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
