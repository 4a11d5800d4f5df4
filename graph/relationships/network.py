"""Use case: a person's typed relationships (household, work, social) up to three hops, with evidence.

Households are derived live by the same rule `analytics refresh` materialises (graph/analytics/
households.py), so an answer is current right after ingestion. Only current relationships are
returned: a previous resident, a closed job or a recycled number does not appear.
"""
from __future__ import annotations

import datetime as dt

from graph.analytics import households as hh
from graph.intake.domains import is_corporate_domain
from graph.privacy.purpose import persons_consent
from graph.reads.held_roles import held_roles
from graph.reads.views import resolve_id
from graph.store import queries_analytics, queries_reads
from graph.store.values import native, plain

PER_PERSON = 50          # at most this many relationships of one query per person asked
MAX_NODES = 500          # stop widening past this many nodes


class Graph:
    """Nodes and relationships collected so far, deduplicated."""

    def __init__(self):
        self.nodes: dict[str, dict] = {}
        self.rels: dict[tuple, dict] = {}

    def node(self, node_id: str, **props) -> None:
        self.nodes.setdefault(node_id, {"id": node_id, **props})

    def rel(self, kind: str, rel_type: str, source: str, target: str, key_extra=(), **props) -> None:
        key = (rel_type, source, target, *key_extra)
        if rel_type in ("COLLEAGUE_OF", "SHARES_PHONE", "SHARES_DEVICE"):   # undirected
            key = (rel_type, *sorted((source, target)), *key_extra)
        if key in self.rels:
            old = self.rels[key]["evidence"]
            old.extend(e for e in props.get("evidence", []) if e not in old)
            return
        self.rels[key] = {"kind": kind, "type": rel_type, "from": source, "to": target, **props}


def _current(valid_to, today: dt.date) -> bool:
    valid_to = native(valid_to)
    return valid_to is None or valid_to >= today


def _residences(holdings: list[dict], facts: dict[str, dict], today: dt.date) -> list[hh.Residence]:
    periods: dict[str, list] = {}
    for h in holdings:
        if not h.get("personId"):
            continue
        start, end = native(h.get("validFrom")), native(h.get("validTo"))
        old = periods.get(h["personId"])
        periods[h["personId"]] = [start, end] if old is None else [
            None if old[0] is None or start is None else min(old[0], start),
            None if old[1] is None or end is None else max(old[1], end)]
    out = []
    for pid, (start, end) in periods.items():
        f = facts.get(pid, {})
        held = [i for i in f.get("identifiers", []) if i.get("key") and _current(i.get("validTo"), today)]
        out.append(hh.Residence(
            pid, start, end, frozenset(k for k in f.get("familyKeys", []) if k),
            frozenset(i["key"] for i in held if i["kind"] == "phone"),
            frozenset(i["key"] for i in held if i["kind"] == "device"),
            frozenset(i["key"] for i in held if i.get("mergeRefused"))))
    return out


def households_at(tx, address_keys: list[str], today: dt.date) -> list[tuple[dict, list[hh.Household]]]:
    """(address, households) for each address, derived from its residents' current facts."""
    rows = [dict(r) for r in tx.run(queries_analytics.RESIDENTS, addressKeys=address_keys)]
    pids = sorted({h["personId"] for r in rows for h in r["holdings"] if h.get("personId")})
    facts = {r["personId"]: dict(r) for r in tx.run(queries_analytics.HOUSEHOLD_FACTS, personIds=pids)} if pids else {}
    return [(dict(r["address"] or {}, key=r["addressKey"]),
             hh.derive(r["addressKey"], _residences(r["holdings"], facts, today))) for r in rows]


def address_label(address: dict) -> str:
    parts = [" ".join(filter(None, [address.get("streetNumber"), address.get("street")])),
             address.get("locality"), address.get("postcode")]
    return ", ".join(p for p in parts if p) or address.get("key", "")


def _evidence(member: hh.Membership) -> list[dict]:
    return [dict({"type": e.kind, "value": e.value}, **({"mergeRefused": True} if e.mergeRefused else {}))
            for e in member.evidence]


def _household(tx, g: Graph, pids: list[str], today: dt.date) -> None:
    keys = sorted({r["addressKey"] for r in tx.run(queries_analytics.ADDRESSES_OF, personIds=pids)})
    grouped: set[tuple] = set()
    for address, found in households_at(tx, keys, today) if keys else []:
        for house in found:
            current = [m for m in house.members if m.current(today)]
            if len(current) < 2 or not any(m.person_id in pids for m in current):
                continue
            g.node(house.household_id, type="household", address=address_label(address),
                   addressKey=house.address_key)
            for m in current:
                g.node(m.person_id, type="person")
                g.rel("household", "MEMBER_OF", m.person_id, house.household_id, inferred=True, rule=hh.RULE,
                      validFrom=m.valid_from, validTo=m.valid_to, evidence=_evidence(m))
            grouped |= {(a.person_id, b.person_id) for a in current for b in current}
    _shared_identifiers(tx, g, pids, today, grouped)


def _shared_identifiers(tx, g: Graph, pids, today, grouped) -> None:
    """Phones and devices held by other persons at the same time: merge protection kept them apart."""
    for r in tx.run(queries_analytics.SHARED_IDENTIFIERS, personIds=pids, cap=PER_PERSON * len(pids)):
        if (r["personId"], r["other"]) in grouped or not (_current(r["validTo"], today)
                                                           and _current(r["otherTo"], today)):
            continue
        rel_type = "SHARES_DEVICE" if r["kind"] == "device" else "SHARES_PHONE"
        g.node(r["other"], type="person")
        g.rel("household", rel_type, r["personId"], r["other"], inferred=True,
              rule="identifier shared by persons merge protection kept apart",
              evidence=[dict({"type": r["kind"], "value": r["key"]},
                             **({"mergeRefused": True} if r["mergeRefused"] else {}))])


def _work(tx, g: Graph, pids: list[str]) -> None:
    companies = set()
    for r in tx.run(queries_analytics.JOBS, personIds=pids):
        node = f"company:{r['companyKey']}"
        companies.add(r["companyKey"])
        g.node(node, type="company", name=r["company"], companyKey=r["companyKey"])
        g.rel("work", "WORKS_AT", r["personId"], node, title=r["title"], decisionMaker=r["decisionMaker"],
              evidence=[{"type": "record", "value": r["record"]}])
    for r in tx.run(queries_analytics.PARENTS, companyKeys=sorted(companies)):
        node = f"company:{r['parentKey']}"
        g.node(node, type="company", name=r["parent"], companyKey=r["parentKey"])
        g.rel("work", "SUBSIDIARY_OF", f"company:{r['companyKey']}", node,
              evidence=[{"type": "source", "value": r["source"], "observedAt": native(r["observedAt"])}])
    for r in tx.run(queries_analytics.SAME_EMPLOYER, personIds=pids, cap=PER_PERSON):
        for other in r["others"]:
            g.node(other, type="person")
            g.rel("work", "COLLEAGUE_OF", r["personId"], other, inferred=True, rule="same employer",
                  evidence=[{"type": "company", "value": r["companyKey"], "name": r["company"]}])
    for r in tx.run(queries_analytics.SAME_CORPORATE_DOMAIN, personIds=pids, cap=PER_PERSON):
        if not is_corporate_domain(r["domain"]):
            continue
        for other in r["others"]:
            g.node(other, type="person")
            g.rel("work", "COLLEAGUE_OF", r["personId"], other, inferred=True, rule="corporate e-mail domain",
                  evidence=[{"type": "emailDomain", "value": r["domain"]}])


def _social(tx, g: Graph, pids: list[str]) -> None:
    for statement, outgoing in ((queries_analytics.SOCIAL_OUT, True), (queries_analytics.SOCIAL_IN, False)):
        for r in tx.run(statement, personIds=pids, cap=PER_PERSON * len(pids)):
            other = r["otherPerson"] or r["other"]
            if r["otherPerson"]:
                g.node(other, type="person")
            else:
                g.node(other, type="socialHandle", handle=r["other"], followers=r["followers"])
            source, target = (r["personId"], other) if outgoing else (other, r["personId"])
            handles = (r["handle"], r["other"]) if outgoing else (r["other"], r["handle"])
            g.rel("social", r["type"], source, target, key_extra=handles, fromHandle=handles[0],
                  toHandle=handles[1], evidence=[{"type": "observed", "source": r["source"],
                                                  "firstSeen": native(r["firstSeen"]),
                                                  "lastSeen": native(r["lastSeen"])}])


COLLECTORS = {"household": _household, "work": lambda tx, g, pids, today: _work(tx, g, pids),
              "social": lambda tx, g, pids, today: _social(tx, g, pids)}
# The kinds a caller may ask for: one per collector.
RELATIONSHIP_KINDS = tuple(COLLECTORS)


def relationships(tx, person_id: str, kinds: tuple[str, ...] = RELATIONSHIP_KINDS, depth: int = 1,
                  today: dt.date | None = None, purpose: str | None = None) -> dict:
    today = today or dt.date.today()
    target, redirected_from = resolve_id(tx, person_id)
    g = Graph()
    g.node(target, type="person", depth=0)
    frontier, truncated = [target], False
    for level in range(1, depth + 1):
        before = set(g.nodes)
        for kind in kinds:
            COLLECTORS[kind](tx, g, frontier, today)
        for node_id in set(g.nodes) - before:
            g.nodes[node_id]["depth"] = level
        frontier = sorted(n for n in set(g.nodes) - before if g.nodes[n]["type"] == "person")
        if len(g.nodes) > MAX_NODES:
            truncated = True
            break
        if not frontier:
            break
    withheld = for_purpose(tx, g, target, purpose) if purpose else None
    _name_persons(tx, g)
    rels = [plain(r) for r in g.rels.values()]
    records = [plain(r) for r in tx.run(queries_reads.PERSON, personId=target).single()["records"]]
    if withheld is not None:
        shown = withheld.pop("records")
        records = [r for r in records if r["recordKey"] in shown]
    view = {"personId": target, "kinds": list(kinds), "depth": depth, "truncated": truncated,
            "roles": held_roles(records, today),
            "summary": {k: sum(r["kind"] == k for r in rels) for k in kinds},
            "nodes": sorted(g.nodes.values(), key=lambda n: (n["depth"], n["type"], n["id"])),
            "relationships": sorted(rels, key=lambda r: (r["kind"], r["type"], r["from"], r["to"]))}
    if withheld is not None:
        view.update(purpose=purpose, withheld=withheld)
    if redirected_from:
        view["redirectedFrom"] = redirected_from
    return view


def for_purpose(tx, g: Graph, target: str, purpose: str) -> dict:
    """Leave out what `purpose` may not use (graph/privacy/purpose.py): a person none of whose records
    serves it, with their relationships; a job stated only by a withheld record; then anything left
    hanging. Returns the counts withheld and the target's records that may be shown."""
    persons = sorted(n for n, node in g.nodes.items() if node["type"] == "person")
    consents = persons_consent(tx, persons)
    hidden = {pid for pid in persons if pid != target and not consents[pid].person_allowed(purpose)}
    shown_records = {pid: c.allowed_records(purpose) for pid, c in consents.items()}
    before = len(g.rels)
    for key, rel in list(g.rels.items()):
        records = [e["value"] for e in rel.get("evidence", []) if e.get("type") == "record"]
        stated = rel["type"] == "WORKS_AT" and not any(r in shown_records.get(rel["from"], set()) for r in records)
        if hidden & {rel["from"], rel["to"]} or stated or not shown_records.get(target):
            del g.rels[key]
    reached, frontier = {target}, [target]
    while frontier:
        frontier = [end for rel in g.rels.values() if {rel["from"], rel["to"]} & set(frontier)
                    for end in (rel["from"], rel["to"]) if end not in reached]
        reached.update(frontier)
    for key in [k for k, rel in g.rels.items() if rel["from"] not in reached]:
        del g.rels[key]
    for node_id in [n for n in g.nodes if n not in reached]:
        del g.nodes[node_id]
    return {"persons": len(hidden), "relationships": before - len(g.rels), "records": shown_records.get(target, set())}


def _name_persons(tx, g: Graph) -> None:
    pids = sorted(n for n, node in g.nodes.items() if node["type"] == "person")
    for r in tx.run(queries_analytics.PERSON_NAMES, personIds=pids):
        g.nodes[r["personId"]]["name"] = r["name"]
