"""`idgraph analytics refresh` (the demo runs it too): graph/relationships/refresh.py behind a
progress bar per stage."""
from __future__ import annotations

import datetime as dt
import uuid

import click
from rich.progress import Progress

from graph import config
from graph.errors import StoreUnavailable
from graph.relationships import refresh
from graph.signals import rules as signal_rules
from graph.signals.refresh import refresh_signals
from service.cli.common import became_unreachable, console, figures_table, open_store, progress


class RichProgress(refresh.Progress):
    def __init__(self, bar: Progress):
        self.bar, self.tasks = bar, {}

    def start(self, stage: str, total: int | None) -> None:
        self.tasks[stage] = self.bar.add_task(stage, total=total)

    def advance(self, stage: str, n: int) -> None:
        self.bar.advance(self.tasks[stage], n)


def run_refresh(store, batch_size: int = refresh.DEFAULT_BATCH, settings: config.Settings | None = None,
                changed: bool = False) -> dict:
    """Refresh households, PageRank, scores and signals with a progress bar per stage; print the figures."""
    rules = signal_rules.load((settings or config.load()).signals_file)
    with progress() as bar:
        stats = refresh.refresh(store, batch_size, RichProgress(bar), signal_rules=rules, changed=changed)
    figures = {key: value for key, value in stats.items() if key != "runId"}
    console.print(figures_table(f"analytics refresh {stats['runId']}", figures))
    return stats


def run_signals(store, settings: config.Settings) -> int:
    """Only the refresh's signals stage: the demo's, once its touchpoints are in."""
    rules = signal_rules.load(settings.signals_file)
    return refresh_signals(store, rules, dt.datetime.now(dt.UTC), f"S-{uuid.uuid4().hex[:12]}")


@click.group()
def analytics() -> None:
    """Derived facts and scores analysts query in Cypher (households, PageRank, value, reach, priority)."""


@analytics.command("refresh")
@click.option("--batch-size", default=refresh.DEFAULT_BATCH, show_default=True, type=click.IntRange(10, 20000),
              help="Rows per write (and keys per lookup).")
@click.option("--changed", is_flag=True,
              help="Only what changed since the last run started (full when the last run was on another day).")
def analytics_refresh(batch_size: int, changed: bool) -> None:
    """Recompute households, PageRank and scores in bulk and write them to the graph."""
    with open_store(config.load()) as store:
        try:
            run_refresh(store, batch_size, changed=changed)
        except StoreUnavailable as exc:
            raise became_unreachable(exc) from exc
