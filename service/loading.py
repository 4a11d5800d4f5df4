"""Incoming records in batches: parsed one batch ahead, screened, stored and resolved.

Parsing (schema, normalisation) is client CPU; storing and resolving a batch mostly waits on the
database. So batch n+1 is parsed while batch n is written, and one ingest stream uses both cores.
Batches come back in input order and each is handled exactly as it would be alone; POST
/v1/records, `idgraph ingest` and the ingest benchmark all go through `ingest_batches`.

The parser runs in a thread by default. A thread shares this interpreter's lock with the one
storing, so it recovers only part of the parse time; long loads pass a `parser_process()`, whose
parsing runs in a process of its own (about a second to start, records pickled back).
"""
from __future__ import annotations

import multiprocessing
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from graph.config import Settings
from graph.intake import normalize
from graph.privacy import suppression
from graph.resolution.ingest import ingest
from service.parsing import parse_record

Parser = Callable[[int, object, Settings], tuple[Any, dict | None]]   # (Record or Event, error)


@dataclass
class Batch:
    size: int                                   # input items, good and bad
    parsed: list[tuple[int, object, Any]]       # (index, input item, Record or Event) of the items that parsed
    errors: list[dict]                          # refused items, by index, naming the field
    parse_seconds: float                        # spent by the parser, overlapped with storing
    good: list[tuple[int, Any]] = field(default_factory=list)      # (index, record) stored, once screened
    outcomes: list = field(default_factory=list)                  # one per `good` entry


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


def _leave_interrupts_to_the_caller() -> None:
    # Ctrl-C reaches the whole process group; the caller stops the load and shuts the pool down.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def parser_process() -> Executor:
    """A parsing process, started clean ('spawn': the caller may hold threads and sockets)."""
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_leave_interrupts_to_the_caller)
    pool.submit(normalize.clear_caches).result()   # started, and the parsing modules imported
    return pool


def ingest_batches(store, settings: Settings, items: Iterable, batch_size: int = 200,
                   parse: Parser = parse_record, parser: Executor | None = None,
                   store_batch: Callable[[list], list] | None = None,
                   first_batch: int | None = None) -> Iterator[Batch]:
    """Each batch of `items` once it is stored, with its outcomes and its refused items.

    `parse` must be picklable (a module-level function) when `parser` is a process pool. Records by
    default; events pass their own `parse` and `store_batch` (service/api/events.py) and are screened
    and batched the same way. `first_batch` (events: batches do not change their outcomes) makes the
    first batch smaller, so storing starts sooner and the rest is parsed meanwhile."""
    store_batch = store_batch or (lambda records: ingest(store, settings, records))
    source = iter(items)

    def submit(start: int):
        chunk = list(islice(source, first_batch if start == 0 and first_batch else batch_size))
        return worker.submit(parse_batch, chunk, start, settings, parse) if chunk else None

    worker = parser or ThreadPoolExecutor(1, thread_name_prefix="idgraph-parse")
    try:
        ahead, start = submit(0), 0
        while ahead is not None:
            batch = ahead.result()
            start += batch.size
            ahead = submit(start)
            # Identifiers erased at a customer's request may not come back (graph/privacy/suppression.py).
            batch.good, refused = suppression.screen(store, settings, batch.parsed)
            batch.errors = sorted(batch.errors + refused, key=lambda e: e["index"])
            batch.outcomes = store_batch([record for _, record in batch.good])
            yield batch
    finally:
        if parser is None:
            worker.shutdown(cancel_futures=True)


# The first batch of events is parsed while nothing else runs; a small one starts the store early
# (half of a 1,000-event POST was parsed before anything was stored).
FIRST_EVENTS = 100
# Events after the first batch go in batches of a whole POST (1,000, its largest): one suppression
# screen and one hand-over from the parser per 1,000, stored in transactions of
# graph/events/ingest.CHUNK_SIZE. Against 500: 1.11x the events a second on ArcadeDB (medians of 3,
# interleaved, bench/events.py --batch-size), the same on Neo4j, whose own work bounds it.
EVENT_BATCH = 1000


def ingest_events_batches(store, settings: Settings, items: Iterable, batch_size: int = EVENT_BATCH,
                          parse: Parser | None = None) -> Iterator[Batch]:
    """Events through the records' path: parsed a batch ahead, screened against the suppression list,
    stored and attached (graph/events/ingest.py). Errors name `eventId` as the input does."""
    from graph.events.ingest import ingest_events
    from service.parsing import parse_event
    for batch in ingest_batches(store, settings, items, batch_size, parse=parse or parse_event,
                                store_batch=lambda events: ingest_events(store, events),
                                first_batch=min(FIRST_EVENTS, batch_size)):
        for error in batch.errors:
            if "sourceId" in error:
                error["eventId"] = error.pop("sourceId")
        yield batch
