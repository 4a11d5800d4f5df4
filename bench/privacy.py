"""Benchmark: what purpose filtering, provenance, subject access and erasure cost.

    python -m bench.privacy [--engine arcadedb|neo4j] [--people 300] [--sample 100] [--runs 3] [--erasures 30]
                            [--seed 7]

Starts a private server of --engine (bench/private_server.py: temp dir, free loopback ports), loads the demo
data through
the API's path (parse_record + ingest), runs the analytics refresh (households, scores), then
times, in read transactions like the API's:
- the person view for `service` (nothing withheld) and for `marketing` (records without a grant
  withheld), over `--sample` persons, `--runs` times (the median run is quoted);
- the privacy read inside that view alone (consent changes, households, POSSIBLY_SAME: one query);
- the subject access export;
- the suppression check of a 200-record batch (one query), after the erasures;
- erasure of `--erasures` persons (each once: it is destructive).
Prints a table and one JSON line. Everything is stopped at the end, also on Ctrl-C.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import random
import statistics
import time

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bench.private_server import add_engine_option, private_server
from graph.demo import hotel_chain
from graph.privacy import rights, suppression
from graph.reads.views import person_view
from graph.relationships.refresh import refresh
from graph.resolution.ingest import ingest
from graph.store import queries_privacy
from service.parsing import parse_record

console = Console(stderr=True)


def _ms(seconds: list[float]) -> dict:
    ordered = sorted(seconds)
    return {"median_ms": round(1000 * statistics.median(ordered), 2),
            "p90_ms": round(1000 * ordered[int(0.9 * (len(ordered) - 1))], 2), "n": len(ordered)}


def _timed(fn, *args) -> float:
    t0 = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t0


def _privacy_reads(tx, person_id: str) -> None:
    tx.run(queries_privacy.PERSON_PRIVACY_FACTS, personId=person_id).consume()


def load(store, settings, records: list[dict], progress: Progress) -> None:
    task = progress.add_task("ingest", total=len(records))
    for start in range(0, len(records), 200):
        batch = [parse_record(n, item, settings)[0] for n, item in enumerate(records[start:start + 200])]
        ingest(store, settings, [r for r in batch if r])
        progress.advance(task, len(batch))


def time_reads(store, person_ids: list[str], runs: int, progress: Progress) -> dict:
    """Each read over every sampled person, `runs` times; the run with the median total is kept."""
    reads = {"view.service": lambda pid: store.read(person_view, pid, None, "service"),
             "view.marketing": lambda pid: store.read(person_view, pid, None, "marketing"),
             "privacy read only": lambda pid: store.read(_privacy_reads, pid),
             "export": lambda pid: store.read(rights.export, pid)}
    out = {}
    for name, read in reads.items():
        task = progress.add_task(name, total=runs * len(person_ids))
        per_run = []
        for _ in range(runs):
            times = []
            for pid in person_ids:
                times.append(_timed(read, pid))
                progress.advance(task)
            per_run.append(times)
        out[name] = _ms(sorted(per_run, key=sum)[len(per_run) // 2])
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--people", type=int, default=300)
    p.add_argument("--sample", type=int, default=100)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--erasures", type=int, default=30)
    p.add_argument("--seed", type=int, default=7)
    add_engine_option(p)
    args = p.parse_args(argv)
    with contextlib.ExitStack() as stack:
        with console.status(f"starting a private {args.engine} server..."):
            server = stack.enter_context(private_server("idgraph-bench-privacy-", engine=args.engine))
        settings = server.settings()
        store = server.connect()
        stack.callback(store.close)
        records = hotel_chain.generate(seed=args.seed, extra_people=args.people).records
        columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console) as progress:
            load(store, settings, records, progress)
            with console.status("analytics refresh..."):
                refresh(store)
            active = store.query("MATCH (p:Person {status: 'active'}) RETURN p.personId AS personId")
            pids = [r["personId"] for r in active]
            rng = random.Random(args.seed)
            sample = rng.sample(pids, min(args.sample, len(pids)))
            result = {"bench": "privacy", "records": len(records), "persons": len(pids), "params": vars(args),
                      "reads": time_reads(store, sample, args.runs, progress)}
            victims = rng.sample([x for x in pids if x not in sample], min(args.erasures, len(pids) - len(sample)))
            task = progress.add_task("erase", total=len(victims))
            erase_times = []
            for pid in victims:
                erase_times.append(_timed(rights.erase, store, settings, pid, "bench", "privacy"))
                progress.advance(task)
        result["erase"] = _ms(erase_times)
        batch = [parse_record(n, item, settings)[0] for n, item in enumerate(records[:200])]
        screen_times = [_timed(suppression.screen, store, settings, [(n, records[n], r) for n, r in enumerate(batch)])
                        for _ in range(max(args.runs, 5))]
        result["suppression_screen_200"] = _ms(screen_times)
        report(result)
        print(json.dumps(result))
        return 0


def report(result: dict) -> None:
    params = result["params"]
    table = Table(title=f"{params['engine']}: privacy: {result['records']} records, {result['persons']} persons")
    for column in ("what", "median ms", "p90 ms", "n"):
        table.add_column(column, justify="left" if column == "what" else "right")
    rows = {**result["reads"], "erase (one person)": result["erase"],
            "suppression check, 200 records": result["suppression_screen_200"]}
    for name, figures in rows.items():
        table.add_row(name, str(figures["median_ms"]), str(figures["p90_ms"]), str(figures["n"]))
    console.print(table)


if __name__ == "__main__":
    raise SystemExit(main())
