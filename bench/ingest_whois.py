"""Benchmark: ingest throughput and who-is-this latency against a private local graph server.

    python bench/ingest_whois.py [--engine arcadedb|neo4j] [--people N] [--warmup-runs 5] [--runs 3]
                                 [--lookups 500] [--clients 4] [--seed 7] [--batch-size 200]
                                 [--profile] [--profile-out FILE]

Starts its own server of --engine (bench/private_server.py: temp dir, free loopback ports, schema
applied), ingests the generated demo data through the ingest path (service.loading.ingest_batches:
parse_record one batch ahead in a process of its own as `idgraph ingest` does for large files, or
with --parser thread in a thread as POST /v1/records does; the suppression screen;
graph.resolution.ingest.ingest) in batches, clearing
the database before each run (and the parsers' caches of names, e-mail addresses and phone numbers,
so every run parses its records as new ones). The first --warmup-runs runs let the server's JVM
compile its hot paths, as a long-running server has; they are printed but the median is over the
--runs after them. Then it serves the Flask app with waitress on a free loopback port and times
GET /v1/whois over real HTTP, first sequentially and then with concurrent clients. Prints a rich
table and, last, one JSON line with every figure. Everything is stopped at the end, also on Ctrl-C.

--profile adds untimed extra passes after the timed ones: one ingest run with a per-statement
timer (each Cypher statement from tx.run until its result is consumed, plus session/BEGIN/COMMIT
and the Python around them), one ingest run under cProfile, the sequential who-is-this lookups
again with the per-statement timer behind the app, and the same lookups under cProfile through
Flask's test client. cProfile sees the main thread only: parsing, in the parser (--parser), is not in it.
"""
from __future__ import annotations

import argparse
import contextlib
import cProfile
import dataclasses
import io
import json
import logging
import os
import platform
import pstats
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))   # run as a script from anywhere
from bench.private_server import add_engine_option, private_server  # noqa: E402
from graph.demo import hotel_chain  # noqa: E402
from graph.intake import normalize  # noqa: E402
from graph.store import queries  # noqa: E402
from graph.store.driver import connect  # noqa: E402
from graph.store.engines import free_port  # noqa: E402
from service.loading import ingest_batches, parser_process  # noqa: E402

console = Console(width=None if sys.stdout.isatty() else 130)   # piped: wide enough for the tables
LOOKUP_TYPES = ("email", "phone", "loyaltyCard")


# --- helpers ---------------------------------------------------------------------------------

def _progress() -> Progress:
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TaskProgressColumn(), TimeElapsedColumn(), TimeRemainingColumn(), console=console,
                    transient=False)


def _proc_cpu_seconds(pid: int) -> float | None:
    """utime + stime of a process (all its threads: here the JVM inside the server child)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _percentile(sorted_values: list[float], pct: float) -> float | None:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return None
    rank = max(1, min(len(sorted_values), int(-(-pct * len(sorted_values) // 100))))
    return sorted_values[rank - 1]


def _r(value, digits: int = 1):
    return None if value is None else round(value, digits)


def _git_state() -> dict:
    """The commit measured, and whether the working tree had uncommitted changes."""
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True,
                              text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return {}
    return {"git": head or None, "git_dirty": bool(dirty)}


def _rust_ext() -> bool:
    """Whether the neo4j driver packs/unpacks Bolt messages with its optional Rust extension."""
    try:
        from neo4j._codec.packstream import v1
    except ImportError:
        return False
    return getattr(v1, "_rust_pack", None) is not None


class Interrupt:
    """Ctrl-C / SIGTERM handling. Raising KeyboardInterrupt inside the neo4j driver while it reads
    a message breaks the driver's cleanup (BufferError), so the first signal only asks the
    benchmark to stop at the next safe point (after the current batch or request); a second
    signal raises at once."""

    requested = False

    @classmethod
    def handler(cls, signum, frame):
        if cls.requested:
            raise KeyboardInterrupt
        cls.requested = True
        console.print("[yellow]stopping after the current batch (signal again to stop at once)...")

    @classmethod
    def check(cls):
        if cls.requested:
            raise KeyboardInterrupt


def _interrupted(exc: BaseException | None) -> bool:
    """Whether exc is, or was raised while handling, a KeyboardInterrupt."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__context__
    return False


# --- ingestion -------------------------------------------------------------------------------

def generated_records(kind: str, seed: int, people: int) -> list[dict]:
    if kind == "synthetic":
        from graph.demo.population_records import population
        return [item for item, _ in population(people, seed)]
    return hotel_chain.generate(seed=seed, extra_people=people).records


def ingest_all(store, settings, records: list[dict], batch_size: int, progress: Progress | None,
               label: str, parser=None) -> dict:
    """Parse and ingest `records` exactly like POST /v1/records and `idgraph ingest` do
    (service.loading.ingest_batches: each batch parsed by `parser`, a process pool, or else a thread,
    while the one before is stored)."""
    normalize.clear_caches()   # every run sees the records for the first time
    if parser is not None:
        parser.submit(normalize.clear_caches).result()
    outcomes: Counter = Counter()
    parse_s = 0.0
    task = progress.add_task(label, total=len(records)) if progress else None
    started = time.perf_counter()
    for batch in ingest_batches(store, settings, records, batch_size, parser=parser):
        parse_s += batch.parse_seconds
        outcomes["rejected"] += len(batch.errors)
        for o in batch.outcomes:
            outcomes[o.outcome] += 1
            outcomes["possiblySame"] += bool(o.possiblySame)   # review-band links written
        if progress:
            progress.advance(task, batch.size)
        Interrupt.check()
    return {"seconds": time.perf_counter() - started, "parse_seconds": parse_s, "outcomes": dict(outcomes)}


def settle(server_pid: int, quiet_s: float = 0.25, limit_s: float = 10.0) -> float:
    """Wait until the server has used (almost) no CPU for `quiet_s`, at most `limit_s`: the next run
    should not pay for the page writes that deleting the last run's graph left behind."""
    started = time.perf_counter()
    last = _proc_cpu_seconds(server_pid)
    while last is not None and time.perf_counter() - started < limit_s:
        time.sleep(quiet_s)
        now = _proc_cpu_seconds(server_pid)
        if now is None or now - last < 0.05 * quiet_s:   # /proc counts in 10 ms ticks
            break
        last = now
    return time.perf_counter() - started


def _client_cpu_seconds(parser) -> float:
    """CPU time of this process, plus the parsing process's when there is one."""
    return time.process_time() + (parser.submit(time.process_time).result() if parser is not None else 0.0)


def timed_run(store, settings, records: list[dict], batch_size: int, progress: Progress, label: str,
              server_pid: int, parser=None) -> dict:
    """One ingest run on an emptied, settled graph, with its wall time and both processes' CPU time
    (the client's includes the parsing process's)."""
    clear_s = clear(store) + settle(server_pid)
    cpu0, srv0 = _client_cpu_seconds(parser), _proc_cpu_seconds(server_pid)
    res = ingest_all(store, settings, records, batch_size, progress, label, parser)
    cpu1, srv1 = _client_cpu_seconds(parser), _proc_cpu_seconds(server_pid)
    server = None not in (srv0, srv1)
    return {"seconds": _r(res["seconds"], 3), "parse_seconds": _r(res["parse_seconds"], 3),
            "records_per_s": _r(len(records) / res["seconds"]),
            "clear_seconds": _r(clear_s, 2), "client_cpu_s": _r(cpu1 - cpu0, 2),
            "server_cpu_s": _r(srv1 - srv0, 2) if server else None,
            "client_cpu_ms_per_record": _r(1000 * (cpu1 - cpu0) / len(records), 2),
            "server_cpu_ms_per_record": _r(1000 * (srv1 - srv0) / len(records), 2) if server else None,
            "outcomes": res["outcomes"]}


def clear(store) -> float:
    t0 = time.perf_counter()
    queries.clear_all(store)
    return time.perf_counter() - t0


# --- per-query timing (profile mode only) ----------------------------------------------------

def _query_names() -> dict[str, str]:
    """Statement text -> constant name, from every graph.store.queries* module."""
    import importlib
    import pkgutil

    import graph.store
    names: dict[str, str] = {}
    for info in pkgutil.iter_modules(graph.store.__path__):
        if info.name.startswith("queries"):
            module = importlib.import_module(f"graph.store.{info.name}")
            prefix = "" if info.name == "queries" else info.name.removeprefix("queries_") + "."
            for name, value in vars(module).items():
                if name.isupper() and isinstance(value, str):
                    names[value] = prefix + name
                elif name.isupper() and isinstance(value, dict):   # one statement per kind or rule
                    names.update({text: f"{prefix}{name}[{key}]" for key, text in value.items()
                                  if isinstance(text, str)})
    return names


QUERY_NAMES = _query_names()


class _TimedResult:
    """Wraps a neo4j Result; stops the clock when the result has been consumed."""

    def __init__(self, result, name: str, started: float, sink):
        self._result, self._name, self._started, self._sink, self._done = result, name, started, sink, False

    def _stop(self):
        if not self._done:
            self._done = True
            self._sink(self._name, time.perf_counter() - self._started)

    def consume(self):
        try:
            return self._result.consume()
        finally:
            self._stop()

    def single(self, *args, **kwargs):
        try:
            return self._result.single(*args, **kwargs)
        finally:
            self._stop()

    def __iter__(self):
        try:
            yield from self._result
        finally:
            self._stop()

    def __getattr__(self, name):
        return getattr(self._result, name)


class _TimedTx:
    def __init__(self, tx, sink):
        self._tx, self._sink = tx, sink

    def run(self, query, parameters=None, **kwargs):
        name = QUERY_NAMES.get(query, "other")
        started = time.perf_counter()
        result = self._tx.run(query, parameters, **kwargs)
        return _TimedResult(result, name, started, self._sink)

    def __getattr__(self, name):
        return getattr(self._tx, name)


class QueryTimingStore:
    """A Store stand-in that times every statement and every transaction of the work it runs.

    Passed to graph.resolution.ingest.ingest (which only calls .write) or to create_app (reads use .read)."""

    def __init__(self, store):
        self._store = store
        self.query_s: dict[str, float] = defaultdict(float)
        self.query_n: Counter = Counter()
        self.events: list[tuple[int, str, float]] = []   # (transaction number, statement, seconds)
        self.tx_s = 0.0       # write()/read(): session + BEGIN + work + COMMIT (+ retries)
        self.tx_n = 0
        self.work_s = 0.0     # time inside the work function (statements + Python code around them)
        self._lock = threading.Lock()

    def _sink(self, name: str, seconds: float):
        with self._lock:
            self.query_s[name] += seconds
            self.query_n[name] += 1
            self.events.append((self.tx_n, name, seconds))

    def _timed(self, method, work, *args, **kwargs):
        def timed_work(tx, *a):
            t0 = time.perf_counter()
            try:
                return work(_TimedTx(tx, self._sink), *a)
            finally:
                with self._lock:
                    self.work_s += time.perf_counter() - t0

        t0 = time.perf_counter()
        try:
            return method(timed_work, *args, **kwargs)
        finally:
            with self._lock:
                self.tx_s += time.perf_counter() - t0
                self.tx_n += 1

    def write(self, work, *args, **kwargs):
        return self._timed(self._store.write, work, *args, **kwargs)

    def read(self, work, *args):
        return self._timed(self._store.read, work, *args)

    def __getattr__(self, name):
        return getattr(self._store, name)

    def report(self, wall: float) -> dict:
        """Per statement: calls, total, mean, share of wall; and mean ms in the first and last quarter
        of the transactions (a growing gap means the statement slows down as the graph grows)."""
        quarter = max(1, self.tx_n // 4)
        early, late = defaultdict(list), defaultdict(list)
        for tx_no, name, seconds in self.events:
            if tx_no < quarter:
                early[name].append(seconds)
            elif tx_no >= self.tx_n - quarter:
                late[name].append(seconds)
        mean_ms = lambda xs: _r(1000 * statistics.fmean(xs), 3) if xs else None  # noqa: E731
        return {name: {"calls": self.query_n[name], "total_s": _r(total, 3),
                       "mean_ms": _r(1000 * total / self.query_n[name], 3),
                       "share_of_wall_pct": _r(100 * total / wall),
                       "first_quarter_mean_ms": mean_ms(early[name]),
                       "last_quarter_mean_ms": mean_ms(late[name])}
                for name, total in sorted(self.query_s.items(), key=lambda kv: -kv[1])}


def _cprofile_text(prof: cProfile.Profile, top_cumulative: int = 35, top_internal: int = 25) -> str:
    stream = io.StringIO()
    stats = pstats.Stats(prof, stream=stream)
    stats.sort_stats("cumulative").print_stats(top_cumulative)
    stats.sort_stats("tottime").print_stats(top_internal)
    return stream.getvalue()


def profile_runs(store, settings, records, targets, args, server_pid, parser=None) -> dict:
    out: dict = {}
    # 1. ingest with the per-query timer
    clear(store)
    timing = QueryTimingStore(store)
    cpu0, srv0 = time.process_time(), _proc_cpu_seconds(server_pid)
    with _progress() as progress:
        res = ingest_all(timing, settings, records, args.batch_size, progress, "profile: ingest, query timer",
                         parser)
    cpu1, srv1 = time.process_time(), _proc_cpu_seconds(server_pid)
    wall = res["seconds"]
    query_total = sum(timing.query_s.values())
    out["ingest_query_timer"] = {
        "wall_s": _r(wall, 2), "records_per_s": _r(len(records) / wall),
        "parse_s": _r(res["parse_seconds"], 2),
        "transactions": timing.tx_n,
        "in_write_s": _r(timing.tx_s, 2), "in_work_fn_s": _r(timing.work_s, 2),
        "in_statements_s": _r(query_total, 2),
        "python_in_work_fn_outside_statements_s": _r(timing.work_s - query_total, 2),
        "session_begin_commit_s": _r(timing.tx_s - timing.work_s, 2),
        "client_cpu_s": _r(cpu1 - cpu0, 2),
        "server_cpu_s": _r(srv1 - srv0, 2) if None not in (srv0, srv1) else None,
        "statements": timing.report(wall),
    }
    # 2. ingest under cProfile
    clear(store)
    prof = cProfile.Profile()
    with _progress() as progress:
        prof.enable()
        try:
            res = ingest_all(store, settings, records, args.batch_size, progress, "profile: ingest, cProfile",
                             parser)
        finally:
            prof.disable()
    if args.profile_out:
        prof.dump_stats(args.profile_out)
    out["ingest_cprofile_wall_s"] = _r(res["seconds"], 2)
    out["ingest_cprofile_text"] = _cprofile_text(prof)

    # 3. who-is-this, sequential over HTTP, with the per-query timer behind the app
    timing = QueryTimingStore(store)
    with http_api(settings, timing) as api, _progress() as progress:
        timing.__init__(store)   # forget create_app's schema statements and the key's creation
        cpu0, srv0 = time.process_time(), _proc_cpu_seconds(server_pid)
        res = run_lookups(api, targets, 1, progress, "profile: whois, query timer")
        cpu1, srv1 = time.process_time(), _proc_cpu_seconds(server_pid)
    wall = res["wall_s"]
    query_total = sum(timing.query_s.values())
    out["whois_query_timer"] = {
        "requests": res["requests"], "wall_s": wall, "median_ms": res["median_ms"],
        "store_transactions_per_request": _r(timing.tx_n / max(1, res["requests"]), 2),
        "in_store_s": _r(timing.tx_s, 2), "in_statements_s": _r(query_total, 2),
        "python_in_view_outside_statements_s": _r(timing.work_s - query_total, 2),
        "session_begin_commit_s": _r(timing.tx_s - timing.work_s, 2),
        "http_flask_outside_store_s": _r(wall - timing.tx_s, 2),
        "client_cpu_s": _r(cpu1 - cpu0, 2),
        "server_cpu_s": _r(srv1 - srv0, 2) if None not in (srv0, srv1) else None,
        "statements": timing.report(wall),
    }
    # 4. who-is-this under cProfile, in process through Flask's test client (no sockets for HTTP)
    from service import create_app
    client = create_app(settings, store).test_client()
    headers = api_headers(store)
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    try:
        for target in targets:
            Interrupt.check()
            client.get("/v1/whois", query_string=target, headers=headers)
    finally:
        prof.disable()
    out["whois_cprofile_wall_s"] = _r(time.perf_counter() - t0, 2)
    out["whois_cprofile_text"] = _cprofile_text(prof, 30, 20)
    return out


# --- who is this over HTTP -------------------------------------------------------------------

def lookup_targets(records: list[dict], settings, count: int, seed: int) -> list[dict]:
    """`count` identifiers that exist in the data (emails, phones, loyalty cards; junk skipped)."""
    seen: dict[tuple, dict] = {}
    for record in records:
        for ident in record.get("identifiers", []):
            if ident.get("type") in LOOKUP_TYPES and ident.get("value"):
                if str(ident["value"]).strip().lower() in settings.junk_values:
                    continue
                seen.setdefault((ident["type"], ident["value"]), {"type": ident["type"],
                                                                  "value": ident["value"]})
    pool = sorted(seen.values(), key=lambda i: (i["type"], i["value"]))
    rng = random.Random(seed)
    if count <= len(pool):
        return rng.sample(pool, count)
    return [rng.choice(pool) for _ in range(count)]   # more lookups than identifiers: repeat some


def api_headers(store) -> dict:
    """Request headers for /v1: a fresh API key with the agent role (the role of a who-is-this
    caller), when this version of idgraph has API keys."""
    try:
        from graph.access import apikeys
    except ImportError:
        return {}
    return {"Authorization": f"Bearer {apikeys.issue(store, 'agent', name='bench').key}"}


@contextlib.contextmanager
def http_api(settings, store, threads: int = 8):
    """The real app under waitress (`threads` request threads), in a daemon thread, on a free
    loopback port. Yields (base URL, request headers)."""
    from waitress import create_server, wasyncore

    from service import create_app
    logging.getLogger("waitress").setLevel(logging.ERROR)
    app = create_app(settings, store)
    headers = api_headers(store)
    server = create_server(app, host="127.0.0.1", port=free_port(), threads=threads, ident="idgraph-bench")
    thread = threading.Thread(target=server.run, name="waitress", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.effective_port}"
    deadline = time.monotonic() + 10
    while True:
        try:
            requests.get(f"{base}/openapi.json", timeout=2)
            break
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    try:
        yield base, headers
    finally:
        server.task_dispatcher.shutdown()
        # Closed by the loop's own thread (a descriptor closed under its select() is EBADF there, as
        # tests/loopback.py found); run() returns once the listener and open channels are gone.
        server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
        thread.join(timeout=10)


def _one_lookup(session: requests.Session, base: str, target: dict) -> tuple[float, str | None]:
    t0 = time.perf_counter()
    try:
        resp = session.get(f"{base}/v1/whois", params=target, timeout=30)
        ok = resp.status_code == 200
        if ok:
            resp.json()
        error = None if ok else f"HTTP {resp.status_code}"
    except (requests.RequestException, ValueError) as exc:
        error = type(exc).__name__
    return time.perf_counter() - t0, error


def run_lookups(api: tuple[str, dict], targets: list[dict], clients: int, progress: Progress,
                label: str) -> dict:
    base, headers = api
    task = progress.add_task(label, total=len(targets))
    local = threading.local()
    sessions: list[requests.Session] = []
    lock = threading.Lock()

    def session() -> requests.Session:
        if not hasattr(local, "s"):
            local.s = requests.Session()
            local.s.headers.update(headers)
            with lock:
                sessions.append(local.s)
        return local.s

    def call(target):
        if Interrupt.requested:
            return 0.0, "interrupted"
        result = _one_lookup(session(), base, target)
        progress.advance(task)
        return result

    started = time.perf_counter()
    try:
        if clients <= 1:
            results = [call(t) for t in targets]
        else:
            with ThreadPoolExecutor(max_workers=clients, thread_name_prefix="client") as pool:
                results = list(pool.map(call, targets))
    finally:
        for s in sessions:
            s.close()
    Interrupt.check()
    return summarise([(1000 * seconds, error) for seconds, error in results], time.perf_counter() - started,
                     clients)


def summarise(outcomes: list[tuple[float, str | None]], wall: float, clients: int) -> dict:
    """Request count, errors by kind, throughput and latency percentiles of (ms, error) outcomes."""
    latencies = sorted(ms for ms, error in outcomes if error is None)
    errors = Counter(error for _, error in outcomes if error is not None)
    return {"clients": clients, "requests": len(outcomes), "ok": len(latencies),
            "errors": sum(errors.values()), "error_kinds": dict(errors),
            "wall_s": _r(wall, 3), "throughput_rps": _r(len(latencies) / wall),
            "median_ms": _r(statistics.median(latencies) if latencies else None, 2),
            "p95_ms": _r(_percentile(latencies, 95), 2), "p99_ms": _r(_percentile(latencies, 99), 2),
            "max_ms": _r(latencies[-1] if latencies else None, 2)}


# --- report ----------------------------------------------------------------------------------

def print_report(result: dict) -> None:
    ing = result["ingest"]
    table = Table(title=f"idgraph bench: {result['records']} records "
                        f"({result['params']['data']} data, {result['params']['people']} people), "
                        f"batches of {result['params']['batch_size']}, probabilistic resolution on")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_column("note")
    labelled = [(f"warm-up run {i}", run) for i, run in enumerate(ing["warmup_runs"], start=1)] \
        + [(f"ingest run {i}", run) for i, run in enumerate(ing["runs"], start=1)]
    for label, run in labelled:
        table.add_row(label, f"{run['records_per_s']:.1f} rec/s",
                      f"{run['seconds']:.2f} s (parse {run['parse_seconds']:.2f} s in the parser, overlapped), "
                      f"CPU per record: client {run['client_cpu_ms_per_record']} ms, "
                      f"server {run['server_cpu_ms_per_record']} ms; "
                      f"cleared and settled before in {run['clear_seconds']} s")
    table.add_row("ingest median", f"[bold]{ing['median_records_per_s']:.1f} rec/s",
                  f"min {ing['min_records_per_s']:.1f}, max {ing['max_records_per_s']:.1f} (parse + store + resolve) "
                  f"over the {len(ing['runs'])} runs after {len(ing['warmup_runs'])} warm-up runs")
    table.add_row("outcomes (last run)", "", ", ".join(f"{k} {v}" for k, v in sorted(ing["outcomes"].items())))
    table.add_section()
    for name, w in result["whois"].items():
        if name == "targets":
            continue
        label = "sequential" if w["clients"] == 1 else f"{w['clients']} clients"
        table.add_row(f"whois {label}", f"[bold]{w['median_ms']} ms[/] median",
                      f"p95 {w['p95_ms']} ms, p99 {w['p99_ms']} ms, max {w['max_ms']} ms, "
                      f"{w['throughput_rps']} req/s, errors {w['errors']}"
                      + (f" {w['error_kinds']}" if w["errors"] else ""))
    table.add_row("whois targets", str(result["whois"]["targets"]["count"]),
                  ", ".join(f"{k} {v}" for k, v in result["whois"]["targets"]["types"].items())
                  + f" (+{result['params']['warmup']} warm-up requests, not counted)")
    console.print(table)
    env = result["env"]
    console.print(f"git {env.get('git')}{' (uncommitted changes)' if env.get('git_dirty') else ''}, "
                  f"neo4j Rust extension {'on' if env['neo4j_rust_ext'] else 'off'}, {env['cpus']} CPUs, "
                  f"1-min load average at start/end {env['loadavg_1m_start_end']} "
                  "(other processes on the machine skew the figures)")

    prof = result.get("profile")
    if prof:
        _print_statements(prof["ingest_query_timer"], "ingest",
                          f"{prof['ingest_query_timer']['records_per_s']} rec/s, "
                          f"{prof['ingest_query_timer']['transactions']} write transactions", [
                              ("parse_record in the parser (overlapped)", "parse_s"),
                              ("Python in ingest_record outside statements", "python_in_work_fn_outside_statements_s"),
                              ("session + BEGIN + COMMIT + retries", "session_begin_commit_s")])
        console.print(f"[bold]cProfile of one ingest run[/] "
                      f"({prof['ingest_cprofile_wall_s']} s wall under the profiler)")
        console.print(prof["ingest_cprofile_text"], markup=False, highlight=False)
        _print_statements(prof["whois_query_timer"], "whois (sequential HTTP)",
                          f"{prof['whois_query_timer']['requests']} requests, "
                          f"median {prof['whois_query_timer']['median_ms']} ms, "
                          f"{prof['whois_query_timer']['store_transactions_per_request']} store transactions "
                          "per request", [
                              ("Python in work functions outside statements", "python_in_view_outside_statements_s"),
                              ("session + BEGIN + COMMIT", "session_begin_commit_s"),
                              ("HTTP + Flask + schema dump + client, outside the store", "http_flask_outside_store_s")])
        console.print(f"[bold]cProfile of the same lookups through Flask's test client[/] "
                      f"({prof['whois_cprofile_wall_s']} s wall under the profiler)")
        console.print(prof["whois_cprofile_text"], markup=False, highlight=False)


def _print_statements(qt: dict, what: str, detail: str, extra_rows: list[tuple[str, str]]) -> None:
    pt = Table(title=f"profile: {what} with a per-statement timer ({qt['wall_s']} s wall, {detail})")
    for col, justify in (("statement", "left"), ("calls", "right"), ("total s", "right"), ("mean ms", "right"),
                         ("% of wall", "right"), ("mean ms 1st/last quarter", "right")):
        pt.add_column(col, justify=justify)
    for name, q in qt["statements"].items():
        pt.add_row(escape(name), str(q["calls"]), f"{q['total_s']:.3f}", f"{q['mean_ms']:.3f}",
                   f"{q['share_of_wall_pct']:.1f}", f"{q['first_quarter_mean_ms']} / {q['last_quarter_mean_ms']}")
    pt.add_section()
    pt.add_row("all statements (tx.run .. result consumed)", "", f"{qt['in_statements_s']:.2f}", "",
               f"{100 * qt['in_statements_s'] / qt['wall_s']:.1f}", "")
    for label, key in extra_rows:
        pt.add_row(label, "", f"{qt[key]:.2f}", "", f"{100 * qt[key] / qt['wall_s']:.1f}", "")
    pt.add_row("client CPU s / server CPU s", "", f"{qt['client_cpu_s']} / {qt['server_cpu_s']}", "", "", "")
    console.print(pt)


# --- main ------------------------------------------------------------------------------------

def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--people", type=int, default=1000, help="ordinary customers besides the scenarios")
    p.add_argument("--runs", type=int, default=3, help="timed ingest runs (database cleared between)")
    p.add_argument("--warmup-runs", type=int, default=5,
                   help="ingest runs before the timed ones, while the server's JVM compiles its hot paths "
                        "(printed, not in the median)")
    p.add_argument("--lookups", type=int, default=500, help="who-is-this requests per phase")
    p.add_argument("--clients", type=int, default=4, help="concurrent HTTP clients in the second phase")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--data", choices=("demo", "synthetic"), default="demo",
                   help="demo: the hotel chain's silos (shared identifiers); synthetic: graph.demo.population's "
                        "households, mostly resolved by score")
    p.add_argument("--batch-size", type=int, default=200)
    p.add_argument("--parser", choices=("process", "thread"), default="process",
                   help="where batches are parsed while the one before is stored: a process of its own "
                        "(as `idgraph ingest` does for large files) or a thread (as POST /v1/records does)")
    p.add_argument("--warmup", type=int, default=20, help="untimed who-is-this requests before timing")
    p.add_argument("--profile", action="store_true",
                   help="after the timed runs, profile one more ingest run (per-query timer + cProfile)")
    p.add_argument("--profile-out", help="also dump the cProfile stats to this file (implies --profile)")
    p.add_argument("--keep-dir", action="store_true", help="keep the temp dir (server log) at the end")
    add_engine_option(p)
    args = p.parse_args(argv)
    if args.profile_out:
        args.profile = True
    if min(args.people, args.runs, args.lookups, args.clients, args.batch_size) < 1 or args.people > 100_000 \
            or args.runs > 50 or not 0 <= args.warmup_runs <= 50 or args.lookups > 100_000 or args.clients > 64:
        p.error("out of range: people 1..100000, runs 1..50, warmup-runs 0..50, lookups 1..100000, "
                "clients 1..64, batch-size >= 1")
    return args


def measure(store, settings, server, args, load_at_start, parser) -> dict:
    """The ingest runs, then who-is-this over HTTP (and --profile's passes); prints the report and
    the JSON line, and returns the result."""
    records = generated_records(args.data, args.seed, args.people)
    console.print(f"{len(records)} {args.data} records generated (seed {args.seed}, {args.people} people)")
    runs = []
    with _progress() as progress:
        for i in range(args.warmup_runs + args.runs):
            label = f"warm-up run {i + 1}" if i < args.warmup_runs else f"ingest run {i + 1 - args.warmup_runs}"
            runs.append(timed_run(store, settings, records, args.batch_size, progress, label, server.pid, parser))
    warmup, runs = runs[:args.warmup_runs], runs[args.warmup_runs:]
    rates = [r["records_per_s"] for r in runs]
    result: dict = {
        "bench": "ingest_whois", "engine": args.engine, "records": len(records),
        "params": {k: getattr(args, k) for k in ("engine", "people", "runs", "lookups", "clients", "seed",
                                                  "batch_size", "warmup", "data", "parser")},
        "env": {"python": platform.python_version(), "cpus": os.cpu_count(),
                "server_startup_s": server.startup_s, "neo4j_rust_ext": _rust_ext(), **_git_state()},
        "ingest": {"warmup_runs": warmup, "runs": runs, "median_records_per_s": _r(statistics.median(rates)),
                   "min_records_per_s": min(rates), "max_records_per_s": max(rates),
                   "outcomes": runs[-1]["outcomes"]},
    }
    targets = lookup_targets(records, settings, args.lookups, args.seed)
    result["whois"] = whois_phases(settings, store, records, targets, args)
    if args.profile:
        result["profile"] = profile_runs(store, settings, records, targets, args, server.pid, parser)
    result["env"]["loadavg_1m_start_end"] = [_r(load_at_start[0], 2), _r(os.getloadavg()[0], 2)]
    print_report(result)
    summary = {k: v for k, v in result.items() if k != "profile"}
    if "profile" in result:
        summary["profile"] = {k: v for k, v in result["profile"].items() if not k.endswith("_text")}
    print(json.dumps(summary, separators=(",", ":")), flush=True)
    return result


def whois_phases(settings, store, records, targets, args) -> dict:
    """Untimed warm-up requests, then the lookups one at a time, then from --clients threads."""
    warm = lookup_targets(records, settings, args.warmup, args.seed + 1) if args.warmup else []
    with http_api(settings, store) as api, _progress() as progress:
        if warm:
            run_lookups(api, warm, 1, progress, "whois warm-up")
        sequential = run_lookups(api, targets, 1, progress, "whois sequential")
        concurrent = run_lookups(api, targets, args.clients, progress, f"whois {args.clients} clients")
    return {"targets": {"count": len(targets), "distinct": len({(t["type"], t["value"]) for t in targets}),
                        "types": dict(Counter(t["type"] for t in targets))},
            "sequential": sequential, "concurrent": concurrent}


def with_server(args, prefix: str, body) -> int:
    """Run body(server, closing) against a private --engine server with Interrupt's Ctrl-C handling;
    body pushes what must close before the server stops (store, parser) on the ExitStack `closing`.
    Returns body's exit code, or 130 when interrupted."""
    signal.signal(signal.SIGINT, Interrupt.handler)
    signal.signal(signal.SIGTERM, Interrupt.handler)   # stop the server on kill too
    closing = contextlib.ExitStack()   # closed in `finally`, once signals are held off
    server = None
    try:
        with console.status(f"starting a private {args.engine} server..."):
            server = closing.enter_context(private_server(prefix, args.keep_dir, args.engine))
        Interrupt.check()
        console.print(f"{args.engine} server up in {server.startup_s:.1f} s: {server.uri} "
                      f"(pid {server.pid}, dir {server.workdir})")
        return body(server, closing)
    except BaseException as exc:
        if not _interrupted(exc):
            raise
        console.print(f"[yellow]interrupted; stopping the {args.engine} server...")
        return 130
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)   # let the cleanup finish
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        with console.status(f"stopping the {args.engine} server..."):
            closing.close()
        if args.keep_dir and server is not None:
            console.print(f"kept {server.workdir}")
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def connect_without_limit(server, closing: contextlib.ExitStack):
    """Settings with the rate limit off (measure latency, not the limiter) and a store closed before
    the server stops."""
    settings = server.settings()
    if "rate_limit" in {f.name for f in dataclasses.fields(settings)}:
        settings = dataclasses.replace(settings, rate_limit=0)
    store = connect(settings)

    def close() -> None:
        with contextlib.suppress(Exception):   # a broken connection must not keep the server up
            store.close()
    closing.callback(close)
    return settings, store


def main(argv=None) -> int:
    args = parse_args(argv)
    load_at_start = os.getloadavg()

    def body(server, closing) -> int:
        settings, store = connect_without_limit(server, closing)
        parser = None
        if args.parser == "process":
            with console.status("starting the parsing process..."):
                parser = parser_process()   # once, as a long-running loader has it
            closing.callback(parser.shutdown, cancel_futures=True)
        result = measure(store, settings, server, args, load_at_start, parser)
        return 0 if not (result["whois"]["sequential"]["errors"] or result["whois"]["concurrent"]["errors"]) else 1

    return with_server(args, "idgraph-bench-", body)


if __name__ == "__main__":
    sys.exit(main())
