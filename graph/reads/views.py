"""Read use cases: who is this, a person's full view, a record, and the person list."""
from __future__ import annotations

import datetime as dt
from typing import Any

from graph.errors import Gone, NotFound
from graph.history.values import history_of
from graph.privacy import consent, deceased
from graph.reads.held_roles import held_roles
from graph.store import queries_privacy, queries_reads
from graph.store.values import datetimes_from_text, native, plain

TIER_RANK = {"platinum": 5, "diamond": 5, "gold": 4, "silver": 3, "bronze": 2, "member": 1, "blue": 1}
PUBLIC_RECORD_FIELDS = ("source", "sourceId", "observedAt", "collectedFor", "consentGranted",
                        "consentDenied", "givenName", "middleName", "familyName", "fullName",
                        "birthDate", "gender", "lifetimeSpend", "nightsLastYear", "tier",
                        "lastActivity", "ignoredValues", "deceased", "deceasedOn")


SCORE_MODEL = "graph/analytics/scoring.py: value, reach, business and priority scores"
SCORE_FIELDS = ("valueScore", "reach", "reachScore", "pagerank", "networkInfluence", "businessScore",
                "decisionMaker", "priorityScore", "priority", "priorityReasons", "flags")
ATTRIBUTES = ("givenName", "middleName", "familyName", "fullName", "birthDate", "gender")
METRICS = ("lifetimeSpend", "nightsLastYear", "tier", "lastActivity")


def identifier_key(kind: str, value: str) -> str:
    return f"{kind}:{value}"


def _current(link: dict, today: dt.date) -> bool:
    valid_to = native(link.get("validTo"))
    return bool(link.get("current")) and (valid_to is None or valid_to >= today)


def _holder_rank(holder: dict, today: dt.date):
    return (_current(holder, today), native(holder.get("observedAt")) or dt.datetime.min.replace(tzinfo=dt.UTC))


def whois(tx, key: str, purpose: str | None = None) -> dict:
    """The person an identifier belongs to now, with others who share or held it."""
    today = dt.date.today()
    row = tx.run(queries_reads.WHOIS_WHOLE, key=key, today=today).single()
    # a link its person disputes (graph/stewardship/feedback.py) answers nothing
    holders = [datetimes_from_text(h, ("observedAt",)) for h in (row["holders"] if row else [])
               if h["personId"] and not h.get("disputed")]
    if not holders:
        raise NotFound(f"no person holds {key}")
    best: dict[str, dict] = {}
    for holder in holders:
        pid = holder["personId"]
        if pid not in best or _holder_rank(holder, today) > _holder_rank(best[pid], today):
            best[pid] = holder
    ranked = sorted(best.values(), key=lambda h: _holder_rank(h, today), reverse=True)
    first = ranked[0]["personId"]
    # the statement read the person its own ranking chose; the ranking above decides
    fetched = _whole(row) if row["person"] and row["person"].get("personId") == first else None
    view = _view(*_follow_merge(tx, fetched or _whole_row(tx, first), first), asked=key, purpose=purpose)
    view["query"] = {"identifier": key, "generic": row["generic"]}
    view["otherHolders"] = [{"personId": h["personId"], "current": _current(h, today)} for h in ranked[1:]]
    return view


def resolve_id(tx, person_id: str) -> tuple[str, str | None]:
    row = tx.run(queries_reads.PERSON_REDIRECT, personId=person_id).single()
    if not row:
        raise NotFound(f"no person {person_id}")
    if row["status"] == "erased":
        raise Gone(f"person {person_id} was erased at the customer's request")
    if row["status"] == "merged" and row["mergedInto"]:
        return row["mergedInto"], person_id
    return person_id, None


def consent_changes(tx, person_id: str | None = None, record_key: str | None = None) -> dict[str, list[dict]]:
    """recordKey -> the customer's consent changes that apply to that record."""
    rows = (tx.run(queries_privacy.PERSON_CONSENT_CHANGES, personId=person_id) if person_id
            else tx.run(queries_privacy.RECORD_CONSENT_CHANGES, key=record_key))
    return {r["record"]: [plain(c) for c in r["changes"]] for r in rows}


def _whole(row) -> dict:
    """PERSON_WHOLE's columns of `row` with the datetimes sent as text parsed back."""
    links = [{"record": record, "rel": rel, "link": datetimes_from_text(link, queries_reads.LINK_TEXT_DATETIMES),
              "node": node} for record, rel, link, node in row["links"]]
    records = [datetimes_from_text(r, queries_reads.RECORD_TEXT_DATETIMES) for r in row["records"]]
    return {name: row[name] for name in ("person", "merges", "changes", "households", "possiblySame")} | {
        "records": records, "links": links}


def _whole_row(tx, person_id: str) -> dict | None:
    row = tx.run(queries_reads.PERSON_WHOLE, personId=person_id).single()
    return None if row is None else _whole(row)


def _whole_person(tx, person_id: str) -> tuple[dict, str | None]:
    """The PERSON_WHOLE row of the person an id shows (a merged-away id: its survivor), and the id
    redirected from. One statement a view, as resolve_id then five reads would be five."""
    return _follow_merge(tx, _whole_row(tx, person_id), person_id)


def _follow_merge(tx, row: dict | None, person_id: str) -> tuple[dict, str | None]:
    if not row:
        raise NotFound(f"no person {person_id}")
    status, merged_into = row["person"].get("status"), row["person"].get("mergedInto")
    if status == "erased":
        raise Gone(f"person {person_id} was erased at the customer's request")
    if status == "merged" and merged_into:
        survivor = _whole_row(tx, merged_into)
        if not survivor:
            raise NotFound(f"no person {merged_into}")
        return survivor, person_id
    return row, None


def person_view(tx, person_id: str, asked: str | None = None, purpose: str | None = None) -> dict:
    """A person as seen for `purpose`: facts only from records whose consent covers it (None: all)."""
    return _view(*_whole_person(tx, person_id), asked=asked, purpose=purpose)


def _view(extra: dict, redirected_from: str | None, asked: str | None, purpose: str | None) -> dict:
    """The view of a PERSON_WHOLE row (`_whole`), shown for `purpose`."""
    person = plain(extra["person"])
    target = person["personId"]
    records = [plain(r) for r in extra["records"]]
    links = plain_links(extra["links"])   # once: every part below reads these plain rows
    changes = _changes_by_record(extra["changes"])
    shown, withheld = consent.gate(records, changes, purpose)
    visible = [r for r in records if r["recordKey"] in shown]
    seen = [link for link in links if link["record"] in shown]
    by_key = {r["recordKey"]: r for r in records}
    merges = [_merge(r, _identifier_keys(seen), bool(withheld))
              for r in sorted(extra["merges"], key=lambda r: _merge_time(r["merge"]))]
    view = {"personId": target, "status": person.get("status"), "name": _name(visible),
            **_identifiers(seen, by_key), "attributes": _attributes(visible),
            "metrics": _metrics(visible), "roles": _roles(seen, by_key), "heldRoles": held_roles(visible),
            "records": [_record(r, changes.get(r["recordKey"], []))
                        for r in sorted(visible, key=lambda r: r["recordKey"])],
            "merges": merges, "why": why(seen, visible, asked, hidden=links),
            "inferred": _inferred(extra, person, bool(withheld)),
            "history": history_of(visible, seen)}
    if death := deceased.death_of(records):
        view["deceased"] = death
    if purpose:
        view.update(purpose=purpose, withheld=_count_facts(withheld, links, by_key),
                    withheldCounts=_withheld_counts(withheld, links, shown))
    if redirected_from:
        view["redirectedFrom"] = redirected_from
    return view


def plain_links(links: list) -> list[dict]:
    """Link rows ({record, link, node}) with plain values, as graph.history reads them."""
    return [{"record": row["record"], "link": plain(row["link"]), "node": plain(row["node"])} for row in links]


def _merge_time(merge: dict) -> tuple:
    """ORDER BY m.at, in Python (a pattern comprehension has no ORDER BY): nulls last, as Cypher."""
    at = native(merge.get("at"))
    return (at is None, at or dt.datetime.min.replace(tzinfo=dt.UTC))


def _identifier_keys(links: list[dict]) -> set[str]:
    return {row["node"].get("key") for row in links if row["node"].get("key")}


def _merge(row, visible_keys: set[str], filtered: bool) -> dict:
    """A merge is an inferred fact: the rule that made it, and its evidence where it may be shown."""
    merge = {"personId": row["personId"], **plain(row["merge"]), "inferred": True}
    if filtered:
        evidence = merge.get("evidence") or []
        merge["evidence"] = [k for k in evidence if k in visible_keys]
        merge["evidenceWithheld"] = len(evidence) - len(merge["evidence"])
    return merge


def _count_facts(withheld: list[dict], links: list[dict], records: dict[str, dict]) -> list[dict]:
    """How many facts (identifiers, roles, attributes, metrics) each withheld record holds, not which."""
    for entry in withheld:
        record = records[entry["recordKey"]]
        entry["facts"] = (sum(row["record"] == entry["recordKey"] for row in links) +
                          sum(record.get(k) not in (None, "") for k in ATTRIBUTES + METRICS))
    return withheld


def _withheld_counts(withheld: list[dict], links: list[dict], shown: set[str]) -> dict:
    """Facts that no record shown for the purpose states; a fact a shown record also states is shown."""
    seen = [row for row in links if row["record"] in shown]
    hidden = [row for row in links if row["record"] not in shown]
    companies = {row["node"].get("companyKey") for row in seen}
    return {"records": len(withheld),
            "identifiers": len(_identifier_keys(hidden) - _identifier_keys(seen)),
            "roles": len({row["node"].get("companyKey") for row in hidden} - companies - {None}),
            "facts": sum(w["facts"] for w in withheld)}


def _provenance(record: dict) -> dict:
    return {"record": record["recordKey"], "source": record.get("source"),
            "observedAt": record.get("observedAt"), "collectedFor": record.get("collectedFor")}


def _name(records: list[dict]) -> dict:
    named = sorted((r for r in records if r.get("fullName")), key=lambda r: r["observedAt"], reverse=True)
    if not named:
        return {}
    latest = named[0]
    return {"full": latest["fullName"], "given": latest.get("givenName"), "family": latest.get("familyName"),
            "alsoKnownAs": sorted({r["fullName"] for r in named} - {latest["fullName"]}),
            "provenance": _provenance(latest)}


def _attributes(records: list[dict]) -> list[dict]:
    """Each stated value of a personal attribute, with the records that state it."""
    out: dict[tuple, dict] = {}
    for record in sorted(records, key=lambda r: r["recordKey"]):
        for name in ATTRIBUTES:
            value = record.get(name)
            if value not in (None, ""):
                entry = out.setdefault((name, str(value)), {"attribute": name, "value": value, "sources": []})
                entry["sources"].append(_provenance(record))
    return sorted(out.values(), key=lambda a: (ATTRIBUTES.index(a["attribute"]), str(a["value"])))


def identifiers_of(links: list[dict], records: dict[str, dict] | None = None) -> dict:
    return _identifiers(plain_links(links), records or {})


def _identifiers(links: list[dict], records: dict[str, dict]) -> dict:
    """identifiers_of for link rows already plain (plain_links)."""
    today = dt.date.today()
    merged: dict[str, dict] = {}
    for row in links:
        node, link = row["node"], row["link"]
        if "key" not in node:
            continue
        entry = merged.setdefault(node["key"], {
            "type": node.get("kind"), "value": node.get("value"), "current": False, "sources": [],
            **{k: node[k] for k in ("platform", "handle", "followers", "system", "accountId", "tier",
                                    "status", "generic", "street", "streetNumber", "locality",
                                    "postcode", "country") if node.get(k) is not None}})
        entry["current"] |= _current(link, today)
        record = records.get(row["record"], {})
        entry["sources"].append({"record": row["record"], "validFrom": link.get("validFrom"),
                                 "validTo": link.get("validTo"), "current": link.get("current", False),
                                 "source": link.get("source") or record.get("source"),
                                 "observedAt": link.get("observedAt") or record.get("observedAt"),
                                 "collectedFor": record.get("collectedFor"),
                                 **({"disputed": True} if link.get("disputed") else {})})
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
            "sources": sorted({r["source"] for r in records}),
            "provenance": {m: [dict(_provenance(r), value=r[m]) for r in sorted(records, key=lambda r: r["recordKey"])
                               if r.get(m) is not None] for m in METRICS}}


def roles_of(links: list[dict], records: dict[str, dict] | None = None) -> list[dict]:
    return _roles(plain_links(links), records or {})


def _roles(links: list[dict], records: dict[str, dict]) -> list[dict]:
    """roles_of for link rows already plain (plain_links)."""
    roles: dict[str, dict] = {}
    for row in links:
        node, link = row["node"], row["link"]
        if "companyKey" not in node:
            continue
        role = roles.setdefault(node["companyKey"], {"company": node.get("name"), "titles": set(),
                                                      "decisionMaker": False, "current": False, "sources": [],
                                                      "provenance": []})
        if link.get("title"):
            role["titles"].add(link["title"])
        role["decisionMaker"] |= bool(link.get("decisionMaker"))
        role["current"] |= bool(link.get("current")) and not link.get("validTo")
        role["sources"].append(row["record"])
        record = records.get(row["record"], {})
        role["provenance"].append({"record": row["record"], "source": link.get("source") or record.get("source"),
                                   "observedAt": link.get("observedAt") or record.get("observedAt"),
                                   "collectedFor": record.get("collectedFor"), "title": link.get("title"),
                                   "validFrom": link.get("validFrom"), "validTo": link.get("validTo")})
    return [dict(r, titles=sorted(r["titles"])) for r in roles.values()]


def set_aside_of(record: dict) -> list[dict]:
    """The fields a stored record holds aside, as given, each with the reason (graph.intake.set_aside).
    A fact of the record, not of its provenance: withheld records show neither value nor field."""
    parts = (record.get(k) or [] for k in ("setAsideFields", "setAsideValues", "setAsideReasons"))
    return [{"field": f, "value": v, "reason": r} for f, v, r in zip(*parts, strict=True)]


def _record(record: dict, changes: list[dict] | None = None) -> dict:
    out = {k: record.get(k) for k in PUBLIC_RECORD_FIELDS if record.get(k) not in (None, [])}
    out["recordKey"] = record["recordKey"]
    if held := set_aside_of(record):
        out["setAside"] = held
    out["provenance"] = {"source": record.get("source"), "observedAt": record.get("observedAt"),
                         "collectedFor": record.get("collectedFor"),
                         "consent": {**dict.fromkeys(record.get("consentGranted", []), True),
                                     **dict.fromkeys(record.get("consentDenied", []), False)}}
    statements = consent.record_statements(record) + consent.change_statements(changes or [])
    out["effectiveConsent"] = {p: v["allowed"] for p, v in consent.summary(statements).items()}
    return out


POSSIBLY_SAME_RULE = "match probability in the review band: a question for a steward, not a merge"


def possibly_same(row) -> dict:
    """A POSSIBLY_SAME link (its properties and `other`) as an inferred fact: the other person, the
    score and the rule behind it."""
    link = plain(row)
    return {"personId": link.pop("other"), "rule": POSSIBLY_SAME_RULE, **link, "inferred": True}


def _changes_by_record(rows: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for row in rows:
        change = plain(row)
        out.setdefault(change.pop("record"), []).append(change)
    return out


def _inferred(extra, person: dict, filtered: bool) -> dict:
    """Households and scores: derived, so marked with the rule or model that made them.

    They are computed from all of a person's records, so they are withheld when any record is.
    """
    if filtered:
        return {"withheld": "derived from records withheld for this purpose"}
    households = [dict(plain(h), inferred=True) for h in extra["households"]]
    out: dict[str, Any] = {"households": households,
                           "possiblySame": [possibly_same(r) for r in extra["possiblySame"]]}
    if person.get("analyticsRun"):
        out["scores"] = {"inferred": True, "model": SCORE_MODEL, "analyticsRun": person["analyticsRun"],
                         "scoredOn": person.get("scoredOn"),
                         **{k: person[k] for k in SCORE_FIELDS if person.get(k) is not None}}
    return out


def why(links: list[dict], records: list[dict], asked: str | None, hidden: list[dict] | None = None) -> list[dict]:
    """For each record, the chain of shared identifiers from the asked identifier to it.

    Chains only pass through the links given (those of records shown for the purpose); `hidden`,
    all links, tells a record reached only through withheld records from one joined by a merge.
    """
    graph, every = _chain_graph(links), _chain_graph(hidden if hidden is not None else links)
    chains = []
    for record in sorted(r["recordKey"] for r in records):
        chain = _chain(graph, asked, record)
        reason = _reason(chain, asked)
        if asked and not chain and _chain(every, asked, record):
            reason = "linked through records withheld for this purpose"
        chains.append({"record": record, "chain": [{kind: name} for kind, name in chain] if chain else None,
                       "reason": reason})
    return chains


Node = tuple[str, str]


def _chain_graph(links: list[dict]) -> dict[Node, dict[Node, None]]:
    """Records and the identifiers their current links hold (generic ones left out), as adjacency
    dicts in the order the links come: the order decides which of two equally short chains is shown."""
    graph: dict[Node, dict[Node, None]] = {}
    for row in links:
        key = row["node"].get("key")
        if key and row["link"].get("current") and not row["node"].get("generic"):
            record, identifier = ("record", row["record"]), ("identifier", key)
            graph.setdefault(record, {})[identifier] = None
            graph.setdefault(identifier, {})[record] = None
    return graph


def _chain(graph: dict[Node, dict[Node, None]], asked: str | None, record: str) -> list[Node] | None:
    """A shortest path from the asked identifier to `record`, searched from both ends at once, the
    smaller frontier widened first (the forward one on a tie) and neighbours in link order, stopping
    where the searches first meet. This is the path networkx.shortest_path gave (it searches the same
    way), so the answers did not change when this plain-dict walk replaced it (issue 17: a whois's
    API CPU)."""
    source, target = ("identifier", asked), ("record", record)
    if not (asked and source in graph and target in graph):
        return None
    before: dict[Node, Node | None] = {source: None}   # node -> its neighbour towards the source
    after: dict[Node, Node | None] = {target: None}    # node -> its neighbour towards the target
    ahead, behind = [source], [target]
    meet = _meeting(graph, before, after, ahead, behind)
    if meet is None:
        return None
    path: list[Node] = []
    node: Node | None = meet
    while node is not None:
        path.append(node)
        node = before[node]
    path.reverse()
    node = after[meet]
    while node is not None:
        path.append(node)
        node = after[node]
    return path


def _meeting(graph: dict[Node, dict[Node, None]], before: dict[Node, Node | None], after: dict[Node, Node | None],
             ahead: list[Node], behind: list[Node]) -> Node | None:
    """Widen the two searches (filling `before` and `after`) until they share a node; None if never."""
    while ahead and behind:
        forward = len(ahead) <= len(behind)
        level, seen, other = (ahead, before, after) if forward else (behind, after, before)
        fringe = []
        for node in level:
            for near in graph[node]:
                if near not in seen:
                    seen[near] = node
                    fringe.append(near)
                if near in other:
                    return near
        if forward:
            ahead = fringe
        else:
            behind = fringe
    return None


def _reason(chain, asked) -> str:
    if not asked:
        return "belongs to this person"
    if not chain:
        return "joined this person through a merge, not through the asked identifier"
    if len(chain) == 2:
        return "holds the asked identifier"
    return f"linked through {(len(chain) - 2) // 2} shared identifier(s)"


def record_view(tx, source: str, source_id: str, purpose: str | None = None) -> dict:
    key = f"{source}/{source_id}"
    row = tx.run(queries_reads.RECORD, key=key).single()
    if not row:
        raise NotFound(f"no record {key}")
    record = plain(row["record"])
    changes = consent_changes(tx, record_key=key)
    shown, withheld = consent.gate([record], changes, purpose)
    if not shown:
        kept = {k: record.get(k) for k in ("recordKey", "source", "sourceId")}
        kept["provenance"] = _record(record)["provenance"]
        return {"personId": row["personId"], "record": kept, "purpose": purpose, "withheld": withheld}
    links = [dict(r) for r in tx.run(queries_reads.RECORD_LINKS, key=key)]
    by_key = {key: record}
    view = {"personId": row["personId"], "record": dict(
        _record(record, changes.get(key, [])), **identifiers_of(links, by_key), roles=roles_of(links, by_key))}
    if purpose:
        view.update(purpose=purpose, withheld=[])
    return view


def persons_page(tx, limit: int, cursor: str) -> dict:
    rows = [dict(r) for r in tx.run(queries_reads.PERSONS_PAGE, limit=limit, cursor=cursor)]
    return {"persons": [{"personId": r["personId"], "name": r["name"], "records": sorted(r["records"])}
                        for r in rows],
            "nextCursor": rows[-1]["personId"] if len(rows) == limit else None}
