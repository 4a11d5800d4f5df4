"""Incoming records in batches: parsed one batch ahead, screened, stored and resolved.

Parsing (schema, normalisation) is client CPU; storing and resolving a batch mostly waits on the
database. A worker thread therefore parses batch n+1 while batch n is written, so one ingest stream
uses both cores. Batches come back in input order and each is handled exactly as it would be alone;
POST /v1/records, `idgraph ingest` and the ingest benchmark all go through `ingest_batches`.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice

from graph import suppression
from graph.config import Settings
from graph.ingest import Outcome, ingest
from graph.model import Record
from service.parsing import parse_record

Parser = Callable[[int, object, Settings], tuple[Record | None, dict | None]]


@dataclass
class Batch:
    size: int                                   # input items, good and bad
    parsed: list[tuple[int, object, Record]]    # (index, input item, record) of the items that parsed
    errors: list[dict]                          # refused items, by index, naming the field
    parse_seconds: float                        # spent in the worker, overlapped with storing
    good: list[tuple[int, Record]] = field(default_factory=list)   # (index, record) stored, once screened
    outcomes: list[Outcome] = field(default_factory=list)         # one per `good` entry


def parse_batch(items: list, start: int, settings: Settings, parse: Parser = parse_record) -> Batch:
    began = time.perf_counter()
    parsed, errors = [], []
    for n, item in enumerate(items, start=start):
        record, error = parse(n, item, settings)
        if error:
            errors.append(error)
        else:
            parsed.append((n, item, record))
    return Batch(len(items), parsed, errors, time.perf_counter() - began)


def ingest_batches(store, settings: Settings, items: Iterable, batch_size: int = 200,
                   parse: Parser = parse_record) -> Iterator[Batch]:
    """Each batch of `items` once it is stored, with its outcomes and its refused items."""
    source = iter(items)

    def parsed(start: int) -> Batch | None:
        chunk = list(islice(source, batch_size))   # only the worker reads `source`
        return parse_batch(chunk, start, settings, parse) if chunk else None

    with ThreadPoolExecutor(1, thread_name_prefix="idgraph-parse") as worker:
        ahead, start = worker.submit(parsed, 0), 0
        while (batch := ahead.result()) is not None:
            start += batch.size
            ahead = worker.submit(parsed, start)
            # Identifiers erased at a customer's request may not come back (graph/suppression.py).
            batch.good, refused = suppression.screen(store, settings, batch.parsed)
            batch.errors = sorted(batch.errors + refused, key=lambda e: e["index"])
            batch.outcomes = ingest(store, settings, [record for _, record in batch.good])
            yield batch
