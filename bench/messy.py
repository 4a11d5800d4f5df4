"""idgraph against Splink on messy generated customers (issue 13): pairwise F1 on the same records.

    python -m bench.messy [--people 1000] [--seed 1] [--shipped-model] [--no-splink] [--compare-rules]

The records are graph.demo.population's ``messy=True`` population: five to ten records per person,
each with one to three errors (typos in names, e-mails and streets, nicknames, twins whose
formal names share a diminutive, wrong and missing dates, town-only and postcode-only addresses,
moves, marriages), fields missing often. Both sides fit their model on these records without
labels in the same run, as an operator onboarding a new source would:

- idgraph: ``fit`` from the shipped model (what `idgraph model train` does on the stored
  records), then the batch resolution `idgraph resolve --all` runs (graph/resolution/batch.py:
  stored blocking keys, shared identifiers as certain pairs, clustering with the conflict
  protections), in memory, without a store (bench/messy_api.py goes through the API);
- Splink 5 (DuckDB): bench/splink_person.py's settings and training (the comparisons, blocking,
  training and threshold its documentation recommends for person data with e-mail, phone and
  address; the same as bench/resolve_all.py gives it), printed with what it learnt.
"""
from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import time

from rich.console import Console
from rich.table import Table

from bench.resolve_all import pairwise, truth_pairs
from graph.demo.population import generate_population
from graph.matching import fit
from graph.matching.defaults import load_default_model
from graph.matching.text import fold
from graph.model import Identifier
from graph.resolution.batch import BatchRecord, candidate_pairs, resolve
from graph.resolution.blocking import block_keys
from graph.resolution.conflicts import Facts
from graph.resolution.linkage import Scorer

console = Console()
STITCHING = ("email", "phone", "nationalId")


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:      # a corrupted month 13: intake would set it aside
        return None


def batch_record(n: int, fields: dict) -> BatchRecord:
    """A generated record as `resolve --all` reads one back from the store."""
    holdings = tuple(Identifier(kind, fields[kind], f"{kind}:{fields[kind]}", {}, None, None)
                     for kind in STITCHING if fields.get(kind))
    born = _date(fields.get("birthDate"))
    facts = Facts({fold(fields["given"])} if fields.get("given") else set(), {born} if born else set(),
                  {fields["nationalId"]} if fields.get("nationalId") else set(),
                  {fold(fields["family"])} if fields.get("family") else set())
    return BatchRecord(f"synthetic/{n}", None, "", fields, frozenset(block_keys(fields).values()), facts, holdings)


def scores(clusters, population, started: float) -> dict:
    groups = {key: n for n, members in enumerate(clusters) for key in members}
    precision, recall, f1 = pairwise(groups, truth_pairs(population))
    return {"precision": precision, "recall": recall, "f1": f1, "seconds": time.perf_counter() - started}


def blocking_recall(records: list[BatchRecord], population) -> tuple[float, int]:
    """(share of the true pairs that are candidate pairs, candidate pairs): what resolution can
    ever score, by shared identifier or blocking key (hubs skipped, as `resolve --all` does)."""
    by_ident, by_block = candidate_pairs(records)
    found = {frozenset((records[i].key, records[j].key)) for i, j in by_ident | by_block}
    truth = truth_pairs(population)
    return len(found & truth) / len(truth), len(found)


def run_idgraph(population, shipped: bool) -> dict:
    started = time.perf_counter()
    fields = [f for f, _ in population]
    model = load_default_model() if shipped else fit(fields, load_default_model())
    records = [batch_record(n, f) for n, f in enumerate(fields)]
    clusters = resolve(records, Scorer(model, remember=False), model.threshold)
    recall, candidates = blocking_recall(records, population)
    return scores(clusters, population, started) | {"blocking recall": recall, "candidate pairs": candidates}


# issue 13's blocking rules, and the join rule: with CONTRADICTION_ODDS at +inf join_odds is the mean
NEW_RULES = ("familySoundPostcode", "givenSoundTown", "familySoundBirthday", "emailLocalPart")


def compare_rules(population) -> None:
    """idgraph (model train + resolve --all, in memory) with the mean join rule and the blocking before
    issue 13, with the new blocking, then with the new join rule too: what each change brings."""
    import math

    from graph.matching import clustering
    from graph.resolution import blocking

    stored, contradiction = blocking.STORED_RULES, clustering.CONTRADICTION_ODDS
    before = tuple(rule for rule in stored if rule.name not in NEW_RULES)
    table = Table(title=f"what issue 13's changes bring: {len(population)} messy records")
    for column in ("join rule", "blocking", "candidate pairs", "blocking recall", "precision", "recall", "F1"):
        table.add_column(column, justify="left" if column in ("join rule", "blocking") else "right")
    try:
        for rule, label, rules, odds in (("mean", "before", before, math.inf), ("mean", "issue 13", stored, math.inf),
                                  ("best link unless contradicted", "issue 13", stored, contradiction)):
            blocking.STORED_RULES, clustering.CONTRADICTION_ODDS = rules, odds
            o = run_idgraph(population, shipped=False)
            table.add_row(rule, label, f"{o['candidate pairs']:,}", f"{o['blocking recall']:.4f}",
                          f"{o['precision']:.4f}", f"{o['recall']:.4f}", f"{o['f1']:.4f}")
    finally:
        blocking.STORED_RULES, clustering.CONTRADICTION_ODDS = stored, contradiction
    console.print(table)


def run_splink(population) -> dict:
    """Splink with bench/splink_person.py's settings, fitted on these records (no labels), clustered at
    its threshold; what it learnt is printed."""
    import pandas

    from bench import splink_person

    frame = pandas.DataFrame([{"rec_id": f"synthetic/{n}", **splink_person.frame_row(f)}
                              for n, (f, _) in enumerate(population)])
    started = time.perf_counter()
    clustered, learnt = splink_person.clusters(frame)
    clusters = clustered.groupby("cluster_id")["rec_id"].apply(list)
    return scores(clusters, population, started) | {"learnt": learnt}


def show_splink(theirs: dict) -> None:
    from bench import splink_person

    console.print_json(data={"splinkSettings": splink_person.describe(), "threshold": splink_person.THRESHOLD,
                             "splinkLearnt": theirs.pop("learnt", None)})


def _in_fresh_process(function, *args) -> dict:
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(function, args)


def report(population, ours: dict, theirs: dict, label: str) -> None:
    people = len({p for _, p in population})
    table = Table(title=f"messy generated customers: {len(population)} records of {people} people")
    for column in ("system", "precision", "recall", "F1", "seconds"):
        table.add_column(column, justify="left" if column == "system" else "right")
    for name, o in ((label, ours), ("Splink 5 (DuckDB)", theirs)):
        table.add_row(name, f"{o['precision']:.4f}", f"{o['recall']:.4f}", f"{o['f1']:.4f}", f"{o['seconds']:.1f}")
    console.print(table)
    console.print(f"idgraph blocking: {ours['candidate pairs']:,} candidate pairs for {len(population):,} records, "
                  f"{ours['blocking recall']:.4f} of the true pairs among them")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--shipped-model", action="store_true",
                        help="idgraph resolves with the shipped model, untrained")
    parser.add_argument("--no-splink", action="store_true")
    parser.add_argument("--compare-rules", action="store_true",
                        help="idgraph only, with the join rule and blocking before issue 13 and after")
    args = parser.parse_args(argv)
    population = generate_population(args.people, args.seed, messy=True)
    if args.compare_rules:
        compare_rules(population)
        return
    ours = run_idgraph(population, args.shipped_model)
    label = "idgraph resolve --all" + (" (shipped model)" if args.shipped_model else " (model train)")
    theirs = {"precision": 0, "recall": 0, "f1": 0, "seconds": 0}
    if not args.no_splink:
        theirs = _in_fresh_process(run_splink, population)
        show_splink(theirs)
    report(population, ours, theirs, label)


if __name__ == "__main__":
    main()
