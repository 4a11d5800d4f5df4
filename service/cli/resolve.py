"""`idgraph resolve --all`: re-resolve every stored record in batch (graph/resolution/resolve_all.py), with progress."""
from __future__ import annotations

import time

import click
from rich.progress import Progress

from graph import config
from graph.store import queries_ingest
from service.cli.common import console, figures_table, progress, store_for_command

PHASES = {"read": "reading records", "score": "scoring candidate pairs", "write": "writing changes"}


class _Bars:
    """graph.resolution.resolve_all's progress callback as one rich bar per phase."""

    def __init__(self, bar: Progress, total_records: int):
        self.bar, self.tasks, self.total = bar, {}, total_records

    def __call__(self, phase: str, advance: int, total: int | None) -> None:
        if phase not in self.tasks:
            self.tasks[phase] = self.bar.add_task(PHASES[phase], total=self.total if phase == "read" else total)
        self.bar.advance(self.tasks[phase], advance)


def run_resolve_all(store, settings) -> dict:
    from graph.resolution.resolve_all import resolve_all
    total = store.query(queries_ingest.RECORD_COUNT)[0]["n"]
    started = time.perf_counter()
    with progress() as bar:
        summary = resolve_all(store, settings, progress=_Bars(bar, total))
    figures = dict(vars(summary), seconds=round(time.perf_counter() - started, 2))
    console.print(figures_table("resolve --all", figures))
    return figures


@click.command("resolve")
@click.option("--all", "everything", is_flag=True, help="Re-resolve every stored record (required).")
def resolve(everything: bool) -> None:
    """Re-resolve records in batch: score candidate pairs, cluster, keep person ids stable."""
    if not everything:
        raise click.UsageError("say what to re-resolve: --all")
    settings = config.load()
    with store_for_command(settings) as store:
        run_resolve_all(store, settings)
