"""Use case: store source records and resolve each to a Person, one transaction per chunk of records.

A chunk is written with a few UNWIND statements: the records and their identifier links first
(linking takes the identifier nodes in key order, so a concurrent ingest of the same identifiers
waits or retries instead of reading stale links), then the evidence around the chunk is read once,
graph/resolution/chunk.py replays the chunk's records one after another in memory, and the
decisions are written back in batches. Contention retries the whole chunk.
"""
from __future__ import annotations

import gc
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from graph.config import Settings
from graph.history.ingest import keep_history
from graph.matching import Model, match_input
from graph.matching.blocking import rule_of
from graph.matching.model_file import active_model
from graph.model import Identifier, Record
from graph.resolution.blocking import BLOCK_DEGREE_CAP, BLOCK_PROPERTIES, STORED_RULES, block_keys, is_hub
from graph.resolution.chunk import ChunkResolver, Item, Known, Plan, Snapshot, stitching
from graph.resolution.conflicts import Facts
from graph.resolution.decision import Thresholds, given_family_key
from graph.resolution.linkage import Scorer
from graph.resolution.relatives_prior import fitted_model
from graph.stewardship import disputes
from graph.stewardship.rules import constraints_for
from graph.store import queries_analytics, queries_ingest
from graph.store.values import creation_stamp_at, native
from graph.visitors.records import keep_as_visitors, visitor_only

CHUNK_SIZE = 200


@dataclass
class Outcome:
    source: str
    sourceId: str
    personId: str | None
    outcome: str
    merged: list[str] = field(default_factory=list)
    refused: list[dict] = field(default_factory=list)
    possiblySame: dict[str, float] = field(default_factory=dict)   # personId -> match probability
    splitOff: list[str] = field(default_factory=list)              # persons split from this one


def new_person_id() -> str:
    return "P-" + uuid.uuid4().hex[:16]


def default_model(settings: Settings) -> Model:
    """The trained model file if there is one, else the shipped default (re-read when it changes)."""
    return active_model(settings).model


def role_props(record: Record) -> dict:
    """A record's roles as parallel lists of text ('' for none), like its set-aside fields."""
    roles = record.roles
    return {"roleKinds": [r.kind for r in roles], "roleOrganisations": [r.organisation or "" for r in roles],
            "roleStances": [r.stance or "" for r in roles],
            "roleValidFrom": [r.valid_from.isoformat() if r.valid_from else "" for r in roles],
            "roleValidTo": [r.valid_to.isoformat() if r.valid_to else "" for r in roles]}


def record_props(record: Record, fields: dict, blocks: dict[str, str]) -> dict:
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
        "matchFields": match_input.dumps(fields),
        # parallel lists of strings: they round-trip on every engine, and a corrected re-send
        # overwrites them (empty lists) like every other property
        "setAsideFields": [s.field for s in record.set_aside],
        "setAsideValues": [s.value for s in record.set_aside],
        "setAsideReasons": [s.reason for s in record.set_aside],
        **role_props(record),
        "deceased": record.deceased or None, "deceasedOn": record.deceased_on,
    }
    # every rule's property is written, so a key the record no longer has is removed (null)
    props.update({prop: blocks.get(rule) for rule, prop in BLOCK_PROPERTIES.items()})
    return props


# --- writing the chunk's facts -----------------------------------------------------------------

def _props(item: Item) -> dict:
    """Every property, nulls included: on a stored record they remove what it no longer says."""
    return record_props(item.record, item.fields, {rule_of(key): key for key in item.blocks})


def _new_record_row(item: Item) -> list:
    props = _props(item)
    for name in queries_ingest.TEXT_DATETIMES:
        props[name] = props[name].isoformat()
    return [item.record.key] + [props[name] for name in queries_ingest.RECORD_PROPERTIES]


def _identifier_nodes(records: list[Record], existed: set[str]) -> list[list]:
    """[key, kind, value, props] per identifier key, by key, with the properties every record gives
    it merged as one SET n += props per record would leave them: stored records first, then new
    ones, each group in record-key order, later ones winning."""
    nodes: dict[str, list] = {}
    for record in sorted(records, key=lambda r: (r.key not in existed, r.key)):
        for i in record.identifiers:
            # an address's use is the record's, kept on its link (write_identifiers), not on the shared node
            nodes.setdefault(i.key, [i.key, i.kind, i.value, {}])[3].update(
                {k: v for k, v in i.props.items() if k != "use"})
    return [nodes[key] for key in sorted(nodes)]


def write_identifiers(tx, records: list[Record], existed: set[str],
                      disputed: dict[str, frozenset[str]] | None = None) -> set[str]:
    """The identifier nodes of `records` and their links; only records in `existed` can have links.
    A link its person disputed is left as the dispute left it: a re-send neither clears the flag nor
    restores a cut link (the source still says so; the customer said no, and a steward rules).
    Returns the identifier keys that were stored before: the others are new, held by no one else."""
    disputed = disputed or {}
    if not any(r.identifiers for r in records):
        return set()
    stored = {row["key"] for row in _run(tx, queries_ingest.IDENTIFIER_NODES,
                                         rows=_identifier_nodes(records, existed))}
    links = sorted(([r.key, i.key, i.kind, i.valid_from, i.valid_to, i.props.get("use")]
                    for r in records if r.key in existed for i in r.identifiers
                    if i.key not in disputed.get(r.key, ())),
                   key=lambda row: (row[1], row[0]))
    if links:
        _run(tx, queries_ingest.LINK_IDENTIFIERS, rows=links)
    new = [[r.key, [[i.key, i.kind, i.valid_from, i.valid_to, i.props.get("use")] for i in r.identifiers
                    if i.key not in disputed.get(r.key, ())]]
           for r in sorted(records, key=lambda r: r.key) if r.key not in existed]
    new = [row for row in new if row[1]]
    if new:
        _run(tx, queries_ingest.LINK_NEW_IDENTIFIERS, rows=new)
    return stored


def _job_rows(records: list[Record]) -> list[dict]:
    return [{"recordKey": r.key, "companyKey": j.company_key, "name": j.company_name,
             "link": {"title": j.title, "decisionMaker": j.decision_maker, "source": r.source,
                      "validFrom": j.valid_from, "validTo": j.valid_to, "observedAt": r.observed_at}}
            for r in records for j in r.employment]


def _run(tx, query: str, **params) -> list:
    return list(tx.run(query, params))


def _write_facts(tx, items: list[Item]) -> tuple[dict[str, list[str]], set[str]]:
    """Store the records and their links; returns the identifier keys each record no longer holds,
    and the identifier keys stored before this chunk (write_identifiers)."""
    records = [item.record for item in items]
    new = [item for item in items if not item.existed]
    if new:
        _run(tx, queries_ingest.CREATE_RECORDS, rows=[_new_record_row(item) for item in new])
    if len(new) < len(items):
        keep_history(tx, [i.record for i in items if i.existed],
                     {item.record.key: item.disputed for item in items if item.disputed})
        _run(tx, queries_ingest.UPSERT_RECORDS,
             rows=[{"key": i.record.key, "props": _props(i)} for i in items if i.existed])
    stored = write_identifiers(tx, records, {item.record.key for item in items if item.existed},
                               {item.record.key: item.disputed for item in items if item.disputed})
    if any(r.employment for r in records):
        _run(tx, queries_ingest.LINK_EMPLOYMENT, rows=_job_rows(records))
    existing = [item.record for item in items if item.existed]
    if not existing:
        return {}, stored
    rows = _run(tx, queries_ingest.CLOSE_DROPPED_LINKS, rows=[
        {"key": r.key, "identifierKeys": [i.key for i in r.identifiers],
         "companyKeys": [j.company_key for j in r.employment], "on": r.observed_at.date().isoformat()}
        for r in existing])
    return {row["key"]: row["closed"] for row in rows}, stored


# --- reading the evidence around the chunk -----------------------------------------------------

def _holding(key: str, kind: str, value: str, link: dict) -> Identifier:
    return Identifier(kind, value, key, {}, native(link["validFrom"]), native(link["validTo"]))


def _gather(tx, items: list[Item], exclude: list[str], stored: set[str]) -> Snapshot:
    """`stored`: the identifier keys stored before the chunk; only they can be held outside it or generic."""
    chunk_idents = {key: ident for item in items for key, ident in stitching(item.record, item.disputed).items()
                    if key in stored}
    holdings: dict[str, dict[str, Identifier]] = {}
    generic, person_ids = set(), {item.current for item in items if item.current}
    links_of = _run(tx, queries_ingest.IDENTIFIER_LINKS, keys=sorted(chunk_idents), exclude=exclude) \
        if chunk_idents else []
    for key, is_generic, links in links_of:
        if is_generic:
            generic.add(key)
        ident = chunk_idents[key]
        for record_key, valid_from, valid_to, person_id in links:
            holdings.setdefault(record_key, {})[key] = \
                Identifier(ident.kind, ident.value, key, {}, native(valid_from), native(valid_to))
            person_ids.add(person_id)
    degree = _probe_blocks(tx, items, exclude, person_ids)
    split_persons = sorted({item.current for item in items if item.lost_evidence and item.current})
    if split_persons:
        for row in _run(tx, queries_ingest.PERSON_SHARED_IDENTIFIERS, personIds=split_persons):
            for link in row["holders"]:
                holdings.setdefault(link["recordKey"], {})[row["key"]] = \
                    _holding(row["key"], row["kind"], row["value"], link)
    records, created = _person_records(tx, sorted(person_ids), holdings, set(exclude))
    return Snapshot(records, created, generic, degree)


def _probe_blocks(tx, items: list[Item], exclude: list[str], person_ids: set[str]) -> dict[str, int]:
    """Holders of each of the chunk's blocking keys (outside the chunk), up to one past the cap."""
    by_rule: dict[str, set[str]] = {}
    for item in items:
        for block in item.blocks:
            by_rule.setdefault(rule_of(block), set()).add(block)
    degree: dict[str, int] = {}
    for rule in STORED_RULES:
        keys = sorted(by_rule.get(rule.name, ()))
        if not keys:
            continue
        for row in _run(tx, queries_ingest.BLOCK_PROBES[rule.name], keys=keys, exclude=exclude,
                        limit=BLOCK_DEGREE_CAP + 1):
            degree[row["key"]] = len(row["personIds"])
            if not is_hub(len(row["personIds"])):
                person_ids.update(row["personIds"])
    return degree


def _person_records(tx, person_ids: list[str], holdings: dict, exclude: set[str]):
    records: dict[str, Known] = {}
    created: dict[str, str] = {}
    if not person_ids:
        return records, created
    for person_id, seconds, nanos, seq, rows in _run(tx, queries_ingest.PERSON_RECORDS, personIds=person_ids):
        created[person_id] = creation_stamp_at(seconds, nanos, seq)
        for key, given, family, birth, fields, national_ids, blocks in rows:
            if key not in exclude:
                records[key] = _known(key, person_id, given, family, birth, fields, national_ids, blocks,
                                      holdings.get(key, {}))
    return records, created


def _known(key, person_id, given, family, birth, fields, national_ids, blocks, holdings) -> Known:
    facts = Facts({given} if given else set(), {native(birth)} if birth else set(),
                  set(filter(None, national_ids)), {family} if family else set())
    return Known(key, person_id, match_input.loads(fields), frozenset(blocks), facts,
                 given_family_key(given, family), holdings)


# --- writing the decisions ---------------------------------------------------------------------

def _apply(tx, plan: Plan, created: set[str]) -> None:
    """`created`: keys of the records this chunk created (they have no DESCRIBES link yet)."""
    if plan.new_persons:
        _run(tx, queries_ingest.CREATE_PERSONS,
             rows=[{"personId": pid, "seq": n} for n, pid in enumerate(plan.new_persons)])
    fresh = [row for row in plan.attach if row["key"] in created]
    if fresh:
        _run(tx, queries_ingest.ATTACH_NEW_RECORDS, rows=fresh)
    moved = [row for row in plan.attach if row["key"] not in created]
    if moved:
        _run(tx, queries_ingest.ATTACH_RECORDS, rows=moved)
    if plan.merges:
        _run(tx, queries_ingest.MERGE_PERSONS, rows=plan.merges)
        _run(tx, queries_ingest.REDIRECT_MERGED, rows=plan.merges)
        _run(tx, queries_ingest.DROP_SETTLED_POSSIBLY_SAME, personIds=sorted({m["loser"] for m in plan.merges}))
    if plan.splits:
        _run(tx, queries_ingest.SPLIT_FROM, rows=plan.splits)
    if plan.possibly_same:
        _run(tx, queries_ingest.POSSIBLY_SAME, rows=plan.possibly_same)
    if plan.generic:
        _run(tx, queries_ingest.MARK_GENERIC, keys=plan.generic)
    if plan.merge_refused:  # kept as household / shared-device evidence (graph/analytics/households.py)
        _run(tx, queries_analytics.MARK_MERGE_REFUSED, keys=plan.merge_refused, rule="conflicting facts")
    if plan.refresh:
        _run(tx, queries_ingest.REFRESH_PERSONS, personIds=plan.refresh)


# --- the use case ------------------------------------------------------------------------------

def _triage(records: list[Record], states: dict) -> tuple[dict[int, Outcome], list[Item]]:
    """Unchanged and stale records are answered at once; the others become Items to resolve."""
    done, items = {}, []
    for n, record in enumerate(records):
        state = states.get(record.key)
        current = state["personId"] if state else None
        if state and state["fingerprint"] == record.fingerprint:
            done[n] = Outcome(record.source, record.source_id, current, "unchanged")
        elif state and state["observedAt"] and native(state["observedAt"]) > record.observed_at:
            done[n] = Outcome(record.source, record.source_id, current, "unchanged",
                              refused=[{"rule": "stale", "detail": "an observation newer than this one is stored"}])
        else:
            disputed = frozenset(state["disputedKeys"] or ()) if state else frozenset()
            fields = disputes.strip(match_input.match_fields(record), disputed)
            changed = state is not None and match_input.loads(state["matchFields"]) != fields
            items.append(Item(record, fields, frozenset(block_keys(fields).values()), current,
                              state is not None, lost_evidence=changed, disputed=disputed))
    return done, items


def ingest_chunk(tx, records: list[Record], settings: Settings, model: Model | None = None) -> list[Outcome]:
    """Store and resolve records whose keys are all different, in one transaction."""
    states = {row["key"]: row for row in _run(tx, queries_ingest.RECORD_STATES, keys=[r.key for r in records])}
    anonymous = {n: r for n, r in enumerate(records) if r.key not in states and visitor_only(r)}
    if anonymous:   # a cookie-only record is a visitor, not a person (graph/visitors/records.py)
        kept = {n: Outcome(r.source, r.source_id, None, outcome) for (n, r), outcome
                in zip(anonymous.items(), keep_as_visitors(tx, list(anonymous.values())), strict=True)}
        rest = [r for n, r in enumerate(records) if n not in anonymous]
        resolved_rest = iter(ingest_chunk(tx, rest, settings, model) if rest else [])
        return [kept[n] if n in kept else next(resolved_rest) for n in range(len(records))]
    done, items = _triage(records, states)
    if items:
        closed, stored = _write_facts(tx, items)
        for item in items:
            item.lost_evidence = item.lost_evidence or bool(closed.get(item.record.key))
        snapshot = _gather(tx, items, sorted(item.record.key for item in items), stored)
        model = fitted_model(tx, settings, model or default_model(settings),
                             {item.record.key: item.fields for item in items},
                             [known.fields for known in snapshot.records.values()])
        steward = constraints_for(tx, list(snapshot.records) + [item.record.key for item in items])
        resolver = ChunkResolver(snapshot, items, Scorer(model), settings.generic_threshold,
                                 Thresholds(match=model.threshold), new_person_id, steward)
        plan = resolver.run()
        _apply(tx, plan, {item.record.key for item in items if not item.existed})
        resolved = iter(plan.results)
        for n, record in enumerate(records):
            if n not in done:
                r = next(resolved)
                done[n] = Outcome(record.source, record.source_id, r.person_id, r.outcome, r.merged,
                                  r.refused, r.possibly_same, r.split_off)
    return [done[n] for n in range(len(records))]


def chunks(records: list[Record], size: int = CHUNK_SIZE) -> list[list[Record]]:
    """Pieces of at most `size` records, a new piece wherever a record key repeats (a re-send of
    the same record in one batch is resolved after the first one is stored)."""
    pieces: list[list[Record]] = [[]]
    keys: set[str] = set()
    for record in records:
        if len(pieces[-1]) >= size or record.key in keys:
            pieces.append([])
            keys = set()
        pieces[-1].append(record)
        keys.add(record.key)
    return [p for p in pieces if p]


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a chunk is ingested (or `resolve --all` reads); one
    collection after it.

    A chunk allocates a great many short-lived containers (result rows, match fields, scores),
    freed by reference counting, yet each 700 of them trigger a collection, and every tenth of
    those walks older objects too: the collector took 15-20% of the client's CPU on
    bench/ingest_whois.py. Paused, the allocations still count, so the collector runs once when
    the chunk is done. Left alone if something else disabled it."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def ingest(store, settings: Settings, records: list[Record], chunk_size: int = CHUNK_SIZE) -> list[Outcome]:
    outcomes = []
    for piece in chunks(records, chunk_size):
        with collector_paused():
            outcomes.extend(store.write(ingest_chunk, piece, settings))
    return outcomes
