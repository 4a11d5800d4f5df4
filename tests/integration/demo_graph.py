"""The demo data set loaded once: records (and their later re-sends), social edges, company parents, an
analytics refresh, then the touchpoints and their signals."""
from __future__ import annotations

import datetime as dt
import functools

from graph.demo import hotel_chain
from graph.events.ingest import ingest_events
from graph.relationships.refresh import refresh
from graph.resolution.ingest import ingest
from graph.signals import rules as signal_rules
from graph.signals.refresh import refresh_signals
from graph.store import queries
from service.cli.demo import load_relations
from service.parsing import parse_event, parse_record

TODAY = dt.date(2026, 11, 23)


@functools.cache
def demo() -> hotel_chain.DemoData:
    return hotel_chain.generate()


def load_demo(store, settings) -> dict:
    """Empty the graph and load the demo as `idgraph demo` does; returns the refresh figures."""
    queries.clear_all(store)
    data = demo()
    ingest(store, settings, [parse_record(n, r, settings)[0] for n, r in enumerate(data.records + data.updates)])
    load_relations(store, data)
    figures = refresh(store, batch_size=25, today=TODAY)
    ingest_events(store, [parse_event(n, e, settings)[0] for n, e in enumerate(data.events)])
    # the touchpoints' signals as of the demo's day, as `idgraph demo` writes them once its touchpoints are in
    end_of_day = dt.datetime.combine(TODAY, dt.time(23, 59, 59), dt.UTC)
    figures["signals"] = refresh_signals(store, signal_rules.load(), end_of_day, "demo-signals")
    return figures
