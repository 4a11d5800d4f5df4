"""Use case: `idgraph analytics refresh`, computing households, PageRank and scores in pieces.

Nothing is loaded whole. Persons, companies and addresses are paged by key; the social graph is
read a batch of seed handles at a time, widened to their whole weakly connected components, ranked
with networkx and written back. Results go back as properties in UNWIND batches, so analysts can
query them in Cypher (p.valueScore, p.reach, p.pagerank, p.priority, h.pagerank, MEMBER_OF ...).
The largest social component is the one piece that must fit in memory.
"""
from __future__ import annotations

import datetime as dt
import time
import uuid
from dataclasses import dataclass
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

DEFAULT_BATCH = 500
KEY_PAGE = 50_000        # keys read per query; the work is still done `batch` at a time


class Progress:
    """What refresh reports; the CLI shows it as a rich progress bar. The default says nothing."""

    def start(self, stage: str, total: int | None) -> None:
        pass

    def advance(self, stage: str, n: int) -> None:
        pass


@dataclass
class Refresh:
    store: Store
    batch: int
    progress: Progress
    run_id: str
    today: dt.date

    def count(self, statement: str) -> int:
        return self.store.query(statement)[0]["n"]

    def pages(self, statement: str, key: str):
        """Pieces of `batch` rows of `statement` (WHERE key > $cursor ORDER BY key LIMIT $limit).

        Keys are read KEY_PAGE at a time and cut into pieces here: ArcadeDB answers the keyset
        query by scanning and sorting the whole label, so one read per piece made the refresh
        quadratic (about 4 s per read at 100,000 persons).
        """
        cursor = ""
        while True:
            rows = self.store.query(statement, cursor=cursor, limit=max(KEY_PAGE, self.batch))
            for i in range(0, len(rows), self.batch):
                yield rows[i:i + self.batch]
            if len(rows) < max(KEY_PAGE, self.batch):
                return
            cursor = rows[-1][key]

    def write(self, statement: str, **params) -> None:
        self.store.write(lambda tx: tx.run(statement, params, runId=self.run_id).consume())


def refresh(store, batch_size: int = DEFAULT_BATCH, progress: Progress | None = None,
            today: dt.date | None = None, signal_rules: signal_rules_file.Rules | None = None) -> dict:
    """Recompute every derived fact, score and signal; returns the run's figures."""
    started = time.monotonic()
    run = Refresh(store, batch_size, progress or Progress(), f"A-{uuid.uuid4().hex[:12]}", today or dt.date.today())
    run.write(queries_analytics.START_RUN)
    stats: dict[str, Any] = {"emailsBackfilled": _email_domains(run), "companies": _companies(run)}
    stats.update(_social_graph(run))
    stats["households"] = _households(run)
    stats["persons"] = _persons(run, stats["socialHandles"])
    stats["signals"] = _signals(run, signal_rules or signal_rules_file.load(), today is None)
    stats["seconds"] = round(time.monotonic() - started, 2)
    run.write(queries_analytics.FINISH_RUN, stats=stats)
    return dict(stats, runId=run.run_id)


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
    run.progress.start("companies", run.count(queries_analytics.COUNT_COMPANIES))
    done = 0
    for rows in run.pages(queries_analytics.COMPANIES_PAGE, "companyKey"):
        facts = run.store.read(company_facts, [r["companyKey"] for r in rows])
        run.write(queries_analytics.WRITE_COMPANY_FACTS, rows=[{"companyKey": k, "knownEmployees": f["knownEmployees"],
                                                "knownSpend": f["knownSpend"]} for k, f in facts.items()])
        done += len(rows)
        run.progress.advance("companies", len(rows))
    return done


def _component_edges(run: Refresh, seeds: list[str], seen: set[str]) -> list[social_rank.Edge]:
    """Every edge of the components holding `seeds`, read breadth-first in batches."""
    edges, frontier = set(), [s for s in seeds if s not in seen]
    seen.update(frontier)
    while frontier:
        found = []
        for i in range(0, len(frontier), run.batch):
            for r in run.store.query(queries_analytics.SOCIAL_EDGES_OF, keys=frontier[i:i + run.batch]):
                target = r["other"] if r["source"] == r["key"] else r["key"]
                edges.add(social_rank.Edge(r["source"], target, r["type"]))
                if r["other"] not in seen:
                    seen.add(r["other"])
                    found.append(r["other"])
        frontier = found
    return sorted(edges, key=lambda e: (e.source, e.target, e.type))


def _social_graph(run: Refresh) -> dict:
    total = run.count(queries_analytics.COUNT_SOCIAL_HANDLES)
    run.progress.start("social graph (PageRank)", total)
    seen: set[str] = set()
    components = largest = 0
    for rows in run.pages(queries_analytics.SOCIAL_HANDLES_PAGE, "key"):
        graph = social_rank.component_graph(_component_edges(run, [r["key"] for r in rows], seen))
        ranks = []
        for n, nodes in enumerate(nx.weakly_connected_components(graph)):
            piece = graph.subgraph(nodes)
            component = f"{run.run_id}-{components + n}"
            ranks += [{"key": k, "pagerank": v, "component": component}
                      for k, v in social_rank.pagerank(piece, total).items()]
            largest = max(largest, len(nodes))
        components += nx.number_weakly_connected_components(graph) if graph.number_of_nodes() else 0
        for i in range(0, len(ranks), run.batch):
            run.write(queries_analytics.WRITE_HANDLE_RANKS, rows=ranks[i:i + run.batch])
        run.progress.advance("social graph (PageRank)", len(ranks))
    return {"socialHandles": total, "socialComponents": components, "largestComponent": largest}


def _household_rows(address: dict, found: list[hh.Household], today: dt.date) -> list[dict]:
    rows = []
    for house in found:
        rows.append({"householdId": house.household_id, "addressKey": house.address_key,
                     "name": address_label(address), "size": len(house.members),
                     "currentSize": sum(m.current(today) for m in house.members),
                     "members": [{"personId": m.person_id, "validFrom": m.valid_from, "validTo": m.valid_to,
                                  "current": m.current(today), "evidence": [e.label() for e in m.evidence]}
                                 for m in house.members]})
    return rows


def _households(run: Refresh) -> int:
    run.progress.start("households", run.count(queries_analytics.COUNT_ADDRESSES))
    written = 0
    for rows in run.pages(queries_analytics.ADDRESSES_PAGE, "addressKey"):
        shared = [r["addressKey"] for r in rows if r["holdings"] > 1]
        derived = run.store.read(households_at, shared, run.today) if shared else []
        houses = [row for address, found in derived for row in _household_rows(address, found, run.today)]
        page = [r["addressKey"] for r in rows]
        run.write(queries_analytics.DROP_STALE_MEMBERSHIPS, addressKeys=page,
                  memberships=[f"{h['householdId']}|{m['personId']}" for h in houses for m in h["members"]])
        run.write(queries_analytics.DROP_STALE_HOUSEHOLDS, addressKeys=page,
                  householdIds=[h["householdId"] for h in houses])
        if houses:
            run.write(queries_analytics.WRITE_HOUSEHOLDS, households=houses, rule=hh.RULE)
        written += len(houses)
        run.progress.advance("households", len(rows))
    return written


def rewrite_households(store, address_keys: list[str], run_id: str, today: dt.date) -> int:
    """Derive the households at these addresses again and replace the stored ones (used by erasure)."""
    derived = store.read(households_at, address_keys, today) if address_keys else []
    houses = [row for address, found in derived for row in _household_rows(address, found, today)]

    def write(statement: str, **params) -> None:
        store.write(lambda tx: tx.run(statement, params, runId=run_id).consume())
    write(queries_analytics.DROP_STALE_MEMBERSHIPS, addressKeys=address_keys,
          memberships=[f"{h['householdId']}|{m['personId']}" for h in houses for m in h["members"]])
    write(queries_analytics.DROP_STALE_HOUSEHOLDS, addressKeys=address_keys,
          householdIds=[h["householdId"] for h in houses])
    if houses:
        write(queries_analytics.WRITE_HOUSEHOLDS, households=houses, rule=hh.RULE)
    return len(houses)


def _signals(run: Refresh, rules: signal_rules_file.Rules, live: bool) -> int:
    """Signals of dissatisfaction (graph/signals/), after the scores the listing orders by."""
    run.progress.start("signals", run.count(queries_analytics.COUNT_ACTIVE_PERSONS))
    now = dt.datetime.now(dt.UTC) if live else dt.datetime.combine(run.today, dt.time(23, 59, 59), dt.UTC)
    return refresh_signals(run.store, rules, now, run.run_id, run.batch,
                           lambda n: run.progress.advance("signals", n))


def _person_row(p: scoring.Profile, s: scoring.Scores, rank: float, today: dt.date) -> dict:
    return {"personId": p.person_id, "props": {
        "lifetimeSpend": p.spend, "tier": p.tier, "lastActivity": p.last_activity,
        "reach": p.followers, "reachScore": s.reach, "pagerank": rank, "networkInfluence": p.network,
        "valueScore": s.value, "businessScore": s.business, "decisionMaker": p.decision_maker,
        "priorityScore": s.priority, "priority": s.level, "priorityReasons": list(s.reasons),
        "flags": list(s.flags), "scoredOn": today}}


def _persons(run: Refresh, handle_count: int) -> int:
    run.progress.start("persons (scores)", run.count(queries_analytics.COUNT_ACTIVE_PERSONS))
    done = 0
    for rows in run.pages(queries_analytics.ACTIVE_PERSONS_PAGE, "personId"):
        profiles = run.store.query(queries_analytics.PROFILE, personIds=[r["personId"] for r in rows])
        out = []
        for row in profiles:
            p = profile(row, {}, handle_count, run.run_id, run.today)
            rank = sum(h.get("pagerank") or 0.0 for h in distinct_handles(row) if h.get("analyticsRun") == run.run_id)
            out.append(_person_row(p, scoring.score(p, run.today), rank, run.today))
        run.write(queries_analytics.WRITE_PERSON_SCORES, rows=out)
        done += len(rows)
        run.progress.advance("persons (scores)", len(rows))
    return done
