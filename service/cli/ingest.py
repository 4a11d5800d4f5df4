"""`idgraph ingest FILE`: load a CSV or NDJSON file of source records (the demo loads through
load_records too)."""
from __future__ import annotations

import contextlib
import csv
import json
import re
import sys
from collections import Counter
from pathlib import Path

import click
from rich.table import Table

from graph import config
from graph.errors import StoreUnavailable
from service.cli.common import became_unreachable, console, open_store, progress

# From this many records on, parsing gets a process of its own: it starts in about a second and
# then takes ~0.3 ms a record off the ingest stream (service/loading.py).
PARSE_PROCESS_FROM = 5_000
OUTCOMES = ("created", "joined", "merged", "updated", "unchanged", "visitor", "rejected")
EVENT_OUTCOMES = ("created", "updated", "unchanged", "unattached", "rejected")


def _read_rows(path: Path, source: str | None, fmt: str, events: bool = False):
    from graph.intake.tabular import row_to_event, row_to_record
    to_item = row_to_event if events else row_to_record
    with path.open(newline="", encoding="utf-8") as handle:
        if fmt == "csv":
            for n, row in enumerate(csv.DictReader(handle), start=2):
                try:
                    yield to_item(row, source)
                except ValueError as exc:
                    yield {"_error": f"line {n}: {exc}"}
        else:
            for n, line in enumerate(handle, start=1):
                if line.strip():
                    try:
                        item = json.loads(line)
                    except json.JSONDecodeError as exc:
                        yield {"_error": f"line {n}: not JSON ({exc.msg})"}
                        continue
                    if source and isinstance(item, dict):
                        item.setdefault("source", source)
                    yield item


def parse_line(n: int, item, settings):
    """parse_record, or the reader's complaint about a line that was not a record at all.

    Module level, so a parsing process can unpickle it."""
    from service.parsing import parse_record
    if isinstance(item, dict) and "_error" in item:
        return None, {"index": n, "errors": {"line": [item["_error"]]}}
    return parse_record(n, item, settings)


def load_records(store, settings, items, label: str, total: int | None = None, batch_size: int = 200) -> Counter:
    """Ingest `items` with a progress bar, printing each rejected record; the count per outcome."""
    from graph.store import schema
    from service.loading import ingest_batches, parser_process
    schema.ensure(store)
    summary: Counter = Counter()
    big = total is not None and total >= PARSE_PROCESS_FROM
    with progress(f"[bold]{label}") as bar, (parser_process() if big else contextlib.nullcontext()) as parser:
        task = bar.add_task(label, total=total)
        for batch in ingest_batches(store, settings, items, batch_size, parse=parse_line, parser=parser):
            for error in batch.errors:
                summary["rejected"] += 1
                console.print(f"[yellow]record {error['index']} rejected:[/] {error['errors']}")
            summary.update(o.outcome for o in batch.outcomes)
            summary.update(set_aside_counts(record for _, record in batch.good))
            bar.advance(task, batch.size)
    return summary


def parse_event_line(n: int, item, settings):
    """parse_event, or the reader's complaint about a line that was not an event at all."""
    from service.parsing import parse_event
    if isinstance(item, dict) and "_error" in item:
        return None, {"index": n, "errors": {"line": [item["_error"]]}}
    return parse_event(n, item, settings)


def load_events(store, settings, items, label: str, total: int | None = None, batch_size: int = 500) -> Counter:
    """Ingest events with a progress bar, printing each rejected one; the count per outcome (and
    `unattached`: events no person's identifiers claimed yet)."""
    from graph.store import schema
    from service.loading import ingest_events_batches
    schema.ensure(store)
    summary: Counter = Counter()
    with progress(f"[bold]{label}") as bar:
        task = bar.add_task(label, total=total)
        for batch in ingest_events_batches(store, settings, items, batch_size, parse=parse_event_line):
            for error in batch.errors:
                summary["rejected"] += 1
                console.print(f"[yellow]event {error['index']} rejected:[/] {error['errors']}")
            summary.update(o.outcome for o in batch.outcomes)
            summary["unattached"] += sum(1 for o in batch.outcomes if not o.personId)
            summary.update(set_aside_counts(event for _, event in batch.good))
            bar.advance(task, batch.size)
    return summary


def set_aside_counts(records) -> Counter:
    """('set aside', field, reason) -> how many stored records had that field set aside; the field
    without its item numbers, so one mistyped e-mail kind is one line whatever its position."""
    return Counter(("set aside", re.sub(r"\[\d+\]", "[]", held.field), held.reason)
                   for record in records for held in record.set_aside)


def print_summary(summary: Counter, events: bool = False) -> None:
    table = Table(title="ingest summary")
    table.add_column("outcome")
    table.add_column("events" if events else "records", justify="right")
    for outcome in EVENT_OUTCOMES if events else OUTCOMES:
        table.add_row(outcome, str(summary.get(outcome, 0)))
    console.print(table)
    held = sorted((key, n) for key, n in summary.items() if isinstance(key, tuple) and key[0] == "set aside")
    if held:
        warnings = Table(title="warnings: fields stored but set aside")
        for column in ("field", "reason", "records"):
            warnings.add_column(column, justify="right" if column == "records" else "left")
        for (_, field, reason), n in held:
            warnings.add_row(field, reason, str(n))
        console.print(warnings)


@click.command("ingest")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source", help="Source system name (required for CSV; default for NDJSON records).")
@click.option("--format", "fmt", type=click.Choice(["auto", "csv", "ndjson"]), default="auto", show_default=True)
@click.option("--batch-size", default=200, show_default=True, type=click.IntRange(1, 1000))
@click.option("--events", is_flag=True, help="The file holds touchpoints (POST /v1/events' shape), not records.")
def ingest_command(path: Path, source: str | None, fmt: str, batch_size: int, events: bool) -> None:
    """Load a CSV (see README for the columns) or NDJSON file of source records, or of events."""
    if fmt == "auto":
        fmt = "csv" if path.suffix.lower() == ".csv" else "ndjson"
    if fmt == "csv" and not source:
        raise click.UsageError("CSV files need --source NAME (the system the rows come from)")
    settings = config.load()
    with path.open(encoding="utf-8") as handle:
        total = sum(1 for line in handle if line.strip()) - (1 if fmt == "csv" else 0)
    with open_store(settings) as store:
        try:
            load = load_events if events else load_records
            summary = load(store, settings, _read_rows(path, source, fmt, events), path.name, total, batch_size)
        except StoreUnavailable as exc:
            raise became_unreachable(exc, "Re-run the same command: ingestion is idempotent.") from exc
    print_summary(summary, events)
    if summary.get("rejected"):
        sys.exit(1)
