"""`idgraph twins train|show`: fit the statistic twins on the known customers, print what they learnt.

Training reads persons a page at a time (short read transactions: ingestion goes on meanwhile) and
replaces the model file atomically; the API uses the new file on its next read
(graph/twins/model_file.py).
"""
from __future__ import annotations

import click
from rich.table import Table

from graph import config
from graph.errors import StoreUnavailable
from graph.twins.model_file import active_twins_model, twins_model_path
from graph.visitors.training import train as train_twins
from service.cli.common import became_unreachable, console, progress, store_for_command


@click.group("twins")
def twins() -> None:
    """Statistic twins: segments and intentions for visitors and persons (see README)."""


def _table(model, title: str) -> Table:
    table = Table(title=title)
    for column in ("target", "labelled", "values (base rate)"):
        table.add_column(column)
    for target, priors in sorted(model.priors.items()):
        labelled = sum(v is not None for v in model.labels[target])
        shares = ", ".join(f"{v} {s:.0%}" for v, s in sorted(priors.items(), key=lambda kv: -kv[1]))
        table.add_row(target, str(labelled), shares)
    table.caption = (f"{len(model.matrix)} known customers, {len(model.features)} behaviour features, "
                     f"k={model.settings.k}, default confidence {model.settings.confidence}, "
                     f"version {model.version}, trained {model.trained_at}")
    return table


@twins.command("train")
def train() -> None:
    """Fit the twins on every person's events and labels (analytics consent only) and save them."""
    settings = config.load()
    with store_for_command(settings) as store, progress("[bold]reading persons") as bar:
        task = bar.add_task("read", total=None)
        try:
            trained = train_twins(store, settings, lambda done, total: bar.update(task, completed=done, total=total))
        except StoreUnavailable as exc:
            raise became_unreachable(exc) from exc
        except ValueError as exc:
            raise click.ClickException(f"{exc}: load events (POST /v1/events or idgraph ingest --events) "
                                       "for persons whose records grant analytics consent, then train again") from exc
    console.print(_table(trained.model, f"twins trained on {trained.examples} of {trained.persons} persons "
                                        f"({trained.feedback} feedback marks)"))
    click.echo(f"saved {trained.path}")


@twins.command("show")
def show() -> None:
    """Print the twin model in use, if any."""
    settings = config.load()
    model = active_twins_model(settings)
    if model is None:
        raise click.ClickException(f"no twin model at {twins_model_path(settings)}: run idgraph twins train")
    console.print(_table(model, "twin model in use"))
