"""Statistic twins against the majority class, on generated customers held out as visitors (issue 16).

    python -m bench.twins [--people 5000] [--seed 7] [--noise 0.25] [--holdout 0.2]

Known customers are generated with planted signal and planted noise (graph/demo/behaviour.py); a
random `--holdout` share lose their identity and become visitors: the model never sees them. For each
visitor and target the twins give a leading value and its share; visitors are ranked by that share
and precision is printed at each coverage level (the share of visitors answered, most confident
first), beside the majority-class baseline (the training set's commonest value, for everyone).
Intention is the category of the visitor's next purchase, predicted from its behaviour before it.
Then the same on customers whose behaviour carries no signal: at the default confidence the twins
must abstain (coverage near zero), not guess.
"""
from __future__ import annotations

import argparse
import math
import random
import time
from collections import Counter

from rich.console import Console
from rich.table import Table

from graph.demo.behaviour import Customer, behaviour_population
from graph.twins.features import profile
from graph.twins.labels import intention_split
from graph.twins.model import Example, Outcome, TwinModel, TwinSettings

COVERAGES = (0.05, 0.1, 0.2, 0.3, 0.5, 1.0)
console = Console(width=140)


def example(customer: Customer) -> tuple[Example, dict[str, str]]:
    """The customer as training sees them: behaviour before the last purchase, labels and intention."""
    history, intention = intention_split(customer.events)
    as_of = max(e["at"] for e in customer.events)
    labels = dict(customer.segments) | ({"intention": intention} if intention else {})
    return Example(profile(history, as_of), labels), labels


def evaluate(people: int, seed: int, noise: float, holdout: float, signal: bool) -> dict:
    customers = behaviour_population(people, seed, noise=noise, signal=signal)
    random.Random(seed).shuffle(customers)
    cut = int(len(customers) * (1 - holdout))
    started = time.perf_counter()
    model = TwinModel.fit([example(c)[0] for c in customers[:cut]], TwinSettings())
    fitted = time.perf_counter() - started
    visitors = [example(c) for c in customers[cut:]]
    started = time.perf_counter()
    outcomes = [{o.target: o for o in found} for found in model.predict_many([ex.profile for ex, _ in visitors])]
    per_visitor_ms = (time.perf_counter() - started) / len(visitors) * 1000
    truths = [labels for _, labels in visitors]
    return {"model": model, "fit_s": fitted, "predict_ms": per_visitor_ms,
            "results": {t: _curve(model, t, outcomes, truths) for t in sorted(model.labels)}}


def _curve(model: TwinModel, target: str, outcomes: list[dict[str, Outcome]], truths: list[dict]) -> dict:
    pairs = [(o[target], truth.get(target)) for o, truth in zip(outcomes, truths, strict=True) if truth.get(target)]
    majority = max(model.priors[target].items(), key=lambda kv: kv[1])[0]
    baseline = sum(truth == majority for _, truth in pairs) / len(pairs)
    ranked = sorted(pairs, key=lambda p: (-p[0].probability, -p[0].share))   # calibration has plateaus
    at = {}
    for coverage in COVERAGES:
        top = ranked[:max(1, math.ceil(coverage * len(ranked)))]
        at[coverage] = sum(o.value == truth for o, truth in top) / len(top)
    answered = [(o, truth) for o, truth in pairs if o.answered]
    return {"n": len(pairs), "majority": majority, "baseline": baseline, "at": at,
            "coverage": len(answered) / len(pairs),
            "precision": sum(o.value == t for o, t in answered) / len(answered) if answered else None}


def _table(title: str, run: dict) -> Table:
    table = Table(title=title)
    table.add_column("target")
    table.add_column("baseline (majority)")
    for coverage in COVERAGES:
        table.add_column(f"@{coverage:.0%}", justify="right")
    table.add_column("default confidence: coverage / precision", justify="right")
    for target, r in run["results"].items():
        default = f"{r['coverage']:.1%} / " + (f"{r['precision']:.1%}" if r["precision"] is not None else "-")
        table.add_row(target, f"{r['baseline']:.1%} ({r['majority']})",
                      *(f"{r['at'][c]:.1%}" for c in COVERAGES), default)
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--noise", type=float, default=0.25)
    parser.add_argument("--holdout", type=float, default=0.2)
    args = parser.parse_args()
    for signal in (True, False):
        run = evaluate(args.people, args.seed, args.noise, args.holdout, signal)
        model = run["model"]
        kind = f"signal, {args.noise:.0%} noise" if signal else "no signal"
        console.print(_table(f"Twins precision by coverage, {kind}: {args.people} customers, "
                             f"{args.holdout:.0%} held out as visitors (model {model.version})", run))
        console.print(f"fit {run['fit_s']:.2f} s, predict {run['predict_ms']:.2f} ms per visitor (all targets); "
                      f"k={model.settings.k}, default confidence {model.settings.confidence}, z={model.settings.z}")
        answered = Counter(t for t, r in run["results"].items() if r["coverage"] > 0)
        if not signal:
            console.print("coverage at the default confidence, no signal: " + ", ".join(
                f"{t} {r['coverage']:.1%}" for t, r in run["results"].items()) + f" ({len(answered)} targets > 0)")


if __name__ == "__main__":
    main()
