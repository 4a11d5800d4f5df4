"""Benchmark: `idgraph resolve --all` on generated records, optionally against Splink on the same records.

    python bench/resolve_all.py [--engine arcadedb|neo4j] [--records 50000] [--seed 1] [--splink]
                                [--no-households] [--keep-dir]

Starts a private server of --engine (bench/private_server.py), loads graph.demo.population's population (as API records,
normalised like ingestion, each record its own Person, identifier links written) with UNWIND
batches, then times graph.resolution.resolve_all.resolve_all: read every record in pages, score candidate
pairs, cluster, write what changed. Prints seconds per phase and the pairwise precision, recall
and F1 against the generator's truth, and memory per record (this process's growth during the
resolve and the server's peak RSS). --splink also runs Splink 5 (DuckDB) on the same records in a
fresh process, given the same fields with the comparisons, blocking and training its documentation
recommends for person data (bench/splink_person.py, printed), and prints its time, scores and
memory per record, and what its training learnt (m, u, bits per level). Times are compared only
where Splink's F1 is at least 0.9. On the generator's households (a family at one address with one
landline, twins) Splink stays below that (bench/splink_person.py says why); --no-households makes a
population where everyone lives alone, on which it resolves well, so that its time can be compared.
The 1-minute load average is printed beside the figures (the machine may be shared).
"""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import json
import os
import sys
import time
from itertools import combinations
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.private_server import add_engine_option, peak_rss_mb, private_server  # noqa: E402
from graph.demo.population import generate_population  # noqa: E402
from graph.demo.population_records import api_record  # noqa: E402
from graph.intake.records import build_record  # noqa: E402
from graph.matching import match_input  # noqa: E402
from graph.resolution.blocking import block_keys  # noqa: E402
from graph.resolution.ingest import new_person_id, record_props, write_identifiers  # noqa: E402
from graph.resolution.resolve_all import resolve_all  # noqa: E402
from graph.store import queries_ingest  # noqa: E402

console = Console(width=None if sys.stdout.isatty() else 130)
PIECE = 2000
FAIR_F1 = 0.9        # times are compared only where Splink resolves this well


def _bar() -> Progress:
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console)


def generate(records: int, seed: int, households: bool = True) -> list[tuple[dict, int]]:
    """About `records` (fields, true person) pairs: the generator makes ~1.55 records per person."""
    rows = generate_population(max(1, int(records / 1.55)), seed, households=households)
    return rows[:records]


def _as_validated(item: dict) -> dict:
    """The API record as RecordSchema would hand it on (dates parsed), without its cost."""
    data = dict(item, observedAt=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    if "birthDate" in data:
        data["birthDate"] = dt.date.fromisoformat(data["birthDate"])
    data["identifiers"] = [dict(i, validFrom=None, validTo=None) for i in data.get("identifiers", [])]
    data["addresses"] = [dict(a, validFrom=None, validTo=None) for a in data.get("addresses", [])]
    return data


def load(store, settings, population: list[tuple[dict, int]]) -> None:
    with _bar() as bar:
        task = bar.add_task("loading records (unresolved)", total=len(population))
        for start in range(0, len(population), PIECE):
            records = [build_record(_as_validated(api_record(n, fields)), settings)
                       for n, (fields, _) in enumerate(population[start:start + PIECE], start=start)]
            rows = []
            for seq, record in enumerate(records):
                fields = match_input.match_fields(record)
                props = record_props(record, fields, block_keys(fields))
                rows.append({"key": record.key, "personId": new_person_id(), "seq": seq,
                             "props": {k: v for k, v in props.items() if v is not None}})
            # addresses are household evidence: resolution reads them from matchFields only
            linked = [dataclasses.replace(r, identifiers=tuple(i for i in r.identifiers if i.kind != "address"))
                      for r in records]

            def work(tx, rows=rows, linked=linked):
                tx.run(queries_ingest.BENCH_LOAD_RECORDS, rows=rows).consume()
                write_identifiers(tx, linked, set())
            store.write(work)
            bar.advance(task, len(records))


def pairwise(groups: dict[str, object], truth: set[frozenset]) -> tuple[float, float, float]:
    members: dict = {}
    for key, group in groups.items():
        members.setdefault(group, []).append(key)
    found = {frozenset(p) for m in members.values() for p in combinations(sorted(m), 2)}
    hits = len(found & truth)
    precision, recall = (hits / len(found) if found else 0.0), (hits / len(truth) if truth else 0.0)
    return precision, recall, (2 * precision * recall / (precision + recall) if hits else 0.0)


def truth_pairs(population) -> set[frozenset]:
    people: dict[int, list[str]] = {}
    for n, (_, person) in enumerate(population):
        people.setdefault(person, []).append(f"synthetic/{n}")
    return {frozenset(p) for m in people.values() for p in combinations(m, 2)}


class _Phases:
    def __init__(self, bar: Progress):
        self.bar, self.tasks, self.started = bar, {}, {}

    def __call__(self, phase: str, advance: int, total) -> None:
        if phase not in self.tasks:
            self.tasks[phase] = self.bar.add_task(phase, total=total)
            self.started.setdefault(phase, time.perf_counter())     # read: set before its first page
        self.bar.advance(self.tasks[phase], advance)


def run_resolve(store, settings, population) -> dict:
    from bench.febrl import _baseline_mb, _status_mb
    baseline = _baseline_mb()
    with _bar() as bar:
        phases = _Phases(bar)
        t0 = time.perf_counter()
        phases.started["read"] = t0      # its first report comes after the first page
        summary = resolve_all(store, settings, progress=phases)
        seconds = time.perf_counter() - t0
    work_mb = _status_mb("VmHWM") - baseline
    persons = store.query("MATCH (r:SourceRecord)-[:DESCRIBES]->(p:Person) RETURN r.recordKey AS r, p.personId AS p")
    p, r, f1 = pairwise({row["r"]: row["p"] for row in persons}, truth_pairs(population))
    marks = sorted(phases.started.items(), key=lambda kv: kv[1]) + [("end", t0 + seconds)]
    split = {name: round(marks[i + 1][1] - at, 2) for i, (name, at) in enumerate(marks[:-1])}
    return {"seconds": round(seconds, 2), "phases_s": split, "summary": dataclasses.asdict(summary),
            "precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4),
            "workMb": round(work_mb, 1), "kbPerRecord": round(work_mb * 1024 / len(population), 2)}


def _splink_in_process(ids: list[str], rows: list[dict], truth: set[frozenset]) -> dict:
    """Splink with bench/splink_person.py's settings and training, timed from the data frame to clusters."""
    import pandas

    from bench import splink_person
    from bench.febrl import _baseline_mb, _status_mb
    frame = pandas.DataFrame([{"rec_id": rec_id, **row} for rec_id, row in zip(ids, rows, strict=True)])
    baseline, started = _baseline_mb(), time.perf_counter()
    clustered, learnt = splink_person.clusters(frame)
    seconds = time.perf_counter() - started
    work_mb = _status_mb("VmHWM") - baseline
    groups = dict(zip(clustered["rec_id"], clustered["cluster_id"], strict=True))
    p, r, f1 = pairwise(groups, truth)
    return {"seconds": round(seconds, 2), "precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4),
            "workMb": round(work_mb, 1), "kbPerRecord": round(work_mb * 1024 / len(ids), 2), "learnt": learnt}


def run_splink(population) -> dict:
    import multiprocessing

    from bench import splink_person
    ids = [f"synthetic/{n}" for n in range(len(population))]
    rows = [splink_person.frame_row(fields) for fields, _ in population]
    console.print_json(data={"splinkSettings": splink_person.describe(), "threshold": splink_person.THRESHOLD})
    doing = f"Splink: training, predicting and clustering {len(rows):,} records (load {load_average()})..."
    with console.status(doing), multiprocessing.get_context("spawn").Pool(1) as pool:   # its own memory
        result = pool.apply(_splink_in_process, (ids, rows, truth_pairs(population)))
    console.print_json(data={"splinkLearnt": result.pop("learnt")})
    return result


def load_average() -> str:
    """The 1-minute load average, to print beside a timing."""
    return f"{os.getloadavg()[0]:.1f}"


def report(result: dict) -> None:
    kind = "" if result["households"] else ", no households"
    table = Table(title=f"{result['engine']}: resolve --all on {result['records']} generated records "
                        f"(seed {result['seed']}{kind})")
    for column in ("system", "seconds", "records/s", "precision", "recall", "F1", "KB/record", "note"):
        table.add_column(column, justify="left" if column in ("system", "note") else "right")
    ours = result["idgraph"]
    table.add_row("idgraph resolve --all", f"{ours['seconds']:.1f}", f"{result['records'] / ours['seconds']:,.0f}",
                  f"{ours['precision']:.4f}", f"{ours['recall']:.4f}", f"{ours['f1']:.4f}",
                  f"{ours['kbPerRecord']:.1f}",
                  ", ".join(f"{k} {v} s" for k, v in ours["phases_s"].items())
                  + f" (read, score+cluster, write); server peak {ours.get('serverPeakMb')} MB")
    if "splink" in result:
        theirs = result["splink"]
        table.add_row("Splink 5 (DuckDB)", f"{theirs['seconds']:.1f}", f"{result['records'] / theirs['seconds']:,.0f}",
                      f"{theirs['precision']:.4f}", f"{theirs['recall']:.4f}", f"{theirs['f1']:.4f}",
                      f"{theirs['kbPerRecord']:.1f}", "in memory, trains its own model; no store")
        fair = theirs["f1"] >= FAIR_F1
        table.add_row("idgraph / Splink", f"{ours['seconds'] / theirs['seconds']:.2f}x" if fair else "-",
                      "", "", "", "", "", "" if fair else f"not compared: Splink's F1 < {FAIR_F1}")
    console.print(table)
    console.print(f"loaded in {result['load_s']} s (not part of the figure); 1-minute load average "
                  + ", ".join(f"{k} {v}" for k, v in result["loadAverage"].items()))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--records", type=int, default=50_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--splink", action="store_true", help="also run Splink on the same records")
    p.add_argument("--no-households", dest="households", action="store_false",
                   help="everyone lives alone: no family at one address, no shared landline, no twins")
    p.add_argument("--keep-dir", action="store_true")
    add_engine_option(p)
    args = p.parse_args(argv)
    with contextlib.ExitStack() as stack:
        with console.status(f"starting a private {args.engine} server..."):
            server = stack.enter_context(private_server("idgraph-resolve-", args.keep_dir, args.engine))
        if args.keep_dir:
            stack.callback(console.print, f"kept {server.workdir}")
        settings = server.settings()
        store = server.connect()
        stack.callback(store.close)
        population = generate(args.records, args.seed, args.households)
        t0 = time.perf_counter()
        load(store, settings, population)
        result = {"bench": "resolve_all", "engine": args.engine, "records": len(population), "seed": args.seed,
                  "households": args.households, "load_s": round(time.perf_counter() - t0, 1),
                  "loadAverage": {"start": load_average()}}
        result["idgraph"] = run_resolve(store, settings, population)
        result["idgraph"]["serverPeakMb"] = peak_rss_mb(server.pid)
        result["loadAverage"]["after idgraph"] = load_average()
        if args.splink:
            result["splink"] = run_splink(population)
            result["loadAverage"]["after Splink"] = load_average()
        report(result)
        print(json.dumps(result, separators=(",", ":")), flush=True)
        return 0


if __name__ == "__main__":
    sys.exit(main())
