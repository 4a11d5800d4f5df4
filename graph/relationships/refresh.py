"""Use case: `idgraph analytics refresh`, computing households, PageRank and scores in bulk.

Each phase reads what it needs in few large reads (keys paged KEY_PAGE at a time, each page one
statement), computes in memory (networkx/scipy for PageRank, graph/analytics for households and
scores) and writes back in UNWIND batches of `batch` rows, so analysts can query the results in
Cypher (p.valueScore, p.reach, p.pagerank, p.priority, h.pagerank, MEMBER_OF ...). Only what
differs from what is stored is written (a digest of each person's scores and each household, the
ranks compared up to float noise): on ArcadeDB rewriting an unchanged node was most of the cost.
So a node's `analyticsRun` names the run that last changed it.

`changed=True` refreshes only what changed since the last run started (see `Scope`): the persons
a write touched, the addresses they hold, the companies they work for and those companies' staff.
PageRank is global, so a new handle or edge re-ranks the whole social graph and rescores every
ranked person; without one, the last ranks stand. Scores depend on the day (recency), so a
refresh on another day than the last one is always full.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graph.analytics import households as hh
from graph.analytics import scoring, social_rank
from graph.intake.domains import email_domain, is_corporate_domain
from graph.relationships.influence import company_facts, distinct_handles, profile
from graph.relationships.network import address_label, households_at
from graph.signals import rules as signal_rules_file
from graph.signals.refresh import refresh_signals
from graph.store import queries_analytics
from graph.store.driver import Store
from graph.store.values import native

DEFAULT_BATCH = 5000       # rows per write: 0.53-0.84x the time of 500-row writes, interleaved at 20,000 persons
KEY_PAGE = 50_000        # rows per paged read; the writes go `batch` at a time


class Progress:
    """What refresh reports; the CLI shows it as a rich progress bar. The default says nothing."""

    def start(self, stage: str, total: int | None) -> None:
        pass

    def advance(self, stage: str, n: int) -> None:
        pass


@dataclass
class Scope:
    """What a refresh recomputes: everything (`persons` None) or the changed part of the graph."""
    since: Any = None                        # the last run's start, for an incremental refresh
    persons: set[str] | None = None          # None: every active person
    addresses: list[str] | None = None       # None: every address
    companies: list[str] | None = None       # None: every company
    mode: str = "full"

    @property
    def full(self) -> bool:
        return self.persons is None


@dataclass
class Refresh:
    store: Store
    batch: int
    progress: Progress
    run_id: str
    today: dt.date
    scope: Scope = field(default_factory=Scope)

    def count(self, statement: str) -> int:
        return self.store.query(statement)[0]["n"]

    def pages(self, statement: str, key: str):
        """All rows of `statement` (WHERE key > $cursor ORDER BY key LIMIT $limit), a page a read.

        ArcadeDB answers the keyset query by scanning and sorting the whole label, so pages are
        large: at 100,000 persons, two reads instead of two hundred.
        """
        cursor = ""
        while True:
            rows = self.store.query(statement, cursor=cursor, limit=KEY_PAGE)
            yield rows
            if len(rows) < KEY_PAGE:
                return
            cursor = rows[-1][key]

    def chunks(self, items: list):
        for i in range(0, len(items), self.batch):
            yield items[i:i + self.batch]

    def keys(self, statement: str, column: str, **params) -> list[str]:
        """One column of an UNWIND read over `params`' single list, asked `batch` keys at a time."""
        [(name, values)] = params.items()
        return sorted({r[column] for chunk in self.chunks(sorted(values))
                       for r in self.store.query(statement, **{name: chunk})})

    def changes(self, statement: str) -> int:
        return self.store.query(statement, since=self.scope.since)[0]["n"]

    def write(self, statement: str, **params) -> None:
        self.store.write(lambda tx: tx.run(statement, params, runId=self.run_id).consume())

    def write_rows(self, statement: str, rows: list, name: str = "rows", **params) -> None:
        for chunk in self.chunks(rows):
            self.write(statement, **{name: chunk}, **params)


def refresh(store, batch_size: int = DEFAULT_BATCH, progress: Progress | None = None,
            today: dt.date | None = None, signal_rules: signal_rules_file.Rules | None = None,
            changed: bool = False) -> dict:
    """Recompute derived facts, scores and signals (all, or only what changed); returns the run's figures."""
    started = time.monotonic()
    run = Refresh(store, batch_size, progress or Progress(), f"A-{uuid.uuid4().hex[:12]}", today or dt.date.today())
    previous = _latest_run(store) if changed else None
    run.write(queries_analytics.START_RUN)
    run.scope = _scope(run, previous) if changed else Scope()
    stats: dict[str, Any] = {"mode": run.scope.mode, "emailsBackfilled": _email_domains(run),
                             "companies": _companies(run)}
    stats.update(_social_graph(run, previous))
    stats["households"] = _households(run)
    stats.update(_persons(run, stats["socialHandles"]))
    stats["scoredOn"] = run.today
    stats["signals"] = _signals(run, signal_rules or signal_rules_file.load(), today is None)
    stats["seconds"] = round(time.monotonic() - started, 2)
    run.write(queries_analytics.FINISH_RUN, stats=stats)
    return dict(stats, runId=run.run_id)


def _latest_run(store) -> dict | None:
    """The last finished run's figures, times as the driver gives them (to compare in Cypher)."""
    rows = store.query(queries_analytics.LATEST_RUN)
    return rows[0]["run"] if rows else None


def _scope(run: Refresh, previous: dict | None) -> Scope:
    """The changed part of the graph since `previous` started, or everything when it cannot say."""
    if previous is None:
        return Scope(mode="full (no earlier run)")
    if native(previous.get("scoredOn")) != run.today:
        return Scope(mode="full (scores of another day: recency moved)")
    since = previous["startedAt"]
    persons = {r["personId"] for r in run.store.query(queries_analytics.CHANGED_PERSONS, since=since)}
    companies = run.keys(queries_analytics.COMPANIES_OF_PERSONS, "companyKey", personIds=persons)
    companies = sorted(set(companies) | {r["companyKey"] for r in run.store.query(
        queries_analytics.NEW_COMPANIES, since=since)})
    persons |= set(run.keys(queries_analytics.STAFF_OF, "personId", companyKeys=companies))
    addresses = run.keys(queries_analytics.ADDRESSES_OF, "addressKey", personIds=persons)
    return Scope(since, persons, addresses, companies, mode="changed")


def _email_domains(run: Refresh) -> int:
    """E-mails stored before domains were recorded get theirs (and whether it is corporate)."""
    run.progress.start("e-mail domains", None)
    done = 0
    while rows := run.store.query(queries_analytics.EMAILS_WITHOUT_DOMAIN, limit=run.batch):
        run.write(queries_analytics.WRITE_EMAIL_DOMAINS, rows=[
            {"key": r["key"], "domain": email_domain(r["value"] or ""),
             "corporate": is_corporate_domain(email_domain(r["value"] or ""))} for r in rows])
        done += len(rows)
        run.progress.advance("e-mail domains", len(rows))
    return done


def _companies(run: Refresh) -> int:
    if run.scope.companies is None:
        keys = [r["companyKey"] for page in run.pages(queries_analytics.COMPANIES_PAGE, "companyKey") for r in page]
    else:
        keys = run.scope.companies
    run.progress.start("companies", len(keys))
    for chunk in run.chunks(keys):
        facts = run.store.read(company_facts, chunk)
        run.write(queries_analytics.WRITE_COMPANY_FACTS, rows=[
            {"companyKey": k, "knownEmployees": f["knownEmployees"], "knownSpend": f["knownSpend"]}
            for k, f in facts.items()])
        run.progress.advance("companies", len(chunk))
    return len(keys)


def _social_edges(run: Refresh) -> list[social_rank.Edge]:
    """Every edge between handles: one read per edge type."""
    return [social_rank.Edge(r["source"], r["target"], kind)
            for kind, statement in queries_analytics.SOCIAL_EDGES.items() for r in run.store.query(statement)]


def _social_graph(run: Refresh, previous: dict | None) -> dict:
    """PageRank of every handle, per weakly connected component, over one read of the edges; only
    the ranks that moved are written."""
    total = run.count(queries_analytics.COUNT_SOCIAL_HANDLES)
    run.progress.start("social graph (PageRank)", total)
    scope = run.scope
    if not scope.full and not run.changes(queries_analytics.SOCIAL_CHANGES):
        return {"socialHandles": total, "reranked": False} | {
            key: (previous or {}).get(key) for key in ("socialComponents", "largestComponent")}
    graph = social_rank.component_graph(_social_edges(run))
    ranks: dict[str, tuple[float, str]] = {}
    components = sorted(nx.weakly_connected_components(graph), key=min)
    for nodes in components:
        label = f"C-{min(nodes)}"     # the same component keeps its label from run to run
        ranks |= {k: (v, label) for k, v in social_rank.pagerank(graph.subgraph(nodes), total).items()}
    stored = {r["key"]: (r["pagerank"], r["component"]) for r in run.store.query(queries_analytics.STORED_RANKS)}
    moved = sorted(k for k, v in ranks.items() if not _same_rank(stored.get(k), v))
    gone = sorted(set(stored) - set(ranks))
    run.write_rows(queries_analytics.WRITE_HANDLE_RANKS, [{"key": k, "pagerank": ranks[k][0],
                                                           "component": ranks[k][1]} for k in moved])
    run.write_rows(queries_analytics.CLEAR_HANDLE_RANKS, gone, name="keys")
    run.progress.advance("social graph (PageRank)", len(ranks))
    if scope.persons is not None:    # a moved rank moves its holders' network scores
        scope.persons |= set(run.keys(queries_analytics.HOLDERS_OF_HANDLES, "personId", keys=moved + gone))
    return {"socialHandles": total, "socialComponents": len(components),
            "largestComponent": max((len(c) for c in components), default=0), "reranked": True,
            "ranksWritten": len(moved) + len(gone)}


def _same_rank(stored: tuple | None, new: tuple[float, str]) -> bool:
    """Equal up to float noise: the same graph read in another order ranks it a few ulps apart."""
    return stored is not None and stored[1] == new[1] and stored[0] is not None \
        and abs(stored[0] - new[0]) <= 1e-9 * max(abs(new[0]), 1e-300)


def digest(row: dict) -> str:
    """A fingerprint of what a refresh writes for one node, to skip writing it again unchanged."""
    return hashlib.sha1(json.dumps(row, sort_keys=True, default=str).encode()).hexdigest()[:20]


def _household_rows(address: dict, found: list[hh.Household], today: dt.date) -> list[dict]:
    rows = []
    for house in found:
        rows.append({"householdId": house.household_id, "addressKey": house.address_key,
                     "name": address_label(address), "size": len(house.members),
                     "currentSize": sum(m.current(today) for m in house.members),
                     "members": [{"personId": m.person_id, "validFrom": m.valid_from,
                                  "validTo": m.valid_to, "current": m.current(today),
                                  "evidence": [e.label() for e in m.evidence]}
                                 for m in house.members]})
    return rows


def _households(run: Refresh) -> int:
    if run.scope.addresses is None:
        pages = [r for page in run.pages(queries_analytics.ADDRESSES_PAGE, "addressKey") for r in page]
        shared, count = [r["addressKey"] for r in pages if r["holdings"] > 1], len(pages)
    else:
        shared, count = run.scope.addresses, len(run.scope.addresses)
    run.progress.start("households", count)
    stored = {r["householdId"]: (r["addressKey"], r["digest"])
              for r in run.store.query(queries_analytics.STORED_HOUSEHOLDS)}
    derived = 0
    for chunk in run.chunks(shared):
        derived += _write_households(run.store, chunk, run.run_id, run.today, stored)
        run.progress.advance("households", len(chunk))
    if run.scope.addresses is None:      # addresses one record holds or fewer: no household left there
        stale = sorted({address for address, _ in stored.values()} - set(shared))
        for chunk in run.chunks(stale):
            _write_households(run.store, chunk, run.run_id, run.today, stored, derive=False)
    run.progress.advance("households", count - len(shared))
    return derived


def _write_households(store, address_keys: list[str], run_id: str, today: dt.date,
                      stored: dict[str, tuple] | None = None, derive: bool = True) -> int:
    """Derive the households at these addresses and replace the stored ones there; with `stored`
    (householdId -> (addressKey, digest)) only the addresses where something differs are written."""
    derived = store.read(households_at, address_keys, today) if derive and address_keys else []
    houses = [dict(row, digest=digest(row)) for address, found in derived
              for row in _household_rows(address, found, today)]
    keep: dict[str, dict] = {k: {"addressKey": k, "householdIds": [], "memberships": []} for k in address_keys}
    for h in houses:
        keep[h["addressKey"]]["householdIds"].append(h["householdId"])
        keep[h["addressKey"]]["memberships"] += [f"{h['householdId']}|{m['personId']}" for m in h["members"]]
    if stored is not None:
        changed = {h["addressKey"] for h in houses if stored.get(h["householdId"], (None, None))[1] != h["digest"]}
        changed |= {address for hid, (address, _) in stored.items()
                    if address in keep and hid not in keep[address]["householdIds"]}
        houses = [h for h in houses if h["addressKey"] in changed]
        held = {address for address, _ in stored.values()}     # nothing stale where nothing is stored
        keep = {k: v for k, v in keep.items() if k in changed and k in held}
    drops = list(keep.values())

    def write(tx) -> None:
        if drops:
            tx.run(queries_analytics.DROP_STALE_MEMBERSHIPS, rows=drops).consume()
            tx.run(queries_analytics.DROP_STALE_HOUSEHOLDS, rows=drops).consume()
        if houses:
            tx.run(queries_analytics.WRITE_HOUSEHOLDS, households=houses, rule=hh.RULE, runId=run_id).consume()
    if drops or houses:
        store.write(write)
    return sum(len(found) for _, found in derived)


def rewrite_households(store, address_keys: list[str], run_id: str, today: dt.date) -> int:
    """Derive the households at these addresses again and replace the stored ones (used by erasure)."""
    return _write_households(store, address_keys, run_id, today)


def _signals(run: Refresh, rules: signal_rules_file.Rules, live: bool) -> int:
    """Signals of dissatisfaction (graph/signals/), after the scores the listing orders by; in a
    changed-only run, of the changed persons (the day's first run is full: signals age with the clock)."""
    persons = None if run.scope.persons is None else sorted(run.scope.persons)
    run.progress.start("signals", len(persons) if persons is not None
                       else run.count(queries_analytics.COUNT_ACTIVE_PERSONS))
    now = dt.datetime.now(dt.UTC) if live else dt.datetime.combine(run.today, dt.time(23, 59, 59), dt.UTC)
    return refresh_signals(run.store, rules, now, run.run_id, run.batch,
                           lambda n: run.progress.advance("signals", n), persons)


def _person_row(p: scoring.Profile, s: scoring.Scores, rank: float, today: dt.date, records: int) -> dict:
    return {"personId": p.person_id, "props": {"scoredRecords": records,
        "lifetimeSpend": p.spend, "tier": p.tier, "lastActivity": p.last_activity,
        "reach": p.followers, "reachScore": s.reach, "pagerank": rank, "networkInfluence": p.network,
        "valueScore": s.value, "businessScore": s.business, "decisionMaker": p.decision_maker,
        "priorityScore": s.priority, "priority": s.level, "priorityReasons": list(s.reasons),
        "flags": list(s.flags), "scoredOn": today}}


def _profiles(run: Refresh):
    """PROFILE rows of every active person (paged reads) or of the changed ones (UNWIND reads)."""
    if run.scope.persons is None:
        yield from run.pages(queries_analytics.PROFILES_PAGE, "personId")
        return
    for chunk in run.chunks(sorted(run.scope.persons)):
        yield run.store.query(queries_analytics.PROFILE, personIds=chunk)


def _persons(run: Refresh, handle_count: int) -> dict:
    total = run.count(queries_analytics.COUNT_ACTIVE_PERSONS) if run.scope.persons is None else len(run.scope.persons)
    run.progress.start("persons (scores)", total)
    done = written = 0
    for rows in _profiles(run):
        out = []
        for row in rows:
            p = profile(row, {}, handle_count, run.run_id, run.today)
            rank = sum(h.get("pagerank") or 0.0 for h in distinct_handles(row))
            scored = _person_row(p, scoring.score(p, run.today), rank, run.today, len(row["metrics"]))
            scored["props"]["scoreDigest"] = digest(scored["props"])
            if scored["props"]["scoreDigest"] != row["digest"]:
                out.append(scored)
        run.write_rows(queries_analytics.WRITE_PERSON_SCORES, out)
        done, written = done + len(rows), written + len(out)
        run.progress.advance("persons (scores)", len(rows))
    return {"persons": done, "personsWritten": written}
