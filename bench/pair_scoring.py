"""Benchmark: CPU per scored pair, the plain path (``Model.score``) against ingestion's (``Scorer``).

    python -m bench.pair_scoring [--people 1500] [--seed 7] [--runs 5]

The pairs are the ones resolution scores on bench/ingest_whois.py's data: the generated hotel-chain
records (households, typos, moves), parsed as ingestion parses them, every two records that share a
stored blocking key that is no hub. The plain path compares and weighs each pair from the raw match
fields; the Scorer prepares each record's keys once and weighs each level vector once, as an
ingest chunk does (a new Scorer every run). Process CPU time, so the figures survive a loaded
machine better than wall time; median of --runs. Both paths must give the same weights: checked.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path

from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))   # run as a script from anywhere
from graph.config import Settings  # noqa: E402
from graph.demo import hotel_chain  # noqa: E402
from graph.matching import match_input  # noqa: E402
from graph.matching.clustering import capped  # noqa: E402
from graph.resolution.blocking import block_keys, is_hub  # noqa: E402
from graph.resolution.ingest import default_model  # noqa: E402
from graph.resolution.linkage import Scorer  # noqa: E402
from service.parsing import parse_record  # noqa: E402

console = Console()


def scored_pairs(people: int, seed: int) -> tuple[list[dict], list[tuple[int, int]]]:
    settings = Settings()
    fields = []
    for n, item in enumerate(hotel_chain.generate(seed=seed, extra_people=people).records):
        record, _ = parse_record(n, item, settings)
        if record is not None:   # as stored: the JSON text read back
            fields.append(match_input.loads(match_input.dumps(match_input.match_fields(record))))
    holders: dict[str, list[int]] = defaultdict(list)
    for n, record in enumerate(fields):
        for key in block_keys(record).values():
            holders[key].append(n)
    pairs = {pair for group in holders.values() if not is_hub(len(group)) for pair in combinations(group, 2)}
    return fields, sorted(pairs)


def _timed(work) -> tuple[float, list[float]]:
    start = time.process_time()
    result = work()
    return time.process_time() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    fields, pairs = scored_pairs(args.people, args.seed)
    model = default_model(Settings())
    keys = [str(n) for n in range(len(fields))]

    def plain() -> list[float]:
        return [capped(model.score(fields[a], fields[b]).match_weight) for a, b in pairs]

    def scorer() -> list[float]:
        s = Scorer(model)
        return [s.log2_odds(keys[a], fields[a], keys[b], fields[b]) for a, b in pairs]

    times: dict[str, list[float]] = {"Model.score": [], "Scorer": []}
    for _ in range(args.runs):   # alternating, so both see the same machine
        for name, work in (("Model.score", plain), ("Scorer", scorer)):
            seconds, weights = _timed(work)
            times[name].append(seconds)
            if name == "Model.score":
                expected = weights
            elif weights != expected:
                raise SystemExit("the Scorer's weights differ from Model.score's")
    table = Table(title=f"{len(pairs):,} scored pairs of {len(fields):,} records (median of {args.runs})")
    for column in ("Path", "CPU us per pair", "CPU s"):
        table.add_column(column, justify="right")
    for name, values in times.items():
        median = statistics.median(values)
        table.add_row(name, f"{median * 1e6 / len(pairs):.1f}", f"{median:.3f}")
    console.print(table)
    ratio = statistics.median(times["Model.score"]) / statistics.median(times["Scorer"])
    console.print(f"Scorer is {ratio:.2f}x faster per pair, same weights")


if __name__ == "__main__":
    main()
