"""Benchmark: the same figures on every local engine (ArcadeDB, Neo4j), side by side, in one run.

    python bench/engines.py [--engines arcadedb neo4j] [--people 300] [--warmup-runs 3] [--runs 3]
                            [--lookups 300] [--clients 8] [--requests 50] [--workers 1] [--threads 8]
                            [--persons 5000]
                            [--records 5000] [--log-dir DIR]

The defaults took 13 and 19 minutes for both engines on a shared 2-core machine (load average 7-15).

Each measurement is made by the bench that owns it, run once per engine as a subprocess (a fresh
process and a fresh private server each, so no JIT, cache or memory carries over from one engine
to the other); the figures are read from the one JSON line every bench prints last:
- ingest_whois.py: ingest records/s with probabilistic resolution on (median of --runs after
  --warmup-runs), then who-is-this p50 and p99 one request at a time (--lookups requests);
- load_whois.py: who-is-this p50 and p99 one at a time (--lookups, from a client process), then
  requests/s and p99 from --clients client processes (median of --runs), against --workers API
  processes of --threads threads;
- analytics_refresh.py: `idgraph analytics refresh` seconds on --persons generated persons;
- resolve_all.py: `idgraph resolve --all` seconds on --records generated records, and its F1
  (which should not depend on the engine).
The engines take turns per measurement (ingest on each, then the load test on each, ...), so that a
change in the shared machine's load falls on both rather than on one. Each bench's own output goes
to --log-dir. Prints one table (a column per engine and, for two, their ratio) and, last, one JSON
line. Ctrl-C is passed to the running bench, which stops its server; then this stops too.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))   # run as a script from anywhere
from bench.ingest_whois import _git_state  # noqa: E402
from graph.store.engines import ENGINES  # noqa: E402

console = Console(width=None if sys.stdout.isatty() else 130)


@dataclass(frozen=True)
class Bench:
    script: str
    args: Callable[[argparse.Namespace], list]
    figures: Callable[[dict], dict]


BENCHES = {
    "ingest_whois": Bench(
        "ingest_whois.py",
        lambda a: ["--people", a.people, "--warmup-runs", a.warmup_runs, "--runs", a.runs, "--lookups", a.lookups],
        lambda j: {"ingest_rps": j["ingest"]["median_records_per_s"], "ingest_records": j["records"],
                   "ingest_server_cpu_ms": _median(r["server_cpu_ms_per_record"] for r in j["ingest"]["runs"]),
                   "whois_p50_ms": j["whois"]["sequential"]["median_ms"],
                   "whois_p99_ms": j["whois"]["sequential"]["p99_ms"], "startup_s": j["env"]["server_startup_s"]}),
    "load_whois": Bench(
        "load_whois.py", lambda a: ["--clients", a.clients, "--requests", a.requests, "--runs", a.runs,
                                    "--sequential", a.lookups, "--workers", a.workers, "--threads", a.threads],
        lambda j: {"whois_rps": j["median"]["throughput_rps"], "whois_clients_p99_ms": j["median"]["p99_ms"],
                   "whois_errors": j["median"]["errors"], "whois_http_p50_ms": (j["sequential"] or {}).get("median_ms"),
                   "whois_http_p99_ms": (j["sequential"] or {}).get("p99_ms")}),
    "analytics_refresh": Bench(
        # one full refresh of a freshly loaded graph (it writes every score), as before
        "analytics_refresh.py", lambda a: ["--persons", a.persons, "--runs", 1, "--changed", 0],
        lambda j: {"refresh_s": j["refreshSeconds"]["total"]}),
    "resolve_all": Bench(
        "resolve_all.py", lambda a: ["--records", a.records],
        lambda j: {"resolve_s": j["idgraph"]["seconds"], "resolve_f1": j["idgraph"]["f1"]}),
}

# (figure, row label, which way is better); labels are formatted with the arguments
ROWS = (
    ("ingest_rps", "ingest records/s, probabilistic on (median of {runs})", "higher"),
    # CPU per record moves far less with the machine's load than wall-clock rates do
    ("ingest_server_cpu_ms", "ingest server CPU ms per record (median)", "lower"),
    ("whois_p50_ms", "who-is-this p50 ms, one at a time", "lower"),
    ("whois_p99_ms", "who-is-this p99 ms, one at a time", "lower"),
    # the same, from a client process of its own against the API (load_whois; the ones above come from
    # threads of the process that also runs the API)
    ("whois_http_p50_ms", "who-is-this p50 ms, one at a time, {lookups} from a client process", "lower"),
    ("whois_http_p99_ms", "who-is-this p99 ms, one at a time, {lookups} from a client process", "lower"),
    ("whois_rps", "who-is-this requests/s, {clients} client processes (median of {runs})", "higher"),
    ("whois_clients_p99_ms", "who-is-this p99 ms, {clients} client processes", "lower"),
    ("refresh_s", "analytics refresh s, {persons:,} persons", "lower"),
    ("resolve_s", "resolve --all s, {records:,} records", "lower"),
    ("resolve_f1", "resolve --all F1 (same on both, or a bug)", "same"),
    ("startup_s", "server start-up s", "lower"),
)


class Stop:
    """Ctrl-C or SIGTERM: passed on to the running bench as SIGINT (its own session does not get the
    terminal's), which stops at a safe point and stops its server; a second one makes it hurry."""
    requested = False
    child: subprocess.Popen | None = None

    @classmethod
    def handler(cls, signum, frame):
        cls.requested = True
        if cls.child is not None and cls.child.poll() is None:
            cls.child.send_signal(signal.SIGINT)


def run_bench(name: str, engine: str, args, log_dir: Path, progress: Progress, task) -> dict:
    """One bench on one engine in a subprocess; its figures, seconds and the load around it."""
    bench = BENCHES[name]
    command = [sys.executable, str(ROOT / "bench" / bench.script), "--engine", engine, *map(str, bench.args(args))]
    log = log_dir / f"{engine}-{name}.log"
    load0, started = os.getloadavg()[0], time.monotonic()
    with open(log, "w") as out:
        Stop.child = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                      stdin=subprocess.DEVNULL, start_new_session=True)
        while Stop.child.poll() is None:
            progress.update(task, description=f"{engine} {name}: {_last_line(log)}")
            time.sleep(1)
    code, Stop.child = Stop.child.returncode, None
    step = {"rc": code, "seconds": round(time.monotonic() - started, 1), "log": str(log),
            "loadavg_1m_start_end": [round(load0, 2), round(os.getloadavg()[0], 2)]}
    result = _json_line(log)
    if result is None:
        console.print(f"[red]{engine} {name} exited {code} without figures; the end of {log}:\n{_tail(log)}")
        return step | {"figures": {}}
    return step | {"figures": bench.figures(result)}


def _median(values) -> float | None:
    known = [v for v in values if v is not None]
    return round(statistics.median(known), 2) if known else None


def _last_line(log: Path) -> str:
    """The bench's latest output line, for a sign of life (benches print progress bars when done)."""
    lines = [line for line in _tail(log, 4096).splitlines() if line.strip()]
    return lines[-1].strip()[:70] if lines else "starting"


def _tail(log: Path, size: int = 3000) -> str:
    with open(log, "rb") as f:
        f.seek(max(0, f.seek(0, os.SEEK_END) - size))
        return f.read().decode(errors="replace")


def _json_line(log: Path) -> dict | None:
    for line in reversed(log.read_text(errors="replace").splitlines()):
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                return None
    return None


def ratio(figures: dict, key: str, engines: list[str]) -> float | None:
    """Second engine over first, for two engines with both figures."""
    if len(engines) != 2:
        return None
    first, second = (figures[e].get(key) for e in engines)
    return round(second / first, 2) if first and second is not None else None


def print_table(result: dict, args) -> None:
    engines, figures = result["engines"], result["figures"]
    table = Table(title="idgraph on each engine, one invocation (bench/engines.py)")
    table.add_column("measure")
    for engine in engines:
        table.add_column(engine, justify="right")
    if len(engines) == 2:
        table.add_column(f"{engines[1]} / {engines[0]}", justify="right")
    table.add_column("better")
    for key, label, better in ROWS:
        cells = [_cell(figures[e].get(key)) for e in engines]
        if len(engines) == 2:
            value = result["ratio"].get(key)
            cells.append("-" if value is None else f"{value:.2f}x")
        table.add_row(label.format(**vars(args)), *cells, better)
    console.print(table)
    sizes = ", ".join(f"{e}: ingest {figures[e].get('ingest_records')} records" for e in engines)
    console.print(f"{sizes}; {args.warmup_runs} warm-up + {args.runs} timed ingest runs, {args.lookups} lookups; "
                  f"load test {args.clients} x {args.requests} requests x {args.runs} runs")
    loads = [v for step in result["steps"] for v in step["loadavg_1m_start_end"]]
    dirty = " (uncommitted changes)" if result["env"].get("git_dirty") else ""
    console.print(f"git {result['env'].get('git')}{dirty}, "
                  f"{os.cpu_count()} CPUs, 1-min load average over the steps {min(loads)}-{max(loads)}, "
                  f"{result['seconds']:.0f} s in all; each bench's output in {result['log_dir']}")


def _cell(value) -> str:
    if value is None:
        return "-"
    return f"{value:.4f}" if isinstance(value, float) and value < 1 else f"{value:,}"


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    p.add_argument("--people", type=int, default=300, help="ingest_whois: extra demo customers")
    p.add_argument("--warmup-runs", type=int, default=3, help="ingest_whois: untimed ingest runs first")
    p.add_argument("--runs", type=int, default=3, help="timed runs of ingest_whois and load_whois (median)")
    p.add_argument("--lookups", type=int, default=300,
                   help="ingest_whois and load_whois: who-is-this requests one at a time")
    p.add_argument("--clients", type=int, default=8, help="load_whois: concurrent client processes")
    p.add_argument("--requests", type=int, default=50, help="load_whois: requests per client per run")
    p.add_argument("--workers", type=int, default=1, help="load_whois: API processes (more than 1: granian)")
    p.add_argument("--threads", type=int, default=8, help="load_whois: request threads per API process")
    p.add_argument("--persons", type=int, default=5_000, help="analytics_refresh: generated persons")
    p.add_argument("--records", type=int, default=5_000, help="resolve_all: generated records")
    p.add_argument("--benches", nargs="+", choices=list(BENCHES), default=list(BENCHES), help="a subset to run")
    p.add_argument("--log-dir", type=Path, help="where each bench's output goes (default: a new temp folder)")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    log_dir = args.log_dir or Path(tempfile.mkdtemp(prefix="idgraph-engines-"))
    log_dir.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGINT, Stop.handler)
    signal.signal(signal.SIGTERM, Stop.handler)
    started = time.monotonic()
    figures: dict = {e: {} for e in args.engines}
    steps = []
    columns = (SpinnerColumn(), TextColumn("[bold]step {task.completed}/{task.total}"),
               TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("", total=len(args.benches) * len(args.engines))
        for name in args.benches:
            for engine in args.engines:
                if Stop.requested:
                    break
                step = run_bench(name, engine, args, log_dir, progress, task)
                steps.append({"bench": name, "engine": engine} | step)
                figures[engine] |= step["figures"]
                progress.advance(task)
    result = {"bench": "engines", "engines": args.engines, "figures": figures,
              "ratio": {key: ratio(figures, key, args.engines) for key, _, _ in ROWS},
              "steps": steps, "seconds": round(time.monotonic() - started, 1), "log_dir": str(log_dir),
              "params": {k: v for k, v in vars(args).items() if k != "log_dir"},
              "env": {"cpus": os.cpu_count(), **_git_state()}}
    print_table(result, args)
    print(json.dumps(result, separators=(",", ":")), flush=True)
    if Stop.requested:
        return 130
    return 0 if all(s["rc"] == 0 for s in steps) else 1


if __name__ == "__main__":
    sys.exit(main())
