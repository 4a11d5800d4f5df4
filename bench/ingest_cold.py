"""Benchmark: where a fresh server's first ingest runs spend their time, statement by statement.

    python bench/ingest_cold.py [--engine arcadedb|neo4j] [--people 300] [--runs 3] [--show 4]
                                [--neo4j-config KEY=VALUE ...]

Starts its own server (bench/private_server.py), then ingests ingest_whois.py's demo data --runs
times, clearing the graph before each run as ingest_whois.py does; the first run is the cold one
(`python bench/engines.py --benches ingest_whois` reports it as the first warm-up run). Prints, per
run, records/s and the server's and this process's CPU per record, and for the first --show
transactions of the first run (one of each later run) the client-side time of each statement. On
Neo4j it also counts the plans its query cache discarded as stale (debug.log: the graph's
statistics changed, so the next call re-plans). --neo4j-config adds settings to Neo4j's config to
try one (e.g. dbms.cypher.min_replan_interval=1h). Parsing runs in a thread, so the client CPU
figure includes it.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rich.console import Console  # noqa: E402

from bench import ingest_whois as bw  # noqa: E402
from bench.private_server import add_engine_option, private_server  # noqa: E402
from graph.store.engines import neo4j_server  # noqa: E402

console = Console()


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_engine_option(p)
    p.add_argument("--people", type=int, default=300,
                   help="ordinary customers besides the scenarios (300: 604 records)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--runs", type=int, default=3, help="ingest runs on the one server, the graph cleared before each")
    p.add_argument("--show", type=int, default=4, help="transactions of the first run shown statement by statement")
    p.add_argument("--neo4j-config", nargs="*", default=[], metavar="KEY=VALUE",
                   help="extra Neo4j settings, to try one")
    return p.parse_args(argv)


def _with_neo4j_config(extra: dict[str, str]) -> None:
    base = neo4j_server.Neo4jServer.config
    neo4j_server.Neo4jServer.config = lambda self: {**base(self), **extra}   # type: ignore[method-assign]


def _stale_plans(workdir: Path) -> int | None:
    logs = list(workdir.glob("**/debug.log"))
    return sum(text.count("Discarded stale query") for text in (log.read_text(errors="replace") for log in logs)) \
        if logs else None


def _statements(events: list[tuple[int, str, float]], tx_no: int) -> str:
    mine = sorted(((name, s) for n, name, s in events if n == tx_no), key=lambda e: -e[1])
    return f"tx {tx_no}: {1000 * sum(s for _, s in mine):.0f} ms: " + ", ".join(
        f"{name.removeprefix('ingest.')} {1000 * s:.0f}" for name, s in mine[:8])


def one_run(store, settings, server, records: list[dict], shown: int) -> None:
    bw.clear(store)
    bw.settle(server.pid)
    timing = bw.QueryTimingStore(store)
    cpu0, srv0 = time.process_time(), bw._proc_cpu_seconds(server.pid)
    res = bw.ingest_all(timing, settings, records, 200, None, "cold", None)
    cpu1, srv1 = time.process_time(), bw._proc_cpu_seconds(server.pid)
    n = len(records)
    server_ms = f"{1000 * (srv1 - srv0) / n:.2f}" if None not in (srv0, srv1) else "?"
    console.print(f"{n / res['seconds']:.1f} records/s, {res['seconds']:.2f} s; CPU ms/record: server {server_ms}, "
                  f"client {1000 * (cpu1 - cpu0) / n:.2f}; in statements {sum(timing.query_s.values()):.2f} s, "
                  f"load {os.getloadavg()[0]:.1f}", soft_wrap=True)
    for tx_no in range(min(shown, timing.tx_n)):
        console.print("   " + _statements(timing.events, tx_no), markup=False, highlight=False, soft_wrap=True)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.neo4j_config:
        _with_neo4j_config(dict(kv.split("=", 1) for kv in args.neo4j_config))
    records = bw.generated_records("demo", args.seed, args.people)
    with contextlib.ExitStack() as closing:
        server = closing.enter_context(private_server("idgraph-cold-", False, args.engine))
        settings, store = bw.connect_without_limit(server, closing)
        console.print(f"{args.engine}: started in {server.startup_s:.1f} s, {len(records)} records a run")
        for run in range(args.runs):
            console.print(f"run {run}{' (cold)' if run == 0 else ''}: ", end="")
            one_run(store, settings, server, records, args.show if run == 0 else 1)
            stale = _stale_plans(server.workdir)
            if stale is not None:
                console.print(f"   plans discarded as stale so far: {stale}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
