"""Probabilistic evidence for resolution: how well a record matches a Person as a whole.
Pure: no store, no web. The blocking keys a record is stored under are graph/resolution/blocking.py's.

A pair of records is *scored* when they share a blocking key that is not a hub, or share an
identifier; pairs never scored are no evidence either way (as in graph.matching.cluster). A
record matches a Person by graph.matching.clustering.join_odds over its scored pairs with that
Person's records (the best pair, unless one contradicts it strongly), the rule batch clustering
applies, so one strong link cannot outvote a contradicting record (no chaining).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from graph.matching import Model
from graph.matching.clustering import capped, join_odds
from graph.matching.comparisons import Prepared, compare_prepared, prepare
from graph.resolution.decision import Match


@dataclass
class Scorer:
    """Model scores of record pairs as capped log2-odds, each pair scored once, each record's
    comparison keys worked out once (graph.matching.comparisons.prepare)."""
    model: Model
    remember: bool = True           # off for batch runs, where each pair is scored once anyway
    _cache: dict[frozenset, float] = field(default_factory=dict)
    _prepared: dict[str, Prepared] = field(default_factory=dict)

    def log2_odds(self, a: str, a_fields: Mapping, b: str, b_fields: Mapping) -> float:
        key = frozenset((a, b))
        odds = self._cache.get(key)
        if odds is None:
            levels = compare_prepared(self._keys(a, a_fields), self._keys(b, b_fields))
            odds = capped(self.model.match_weight(levels, a_fields))
            if self.remember:
                self._cache[key] = odds
        return odds

    def _keys(self, record_key: str, fields: Mapping) -> Prepared:
        prepared = self._prepared.get(record_key)
        if prepared is None:
            prepared = self._prepared[record_key] = prepare(fields)
        return prepared

    def forget(self, record_key: str) -> None:
        """Drop the scores and keys of a record whose fields changed."""
        self._cache = {k: v for k, v in self._cache.items() if record_key not in k}
        self._prepared.pop(record_key, None)


@dataclass(frozen=True)
class Candidate:
    """A stored record scored against the record being resolved."""
    key: str
    person_id: str
    fields: Mapping


def person_matches(key: str, fields: Mapping, candidates: Iterable[Candidate], scorer: Scorer) -> list[Match]:
    """The record's join log2-odds against each Person, over the Person's candidate records."""
    totals: dict[str, list[float]] = {}
    for c in candidates:
        totals.setdefault(c.person_id, []).append(scorer.log2_odds(key, fields, c.key, c.fields))
    return [Match(pid, join_odds(odds), len(odds)) for pid, odds in sorted(totals.items())]


def join_linkage(pairs: Iterable[tuple[str, Mapping, str, Mapping]], scorer: Scorer) -> float:
    """join_odds over scored pairs; no scored pair is no evidence (-inf: never a match)."""
    return join_odds(scorer.log2_odds(a, fa, b, fb) for a, fa, b, fb in pairs)
