"""Benchmark: does answering the review queue, then retraining on the answers, raise pairwise F1?

    python bench/review.py [--engine arcadedb|neo4j] [--records 5000] [--answers 100] [--seed 1]
                           [--order value|probability]

Starts a private server, loads graph.demo.population's generated records (known truth) unresolved
and runs `resolve --all` with the model in use. Then a simulated steward answers the first
--answers pairs of the review queue in its own order (GET /v1/review's use case), each answered
from the truth ("same" when the two shown records are one generated person), which merges or keeps
apart and labels the pair. Then it retrains as `idgraph model train` does (EM on the records, then
the labels) and runs `resolve --all` with the new model. Prints pairwise precision, recall and F1
against the truth after each step, with retraining without the labels beside it (the control:
what the labels themselves add), and both models' quality on the labels.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import random
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.private_server import add_engine_option, private_server  # noqa: E402
from bench.resolve_all import generate, load, pairwise, truth_pairs  # noqa: E402
from graph.errors import NotFound  # noqa: E402
from graph.matching import fit, match_input  # noqa: E402
from graph.matching.model_file import active_model  # noqa: E402
from graph.resolution.decision import Thresholds  # noqa: E402
from graph.resolution.resolve_all import resolve_all  # noqa: E402
from graph.stewardship import labels, review  # noqa: E402
from graph.stewardship.decisions import Steward  # noqa: E402
from graph.stewardship.learning import quality, with_labels  # noqa: E402
from graph.store import queries_explain  # noqa: E402

console = Console(width=None if sys.stdout.isatty() else 130)
STEWARD = Steward("bench", "steward")
SAMPLE = 20_000


def scores(store, truth) -> dict:
    rows = store.query("MATCH (r:SourceRecord)-[:DESCRIBES]->(p:Person) RETURN r.recordKey AS r, p.personId AS p")
    p, r, f1 = pairwise({row["r"]: row["p"] for row in rows}, truth)
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4)}


def answer_queue(store, settings, person_of: dict[str, int], answers: int, order: str) -> dict:
    """Answer the queue from the truth, in its own order, until `answers` pairs are answered."""
    model = active_model(settings).model
    done = {"same": 0, "different": 0, "stale": 0}
    while done["same"] + done["different"] < answers:
        page = store.read(review.queue, order, 50, "", model, Thresholds.of(model))["pairs"]
        if not page:
            break
        for pair in page:
            if done["same"] + done["different"] >= answers:
                break
            same = person_of[pair["a"]["record"]] == person_of[pair["b"]["record"]]
            kind = "same" if same else "different"
            try:
                store.write(review.answer, pair["pairId"], kind, "bench: from the generator's truth", STEWARD)
                done[kind] += 1
            except NotFound:          # an earlier answer in this page merged one of its persons
                done["stale"] += 1
    return done


def sample_fields(store, size: int, seed: int) -> list[dict]:
    rows, cursor = [], ""
    while page := store.query(queries_explain.MATCH_FIELDS_PAGE, cursor=cursor, limit=5000):
        rows += [match_input.loads(r["matchFields"]) for r in page]
        cursor = page[-1]["key"]
    random.Random(seed).shuffle(rows)
    return rows[:size]


def run(store, settings, population, args) -> dict:
    truth = truth_pairs(population)
    person_of = {f"synthetic/{n}": person for n, (_, person) in enumerate(population)}
    current = active_model(settings).model
    out: dict = {}
    with console.status("resolve --all with the model in use..."):
        resolve_all(store, settings, current)
    out["before"] = scores(store, truth)
    out["queue"] = store.read(review.queue, args.order, 1, "", current, Thresholds.of(current))["total"]
    with console.status(f"answering {args.answers} pairs of the queue ({args.order} first)..."):
        out["answered"] = answer_queue(store, settings, person_of, args.answers, args.order)
    out["afterAnswers"] = scores(store, truth)
    labelled = labels.labelled_pairs(store)
    with console.status("retraining (EM on the records, then the labels)..."):
        fitted = fit(sample_fields(store, SAMPLE, args.seed), current, seed=args.seed)
        learned = with_labels(fitted, labelled)
    out["labels"] = {"pairs": len(labelled), "inUse": quality(current, labelled).to_dict(),
                     "emOnly": quality(fitted, labelled).to_dict(), "emAndLabels": quality(learned, labelled).to_dict()}
    out["thresholds"] = {"inUse": current.threshold, "emOnly": fitted.threshold, "emAndLabels": learned.threshold}
    with console.status("resolve --all, retrained without the labels (control)..."):
        resolve_all(store, settings, fitted)
    out["retrainedWithoutLabels"] = scores(store, truth)
    with console.status("resolve --all, retrained with the labels..."):
        resolve_all(store, settings, learned)
    out["retrainedWithLabels"] = scores(store, truth)
    return out


def report(result: dict) -> None:
    r = result["run"]
    table = Table(title=f"{result['engine']}: {result['records']} generated records (seed {result['seed']}), "
                        f"{sum(r['answered'][k] for k in ('same', 'different'))} review answers "
                        f"({r['answered']['same']} same, {r['answered']['different']} different) "
                        f"of {r['queue']} queued, {result['order']} first")
    for column in ("step", "precision", "recall", "F1"):
        table.add_column(column, justify="left" if column == "step" else "right")
    for label, key in (("resolve --all, model in use", "before"), ("after the answers (constraints)", "afterAnswers"),
                       ("retrained without labels + resolve --all", "retrainedWithoutLabels"),
                       ("retrained with labels + resolve --all", "retrainedWithLabels")):
        s = r[key]
        table.add_row(label, f"{s['precision']:.4f}", f"{s['recall']:.4f}", f"{s['f1']:.4f}")
    console.print(table)
    q = r["labels"]
    console.print(f"on the {q['pairs']} labelled pairs: F1 in use {q['inUse']['f1']}, EM only {q['emOnly']['f1']}, "
                  f"EM + labels {q['emAndLabels']['f1']}; thresholds {r['thresholds']}")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--records", type=int, default=5000)
    p.add_argument("--answers", type=int, default=100)
    p.add_argument("--order", choices=("value", "probability"), default="value")
    p.add_argument("--seed", type=int, default=1)
    add_engine_option(p)
    args = p.parse_args(argv)
    with contextlib.ExitStack() as stack:
        with console.status(f"starting a private {args.engine} server..."):
            server = stack.enter_context(private_server("idgraph-review-", False, args.engine))
        settings = server.settings()
        store = server.connect()
        stack.callback(store.close)
        population = generate(args.records, args.seed)
        load(store, settings, population)
        result = {"bench": "review", "engine": args.engine, "records": len(population), "seed": args.seed,
                  "order": args.order, "answers": args.answers, "run": run(store, settings, population, args)}
    report(result)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
