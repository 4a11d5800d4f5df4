"""Why a record belongs to a person, and why two records were (not) merged. Pure.

The store reads snapshots of records (their comparable facts, `matchFields`, and their
current identifier links); this module turns them into explanations: the identifiers they
share and what each is worth, the model's comparison levels and match weights, and what kept
them apart (the threshold, a conflicting exclusive fact, a block-listed or generic value,
holding periods that do not overlap, or never having been compared at all).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graph.matching import MatchResult, Model, blocking_keys
from graph.matching.clustering import capped, join_odds
from graph.matching.model import probability
from graph.model import KINDS, Identifier
from graph.resolution.conflicts import Facts, conflict
from graph.resolution.decision import TIME_BOUND, Thresholds


@dataclass(frozen=True)
class Holding:
    """A record's current link to an identifier."""
    key: str
    kind: str
    value: str
    generic: bool = False
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    def overlaps(self, other: Holding) -> bool:
        def as_identifier(h: Holding) -> Identifier:
            return Identifier(h.kind, h.value, h.key, {}, h.valid_from, h.valid_to)
        return as_identifier(self).overlaps(as_identifier(other))


@dataclass(frozen=True)
class RecordSnapshot:
    """What explanations need of a stored record."""
    key: str
    person_id: str | None
    fields: Mapping  # matchFields: what the model compares
    given_key: str | None = None
    birth_date: dt.date | None = None
    holdings: tuple[Holding, ...] = ()
    ignored: tuple[str, ...] = ()  # values the block list refused

    @property
    def facts(self) -> Facts:
        return Facts(given={self.given_key} if self.given_key else set(),
                     birth_dates={self.birth_date} if self.birth_date else set(),
                     national_ids={h.value for h in self.holdings if h.kind == "nationalId"})


@dataclass(frozen=True)
class Shared:
    """One identifier both records hold, and whether it counts as evidence."""
    key: str
    kind: str
    status: str  # evidence | generic value | validity periods do not overlap | not identity evidence
    periods: tuple[dict, dict] | None = None

    def to_dict(self) -> dict:
        out: dict[str, Any] = {"identifier": self.key, "type": self.kind, "status": self.status}
        if self.periods:
            out["periods"] = list(self.periods)
        return out


@dataclass
class PersonFacts:
    """The exclusive facts of all of a person's records, for the person-level conflict test."""
    person_id: str
    facts: Facts = field(default_factory=Facts)

    @classmethod
    def of(cls, person_id: str, records: Iterable[RecordSnapshot]) -> PersonFacts:
        combined = Facts()
        for record in records:
            combined.absorb(record.facts)
        return cls(person_id, combined)


# --- pairs ---------------------------------------------------------------------------------

def _period(holding: Holding) -> dict:
    return {"validFrom": holding.valid_from, "validTo": holding.valid_to}


def shared_identifiers(a: RecordSnapshot, b: RecordSnapshot) -> list[Shared]:
    """Identifiers both records hold now, each with what resolution makes of it."""
    theirs = {h.key: h for h in b.holdings}
    shared = []
    for mine in sorted(a.holdings, key=lambda h: h.key):
        other = theirs.get(mine.key)
        if other is None:
            continue
        if not KINDS[mine.kind].stitches:
            shared.append(Shared(mine.key, mine.kind, "not identity evidence"))
        elif mine.generic or other.generic:
            shared.append(Shared(mine.key, mine.kind, "generic value"))
        elif mine.kind in TIME_BOUND and not mine.overlaps(other):
            shared.append(Shared(mine.key, mine.kind, "validity periods do not overlap",
                                 (_period(mine), _period(other))))
        else:
            shared.append(Shared(mine.key, mine.kind, "evidence"))
    return shared


def comparison(result: MatchResult) -> dict:
    """A model score as JSON: per comparison the level reached and its match weight (log2)."""
    return {"probability": result.probability, "matchWeight": round(result.match_weight, 4),
            "priorWeight": round(result.prior_weight, 4),
            "comparisons": [{"comparison": c.comparison, "level": c.level, "weight": round(c.weight, 4)}
                            for c in result.contributions]}


def as_a_whole(results: Sequence[MatchResult]) -> float | None:
    """A record's probability of matching a group of records as a whole, by the join rule
    resolution applies (graph.matching.clustering.join_odds: the best pair unless one contradicts
    it strongly, then the mean; one strong link does not outvote a contradicting one)."""
    if not results:
        return None
    return probability(join_odds(capped(r.match_weight) for r in results))


def never_compared(a: RecordSnapshot, b: RecordSnapshot, shared: Sequence[Shared]) -> bool:
    """No shared identifier and no shared blocking key: neither would be a candidate of the other."""
    if any(s.status == "evidence" for s in shared):
        return False
    return not set(blocking_keys(a.fields)) & set(blocking_keys(b.fields))


# --- why: what holds a record in its person --------------------------------------------------

def _identifier_graph(records: Sequence[RecordSnapshot]) -> nx.Graph[tuple[str, str]]:
    graph: nx.Graph[tuple[str, str]] = nx.Graph()
    for record in records:
        graph.add_node(("record", record.key))
        for h in record.holdings:
            if KINDS[h.kind].stitches and not h.generic:
                graph.add_edge(("record", record.key), ("identifier", h.key))
    return graph


def _chain(graph: nx.Graph, a: str, b: str) -> list[dict] | None:
    try:
        path = nx.shortest_path(graph, ("record", a), ("record", b))
    except nx.NetworkXNoPath:
        return None
    return [{kind: name} for kind, name in path]


def why(target: RecordSnapshot, others: Sequence[RecordSnapshot], model: Model,
        thresholds: Thresholds) -> dict:
    """The links that hold `target` in its person: identifiers it shares with the person's
    other records (directly, or as a chain through other records), and the model's score
    against each record and, as ingestion weighs it, against the records it is compared with
    (those sharing an identifier or a blocking key) as a whole."""
    graph = _identifier_graph([target, *others])
    links, compared = [], []
    for other in sorted(others, key=lambda r: r.key):
        result = model.score(target.fields, other.fields)
        shared = shared_identifiers(target, other)
        candidate = not never_compared(target, other, shared)
        if candidate:
            compared.append(result)
        links.append({"record": other.key, "sharedIdentifiers": [s.to_dict() for s in shared],
                      "chain": _chain(graph, target.key, other.key), "compared": candidate,
                      **comparison(result)})
    links.sort(key=lambda link: -link["matchWeight"])
    whole = as_a_whole(compared)
    return {"record": target.key, "personId": target.person_id, "links": links,
            "probability": whole, "comparedRecords": len(compared),
            "bestProbability": links[0]["probability"] if links else None,
            "thresholds": thresholds.to_dict(), "summary": _why_summary(links, whole, thresholds)}


def _why_summary(links: list[dict], whole: float | None, thresholds: Thresholds) -> str:
    if not links:
        return "the only record of this person"
    held = [link["record"] for link in links if any(s["status"] == "evidence" for s in link["sharedIdentifiers"])]
    chained = [link["record"] for link in links if link["chain"] and link["record"] not in held]
    parts = []
    if held:
        parts.append(f"shares identifiers with {len(held)} of the person's {len(links)} other record(s)")
    if chained:
        parts.append(f"is tied to {len(chained)} more through other records' identifiers")
    if whole is None:
        parts.append("shares no identifier or blocking key with the person's other records, "
                     "so the model never compared it with them")
    else:
        compared = sum(link["compared"] for link in links)
        verdict = "above" if whole >= thresholds.match else "below"
        parts.append(f"matches the {compared} record(s) it was compared with as a whole with probability "
                     f"{whole:.3f} ({verdict} the match threshold {thresholds.match})")
    return "; ".join(parts)


# --- why not: what keeps two records apart --------------------------------------------------

def blockers(a: RecordSnapshot, b: RecordSnapshot, result: MatchResult, shared: Sequence[Shared],
             thresholds: Thresholds, persons: tuple[PersonFacts, PersonFacts] | None = None) -> list[dict]:
    """Everything that stops the two records from being merged, strongest first."""
    found = []
    stitched = any(s.status == "evidence" for s in shared)      # stitching never overrules a clash
    reason = conflict(a.facts, b.facts, None if stitched else result.probability)
    if reason:
        found.append({"rule": "conflicting facts", "detail": f"{reason} on the two records"})
    elif persons and persons[0].person_id != persons[1].person_id:
        reason = conflict(persons[0].facts, persons[1].facts)
        if reason:
            found.append({"rule": "conflicting facts",
                          "detail": f"{reason} between the records of the two persons"})
    for value in sorted(_junk(a) & _junk(b)):
        found.append({"rule": "block-listed value", "value": value,
                      "detail": "a junk value both records carry; it is never linked"})
    for s in shared:
        if s.status in ("generic value", "validity periods do not overlap"):
            found.append({"rule": s.status, **s.to_dict()})
    if never_compared(a, b, shared):
        found.append({"rule": "not candidates",
                      "detail": "no shared identifier and no shared blocking key, so never compared"})
    found.extend(_threshold_blocker(result, thresholds))
    return found


def _junk(record: RecordSnapshot) -> set[str]:
    # kept as sent ('email:TEST@test.com'); the block list itself ignores case and spaces
    return {" ".join(value.split()).lower() for value in record.ignored}


def _threshold_blocker(result: MatchResult, thresholds: Thresholds) -> list[dict]:
    if result.probability >= thresholds.match:
        return []
    rule = "review band" if result.probability >= thresholds.review else "below threshold"
    detail = ("possibly the same person: kept apart until reviewed" if rule == "review band"
              else "the model finds them unlikely to be one person")
    return [{"rule": rule, "probability": result.probability, "thresholds": thresholds.to_dict(),
             "detail": detail}]


def why_not(a: RecordSnapshot, b: RecordSnapshot, model: Model, thresholds: Thresholds,
            persons: tuple[PersonFacts, PersonFacts] | None = None,
            possibly_same: float | None = None) -> dict:
    """Both records' persons, whether they are one, their shared identifiers, the model's score
    and every blocker. `possibly_same` is the score of a POSSIBLY_SAME link between the persons."""
    result = model.score(a.fields, b.fields)
    shared = shared_identifiers(a, b)
    same = a.person_id is not None and a.person_id == b.person_id
    found = blockers(a, b, result, shared, thresholds, persons)
    verdict = "same person" if same else ("possibly the same person" if possibly_same is not None
                                           else "different persons")
    out = {"a": {"record": a.key, "personId": a.person_id}, "b": {"record": b.key, "personId": b.person_id},
           "samePerson": same, "verdict": verdict, "sharedIdentifiers": [s.to_dict() for s in shared],
           **comparison(result), "thresholds": thresholds.to_dict(), "blockers": found}
    if possibly_same is not None:
        out["possiblySame"] = {"score": possibly_same}
    out["summary"] = _why_not_summary(same, found, result, thresholds)
    return out


def _why_not_summary(same: bool, found: list[dict], result: MatchResult, thresholds: Thresholds) -> str:
    score = f"match probability {result.probability:.3f} (threshold {thresholds.match})"
    if same:
        return f"one person; {score}"
    if not found:
        return f"different persons although nothing blocks them now ({score}): " \
               "they were resolved before the evidence that joins them arrived"
    return "kept apart by " + ", ".join(dict.fromkeys(b["rule"] for b in found)) + f"; {score}"
