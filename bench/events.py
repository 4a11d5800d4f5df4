"""Benchmark: events ingested per second, who-is-this beside a person with 100,000 events, timeline latency.

    python -m bench.events [--engine arcadedb|neo4j] [--events 100000] [--timeline-events 10000]
                           [--lookups 300] [--pages 300] [--batch-size 1000]

Starts its own server of --engine (bench/private_server.py), loads the hotel-chain demo records, then:

1. who-is-this for Jane Smith (loyalty card) and for Sarah Wilson (e-mail), alternating, before any event;
2. --events touchpoints for Jane (stays, web visits, calls over 24 months) through the path POST /v1/events
   takes (service.loading.ingest_events_batches: parsed a batch ahead, screened, stored and attached):
   events per second;
3. --timeline-events for Sarah, the same way;
4. who-is-this for Jane and Sarah again, alternating (Jane now holds --events events, Sarah 10,000):
   the ratio after / before is what the month buckets are for (graph/store/queries_events.py);
5. the first timeline page (50 events) and a page 20 pages deep for Sarah and Jane, read alternately: p50 and p99.

Times are the use cases' (graph.reads.views.whois, graph.events.timeline.timeline) over Bolt, without
HTTP. Prints a table and, last, one JSON line with every figure.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))   # run as a script from anywhere
from bench.private_server import add_engine_option, private_server  # noqa: E402
from graph.demo import hotel_chain  # noqa: E402
from graph.events.timeline import timeline  # noqa: E402
from graph.reads.views import whois  # noqa: E402
from service.loading import EVENT_BATCH, ingest_batches, ingest_events_batches  # noqa: E402

console = Console(width=None if sys.stdout.isatty() else 130)
JANE = ("loyaltyCard:PLT-99812", {"type": "loyaltyCard", "value": "PLT-99812"})
SARAH = ("email:sarah.wilson@example.org", {"type": "email", "value": "sarah.wilson@example.org"})
START = dt.datetime(2024, 12, 1, tzinfo=dt.UTC)
WARM_UP = 20
KINDS = (("stay", "hotel"), ("webVisit", None), ("webVisit", None), ("call", None), ("purchase", "retail"))


def events_for(prefix: str, identifier: dict, n: int) -> list[dict]:
    """n events spread evenly over 24 months."""
    step = dt.timedelta(days=730) / max(n, 1)
    out = []
    for k in range(n):
        kind, line = KINDS[k % len(KINDS)]
        item = {"source": "bench", "eventId": f"{prefix}-{k:07d}", "kind": kind, "identifiers": [identifier],
                "at": (START + step * k).isoformat()}
        if line:
            item.update(lineOfBusiness=line, amount=100.0 + k % 50, currency="GBP")
        out.append(item)
    return out


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return round(ordered[max(0, min(len(ordered) - 1, int(-(-p * len(ordered) // 100)) - 1))], 2)


def ratio(a: list[float], b: list[float]) -> float:
    return round(statistics.median(a) / statistics.median(b), 2)


def timed(fn, *args) -> float:
    began = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - began) * 1000


def alternate_whois(store, n: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"jane": [], "sarah": []}
    for _ in range(n):
        out["jane"].append(timed(store.read, whois, JANE[0]))
        out["sarah"].append(timed(store.read, whois, SARAH[0]))
    return out


def load_events(store, settings, items: list[dict], label: str, batch_size: int) -> float:
    """Events per second through the POST /v1/events path."""
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console) as bar:
        task = bar.add_task(label, total=len(items))
        began = time.perf_counter()
        for batch in ingest_events_batches(store, settings, items, batch_size):
            assert not batch.errors, batch.errors[:3]
            bar.advance(task, batch.size)
        return len(items) / (time.perf_counter() - began)


def pages(store, person_id: str, n: int, depth: int) -> tuple[list[float], list[float]]:
    """First-page times, and times of the page `depth` pages in (its cursor fetched once), read
    alternately after WARM_UP of each: measured one series after the other, the first pages took
    the engines' warm-up and twice the deep pages' time (Sarah's, not Jane's, read second)."""
    cursor = ""
    for _ in range(depth):   # auto-commit reads, as GET /v1/persons/{id}/timeline makes them
        cursor = store.read_each(timeline, person_id, "service", (), None, None, 50, cursor)["nextCursor"]
    first, deep = [], []
    for k in range(WARM_UP + n):
        times = [timed(store.read_each, timeline, person_id, "service", (), None, None, 50, at) for at in ("", cursor)]
        if k >= WARM_UP:
            first.append(times[0])
            deep.append(times[1])
    return first, deep


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_engine_option(parser)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--timeline-events", type=int, default=10_000)
    parser.add_argument("--lookups", type=int, default=300)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--batch-size", type=int, default=EVENT_BATCH)
    args = parser.parse_args()
    with private_server(engine=args.engine) as server:
        settings, store = server.settings(), server.connect()
        try:
            for _ in ingest_batches(store, settings, hotel_chain.generate().records):
                pass
            jane, sarah = (store.read(whois, key)["personId"] for key in (JANE[0], SARAH[0]))
            alternate_whois(store, 20)                                    # warm-up
            before = alternate_whois(store, args.lookups)
            rate = load_events(store, settings, events_for("J", JANE[1], args.events), "Jane's events",
                               args.batch_size)
            load_events(store, settings, events_for("S", SARAH[1], args.timeline_events), "Sarah's events",
                        args.batch_size)
            alternate_whois(store, 20)
            after = alternate_whois(store, args.lookups)
            sarah_pages = pages(store, sarah, args.pages, 20)
            jane_pages = pages(store, jane, args.pages, 20)
        finally:
            store.close()
    figures = {
        "engine": args.engine, "events": args.events, "timelineEvents": args.timeline_events,
        "eventsPerSecond": round(rate, 1),
        **{f"whois{who.title()}{when}P{p}": pct(times[who], p)
           for when, times in (("Before", before), ("After", after)) for who in ("jane", "sarah") for p in (50, 99)},
        "whoisJaneAfterOverBeforeMedian": ratio(after["jane"], before["jane"]),
        "whoisJaneOverSarahAfterMedian": ratio(after["jane"], after["sarah"]),
        **{f"timeline{who}{page}P{p}": pct(times, p)
           for who, (first, deep) in (("Sarah", sarah_pages), ("Jane", jane_pages))
           for page, times in (("First", first), ("Deep", deep)) for p in (50, 99)},
    }
    table = Table(title=f"events bench ({args.engine})")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for name, value in figures.items():
        table.add_row(name, str(value))
    console.print(table)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
