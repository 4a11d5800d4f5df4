"""Resolve a chunk of records in memory, one after another, exactly as one-by-one ingestion would.

Pure: the store reads a snapshot of everything around the chunk (the records of every Person its
identifiers or blocking keys reach), this module replays the records in order against that
snapshot plus the chunk's own earlier records, and returns a Plan the store writes in a few
batched statements. The one relaxation: a record the chunk *updates* is seen by the chunk's
earlier records in its new state.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import count

from graph.matching import cluster
from graph.matching.model import probability as from_log2_odds
from graph.model import KINDS, Identifier, Record
from graph.resolution.blocking import is_hub
from graph.resolution.conflicts import Facts, conflict
from graph.resolution.decision import (
    TIME_BOUND,
    Decision,
    Link,
    Person,
    Thresholds,
    decide,
    given_family_key,
    record_facts,
)
from graph.resolution.linkage import Candidate, Scorer, join_linkage, person_matches
from graph.stewardship.constraints import Constraints
from graph.stewardship.enforce import enforce


@dataclass
class Known:
    """A record as resolution sees it."""
    key: str
    person_id: str | None
    fields: dict                                  # matchFields
    blocks: frozenset[str]                        # stored blocking keys
    facts: Facts
    given_family_key: str | None
    holdings: dict[str, Identifier] = field(default_factory=dict)   # stitching identifiers it holds
    in_chunk: bool = False


@dataclass
class Snapshot:
    """What the store read around a chunk (chunk records excluded)."""
    records: dict[str, Known]
    created: dict[str, str]                       # personId -> sortable creation stamp
    generic: set[str]                             # identifier keys already generic
    block_degree: dict[str, int]                  # blocking key -> holders outside the chunk (capped)


@dataclass
class Item:
    """One changed record of the chunk, with what the store knew of it before."""
    record: Record
    fields: dict
    blocks: frozenset[str]
    current: str | None                           # its Person before this chunk
    existed: bool
    lost_evidence: bool = False                   # the update dropped identifiers or changed fields
    disputed: frozenset[str] = frozenset()        # identifier keys its person disputed (graph/stewardship)


@dataclass
class Result:
    person_id: str
    outcome: str
    merged: list[str]
    refused: list[dict]
    possibly_same: dict[str, float]
    split_off: list[str]


@dataclass
class Plan:
    new_persons: list[str] = field(default_factory=list)
    attach: list[dict] = field(default_factory=list)
    merges: list[dict] = field(default_factory=list)
    possibly_same: list[dict] = field(default_factory=list)
    splits: list[dict] = field(default_factory=list)
    generic: list[str] = field(default_factory=list)
    merge_refused: list[str] = field(default_factory=list)
    refresh: list[str] = field(default_factory=list)
    results: list[Result] = field(default_factory=list)


def stitching(record: Record, disputed: frozenset[str] = frozenset()) -> dict[str, Identifier]:
    """The identifiers a record stitches on: never one its person disputed, however often it is re-sent."""
    return {i.key: i for i in record.identifiers if KINDS[i.kind].stitches and i.key not in disputed}


class ChunkResolver:
    def __init__(self, snapshot: Snapshot, items: list[Item], scorer: Scorer, generic_threshold: int,
                 thresholds: Thresholds, new_id, constraints: Constraints | None = None):
        self.constraints = constraints or Constraints()     # the steward's decisions around the chunk
        self.records = snapshot.records
        self.created = dict(snapshot.created)
        self.generic = set(snapshot.generic)
        self.db_degree = snapshot.block_degree
        self.items, self.scorer, self.generic_threshold = items, scorer, generic_threshold
        self.thresholds, self.new_id = thresholds, new_id
        self.snapshot_person = {k: r.person_id for k, r in self.records.items()}
        self.members: dict[str, set[str]] = defaultdict(set)
        self.holders: dict[str, set[str]] = defaultdict(set)
        self.by_block: dict[str, set[str]] = defaultdict(set)
        self.chunk_in_block: dict[str, int] = defaultdict(int)
        self.redirect: dict[str, str] = {}
        self.plan = Plan()
        self.rules: dict[str, tuple] = {}         # chunk record -> (rule, evidence, score) it joined by
        self._seq = count()
        for known in list(self.records.values()):
            self._index(known)
        for item in items:
            if item.existed:                      # the relaxation: updated records appear in their new state
                self._place(item, item.current)

    # --- the in-memory graph -------------------------------------------------------------------

    def _index(self, known: Known) -> None:
        if known.person_id:
            self.members[known.person_id].add(known.key)
        for key in known.holdings:
            self.holders[key].add(known.key)
        for block in known.blocks:
            self.by_block[block].add(known.key)
            if known.in_chunk:
                self.chunk_in_block[block] += 1

    def _unindex(self, known: Known) -> None:
        if known.person_id:
            self.members[known.person_id].discard(known.key)
        for key in known.holdings:
            self.holders[key].discard(known.key)
        for block in known.blocks:
            self.by_block[block].discard(known.key)
            if known.in_chunk:
                self.chunk_in_block[block] -= 1

    def _place(self, item: Item, person_id: str | None) -> Known:
        record = item.record
        old = self.records.get(record.key)
        if old is not None:
            self._unindex(old)
            self.scorer.forget(record.key)
        known = Known(record.key, person_id, item.fields, item.blocks, record_facts(record),
                      given_family_key(record.given_key, record.family_key), stitching(record, item.disputed),
                      in_chunk=True)
        self.records[record.key] = known
        self._index(known)
        return known

    def _move(self, record_key: str, person_id: str) -> None:
        known = self.records[record_key]
        if known.person_id:
            self.members[known.person_id].discard(record_key)
        known.person_id = person_id
        self.members[person_id].add(record_key)

    def _new_person(self) -> str:
        pid = self.new_id()
        self.created[pid] = f"~{next(self._seq):08d}"      # after every stored stamp, in creation order
        self.plan.new_persons.append(pid)
        return pid

    def facts_of(self, pid: str) -> Facts:
        facts = Facts()
        for key in self.members[pid]:
            facts.absorb(self.records[key].facts)
        return facts

    def _hub(self, block: str) -> bool:
        return is_hub(self.db_degree.get(block, 0) + self.chunk_in_block[block])

    def _scored(self, a: Known, b: Known) -> bool:
        """Whether a pair is compared at all: a shared blocking key that is no hub, or identifier."""
        return any(not self._hub(k) for k in a.blocks & b.blocks) or bool(a.holdings.keys() & b.holdings.keys())

    # --- evidence for one record ---------------------------------------------------------------

    def _links(self, known: Known) -> dict[str, list[Link]]:
        links = {}
        for key, ident in known.holdings.items():
            if key in self.generic:
                links[key] = [Link(ident, "", None, True)]
                continue
            others = [self.records[k] for k in sorted(self.holders[key]) if k != known.key]
            links[key] = [Link(o.holdings[key], o.person_id, o.given_family_key) for o in others if o.person_id]
        return links

    def _candidates(self, known: Known, exclude: set[str]) -> list[Candidate]:
        keys = set()
        for block in known.blocks:
            if not self._hub(block):
                keys |= self.by_block[block]
        for ident in known.holdings:
            keys |= self.holders[ident]
        keys.discard(known.key)
        found = [self.records[k] for k in sorted(keys)]
        return [Candidate(o.key, o.person_id, o.fields) for o in found
                if o.person_id and o.person_id not in exclude]

    def _linkage(self, known: Known):
        def linkage(group: list[str], pid: str) -> float:
            left = [known] + [self.records[k] for g in group for k in sorted(self.members[g]) if k != known.key]
            right = [self.records[k] for k in sorted(self.members[pid])]
            return join_linkage(((a.key, a.fields, b.key, b.fields) for a in left for b in right
                                 if self._scored(a, b)), self.scorer)
        return linkage

    # --- split ---------------------------------------------------------------------------------

    def _split(self, known: Known, pid: str) -> list[str]:
        """Re-cluster the record's Person `pid`; the largest part keeps the id, the others get new ones."""
        members = sorted(self.members[pid])
        if len(members) < 2:
            return []
        steward = self.constraints
        parts = cluster(members, self._pair_scores(members) + steward.must_pairs(members), self.thresholds.match,
                        self._cannot_link(members) + steward.cannot_link(members))
        parts = steward.join(parts)
        if len(parts) < 2:
            return []
        parts.sort(key=lambda part: (-len(part), min(part)))
        new_ids = []
        for part in parts[1:]:
            new = self._new_person()
            new_ids.append(new)
            for key in sorted(part):
                self._move(key, new)
            self.plan.splits.append({"personId": new, "from": pid, "recordKey": known.key,
                                     "records": sorted(part)})
        return new_ids

    def _pair_scores(self, members: list[str]) -> list[tuple[str, str, float]]:
        scores = []
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                ra, rb = self.records[a], self.records[b]
                if self._share_identifier(ra, rb):
                    scores.append((a, b, 1.0))
                elif self._scored(ra, rb):
                    odds = self.scorer.log2_odds(a, ra.fields, b, rb.fields)
                    scores.append((a, b, from_log2_odds(odds)))
        return scores

    def _share_identifier(self, a: Known, b: Known) -> bool:
        for key in a.holdings.keys() & b.holdings.keys():
            ia, ib = a.holdings[key], b.holdings[key]
            if key not in self.generic and (ia.kind not in TIME_BOUND or ia.overlaps(ib)):
                return True
        return False

    def _cannot_link(self, members: list[str]) -> list[tuple[str, str]]:
        return [(a, b) for i, a in enumerate(members) for b in members[i + 1:]
                if conflict(self.records[a].facts, self.records[b].facts)]

    # --- the replay ----------------------------------------------------------------------------

    def run(self) -> Plan:
        for item in self.items:
            self.plan.results.append(self._resolve(item))
        self._finish()
        return self.plan

    def _resolve(self, item: Item) -> Result:
        known = self._place(item, item.current)
        pid = known.person_id
        split_off = self._split(known, pid) if item.existed and item.lost_evidence and pid else []
        current = known.person_id   # the split may have moved the record to a new Person
        links = self._links(known)
        linked = {link.person_id for ls in links.values() for link in ls if link.person_id}
        held = {current} if current is not None else set()
        matches = person_matches(known.key, known.fields, self._candidates(known, linked | held), self.scorer)
        pids = linked | {m.person_id for m in matches} | held
        persons = {pid: Person(pid, self.created.get(pid, ""), self.facts_of(pid)) for pid in pids}
        decision = decide(item.record, links, persons, current, self.generic_threshold, matches,
                          self._linkage(known), self.thresholds)
        decision = enforce(decision, known.key, current, self.constraints, lambda p: set(self.members[p]),
                           lambda p: self.created.get(p, ""))
        person_id = self._apply(known, decision, current)
        outcome = ("merged" if decision.merge else "updated") if item.existed else decision.outcome
        return Result(person_id, outcome, decision.merge, decision.refused, decision.possibly_same, split_off)

    def _apply(self, known: Known, decision: Decision, current: str | None) -> str:
        person_id = decision.person_id or self._new_person()
        if known.person_id != person_id:
            self._move(known.key, person_id)
        evidence = decision.evidence.get(person_id, [])
        score = decision.scores.get(person_id)
        rule = "shared identifier" if evidence else ("probabilistic match" if score else "new person")
        self.rules[known.key] = (rule, evidence, score)
        for loser in decision.merge:
            for key in sorted(self.members[loser]):
                self._move(key, person_id)
            self.redirect[loser] = person_id
            self.plan.merges.append({"loser": loser, "survivor": person_id, "recordKey": known.key,
                                     "rule": "record bridges persons" if decision.evidence.get(loser)
                                     else "probabilistic match",
                                     "evidence": decision.evidence.get(loser, []),
                                     "score": decision.scores.get(loser)})
        self.generic.update(decision.generic)
        self.plan.generic.extend(decision.generic)
        self.plan.merge_refused.extend(k for r in decision.refused if r["rule"] == "conflicting facts"
                                       for k in r.get("identifiers", []))
        for other, score in decision.possibly_same.items():
            self.plan.possibly_same.append({"a": person_id, "b": other, "score": score, "recordKey": known.key})
        return person_id

    # --- the plan ------------------------------------------------------------------------------

    def final(self, pid: str) -> str:
        while pid in self.redirect:
            pid = self.redirect[pid]
        return pid

    def _finish(self) -> None:
        plan = self.plan
        for key, known in sorted(self.records.items()):
            rule = self.rules.get(key)
            if rule is None and known.person_id == self.snapshot_person.get(key):
                continue
            rule, evidence, score = rule or ("split" if self._split_moved(key) else "merge", None, None)
            plan.attach.append({"key": key, "personId": known.person_id, "rule": rule,
                                "evidence": evidence, "score": score})
        for merge in plan.merges:
            merge["final"] = self.final(merge["loser"])
        pairs = {}
        for row in plan.possibly_same:
            a, b = sorted((self.final(row["a"]), self.final(row["b"])))
            if a != b:
                pairs[(a, b)] = dict(row, a=a, b=b)
        plan.possibly_same = [pairs[k] for k in sorted(pairs)]
        plan.generic = sorted(set(plan.generic))
        plan.merge_refused = sorted(set(plan.merge_refused))
        touched = {row["personId"] for row in plan.attach} | {m["final"] for m in plan.merges} \
            | {s["from"] for s in plan.splits}
        plan.refresh = sorted(pid for pid in touched if pid not in self.redirect and self.members[pid])

    def _split_moved(self, key: str) -> bool:
        return any(key in s["records"] for s in self.plan.splits)
