"""Flat CSV rows to the API's record shape (the column mapping is documented in README)."""
from __future__ import annotations

SIMPLE_IDENTIFIERS = ("email", "phone", "loyaltyCard", "device", "nationalId")
ADDRESS_COLUMNS = ("streetNumber", "line1", "line2", "locality", "postcode", "region", "country")
METRIC_COLUMNS = {"lifetimeSpend": float, "nightsLastYear": int, "tier": str, "lastActivity": str}
TRUE = {"1", "true", "yes", "y", "t"}


def _clean(row: dict) -> dict:
    return {k.strip(): v.strip() for k, v in row.items() if k and v is not None and v.strip()}


def _identifiers(row: dict) -> list[dict]:
    items = []
    for kind in SIMPLE_IDENTIFIERS:
        for value in row.get(kind, "").split("|"):
            if value.strip():
                items.append({"type": kind, "value": value.strip()})
    if row.get("account"):
        items.append({"type": "account", "value": row["account"], "system": row.get("accountSystem", "")})
    if row.get("social"):
        item = {"type": "social", "value": row["social"], "platform": row.get("socialPlatform", "")}
        if row.get("followers"):
            item["followers"] = int(row["followers"])
        items.append(item)
    return items


def row_to_record(raw: dict, source: str) -> dict:
    """One CSV row as a record; ValueError names the column that cannot be read."""
    row = _clean(raw)
    record: dict = {"source": source, "sourceId": row.get("sourceId", "")}
    for column in ("observedAt", "collectedFor", "birthDate", "gender"):
        if column in row:
            record[column] = row[column]
    name = {k: row[c] for k, c in (("given", "given"), ("family", "family"), ("full", "fullName")) if c in row}
    if name:
        record["name"] = name
    record["identifiers"] = _identifiers(row)
    address = {c: row[c] for c in ADDRESS_COLUMNS if c in row}
    if address:
        record["addresses"] = [address]
    if "company" in row:
        record["employment"] = [{"company": row["company"], "title": row.get("title"),
                                 "decisionMaker": row.get("decisionMaker", "").lower() in TRUE}]
    metrics = {}
    for column, cast in METRIC_COLUMNS.items():
        if column in row:
            try:
                metrics[column] = cast(row[column])
            except ValueError:
                raise ValueError(f"column {column}: {row[column]!r} is not a {cast.__name__}") from None
    if metrics:
        record["metrics"] = metrics
    consent = {k[len("consent_"):]: v.lower() in TRUE for k, v in row.items() if k.startswith("consent_")}
    if consent:
        record["consent"] = consent
    return record


EVENT_TEXT_COLUMNS = ("eventId", "kind", "at", "observedAt", "collectedFor", "lineOfBusiness", "currency",
                      "productCategory", "channel", "pageCategory", "caseStatus", "caseId", "description")
EVENT_NUMBER_COLUMNS = {"amount": float, "satisfaction": int}


def row_to_event(raw: dict, source: str) -> dict:
    """One CSV row as an event (identifier and consent columns as for records); ValueError names the
    column that cannot be read."""
    row = _clean(raw)
    event: dict = {"source": source, **{c: row[c] for c in EVENT_TEXT_COLUMNS if c in row}}
    for column, cast in EVENT_NUMBER_COLUMNS.items():
        if column in row:
            try:
                event[column] = cast(row[column])
            except ValueError:
                raise ValueError(f"column {column}: {row[column]!r} is not a {cast.__name__}") from None
    event["identifiers"] = _identifiers(row)
    consent = {k[len("consent_"):]: v.lower() in TRUE for k, v in row.items() if k.startswith("consent_")}
    if consent:
        event["consent"] = consent
    return event
