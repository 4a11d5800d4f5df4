"""`idgraph analytics refresh` and the demo's call to it: graph/relationships/refresh.py behind a rich progress bar."""
from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from graph.relationships import refresh


class RichProgress(refresh.Progress):
    def __init__(self, bar: Progress):
        self.bar, self.tasks = bar, {}

    def start(self, stage: str, total: int | None) -> None:
        self.tasks[stage] = self.bar.add_task(stage, total=total)

    def advance(self, stage: str, n: int) -> None:
        self.bar.advance(self.tasks[stage], n)


def run_refresh(store, console: Console, batch_size: int = refresh.DEFAULT_BATCH) -> dict:
    """Refresh households, PageRank and scores with a progress bar per stage; print the figures."""
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as bar:
        stats = refresh.refresh(store, batch_size, RichProgress(bar))
    table = Table(title=f"analytics refresh {stats['runId']}")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for key, value in stats.items():
        if key != "runId":
            table.add_row(key, str(value))
    console.print(table)
    return stats
