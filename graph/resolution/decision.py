"""Which Person a record joins, which Persons it bridges, and what it must not merge.

Deterministic stitching (shared strong identifiers) first, then probabilistic matches: a Person
whose records match the record well enough *as a whole* (the best scored pair, unless another
contradicts it strongly: graph.matching.clustering.join_odds, see graph/resolution/linkage.py).
Scores in the review band become POSSIBLY_SAME links, not merges.
Pure decision code; the store gathers the evidence and applies the decision.
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from graph.matching.model import Model
from graph.matching.model import probability as from_log2_odds
from graph.model import KINDS, Identifier, Record
from graph.resolution.conflicts import Facts, clashes, conflict, overrule_at, tied_conflict, verdict

TIME_BOUND = {"phone", "address"}


@dataclass(frozen=True)
class Link:
    """Another record's current link to one of this record's identifiers."""
    identifier: Identifier          # that record's holding, with its own validity
    person_id: str
    given_family_key: str | None    # given+family key of that record, for the generic-value test
    generic: bool = False           # the identifier was already found generic


@dataclass
class Person:
    person_id: str
    created: str                    # sortable creation stamp; the oldest id survives a merge
    facts: Facts


@dataclass(frozen=True)
class Match:
    """How well a record matches a Person it shares no identifier with, over the scored pairs."""
    person_id: str
    log2_odds: float                # join_odds over the scored pairs (record, one of the person's records)
    pairs: int

    @property
    def probability(self) -> float:
        return from_log2_odds(self.log2_odds)


# Scores between the review and the match threshold are "possibly the same person"
# (POSSIBLY_SAME), not a merge.
REVIEW_THRESHOLD = 0.5


@dataclass(frozen=True)
class Thresholds:
    match: float = 0.9              # the model's own threshold
    review: float = REVIEW_THRESHOLD  # at or above: POSSIBLY_SAME

    @classmethod
    def of(cls, model: Model, review: float = REVIEW_THRESHOLD) -> Thresholds:
        """The model's match threshold, with the review threshold never above it (as explanations show them)."""
        return cls(model.threshold, min(review, model.threshold))

    def to_dict(self) -> dict:
        return {"match": self.match, "review": self.review}

    @property
    def match_odds(self) -> float:
        return math.log2(self.match / (1 - self.match))

    @property
    def review_odds(self) -> float:
        return math.log2(self.review / (1 - self.review))


# join log2-odds between the record plus the Persons already chosen and one more Person
Linkage = Callable[[list[str], str], float]


@dataclass
class Decision:
    person_id: str | None                      # None: start a new Person
    merge: list[str] = field(default_factory=list)
    evidence: dict[str, list[str]] = field(default_factory=dict)   # personId -> identifier keys
    refused: list[dict] = field(default_factory=list)              # what protections stopped
    generic: list[str] = field(default_factory=list)               # identifier keys newly found generic
    scores: dict[str, float] = field(default_factory=dict)         # personId -> match probability
    possibly_same: dict[str, float] = field(default_factory=dict)  # personId -> probability (review band)

    @property
    def outcome(self) -> str:
        return "merged" if self.merge else ("joined" if self.person_id else "created")


def record_facts(record: Record) -> Facts:
    return Facts(given={record.given_key} if record.given_key else set(),
                 birth_dates={record.birth_date} if record.birth_date else set(),
                 national_ids={i.value for i in record.of_kind("nationalId")},
                 families={record.family_key} if record.family_key else set())


def given_family_key(given: str | None, family: str | None) -> str | None:
    """A record's given+family key, as the generic-value rule compares names."""
    return f"{given or ''} {family or ''}".strip() or None


def _is_generic(record: Record, links: list[Link], threshold: int) -> bool:
    names = {(link.person_id, link.given_family_key) for link in links if link.given_family_key}
    people = {pid for pid, _ in names}
    distinct_names = {name for _, name in names} | ({given_family_key(record.given_key, record.family_key)} - {None})
    return len(people) > threshold and len(distinct_names) > 1


def _evidence(record: Record, links: dict[str, list[Link]], threshold: int, decision: Decision):
    evidence: dict[str, list[str]] = defaultdict(list)
    for ident in record.identifiers:
        theirs = links.get(ident.key, [])
        if not KINDS[ident.kind].stitches or not theirs:
            continue
        if any(link.generic for link in theirs) or _is_generic(record, theirs, threshold):
            decision.refused.append({"identifier": ident.key, "rule": "generic value",
                                     "detail": f"shared by more than {threshold} people with different names"})
            if not any(link.generic for link in theirs):
                decision.generic.append(ident.key)
            continue
        for link in theirs:
            if ident.kind in TIME_BOUND and not ident.overlaps(link.identifier):
                decision.refused.append({"identifier": ident.key, "personId": link.person_id,
                                         "rule": "validity periods do not overlap"})
            elif ident.key not in evidence[link.person_id]:
                evidence[link.person_id].append(ident.key)
    return evidence


def decide(record: Record, links: dict[str, list[Link]], persons: dict[str, Person],
           current: str | None, threshold: int, matches: Sequence[Match] = (),
           linkage: Linkage | None = None, thresholds: Thresholds = Thresholds()) -> Decision:
    """Choose the Person for a record from its identifiers' other holders, then its matches.

    `links` maps each identifier key of the record to the other records' current links;
    `persons` holds the facts of every Person named there, in `matches` (and of `current`).
    `matches` are Persons the record was scored against; `linkage` scores a further Person
    against the record plus the Persons already chosen (no chaining through one weak link).
    """
    decision = Decision(person_id=None)
    evidence = _evidence(record, links, threshold, decision)
    facts = record_facts(record)
    accepted = []
    for pid, keys in evidence.items():
        reason = None if pid == current else _tied_conflict(facts, persons[pid].facts, pid, linkage)
        if reason:
            decision.refused.append({"personId": pid, "rule": "conflicting facts", "detail": reason,
                                     "identifiers": keys})
        else:
            accepted.append(pid)
    if current and current not in accepted:
        accepted.append(current)
    decision.evidence = {pid: evidence.get(pid, []) for pid in accepted}
    group = _compatible_group(accepted, evidence, persons, facts, current, decision)
    _add_matches(group, [m for m in matches if m.person_id not in evidence and m.person_id != current],
                 persons, facts, linkage, thresholds, decision)
    if group:
        survivor = min(group, key=lambda pid: (persons[pid].created, pid))
        decision.person_id = survivor
        decision.merge = sorted(pid for pid in group if pid != survivor)
    return decision


def _tied_conflict(facts: Facts, theirs: Facts, pid: str, linkage: Linkage | None) -> str | None:
    """Why the record cannot join a Person an identifier ties it to, or None. The model may
    overrule a lone clash, over the record and that Person's records (as resolve --all judges the
    clusters an identifier ties): one person's records with a mistyped given name and the same
    e-mail, phone and birth date join; twins who share a family phone do not (the model, with its
    relatives class, puts them apart)."""
    if linkage is None or len(clashes(facts, theirs)) != 1:   # the model overrules one clash, never two
        return tied_conflict(facts, theirs, None)
    return tied_conflict(facts, theirs, from_log2_odds(linkage([], pid)))


def _compatible_group(accepted, evidence, persons, facts, current, decision) -> list[str]:
    """The Persons this record may bridge: strongest evidence first, each free of conflict with the rest."""
    order = sorted(accepted, key=lambda pid: (pid != current, -len(evidence.get(pid, [])),
                                              persons[pid].created, pid))
    group: list[str] = []
    combined = Facts()
    combined.absorb(facts)
    for pid in order:
        reason = conflict(combined, persons[pid].facts) if group else None
        if reason:
            decision.refused.append({"personId": pid, "rule": "conflicting facts",
                                     "detail": f"{reason} with the other matched person"})
            continue
        group.append(pid)
        combined.absorb(persons[pid].facts)
    return group


def _add_matches(group: list[str], matches: list[Match], persons, facts, linkage, thresholds, decision) -> None:
    """Persons matched by score join the group, best first, if nothing conflicts (a lone clash the
    model overrules aside) and they match the group as a whole; the review band, and matches the
    group as a whole refuses, are POSSIBLY_SAME."""
    combined = Facts()
    combined.absorb(facts)
    for pid in group:
        combined.absorb(persons[pid].facts)
    for match in sorted(matches, key=lambda m: (-m.log2_odds, m.person_id)):
        pid = match.person_id
        if match.log2_odds < thresholds.review_odds:
            continue
        found = clashes(combined, persons[pid].facts)
        reason: str | None
        if len(found) > 1:              # never overruled: spare the linkage
            odds, reason = None, found[0]
        else:
            odds = match.log2_odds if not group or linkage is None else linkage(group, pid)
            reason = verdict(found, from_log2_odds(min(match.log2_odds, odds)),
                             overrule_at(combined, persons[pid].facts, found))
        if reason:
            decision.refused.append({"personId": pid, "rule": "conflicting facts", "detail": reason,
                                     "score": round(match.probability, 4)})
            continue
        if match.log2_odds >= thresholds.match_odds and odds >= thresholds.match_odds:
            group.append(pid)
            combined.absorb(persons[pid].facts)
            decision.scores[pid] = round(match.probability, 4)
        else:
            decision.possibly_same[pid] = round(match.probability, 4)
