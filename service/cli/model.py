"""`idgraph model train|show`: fit the match model from the stored records, print and save it.

Training reads the records' `matchFields` in pages (short read transactions, so ingestion
goes on meanwhile), keeps a uniform random sample of them (reservoir sampling), fits the
model in memory and replaces the model file atomically. Ingestion, explanations and
search pick the new file up on their next call (graph/matching/model_file.py).
"""
from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import click
from rich.table import Table

from graph import config
from graph.errors import StoreUnavailable
from graph.matching import Model, fit, match_input
from graph.matching.model_file import active_model, model_path, save_model
from graph.stewardship import labels as steward_labels
from graph.stewardship.learning import LabelledPair, quality, with_labels
from graph.store import queries_explain
from service.cli.common import became_unreachable, console, progress, store_for_command

MIN_RECORDS = 20   # below this EM has nothing to learn from


@click.group("model")
def model() -> None:
    """Train and inspect the probabilistic match model (see README, "Matching model")."""


def read_sample(store, size: int, page_size: int, seed: int) -> tuple[list[dict], int]:
    """A uniform random sample of at most `size` records' matchFields, and how many were read."""
    total = store.query(queries_explain.RECORD_COUNT)[0]["n"]
    rng, sample, seen, cursor = random.Random(seed), [], 0, ""
    with progress("[bold]reading records") as bar:
        task = bar.add_task("read", total=total)
        while rows := store.query(queries_explain.MATCH_FIELDS_PAGE, cursor=cursor, limit=page_size):
            for row in rows:
                _keep(sample, size, seen, rng, row["matchFields"])
                seen += 1
            cursor = rows[-1]["key"]
            bar.update(task, completed=seen, total=max(total, seen))
    return sample, seen


def _keep(sample: list[dict], size: int, seen: int, rng: random.Random, fields: str) -> None:
    """Reservoir sampling: after n records each is in the sample with probability size/n."""
    if seen < size:
        sample.append(match_input.loads(fields))
        return
    slot = rng.randrange(seen + 1)
    if slot < size:
        sample[slot] = match_input.loads(fields)


def parameters_table(model_: Model, title: str) -> Table:
    table = Table(title=title)
    for column in ("comparison", "level", "m", "u", "match weight"):
        table.add_column(column, justify="left" if column in ("comparison", "level") else "right")
    for name, levels in model_.parameters.items():
        for n, (level, params) in enumerate(sorted(levels.items(), key=lambda item: -item[1].weight)):
            table.add_row(name if n == 0 else "", level, f"{params.m:.4g}", f"{params.u:.4g}",
                          f"{params.weight:+.2f}", end_section=n == len(levels) - 1)
    table.caption = (f"prior {model_.prior:.3g}, relatives prior {model_.relatives.prior:.3g}, "
                     f"match threshold {model_.threshold}, trained {model_.trained_at or 'never'}")
    return table


@model.command("train")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to save the model (default: IDGRAPH_MODEL, else <data dir>/match_model.json).")
@click.option("--sample", default=50_000, show_default=True, type=click.IntRange(MIN_RECORDS, 1_000_000),
              help="Train on a uniform random sample of at most this many records.")
@click.option("--page-size", default=2000, show_default=True, type=click.IntRange(10, 50_000),
              help="Records read per transaction.")
@click.option("--seed", default=0, show_default=True, type=int)
def train(out, sample: int, page_size: int, seed: int) -> None:
    """Fit m, u and the priors from the stored records, adjust them with the steward's labelled
    pairs (printing precision and recall of the model in use and the new one on the labels), save."""
    settings = config.load()
    path = out or model_path(settings)
    with store_for_command(settings) as store:
        try:
            records, total = read_sample(store, sample, page_size, seed)
            labelled = steward_labels.labelled_pairs(store)
        except StoreUnavailable as exc:
            raise became_unreachable(exc) from exc
    if len(records) < MIN_RECORDS:
        raise click.ClickException(f"{len(records)} records stored; training needs at least {MIN_RECORDS}")
    current = active_model(settings).model
    with console.status(f"fitting the model on {len(records)} records..."):
        fitted = with_labels(fit(records, current, seed=seed), labelled)
    training = {"records": total, "sampled": len(records), "seed": seed,
                "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    if labelled:
        training["labelledPairs"] = len(labelled)
        console.print(labels_table(current, fitted, labelled))
    save_model(fitted, path, training)
    stamp = training["at"].replace("-", "").replace(":", "").replace("+0000", "Z")
    version = save_model(fitted, path.parent / "models" / f"{path.stem}-{stamp}.json", training)
    console.print(parameters_table(fitted, f"match model trained on {len(records)} of {total} records"))
    click.echo(f"saved {path} (this version also as {version})")


def labels_table(current: Model, new: Model, labelled: list[LabelledPair]) -> Table:
    """Precision, recall and F1 of the model in use and the new one on the steward's labels."""
    table = Table(title=f"on {len(labelled)} labelled pairs from steward decisions "
                        f"({sum(p.same for p in labelled)} same, {sum(not p.same for p in labelled)} different)")
    for column in ("model", "threshold", "precision", "recall", "F1"):
        table.add_column(column, justify="left" if column == "model" else "right")
    for name, m in (("in use", current), ("new", new)):
        q = quality(m, labelled)
        table.add_row(name, f"{m.threshold:g}", *(f"{v:.3f}" if v is not None else "-"
                                                   for v in (q.precision, q.recall, q.f1)))
    return table


@model.command("labels")
@click.option("--out", type=click.File("w"), default="-", help="NDJSON file (default: standard output).")
def export_labels(out) -> None:
    """Export the labelled pairs steward decisions left (for audit): one JSON object per line."""
    settings = config.load()
    with store_for_command(settings) as store:
        try:
            rows = steward_labels.export(store)
        except StoreUnavailable as exc:
            raise became_unreachable(exc) from exc
    for row in rows:
        out.write(json.dumps(row, sort_keys=True) + "\n")
    click.echo(f"{len(rows)} labelled pairs", err=True)


@model.command("show")
def show() -> None:
    """Print the model in use and where it comes from (a trained file or the shipped default)."""
    current = active_model(config.load())
    origin = "trained" if current.trained else "shipped default"
    console.print(parameters_table(current.model, f"match model in use ({origin})"))
    click.echo(f"{origin}: {current.path}")
