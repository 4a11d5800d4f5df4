"""Load test: many concurrent clients asking GET /v1/whois over loopback HTTP.

    python bench/load_whois.py [--engine arcadedb|neo4j] [--clients 16] [--requests 150] [--runs 3]
                               [--people 200] [--mode process|thread] [--audit local|graph] [--seed 7]

Starts a private server of --engine (bench/private_server.py: temp dir, free loopback ports), loads the demo data
(graph.demo.hotel_chain.generate) through the API's ingest path, serves the app with waitress on a free
loopback port (bench/ingest_whois.py's helpers: its waitress runs 8 worker threads), issues an agent
key, and drives GET /v1/whois from --clients clients at once, each sending --requests lookups of
existing e-mails, phones and loyalty cards back to back. Clients are separate processes by default,
so their Python does not share the server's GIL; --mode thread runs them as threads instead.
One-at-a-time lookups (--sequential) come from one client process too. --audit local (the default)
sends the reads' audit events through a local log in the server's temp dir (IDGRAPH_AUDIT_SPOOL,
graph/access/audit_spool.py); --audit graph commits each to the graph before its answer.
The per-key rate limit is off (this measures the service, not the limiter). Each run prints
throughput, p50, p99 and the error count; the summary is the median of --runs runs, then one JSON
line with every figure. Everything is stopped at the end, also on Ctrl-C.
"""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import multiprocessing
import os
import queue
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))   # run as a script from anywhere
from bench.ingest_whois import (  # noqa: E402
    Interrupt,
    _git_state,
    _proc_cpu_seconds,
    _progress,
    _r,
    api_headers,
    connect_without_limit,
    console,
    http_api,
    ingest_all,
    lookup_targets,
    run_lookups,
    summarise,
    with_server,
)
from bench.private_server import add_engine_option  # noqa: E402
from graph.access import audit  # noqa: E402
from graph.demo import hotel_chain  # noqa: E402
from graph.store.engines import free_port  # noqa: E402

REQUEST_TIMEOUT_S = 30


# --- one client process ------------------------------------------------------------------------

def client_process(base: str, headers: dict, targets: list[dict], ready, start, done, results) -> None:
    """Send every lookup back to back once `start` is set; put (started, ended, [(ms, error)]) on `results`."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # the parent decides when to stop
    outcomes = []
    with requests.Session() as session:
        session.headers.update(headers)
        ready.release()
        start.wait()
        began = time.monotonic()
        for target in targets:
            t0 = time.perf_counter()
            try:
                response = session.get(f"{base}/v1/whois", params=target, timeout=REQUEST_TIMEOUT_S)
                error = None if response.status_code == 200 else f"HTTP {response.status_code}"
                if error is None:
                    response.json()
            except (requests.RequestException, ValueError) as exc:
                error = type(exc).__name__
            outcomes.append((1000 * (time.perf_counter() - t0), error))
            with done.get_lock():
                done.value += 1
        results.put((began, time.monotonic(), outcomes))


def run_processes(api: tuple[str, dict], per_client: list[list[dict]], progress, label: str) -> dict:
    """One process per client; the clock runs from the common start to the last answer."""
    base, headers = api
    ctx = multiprocessing.get_context("spawn")   # no fork: the parent holds driver and server threads
    ready, start, done, results = ctx.Semaphore(0), ctx.Event(), ctx.Value("i", 0), ctx.Queue()
    procs = [ctx.Process(target=client_process, args=(base, headers, targets, ready, start, done, results),
                         daemon=True) for targets in per_client]
    for proc in procs:
        proc.start()
    try:
        for _ in procs:
            if not ready.acquire(timeout=120):
                raise RuntimeError("a client process did not start within 120 s")
        task = progress.add_task(label, total=sum(len(t) for t in per_client))
        start.set()
        collected = []
        while len(collected) < len(procs):
            Interrupt.check()
            with contextlib.suppress(queue.Empty):
                collected.append(results.get(timeout=0.2))
            progress.update(task, completed=done.value)
        progress.update(task, completed=done.value)
    finally:
        for proc in procs:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.terminate()
    wall = max(end for _, end, _ in collected) - min(began for began, _, _ in collected)
    return summarise([o for _, _, outcomes in collected for o in outcomes], wall, len(procs))


def run_threads(api: tuple[str, dict], per_client: list[list[dict]], progress, label: str) -> dict:
    """The same load from threads of this process (ingest_whois's client loop)."""
    targets = [t for client in per_client for t in client]
    return run_lookups(api, targets, len(per_client), progress, label)


# --- the benchmark -----------------------------------------------------------------------------

def load_demo(store, settings, people: int, seed: int, persons: int) -> list[dict]:
    """--persons generated persons bulk-loaded (bench/analytics_refresh.py's graph: the size the
    lookups search in), then the demo data through the ingest path (the identifiers looked up)."""
    if persons:
        from bench import analytics_refresh
        console.print(f"bulk-loading {persons:,} generated persons (not timed)...")
        analytics_refresh.load(store, analytics_refresh.generate(persons, seed), 5000)
    records = hotel_chain.generate(seed=seed, extra_people=people).records
    with _progress() as progress:
        ingest_all(store, settings, records, 200, progress, "loading the demo data")
    return records


class CpuMeter:
    """CPU seconds of the database server and of the API (this process, or the `serve --workers` processes)."""

    def __init__(self, server_pid: int, api_pids):
        self.server_pid, self.api_pids = server_pid, api_pids

    def read(self) -> tuple[float, float]:
        api = [_proc_cpu_seconds(pid) for pid in self.api_pids()] if self.api_pids else [time.process_time()]
        return _proc_cpu_seconds(self.server_pid) or 0.0, sum(a or 0.0 for a in api)


def with_cpu(meter: CpuMeter, measure_fn) -> dict:
    (server0, api0), result = meter.read(), None
    result = measure_fn()
    server1, api1 = meter.read()
    n = max(1, result["requests"])
    result["server_cpu_ms_per_request"] = _r(1000 * (server1 - server0) / n, 2)
    result["api_cpu_ms_per_request"] = _r(1000 * (api1 - api0) / n, 2)
    return result


def measure(api, records, settings, args, meter: CpuMeter) -> tuple[dict | None, list[dict]]:
    """--sequential lookups one at a time, then --runs runs of --clients concurrent clients."""
    per_client = [lookup_targets(records, settings, args.requests, args.seed + n) for n in range(args.clients)]
    run = run_processes if args.mode == "process" else run_threads
    runs, sequential = [], None
    with _progress() as progress:
        run_lookups(api, lookup_targets(records, settings, 200, args.seed - 1), 4, progress, "warm-up (not counted)")
        if args.sequential:   # from one client process (--mode process): no GIL shared with the API
            targets = lookup_targets(records, settings, args.sequential, args.seed - 2)
            sequential = with_cpu(meter, lambda: run(api, [targets], progress, "one at a time"))
        for i in range(args.runs):
            label = f"run {i + 1}: {args.clients} {args.mode} clients"
            runs.append(with_cpu(meter, lambda label=label: run(api, per_client, progress, label)))
    return sequential, runs


@contextlib.contextmanager
def workers_api(settings, store, workers: int, threads: int):
    """`idgraph serve --workers N --threads T` as a child process against the bench's server, on a
    free loopback port, the rate limit off. Yields ((base URL, headers), worker pids)."""
    port = free_port()
    env = dict(os.environ, IDGRAPH_URI=settings.uri, IDGRAPH_USER=settings.user,
               IDGRAPH_PASSWORD=settings.password or "", IDGRAPH_DATABASE=settings.database,
               IDGRAPH_ENGINE=settings.engine, IDGRAPH_DATA_DIR=str(settings.data_dir), IDGRAPH_RATE_LIMIT="0",
               IDGRAPH_AUDIT_SPOOL=str(getattr(settings, "audit_spool", None) or ""))   # older commits: none
    command = [sys.executable, "-c", "from service.cli import main; main()", "serve", "--port", str(port),
               "--workers", str(workers), "--threads", str(threads)]
    proc = subprocess.Popen(command, env=env, cwd=Path(__file__).resolve().parent.parent,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for_port(port, proc)
        headers = api_headers(store)
        yield (base, headers), lambda: _children(proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def _wait_for_port(port: int, proc: subprocess.Popen, limit_s: float = 120) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"idgraph serve --workers exited with {proc.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            time.sleep(1.0)   # the main process listens first; give the workers a moment to load the app
            return
        time.sleep(0.2)
    raise RuntimeError(f"idgraph serve --workers did not listen within {limit_s} s")


def _children(pid: int) -> list[int]:
    """`idgraph serve` and its worker processes (their CPU is the API's)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    return [pid, *map(int, children)]


def median_of(runs: list[dict], key: str):
    values = [r[key] for r in runs if r[key] is not None]
    return _r(statistics.median(values), 2) if values else None


def _api_label(args) -> str:
    api = (f"{args.workers} serve workers x {args.threads} threads" if args.workers > 1
           else f"waitress, {args.threads} threads")
    return f"{api}, audit {'to a local log' if args.audit == 'local' else 'straight to the graph'}"


def report(sequential: dict | None, runs: list[dict], args, records: int, env: dict) -> dict:
    table = Table(title=f"{args.engine}: GET /v1/whois over loopback HTTP, {_api_label(args)}; "
                        f"{args.persons:,} bulk-loaded persons + {records} demo records")
    for column in ("run", "throughput req/s", "p50 ms", "p99 ms", "max ms", "errors",
                   "server CPU ms/req", "API CPU ms/req"):
        table.add_column(column, justify="right")
    if sequential:
        r = sequential
        table.add_row(f"one at a time ({r['requests']})", f"{r['throughput_rps']}", f"[bold]{r['median_ms']}",
                      f"[bold]{r['p99_ms']}", f"{r['max_ms']}", f"{r['errors']}",
                      f"{r['server_cpu_ms_per_request']}", f"{r['api_cpu_ms_per_request']}")
        table.add_section()
    for i, r in enumerate(runs, start=1):
        table.add_row(f"{args.clients} {args.mode} clients x {args.requests}, run {i}", f"{r['throughput_rps']}",
                      f"{r['median_ms']}", f"{r['p99_ms']}", f"{r['max_ms']}",
                      f"{r['errors']}" + (f" {r['error_kinds']}" if r["errors"] else ""),
                      f"{r['server_cpu_ms_per_request']}", f"{r['api_cpu_ms_per_request']}")
    keys = ("throughput_rps", "median_ms", "p99_ms", "server_cpu_ms_per_request", "api_cpu_ms_per_request")
    summary = {key: median_of(runs, key) for key in keys}
    summary["errors"] = sum(r["errors"] for r in runs)
    table.add_section()
    table.add_row(f"median of {len(runs)} runs", f"[bold]{summary['throughput_rps']}", f"[bold]{summary['median_ms']}",
                  f"[bold]{summary['p99_ms']}", "", f"[bold]{summary['errors']}[/] (all runs)",
                  f"{summary['server_cpu_ms_per_request']}", f"{summary['api_cpu_ms_per_request']}")
    console.print(table)
    console.print("API CPU includes the clients' when they are threads of this process (--mode thread) "
                  "and the API runs in it (no --workers)")
    console.print(f"git {env.get('git')}{' (uncommitted changes)' if env.get('git_dirty') else ''}, "
                  f"{env['cpus']} CPUs, 1-min load average at start/end {env['loadavg_1m_start_end']} "
                  "(other processes on the machine skew the figures)")
    return {"bench": "load_whois", "engine": args.engine, "records": records, "persons": args.persons,
            "api": _api_label(args), "sequential": sequential, "median": summary, "runs": runs, "env": env,
            "params": {k: getattr(args, k) for k in ("engine", "clients", "requests", "runs", "people", "persons",
                                                     "sequential", "workers", "threads", "mode", "audit",
                                                     "seed")}}


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--clients", type=int, default=16, help="concurrent clients")
    p.add_argument("--requests", type=int, default=150, help="lookups per client per run")
    p.add_argument("--runs", type=int, default=3, help="timed runs; the summary is their median")
    p.add_argument("--people", type=int, default=200, help="extra demo customers besides the scenarios")
    p.add_argument("--mode", choices=("process", "thread"), default="process", help="clients as processes or threads")
    p.add_argument("--persons", type=int, default=0,
                   help="generated persons bulk-loaded first (the issue's figure: 100000)")
    p.add_argument("--sequential", type=int, default=300, help="lookups one at a time before the runs (0: none)")
    p.add_argument("--workers", type=int, default=1,
                   help="API processes: 1 = waitress in this process, more = `idgraph serve --workers N` (granian)")
    p.add_argument("--threads", type=int, default=8, help="request threads per API process")
    p.add_argument("--audit", choices=("local", "graph"), default="local",
                   help="audit events through a local log (IDGRAPH_AUDIT_SPOOL, graph/access/audit_spool.py) "
                        "or each committed to the graph before its answer (group commit)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--keep-dir", action="store_true", help="keep the temp dir (server log) at the end")
    add_engine_option(p)
    args = p.parse_args(argv)
    if not (1 <= args.clients <= 256 and 1 <= args.requests <= 100_000 and 1 <= args.runs <= 50
            and 0 <= args.people <= 100_000 and 0 <= args.persons <= 1_000_000 and 1 <= args.workers <= 64):
        p.error("out of range: clients 1..256, requests 1..100000, runs 1..50, people 0..100000, "
                "persons 0..1000000, workers 1..64")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    load_at_start = os.getloadavg()

    def body(server, closing) -> int:
        settings, store = connect_without_limit(server, closing)
        if args.audit == "local":
            settings = dataclasses.replace(settings, audit_spool=Path(server.workdir) / "audit-spool")
            closing.callback(audit.stop_spool, store)   # drained before the store closes
        records = load_demo(store, settings, args.people, args.seed, args.persons)
        if args.workers > 1:
            with workers_api(settings, store, args.workers, args.threads) as (api, pids):
                sequential, runs = measure(api, records, settings, args, CpuMeter(server.pid, pids))
        else:
            with http_api(settings, store, args.threads) as api:
                sequential, runs = measure(api, records, settings, args, CpuMeter(server.pid, None))
        env = {"cpus": os.cpu_count(), "server_startup_s": server.startup_s, **_git_state(),
               "loadavg_1m_start_end": [_r(load_at_start[0], 2), _r(os.getloadavg()[0], 2)]}
        print(json.dumps(report(sequential, runs, args, len(records), env), separators=(",", ":")), flush=True)
        return 0 if not any(r["errors"] for r in runs + [sequential or {"errors": 0}]) else 1

    return with_server(args, "idgraph-load-", body)


if __name__ == "__main__":
    sys.exit(main())
