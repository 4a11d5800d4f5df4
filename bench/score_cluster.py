"""Benchmark: the in-memory part of `idgraph resolve --all` (score + cluster + plan), no store.

    python bench/score_cluster.py [--records 50000] [--seed 1] [--runs 3] [--households]

Builds the records as resolve --all reads them back (bench/messy.py's batch_record) from
bench/resolve_all.py's generator, then times graph.resolution.batch.resolve_with_review and plan,
the phase bench/resolve_all.py calls score+cluster. Prints each run and the median in wall and CPU
seconds (CPU holds up better on a shared machine), candidate pairs per record, this process's memory
growth per record, the pairwise F1 against the generator's truth, and the 1-minute load average
beside each run.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from itertools import count
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.febrl import _baseline_mb, _status_mb  # noqa: E402
from bench.messy import batch_record  # noqa: E402
from bench.resolve_all import generate, pairwise, truth_pairs  # noqa: E402
from graph.matching.defaults import load_default_model  # noqa: E402
from graph.matching.relatives_share import address_odds, fitted_to  # noqa: E402
from graph.resolution.batch import candidate_pairs, plan, resolve_with_review  # noqa: E402
from graph.resolution.blocking import BLOCK_DEGREE_CAP  # noqa: E402
from graph.resolution.decision import Thresholds  # noqa: E402
from graph.resolution.linkage import Scorer  # noqa: E402


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--records", type=int, default=50_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--households", action="store_true", help="families at one address, shared landlines, twins")
    args = p.parse_args(argv)
    population = generate(args.records, args.seed, args.households)
    records = [batch_record(n, fields) for n, (fields, _) in enumerate(population)]
    model = load_default_model().at_scale(len(records))     # as resolve_all does
    model = fitted_to(model, address_odds(model, [r.fields for r in records], BLOCK_DEGREE_CAP))
    ids = count()
    seconds, cpu, kb = [], [], []
    for run in range(1, args.runs + 1):
        baseline, started, used = _baseline_mb(), time.perf_counter(), time.process_time()
        resolved = resolve_with_review(records, Scorer(model, remember=False), Thresholds(match=model.threshold))
        plan(records, resolved.clusters, lambda: f"p{next(ids)}", resolved.review)
        seconds.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
        kb.append((_status_mb("VmHWM") - baseline) * 1024 / len(records))
        print(f"run {run}: score+cluster {seconds[-1]:.1f} s ({cpu[-1]:.1f} s CPU), {kb[-1]:.1f} KB/record, "
              f"load {os.getloadavg()[0]:.1f}", flush=True)
    by_ident, by_block = candidate_pairs(records)
    groups = {key: n for n, members in enumerate(resolved.clusters) for key in members}
    precision, recall, f1 = pairwise(groups, truth_pairs(population))
    print(f"{len(records)} records (seed {args.seed}, {'households' if args.households else 'no households'}): "
          f"median score+cluster {statistics.median(seconds):.1f} s ({statistics.median(cpu):.1f} s CPU) "
          f"over {args.runs} runs; "
          f"{(len(by_ident) + len(by_block)) / len(records):.1f} candidate pairs/record; "
          f"{statistics.median(kb):.1f} KB/record; P/R/F1 {precision:.4f} / {recall:.4f} / {f1:.4f}; "
          f"{len(resolved.clusters)} clusters, {len(resolved.review)} in the review band")
    return 0


if __name__ == "__main__":
    sys.exit(main())
