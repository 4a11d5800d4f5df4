"""Use case: store source records and resolve each to a Person, one transaction per record."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from graph.config import Settings
from graph import match_input
from graph.conflicts import Facts
from graph.model import KINDS, Record
from graph.resolution import Decision, Link, Person, decide
from graph.store import queries as q
from graph.store import queries_analytics as qa
from graph.store.values import native


@dataclass
class Outcome:
    source: str
    sourceId: str
    personId: str | None
    outcome: str
    merged: list[str] = field(default_factory=list)
    refused: list[dict] = field(default_factory=list)


def new_person_id() -> str:
    return "P-" + uuid.uuid4().hex[:16]


def record_props(record: Record) -> dict:
    m = record.metrics
    props = {
        "source": record.source, "sourceId": record.source_id, "observedAt": record.observed_at,
        "collectedFor": record.collected_for, "fingerprint": record.fingerprint,
        "consentGranted": sorted(k for k, v in record.consent.items() if v),
        "consentDenied": sorted(k for k, v in record.consent.items() if not v),
        "givenName": record.given, "middleName": record.middle, "familyName": record.family,
        "fullName": record.full_name, "givenKey": record.given_key, "familyKey": record.family_key,
        "birthDate": record.birth_date, "gender": record.gender, "ignoredValues": list(record.ignored),
        "lifetimeSpend": m.get("lifetimeSpend"), "nightsLastYear": m.get("nightsLastYear"),
        "tier": m.get("tier"), "lastActivity": m.get("lastActivity"),
        "matchFields": match_input.dumps(match_input.match_fields(record)),
    }
    return props


def _identifier_rows(record: Record) -> list[dict]:
    link = {"source": record.source, "observedAt": record.observed_at}
    return [{"key": i.key, "kind": i.kind, "value": i.value, "props": i.props,
             "link": dict(link, validFrom=i.valid_from, validTo=i.valid_to)}
            for i in sorted(record.identifiers, key=lambda i: i.key)]


def _job_rows(record: Record) -> list[dict]:
    return [{"companyKey": j.company_key, "name": j.company_name,
             "link": {"title": j.title, "decisionMaker": j.decision_maker, "source": record.source,
                      "validFrom": j.valid_from, "validTo": j.valid_to, "observedAt": record.observed_at}}
            for j in record.employment]


def _gather(tx, record: Record, current: str | None):
    keys = [i.key for i in record.identifiers if KINDS[i.kind].stitches]
    links: dict[str, list[Link]] = {}
    by_key = {i.key: i for i in record.identifiers}
    for row in tx.run(q.IDENTIFIER_LINKS, keys=keys, recordKey=record.key):
        ident = by_key[row["key"]]
        links[row["key"]] = [
            Link(type(ident)(ident.kind, ident.value, ident.key, {}, native(x["validFrom"]), native(x["validTo"])),
                 x["personId"], f"{x['givenKey'] or ''} {x['familyKey'] or ''}".strip() or None, row["generic"])
            for x in row["links"] if x["personId"]] or ([Link(ident, "", None, True)] if row["generic"] else [])
    pids = {link.person_id for ls in links.values() for link in ls if link.person_id} | ({current} - {None})
    persons = {}
    for row in tx.run(q.PERSON_FACTS, personIds=sorted(pids)):
        facts = Facts(set(filter(None, row["given"])), {native(d) for d in row["birthDates"] if d},
                      set(filter(None, row["nationalIds"])))
        persons[row["personId"]] = Person(row["personId"], row["created"] or "", facts)
    links = {k: [link for link in ls if not link.person_id or link.person_id in persons]
             for k, ls in links.items()}
    return links, persons


def _write_facts(tx, record: Record) -> None:
    """Store the record and its links first: linking locks each identifier node (in key order),
    so a concurrent ingest of the same identifier waits or retries instead of reading stale links."""
    tx.run(q.UPSERT_RECORD, key=record.key, props=record_props(record)).consume()
    tx.run(q.LINK_IDENTIFIERS, key=record.key, identifiers=_identifier_rows(record)).consume()
    tx.run(q.LINK_EMPLOYMENT, key=record.key, jobs=_job_rows(record)).consume()
    tx.run(q.CLOSE_DROPPED_LINKS, key=record.key, identifierKeys=[i.key for i in record.identifiers],
           companyKeys=[j.company_key for j in record.employment]).consume()


def _apply(tx, record: Record, decision: Decision, current: str | None) -> str:
    person_id = decision.person_id
    if person_id is None:
        person_id = new_person_id()
        tx.run(q.CREATE_PERSON, personId=person_id).consume()
    if current != person_id and current not in decision.merge:
        evidence = decision.evidence.get(person_id, [])
        tx.run(q.ATTACH_RECORD, key=record.key, personId=person_id,
               rule="shared identifier" if evidence else "new person", evidence=evidence).consume()
    if decision.generic:
        tx.run(q.MARK_GENERIC, keys=decision.generic).consume()
    refused = sorted({k for r in decision.refused if r["rule"] == "conflicting facts" for k in r.get("identifiers", [])})
    if refused:  # kept as household / shared-device evidence (graph/analytics/households.py)
        tx.run(qa.MARK_MERGE_REFUSED, keys=refused, rule="conflicting facts").consume()
    for loser in decision.merge:
        tx.run(q.MERGE_PERSON, survivor=person_id, loser=loser, rule="record bridges persons",
               recordKey=record.key, evidence=decision.evidence.get(loser, [])).consume()
    tx.run(q.REFRESH_PERSON, personId=person_id).consume()
    return person_id


def ingest_record(tx, record: Record, settings: Settings) -> Outcome:
    state = tx.run(q.RECORD_STATE, key=record.key).single()
    current = state["personId"] if state else None
    if state and state["fingerprint"] == record.fingerprint:
        return Outcome(record.source, record.source_id, current, "unchanged")
    if state and state["observedAt"] and native(state["observedAt"]) > record.observed_at:
        return Outcome(record.source, record.source_id, current, "unchanged",
                       refused=[{"rule": "stale", "detail": "an observation newer than this one is stored"}])
    _write_facts(tx, record)
    links, persons = _gather(tx, record, current)
    decision = decide(record, links, persons, current, settings.generic_threshold)
    person_id = _apply(tx, record, decision, current)
    outcome = ("merged" if decision.merge else "updated") if state else decision.outcome
    return Outcome(record.source, record.source_id, person_id, outcome, decision.merge, decision.refused)


def ingest(store, settings: Settings, records: list[Record]) -> list[Outcome]:
    return [store.write(ingest_record, record, settings) for record in records]
