"""Use case: re-resolve every stored record in batch (`idgraph resolve --all`).

Reads the records in pages, clusters them with graph/resolution/batch.py, and writes only what
changed, in pieces of one transaction each. Meant for a quiet store: records ingested while it
runs are resolved incrementally and may be moved by the write-back.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from graph.matching import Model, match_input
from graph.matching.relatives_share import address_odds, fitted_to
from graph.model import Identifier
from graph.resolution.batch import BatchPlan, BatchRecord, plan, resolve_with_review
from graph.resolution.blocking import BLOCK_DEGREE_CAP, block_props
from graph.resolution.conflicts import Facts
from graph.resolution.decision import Thresholds
from graph.resolution.ingest import default_model, new_person_id
from graph.resolution.linkage import Scorer
from graph.stewardship.rules import all_constraints
from graph.store import queries_ingest
from graph.store.values import creation_stamp_at, native

PAGE = 5000
Progress = Callable[[str, int, int | None], None]     # (phase, advance, total)


@dataclass
class Summary:
    records: int
    persons: int                    # after the re-resolve
    changed_records: int
    new_persons: int
    retired_persons: int
    splits: int
    possibly_same: int
    persons_before: int = 0         # active Persons holding records before it: the onboarding report's "before"
    reindexed_records: int = 0      # records whose stored blocking keys were out of date (a rule added since)


def _batch_record(row: dict) -> BatchRecord:
    holdings = tuple(Identifier(link["kind"], link["value"], link["key"], {}, native(link["validFrom"]),
                                native(link["validTo"]))
                     for link in row["links"] if link["key"] and not link["generic"])
    facts = Facts({row["givenKey"]} if row["givenKey"] else set(),
                  {native(row["birthDate"])} if row["birthDate"] else set(),
                  {i.value for i in holdings if i.kind == "nationalId"},
                  {row["familyKey"]} if row["familyKey"] else set())
    person_id, seconds, nanos, seq = row["person"][0] if row["person"] else (None, None, None, None)
    return BatchRecord(row["recordKey"], person_id, creation_stamp_at(seconds, nanos, seq),
                       match_input.loads(row["matchFields"]), frozenset(row["blocks"]), facts, holdings)


def read_records(store, progress: Progress | None = None, page: int = PAGE) -> list[BatchRecord]:
    records: list[BatchRecord] = []
    cursor = ""
    while True:
        rows = store.query(queries_ingest.RECORDS_PAGE, cursor=cursor, limit=page)
        records.extend(_batch_record(row) for row in rows)
        if progress:
            progress("read", len(rows), None)
        if len(rows) < page:
            return records
        cursor = rows[-1]["recordKey"]


def reindex(store, records: list[BatchRecord], piece: int = 1000) -> list[BatchRecord]:
    """The records with blocking keys derived from their match fields by today's rules; the stored
    keys of those that differ are rewritten, so that ingestion's probes find them too."""
    current, rows = [], []
    for record in records:
        props = block_props(record.fields)
        blocks = frozenset(v for v in props.values() if v is not None)
        if blocks != record.blocks:
            rows.append({"key": record.key, "blocks": props})
            record = dataclasses.replace(record, blocks=blocks)
        current.append(record)
    for part in _pieces(rows, piece):
        store.write(lambda tx, p=part: tx.run(queries_ingest.SET_BLOCK_KEYS, rows=p).consume())
    return current


def _pieces(rows: list, size: int):
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def write_plan(store, result: BatchPlan, progress: Progress | None = None, piece: int = 1000) -> None:
    new_persons = [{"personId": pid, "seq": n} for n, pid in enumerate(result.new_persons)]
    redirects = [{"loser": r["loser"], "final": r["survivor"]} for r in result.retire]
    steps = [(queries_ingest.CREATE_PERSONS, "rows", new_persons),
             (queries_ingest.ATTACH_RECORDS, "rows", result.attach),
             (queries_ingest.RETIRE_PERSONS, "rows", result.retire),
             (queries_ingest.REDIRECT_MERGED, "rows", redirects),
             (queries_ingest.DROP_SETTLED_POSSIBLY_SAME, "personIds", [r["loser"] for r in result.retire]),
             (queries_ingest.SPLIT_FROM, "rows", result.splits),
             (queries_ingest.POSSIBLY_SAME, "rows", result.possibly_same),
             (queries_ingest.REFRESH_PERSONS, "personIds", result.refresh)]
    for statement, name, rows in steps:
        for part in _pieces(rows, piece):
            store.write(lambda tx, s=statement, n=name, p=part: tx.run(s, {n: p}).consume())
            if progress:
                progress("write", len(part), None)


def resolve_all(store, settings, model: Model | None = None, progress: Progress | None = None) -> Summary:
    stored = read_records(store, progress)
    records = reindex(store, stored)
    model = (model or default_model(settings)).at_scale(len(records))
    model = fitted_to(model, address_odds(model, [r.fields for r in records], BLOCK_DEGREE_CAP))
    if progress:
        progress("score", 0, None)
    resolved = resolve_with_review(records, Scorer(model, remember=False), Thresholds(match=model.threshold),
                                   (lambda n: progress("score", n, None)) if progress else None,
                                   all_constraints(store))
    result = plan(records, resolved.clusters, new_person_id, resolved.review)
    write_plan(store, result, progress)
    before = len({r.person_id for r in records if r.person_id})
    return Summary(len(records), len(resolved.clusters), len(result.attach), len(result.new_persons),
                   len(result.retire), len(result.splits), len(result.possibly_same), before,
                   sum(1 for old, new in zip(stored, records, strict=True) if old is not new))
