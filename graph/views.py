"""Read use cases: who is this, a person's full view, a record, and the person list."""
from __future__ import annotations

import datetime as dt

import networkx as nx

from graph.model import KINDS
from graph.store import queries as q
from graph.store.values import native, plain

TIER_RANK = {"platinum": 5, "diamond": 5, "gold": 4, "silver": 3, "bronze": 2, "member": 1, "blue": 1}
REL_KIND = {k.rel: k.name for k in KINDS.values()}
PUBLIC_RECORD_FIELDS = ("source", "sourceId", "observedAt", "collectedFor", "consentGranted",
                        "consentDenied", "givenName", "middleName", "familyName", "fullName",
                        "birthDate", "gender", "lifetimeSpend", "nightsLastYear", "tier",
                        "lastActivity", "ignoredValues")


class NotFound(LookupError):
    pass


def identifier_key(kind: str, value: str) -> str:
    return f"{kind}:{value}"


def _current(link: dict, today: dt.date) -> bool:
    valid_to = native(link.get("validTo"))
    return bool(link.get("current")) and (valid_to is None or valid_to >= today)


def _holder_rank(holder: dict, today: dt.date):
    return (_current(holder, today), native(holder.get("observedAt")) or dt.datetime.min.replace(tzinfo=dt.timezone.utc))


def whois(tx, key: str) -> dict:
    """The person an identifier belongs to now, with others who share or held it."""
    row = tx.run(q.IDENTIFIER_HOLDERS, key=key).single()
    holders = [h for h in (row["holders"] if row else []) if h["personId"]]
    if not holders:
        raise NotFound(f"no person holds {key}")
    today = dt.date.today()
    best: dict[str, dict] = {}
    for holder in holders:
        pid = holder["personId"]
        if pid not in best or _holder_rank(holder, today) > _holder_rank(best[pid], today):
            best[pid] = holder
    ranked = sorted(best.values(), key=lambda h: _holder_rank(h, today), reverse=True)
    view = person_view(tx, ranked[0]["personId"], asked=key)
    view["query"] = {"identifier": key, "generic": row["generic"]}
    view["otherHolders"] = [{"personId": h["personId"], "current": _current(h, today)} for h in ranked[1:]]
    return view


def resolve_id(tx, person_id: str) -> tuple[str, str | None]:
    row = tx.run(q.PERSON_REDIRECT, personId=person_id).single()
    if not row:
        raise NotFound(f"no person {person_id}")
    if row["status"] == "merged" and row["mergedInto"]:
        return row["mergedInto"], person_id
    return person_id, None


def person_view(tx, person_id: str, asked: str | None = None) -> dict:
    target, redirected_from = resolve_id(tx, person_id)
    row = tx.run(q.PERSON, personId=target).single()
    records = [plain(r) for r in row["records"]]
    links = [dict(r) for r in tx.run(q.PERSON_LINKS, personId=target)]
    merges = [{"personId": r["personId"], **plain(r["merge"])} for r in tx.run(q.PERSON_MERGES, personId=target)]
    view = {"personId": target, "status": row["person"].get("status"), "name": _name(records),
            **_identifiers(links), "metrics": _metrics(records), "roles": _roles(links),
            "records": [_record(r) for r in sorted(records, key=lambda r: r["recordKey"])],
            "merges": merges, "why": why(links, records, asked)}
    if redirected_from:
        view["redirectedFrom"] = redirected_from
    return view


def _name(records: list[dict]) -> dict:
    named = sorted((r for r in records if r.get("fullName")), key=lambda r: r["observedAt"], reverse=True)
    if not named:
        return {}
    latest = named[0]
    return {"full": latest["fullName"], "given": latest.get("givenName"), "family": latest.get("familyName"),
            "alsoKnownAs": sorted({r["fullName"] for r in named} - {latest["fullName"]})}


def _identifiers(links: list[dict]) -> dict:
    today = dt.date.today()
    merged: dict[str, dict] = {}
    for row in links:
        node, link = plain(row["node"]), plain(row["link"])
        if "key" not in node:
            continue
        entry = merged.setdefault(node["key"], {
            "type": node.get("kind"), "value": node.get("value"), "current": False, "sources": [],
            **{k: node[k] for k in ("platform", "handle", "followers", "system", "accountId", "tier",
                                    "status", "generic", "street", "streetNumber", "locality",
                                    "postcode", "country") if node.get(k) is not None}})
        entry["current"] |= _current(link, today)
        entry["sources"].append({"record": row["record"], "validFrom": link.get("validFrom"),
                                 "validTo": link.get("validTo"), "current": link.get("current", False)})
    items = sorted(merged.values(), key=lambda e: (not e["current"], e["type"], e["value"]))
    return {"identifiers": [e for e in items if e["type"] not in ("account", "address")],
            "accounts": [e for e in items if e["type"] == "account"],
            "addresses": [e for e in items if e["type"] == "address"]}


def _metrics(records: list[dict]) -> dict:
    spend = [r["lifetimeSpend"] for r in records if r.get("lifetimeSpend") is not None]
    nights = [r["nightsLastYear"] for r in records if r.get("nightsLastYear") is not None]
    tiers = [r["tier"] for r in records if r.get("tier")]
    activity = [r["lastActivity"] for r in records if r.get("lastActivity")]
    return {"lifetimeSpend": round(sum(spend), 2) if spend else None,
            "nightsLastYear": max(nights) if nights else None,
            "tier": max(tiers, key=lambda t: TIER_RANK.get(t.lower(), 0)) if tiers else None,
            "lastActivity": max(activity) if activity else None,
            "sources": sorted({r["source"] for r in records})}


def _roles(links: list[dict]) -> list[dict]:
    roles: dict[str, dict] = {}
    for row in links:
        node, link = plain(row["node"]), plain(row["link"])
        if "companyKey" not in node:
            continue
        role = roles.setdefault(node["companyKey"], {"company": node.get("name"), "titles": set(),
                                                      "decisionMaker": False, "current": False, "sources": []})
        if link.get("title"):
            role["titles"].add(link["title"])
        role["decisionMaker"] |= bool(link.get("decisionMaker"))
        role["current"] |= bool(link.get("current")) and not link.get("validTo")
        role["sources"].append(row["record"])
    return [dict(r, titles=sorted(r["titles"])) for r in roles.values()]


def _record(record: dict) -> dict:
    out = {k: record.get(k) for k in PUBLIC_RECORD_FIELDS if record.get(k) not in (None, [])}
    out["provenance"] = {"source": record.get("source"), "observedAt": record.get("observedAt"),
                         "collectedFor": record.get("collectedFor"),
                         "consent": {**{p: True for p in record.get("consentGranted", [])},
                                     **{p: False for p in record.get("consentDenied", [])}}}
    return out


def why(links: list[dict], records: list[dict], asked: str | None) -> list[dict]:
    """For each record, the chain of shared identifiers from the asked identifier to it."""
    graph = nx.Graph()
    for row in links:
        key = row["node"].get("key")
        if key and row["link"].get("current") and not row["node"].get("generic"):
            graph.add_edge(("record", row["record"]), ("identifier", key))
    chains = []
    for record in sorted(r["recordKey"] for r in records):
        chain = None
        if asked and graph.has_node(("identifier", asked)) and graph.has_node(("record", record)):
            try:
                chain = nx.shortest_path(graph, ("identifier", asked), ("record", record))
            except nx.NetworkXNoPath:
                chain = None
        chains.append({"record": record, "chain": [{kind: name} for kind, name in chain] if chain else None,
                       "reason": _reason(chain, asked)})
    return chains


def _reason(chain, asked) -> str:
    if not asked:
        return "belongs to this person"
    if not chain:
        return "joined this person through a merge, not through the asked identifier"
    if len(chain) == 2:
        return "holds the asked identifier"
    return f"linked through {(len(chain) - 2) // 2} shared identifier(s)"


def record_view(tx, source: str, source_id: str) -> dict:
    key = f"{source}/{source_id}"
    row = tx.run(q.RECORD, key=key).single()
    if not row:
        raise NotFound(f"no record {key}")
    links = [dict(r) for r in tx.run(q.RECORD_LINKS, key=key)]
    return {"personId": row["personId"],
            "record": dict(_record(plain(row["record"])), **_identifiers(links), roles=_roles(links))}


def persons_page(tx, limit: int, cursor: str) -> dict:
    rows = [dict(r) for r in tx.run(q.PERSONS_PAGE, limit=limit, cursor=cursor)]
    return {"persons": [{"personId": r["personId"], "name": r["name"], "records": sorted(r["records"])}
                        for r in rows],
            "nextCursor": rows[-1]["personId"] if len(rows) == limit else None}
