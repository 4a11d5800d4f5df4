"""Use cases for a customer's rights: record a consent change, export everything held, erase.

Erasure, in one write transaction (all or nothing, with its audit event):
- the person's records, with their identifier, employment and consent-change links;
- identifiers no other record links to (shared ones stay, and are not suppressed);
- keyed hashes of those erased identifiers (not addresses) onto the suppression list;
- the ids merged into the person, its household memberships, POSSIBLY_SAME links and scores;
- the person itself, down to a tombstone {personId, status: 'erased', erasedAt}: a later read or
  DELETE of that id answers 410 (merged-away ids are deleted and answer 404);
- an audit event (action person.erase) with the person id and counts, no personal data.
Then, for the people whose links ran through the erased records (see `refresh_others`).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from graph.access import audit
from graph.config import Settings
from graph.events import gifts
from graph.history.values import history_of
from graph.privacy import consent, deceased, suppression
from graph.reads.views import (
    SCORE_FIELDS,
    SCORE_MODEL,
    consent_changes,
    identifiers_of,
    plain_links,
    possibly_same,
    resolve_id,
    roles_of,
    set_aside_of,
)
from graph.relationships.influence import company_facts, latest_run
from graph.relationships.network import relationships
from graph.relationships.refresh import rewrite_households
from graph.resolution.decision import given_family_key
from graph.store import (
    queries_analytics,
    queries_events,
    queries_history,
    queries_privacy,
    queries_reads,
    queries_signals,
)
from graph.store.values import plain
from graph.visitors.erasure import forget_person

AUDIT_PAGE = 500


# --- consent ------------------------------------------------------------------------------------

def record_consent_change(tx, person_id: str, change: dict, key_id: str) -> dict:
    """Link a customer's consent statement to every record the person holds now. Idempotent: the
    same statement (person, purpose, granted, at, source) is one change, linked once."""
    target, redirected_from = resolve_id(tx, person_id)
    change_id = consent.change_id(target, change["purpose"], change["granted"], change["at"], change["source"])
    existing = tx.run(queries_privacy.CONSENT_CHANGE, changeId=change_id).single()
    created = existing is None
    if created:
        records = [r["record"] for r in tx.run(queries_privacy.CREATE_CONSENT_CHANGE, changeId=change_id,
                                               personId=target, keyId=key_id, **change)]
    else:
        records = list(existing["records"])
    out = {"changeId": change_id, "personId": target, **change, "records": sorted(records), "created": created}
    if redirected_from:
        out["redirectedFrom"] = redirected_from
    return out


# --- subject access -----------------------------------------------------------------------------

def export(tx, person_id: str) -> dict:
    """Everything held about a person, unfiltered: the subject's own data, with provenance."""
    target, redirected_from = resolve_id(tx, person_id)
    person = plain(tx.run(queries_reads.PERSON, personId=target).single()["person"])
    rows = [(plain(r["record"]), plain(r["describes"]))
            for r in tx.run(queries_privacy.PERSON_RECORDS, personId=target)]
    by_key = {record["recordKey"]: record for record, _ in rows}
    links = [dict(r) for r in tx.run(queries_reads.PERSON_LINKS, personId=target)]
    changes = consent_changes(tx, person_id=target)
    out = {"personId": target, "exportedAt": dt.datetime.now(dt.UTC), "person": person,
           "records": [_exported_record(record, describes, changes.get(record["recordKey"], []))
                       for record, describes in rows],
           **identifiers_of(links, by_key), "roles": roles_of(links, by_key),
           "inferences": _inferences(tx, target, person), "audit": _audit_log(tx, target),
           # a gift's ship-to identifiers are the recipient's data: the recipient is named by person id
           "events": gifts.present(tx, [plain(r["event"]) for r in tx.run(queries_events.PERSON_ALL_EVENTS,
                                                                          personId=target)]),
           "history": history_of(list(by_key.values()), plain_links(links))}
    if death := deceased.death_of(list(by_key.values())):
        out["deceased"] = death
    if redirected_from:
        out["redirectedFrom"] = redirected_from
    return out


def _exported_record(record: dict, describes: dict, changes: list[dict]) -> dict:
    statements = consent.record_statements(record) + consent.change_statements(changes)
    return {"stored": record, "joinedPerson": dict(describes, inferred=True),
            "provenance": _provenance(record),
            "consent": {"asCollected": {**dict.fromkeys(record.get("consentGranted") or [], True),
                                        **dict.fromkeys(record.get("consentDenied") or [], False)},
                        "changes": sorted(changes, key=lambda c: (c.get("at"), c["changeId"])),
                        "effective": consent.summary(statements)}}


def _provenance(record: dict) -> dict:
    """Where a record came from, and what of it was held aside and why."""
    out = {"source": record.get("source"), "sourceId": record.get("sourceId"),
           "observedAt": record.get("observedAt"), "collectedFor": record.get("collectedFor")}
    if held := set_aside_of(record):
        out["setAside"] = held
    return out


def _inferences(tx, person_id: str, person: dict) -> dict:
    merges = [{"personId": r["personId"], **plain(r["merge"]), "inferred": True}
              for r in tx.run(queries_reads.PERSON_MERGES, personId=person_id)]
    extra = tx.run(queries_privacy.PERSON_PRIVACY_FACTS, personId=person_id).single()
    households = [dict(plain(h), inferred=True) for h in extra["households"]]
    splits = [{"personId": r["other"], "direction": r["direction"], **plain(r["link"]), "inferred": True}
              for r in tx.run(queries_privacy.PERSON_SPLITS, personId=person_id)]
    live = relationships(tx, person_id)
    for node in live["nodes"]:            # other people's names are theirs, not the subject's
        if node["type"] == "person" and node["id"] != person_id:
            node.pop("name", None)
    scores = {k: person[k] for k in (*SCORE_FIELDS, "analyticsRun", "scoredOn") if person.get(k) is not None}
    return {"merges": merges, "splits": splits, "households": households,
            "possiblySame": [possibly_same(r) for r in extra["possiblySame"]],
            "relationships": {"inferred": True, "nodes": live["nodes"], "relationships": live["relationships"]},
            "scores": dict(scores, inferred=True, model=SCORE_MODEL) if scores else {}}


def _audit_log(tx, person_id: str) -> list[dict]:
    events, cursor = [], ""
    while True:
        page = audit.events_page(tx, person_id, AUDIT_PAGE, cursor)
        events += page["events"]
        if not page["nextCursor"]:
            return events
        cursor = page["nextCursor"]


# --- erasure ------------------------------------------------------------------------------------

@dataclass
class Erasure:
    personId: str
    redirectedFrom: str | None
    counts: dict
    addresses: list[str] = field(default_factory=list)
    companies: list[str] = field(default_factory=list)
    shared: list[str] = field(default_factory=list)


def _erase(tx, person_id: str, hmac_key: bytes, who: dict, event_id: str) -> Erasure:
    target, redirected_from = resolve_id(tx, person_id)   # NotFound, or Gone if already erased
    record_keys = list(tx.run(queries_privacy.RECORD_KEYS, personId=target).single()["keys"])
    idents = [dict(r) for r in tx.run(queries_privacy.IDENTIFIERS_OF_RECORDS, recordKeys=record_keys)]
    unshared = [i for i in idents if i["others"] == 0]
    companies = [r["companyKey"] for r in tx.run(queries_privacy.COMPANIES_OF_RECORDS, recordKeys=record_keys)]
    merged_away = list(tx.run(queries_privacy.MERGED_AWAY, personId=target).single()["ids"])
    inferred = dict(tx.run(queries_privacy.INFERRED_COUNTS, personId=target).single())
    changes = tx.run(queries_privacy.DELETE_CONSENT_CHANGES, recordKeys=record_keys).single()
    devices = forget_person(tx, target)   # visitors identified as them (graph/visitors/erasure.py)
    hashes = [{"hash": suppression.keyed_hash(hmac_key, i["key"]), "kind": i["kind"]}
              for i in unshared if i["kind"] in suppression.SUPPRESSIBLE]
    hashes += [{"hash": suppression.keyed_hash(hmac_key, key), "kind": "device"} for key in devices
               if key not in {i["key"] for i in unshared}]
    tx.run(queries_privacy.SUPPRESS, rows=hashes).consume()
    for statement in (queries_events.DELETE_EVENTS, queries_events.DELETE_MONTHS):   # touchpoints go too
        tx.run(statement, recordKeys=record_keys).consume()
    # gifts others sent them keep no trace of who received them (their ship-to identifiers)
    tx.run(queries_history.FORGET_RECIPIENTS, recordKeys=record_keys).consume()
    tx.run(queries_signals.DROP_SIGNALS, personIds=[target, *merged_away]).consume()   # derived from the events
    tx.run(queries_privacy.DELETE_RECORDS, recordKeys=record_keys).consume()
    tx.run(queries_privacy.DELETE_IDENTIFIERS, keys=[i["key"] for i in unshared]).consume()
    tx.run(queries_privacy.DELETE_PERSONS, personIds=merged_away).consume()
    tx.run(queries_privacy.DROP_PERSON_RELATIONSHIPS, personId=target).consume()
    tx.run(queries_privacy.TOMBSTONE, personId=target).consume()
    counts = {"records": len(record_keys), "identifiersErased": len(unshared),
              "identifiersKept": len(idents) - len(unshared), "suppressed": len(hashes),
              "mergedIds": len(merged_away), "consentChanges": changes["n"] if changes else 0,
              "households": inferred["households"], "possiblySame": inferred["possiblySame"]}
    tx.run(queries_privacy.ERASURE_EVENT, eventId=event_id, personId=target, keyId=who["keyId"], role=who["role"],
           counts={f"count{k[0].upper()}{k[1:]}": v for k, v in counts.items()}).consume()
    return Erasure(target, redirected_from, counts,
                   addresses=sorted(i["key"] for i in idents if i["kind"] == "address"),
                   companies=sorted(companies), shared=sorted(i["key"] for i in idents if i["others"]))


def erase(store, settings: Settings, person_id: str, key_id: str, role: str) -> dict:
    """Erase a person (see the module docstring); NotFound for an unknown id, Gone if already erased."""
    hmac_key = suppression.secret(settings)
    erasure = store.write(_erase, person_id, hmac_key, {"keyId": key_id, "role": role}, audit.event_id())
    refreshed = refresh_others(store, settings, erasure)
    out = {"personId": erasure.personId, "status": "erased", "counts": erasure.counts, "refreshed": refreshed}
    if erasure.redirectedFrom:
        out["redirectedFrom"] = erasure.redirectedFrom
    return out


# --- what erasure refreshes for others ----------------------------------------------------------

def still_generic(holders: list[dict], threshold: int) -> bool:
    """The generic-value rule of graph/resolution/decision.py over the holders that remain."""
    named = ((h["personId"], given_family_key(h.get("givenKey"), h.get("familyKey")))
             for h in holders if h.get("personId"))
    names = {(pid, name) for pid, name in named if name}
    return len({pid for pid, _ in names}) > threshold and len({n for _, n in names}) > 1


def still_refused(holders: list[dict]) -> bool:
    """A refused merge needs two persons still holding the identifier."""
    return len({h["personId"] for h in holders if h.get("personId")}) > 1


def refresh_others(store, settings: Settings, erasure: Erasure) -> dict:
    """Bring the people whose links ran through the erased records up to date.

    - identifiers they shared with the erased person: the generic-value and refused-merge marks are
      re-evaluated over the remaining holders and cleared when the rule no longer holds, so their
      next records stitch as if the erased person had never been there (nobody is merged here);
    - households at the erased person's addresses are derived again (where households exist);
    - known employees and spend of the erased person's companies are recomputed.
    Scores and PageRank of others change at the next `idgraph analytics refresh`.
    """
    cleared_generic, cleared_refused = [], []
    if erasure.shared:
        for row in store.query(queries_privacy.HOLDERS, keys=erasure.shared):
            if row["generic"] and not still_generic(row["holders"], settings.generic_threshold):
                cleared_generic.append(row["key"])
            if row["mergeRefused"] and not still_refused(row["holders"]):
                cleared_refused.append(row["key"])
    if cleared_generic:
        store.write(lambda tx: tx.run(queries_privacy.CLEAR_GENERIC, keys=cleared_generic).consume())
    if cleared_refused:
        store.write(lambda tx: tx.run(queries_privacy.CLEAR_MERGE_REFUSED, keys=cleared_refused).consume())
    run = store.read(latest_run)
    run_id = run["runId"] if run else f"erasure-{erasure.personId}"
    homes = [r["addressKey"] for r in store.query(queries_privacy.HOUSEHOLD_ADDRESSES, addressKeys=erasure.addresses)] \
        if erasure.addresses else []
    households = rewrite_households(store, homes, run_id, dt.date.today()) if homes else 0
    if run and erasure.companies:
        facts = store.read(company_facts, erasure.companies)
        rows = [{"companyKey": k, "knownEmployees": f["knownEmployees"], "knownSpend": f["knownSpend"]}
                for k, f in facts.items()]
        store.write(lambda tx: tx.run(queries_analytics.WRITE_COMPANY_FACTS, rows=rows, runId=run_id).consume())
    return {"genericCleared": len(cleared_generic), "mergeRefusedCleared": len(cleared_refused),
            "householdAddresses": len(homes), "households": households,
            "companies": len(erasure.companies) if run else 0}
