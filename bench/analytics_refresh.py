"""Benchmark: `idgraph analytics refresh` on a generated graph of N persons (default 100,000).

    python bench/analytics_refresh.py [--engine arcadedb|neo4j] [--persons 100000] [--runs 3]
                                      [--batch-size 5000] [--seed 7] [--load-batch 5000] [--changed 0.01]

Starts a private server of --engine (bench/private_server.py: temp dir, free loopback ports,
schema applied) and
bulk-loads a generated graph with UNWIND batches (graph/store/queries_bulk.py, not the per-record
ingest): one record per person, e-mails (corporate or free-mail), mobiles, homes shared by couples
and families (with a landline, some with a previous resident who moved out), companies with
subsidiaries and decision makers, and a social graph of handles with FOLLOWS and MENTIONS edges
(preferential attachment, so a few handles gather most followers). Then it runs the refresh
(`graph.relationships.refresh.refresh`, the code `idgraph analytics refresh` runs) `--runs` times and prints the
seconds of each phase (median over runs) and of them the seconds spent waiting on the store (the
rest is Python), the load time, and peak memory: this process's peak RSS and the database
server's (the JVM child). Then, `--runs` times, it sends again a `--changed` share of the records
with new spend and times `refresh --changed` (median; persons rescored). Last line: one JSON
object with every figure.
Everything is stopped at the end, also on Ctrl-C.
"""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import json
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))   # run as a script from anywhere

from bench.private_server import add_engine_option, peak_rss_mb, private_server  # noqa: E402
from graph.intake.domains import is_corporate_domain  # noqa: E402
from graph.relationships import refresh  # noqa: E402
from graph.store import queries_bulk  # noqa: E402

console = Console(width=None if sys.stdout.isatty() else 130)
GIVEN = ("Ann", "Ben", "Cara", "Dev", "Ella", "Finn", "Gita", "Hugo", "Isla", "Jack", "Kira", "Liam",
         "Maya", "Noah", "Omar", "Pia", "Raj", "Sara", "Tom", "Una", "Vik", "Wen", "Yusuf", "Zoe")
FAMILY = tuple(f"{a}{b}" for a in ("Ash", "Brook", "Clay", "Dale", "Fair", "Green", "Hall", "Lind",
                                    "Marsh", "North", "Oak", "Pen", "Ross", "Stone", "Thorn", "West")
               for b in ("by", "field", "ford", "ham", "ley", "more", "ton", "wood"))
FREE_MAIL = ("gmail.com", "yahoo.co.uk", "hotmail.co.uk", "outlook.com")
TIERS = ("blue", "silver", "gold", "platinum")
TODAY = dt.date(2026, 11, 23)


# --- generation: plain rows for the UNWIND statements ------------------------------------------

@dataclasses.dataclass
class Generated:
    persons: list[dict] = dataclasses.field(default_factory=list)
    identifiers: dict[str, dict[str, dict]] = dataclasses.field(default_factory=dict)   # kind -> key -> node
    links: dict[str, list[dict]] = dataclasses.field(default_factory=dict)
    companies: list[dict] = dataclasses.field(default_factory=list)
    subsidiaries: list[dict] = dataclasses.field(default_factory=list)
    jobs: list[dict] = dataclasses.field(default_factory=list)
    edges: dict[str, list[dict]] = dataclasses.field(default_factory=dict)

    def identifier(self, kind: str, key: str, value: str, props: dict | None = None) -> None:
        self.identifiers.setdefault(kind, {}).setdefault(key, {"key": key, "kind": kind, "value": value,
                                                               "props": props or {}})

    def link(self, kind: str, record: str, key: str, value: str, props: dict | None = None,
             valid_from: dt.date | None = None, valid_to: dt.date | None = None) -> None:
        self.identifier(kind, key, value, props)
        self.links.setdefault(kind, []).append({"record": record, "key": key, "validFrom": valid_from,
                                                "validTo": valid_to, "source": "bench"})


def generate(n: int, seed: int) -> Generated:
    rng, out = random.Random(seed), Generated()
    companies = _companies(rng, out, max(20, n // 50))
    pid = 0
    for home in range(n):                       # far more homes than needed; stops at n persons
        size = rng.choices((1, 2, 3, 4), weights=(40, 35, 15, 10))[0]
        family = rng.choice(FAMILY)
        landline = f"+44207{home:07d}" if size > 1 and rng.random() < 0.5 else None
        for member in range(size):
            if pid >= n:
                return _social(rng, out, n)
            _person(rng, out, pid, home, family if member < 3 else rng.choice(FAMILY), landline,
                    moved_out=size > 2 and member == size - 1 and rng.random() < 0.3, companies=companies)
            pid += 1
    return _social(rng, out, n)


def _companies(rng: random.Random, out: Generated, count: int) -> list[tuple[str, str]]:
    made = []
    for c in range(count):
        key, name = f"bench co {c}", f"Bench Co {c} Ltd"
        out.companies.append({"companyKey": key, "name": name})
        made.append((key, f"benchco{c}.example.com"))
        if c >= 10 and rng.random() < 0.1:     # some belong to one of the first ten groups
            out.subsidiaries.append({"child": key, "parent": f"bench co {rng.randrange(10)}"})
    return made


def _person(rng, out: Generated, n: int, home: int, family: str, landline: str | None, moved_out: bool,
            companies: list[tuple[str, str]]) -> None:
    given = rng.choice(GIVEN)
    record = f"bench/B-{n:07d}"
    spend = round(rng.lognormvariate(6, 1.6), 2) if rng.random() < 0.7 else None
    out.persons.append({
        "personId": f"P-{n:016x}", "recordKey": record, "source": "bench", "sourceId": f"B-{n:07d}",
        "observedAt": dt.datetime(2026, 10, 1, tzinfo=dt.UTC), "givenName": given,
        "familyName": family, "fullName": f"{given} {family}", "givenKey": given.lower(),
        "familyKey": family.lower(), "lifetimeSpend": spend,
        "tier": rng.choice(TIERS) if spend else None,
        "lastActivity": TODAY - dt.timedelta(days=rng.randrange(1, 900)) if spend else None,
        "nightsLastYear": rng.randrange(0, 60) if spend else None,
        "consentGranted": ["service"] + (["marketing"] if rng.random() < 0.6 else []),
        "consentDenied": [], })
    job = rng.choice(companies) if rng.random() < 0.3 else None
    domain = job[1] if job else rng.choice(FREE_MAIL)
    email = f"{given}.{family}.{n}@{domain}".lower()
    out.link("email", record, f"email:{email}", email, {"domain": domain, "corporate": is_corporate_domain(domain)})
    out.link("phone", record, f"phone:+447{n:09d}", f"+447{n:09d}")
    if landline:
        out.link("phone", record, f"phone:{landline}", landline)
    address = f"GB|BN{home % 100}{home // 100 % 10}AA|{home}|bench street"
    start = dt.date(2015 + home % 8, 1 + n % 12, 1)
    end = start + dt.timedelta(days=400) if moved_out else None
    out.link("address", record, f"address:{address}", address,
             {"streetNumber": str(home), "street": "Bench Street", "locality": "Brighton",
              "postcode": f"BN{home % 100} {home // 100 % 10}AA", "country": "GB"}, start, end)
    if job:
        out.jobs.append({"record": record, "companyKey": job[0], "title": "Buyer",
                         "decisionMaker": rng.random() < 0.1})


def _social(rng: random.Random, out: Generated, n: int) -> Generated:
    """Handles for 30% of persons plus outsiders nobody owns; edges by preferential attachment."""
    keys: list[str] = []
    for p in rng.sample(range(n), k=int(n * 0.3)):
        handle = f"user{p}"
        followers = int(rng.paretovariate(1.2) * 20)
        out.link("social", out.persons[p]["recordKey"], f"social:twitter:{handle}", f"twitter:{handle}",
                 {"platform": "twitter", "handle": handle, "followers": followers})
        keys.append(f"social:twitter:{handle}")
    for o in range(max(10, n // 50)):
        handle = f"outsider{o}"
        out.identifier("social", f"social:twitter:{handle}", f"twitter:{handle}",
                       {"platform": "twitter", "handle": handle, "followers": int(rng.paretovariate(1.1) * 50)})
        keys.append(f"social:twitter:{handle}")
    targets: list[str] = keys[:10]              # each edge adds its target again: the popular get more
    seen = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    pairs: set[tuple[str, str, str]] = set()
    for source in keys:
        for _ in range(rng.randrange(1, 8)):
            target = rng.choice(targets) if rng.random() < 0.7 else rng.choice(keys)
            kind = "FOLLOWS" if rng.random() < 0.8 else "MENTIONS"
            if target != source and (source, target, kind) not in pairs:
                pairs.add((source, target, kind))
                out.edges.setdefault(kind, []).append({"from": source, "to": target, "seen": seen})
                targets.append(target)
    return out


# --- loading ----------------------------------------------------------------------------------

def load(store, data: Generated, batch: int) -> dict:
    steps = [(queries_bulk.PERSONS, data.persons, "persons + records"),
             (queries_bulk.COMPANIES, data.companies, "companies"),
             (queries_bulk.SUBSIDIARIES, data.subsidiaries, "subsidiaries"), (queries_bulk.JOBS, data.jobs, "jobs")]
    steps += [(queries_bulk.IDENTIFIERS[kind], list(nodes.values()), f"{kind} nodes")
              for kind, nodes in data.identifiers.items()]
    steps += [(queries_bulk.LINKS[kind], rows, f"{kind} links") for kind, rows in data.links.items()]
    steps += [(queries_bulk.EDGES[kind], rows, f"{kind} edges") for kind, rows in data.edges.items()]
    started, columns = time.monotonic(), (TextColumn("[bold]{task.description}"), BarColumn(),
                                          MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as bar:
        for statement, rows, label in steps:
            task = bar.add_task(f"load {label}", total=len(rows))
            for i in range(0, len(rows), batch):
                chunk = rows[i:i + batch]
                store.write(lambda tx, s=statement, c=chunk: tx.run(s, rows=c).consume())
                bar.advance(task, len(chunk))
    return {"seconds": round(time.monotonic() - started, 1),
            "nodes": store.query(queries_bulk.NODE_COUNT)[0]["n"],
            "relationships": store.query(queries_bulk.RELATIONSHIP_COUNT)[0]["n"]}


# --- the refresh, timed per phase ---------------------------------------------------------------

STORE_CALLS = ("read", "write")     # Store.query goes through read: timed once


class PhaseTimer(refresh.Progress):
    """Seconds per phase: a phase runs from its start() to the next phase's start() (or close()).

    The store's query/read/write are timed too, so each phase's time splits into waiting on the
    store (round trip, server work, the driver's decoding) and the rest (Python).
    """

    def __init__(self, bar: Progress, store):
        self.bar, self.tasks, self.seconds, self.store_seconds = bar, {}, {}, {}
        self._current: tuple[str, float] | None = None
        for name in STORE_CALLS:
            setattr(store, name, self._timed(getattr(store, name)))
        self._store = store

    def _timed(self, method):
        def timed(*args, **kwargs):
            began = time.monotonic()
            try:
                return method(*args, **kwargs)
            finally:
                stage = self._current[0] if self._current else "before phases"
                self.store_seconds[stage] = self.store_seconds.get(stage, 0.0) + time.monotonic() - began
        return timed

    def restore(self) -> None:
        for name in STORE_CALLS:
            delattr(self._store, name)

    def start(self, stage: str, total: int | None) -> None:
        self.close()
        self._current = (stage, time.monotonic())
        self.tasks[stage] = self.bar.add_task(stage, total=total)

    def advance(self, stage: str, n: int) -> None:
        self.bar.advance(self.tasks[stage], n)

    def close(self) -> None:
        if self._current:
            stage, began = self._current
            self.seconds[stage] = time.monotonic() - began
            self._current = None


def run_refresh(store, batch: int, changed: bool = False) -> tuple[dict, dict]:
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as bar:
        timer = PhaseTimer(bar, store)
        started = time.monotonic()
        try:
            stats = refresh.refresh(store, batch, timer, today=TODAY, changed=changed)
        finally:
            timer.restore()
        timer.close()
        timer.seconds["total"] = time.monotonic() - started
    store_seconds = dict(timer.store_seconds, total=sum(timer.store_seconds.values()))
    return stats, timer.seconds | {f"{k} (store)": v for k, v in store_seconds.items()}


def touch(store, persons: int, share: float, seed: int) -> int:
    """Send `share` of the records again with new spend, as ingestion would mark them."""
    rng = random.Random(seed)
    rows = [{"record": f"bench/B-{n:07d}", "lifetimeSpend": round(rng.uniform(10, 5000), 2)}
            for n in rng.sample(range(persons), k=max(1, int(persons * share)))]
    for i in range(0, len(rows), 5000):
        store.write(lambda tx, c=rows[i:i + 5000]: tx.run(queries_bulk.TOUCH_RECORDS, rows=c).consume())
    return len(rows)


def main(argv=None) -> None:
    args = _arguments(argv)
    with contextlib.ExitStack() as stack:   # the server is stopped and removed last, also on Ctrl-C
        with console.status(f"starting a private {args.engine} server..."):
            server = stack.enter_context(private_server("idgraph-analytics-", engine=args.engine))
        store = server.connect()
        stack.callback(store.close)
        _measure(store, args, server.pid)


def _measure(store, args, server_pid: int) -> None:
    began = time.monotonic()
    data = generate(args.persons, args.seed)
    generated = round(time.monotonic() - began, 1)
    loaded = load(store, data, args.load_batch)
    del data
    runs = []
    for n in range(args.runs):
        console.print(f"[bold]refresh run {n + 1}/{args.runs}")
        runs.append(run_refresh(store, args.batch_size))
    changed = []
    for n in range(args.runs if args.changed else 0):
        touched = touch(store, args.persons, args.changed, args.seed + n)
        console.print(f"[bold]refresh --changed run {n + 1}/{args.runs} after {touched:,} records changed")
        changed.append(run_refresh(store, args.batch_size, changed=True))
    figures = {"bench": "analytics_refresh", "engine": args.engine, "persons": args.persons, "runs": args.runs,
               "batchSize": args.batch_size, "loadAverage": os.getloadavg(),
               "generateSeconds": generated, "load": loaded, "refreshSeconds": _medians(runs),
               # the first run on a freshly loaded graph writes every score; later ones only what moved
               "eachRunTotal": [round(r[1]["total"], 2) for r in runs],
               "eachRunWritten": [r[0].get("personsWritten") for r in runs],
               "refreshStats": {k: v for k, v in runs[-1][0].items() if k != "seconds"},
               "changedShare": args.changed,
               "changedSeconds": _medians(changed) if changed else None,
               "changedStats": {k: v for k, v in changed[-1][0].items() if k != "seconds"} if changed else None,
               "peakRssMb": {"python": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                             "server": peak_rss_mb(server_pid)}}
    _print(figures)
    print(json.dumps(figures, default=str))


def _medians(runs: list[tuple[dict, dict]]) -> dict:
    phases = list(dict.fromkeys(k for r in runs for k in r[1]))
    return {k: round(statistics.median(r[1].get(k, 0.0) for r in runs), 2) for k in phases}


def _print(figures: dict) -> None:
    table = Table(title=f"{figures['engine']}: analytics refresh on {figures['persons']:,} persons "
                        f"(median of {figures['runs']} run(s), batch {figures['batchSize']})")
    table.add_column("phase")
    table.add_column("seconds", justify="right")
    table.add_row("generate (Python)", str(figures["generateSeconds"]))
    table.add_row(f"bulk load ({figures['load']['nodes']:,} nodes, {figures['load']['relationships']:,} rels)",
                  str(figures["load"]["seconds"]))
    for phase, seconds in figures["refreshSeconds"].items():
        table.add_row(f"refresh: {phase}", str(seconds))
    table.add_row("refresh: total of each run (persons written)",
                  ", ".join(f"{t} ({w})" for t, w in zip(figures["eachRunTotal"], figures["eachRunWritten"],
                                                         strict=True)))
    for phase, seconds in (figures["changedSeconds"] or {}).items():
        table.add_row(f"refresh --changed ({figures['changedShare']:.0%} changed): {phase}", str(seconds))
    if figures["changedStats"]:
        table.add_row("refresh --changed: persons rescored", f"{figures['changedStats']['persons']:,}")
    table.add_row("load average (1, 5, 15 min)", " / ".join(f"{x:.1f}" for x in figures["loadAverage"]))
    table.add_row("peak RSS, this process / server (MB)",
                  f"{figures['peakRssMb']['python']} / {figures['peakRssMb']['server']}")
    console.print(table)


def _arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3, help="refresh runs on the same graph (median)")
    parser.add_argument("--changed", type=float, default=0.01,
                        help="share of records changed before each `refresh --changed` run (0: none)")
    parser.add_argument("--batch-size", type=int, default=refresh.DEFAULT_BATCH, help="the refresh's piece size")
    parser.add_argument("--load-batch", type=int, default=5000, help="rows per UNWIND when loading")
    parser.add_argument("--seed", type=int, default=7)
    add_engine_option(parser)
    return parser.parse_args(argv)


if __name__ == "__main__":
    main()
