"""Steward decisions as constraints on resolution: record sets kept apart, record sets kept together.

Pure. A split (or a review answer "different") keeps its two sides apart; a merge (or "same")
keeps them together. A constraint names records, not persons, so it follows the records wherever
later ingests, bridge merges or `resolve --all` put them: two persons may become one only if no
"apart" constraint has a record on each side, and records tied by a "together" constraint end in
one person whatever the model says. Resolution asks these questions through `Constraints`; it
never reads decisions itself.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

APART, TOGETHER = "apart", "together"


@dataclass(frozen=True)
class Rule:
    decision_id: str
    kind: str                       # APART or TOGETHER
    a: frozenset[str]               # record keys of one side
    b: frozenset[str]               # record keys of the other
    action: str = ""                # what the steward did: merge, split, review same / different

    def spans(self, xs: set[str], ys: set[str]) -> bool:
        """One side has a record in xs and the other a record in ys."""
        return bool((self.a & xs and self.b & ys) or (self.b & xs and self.a & ys))

    def to_dict(self) -> dict:
        return {"decisionId": self.decision_id, "constraint": self.kind, "action": self.action}


class Constraints:
    """The active rules around some records; empty when no steward decided anything there."""

    def __init__(self, rules: Iterable[Rule] = ()):
        self.rules = tuple(sorted(rules, key=lambda r: r.decision_id))
        self._by_record: dict[str, list[Rule]] = defaultdict(list)
        for rule in self.rules:
            for key in rule.a | rule.b:
                self._by_record[key].append(rule)

    def __bool__(self) -> bool:
        return bool(self.rules)

    def _touching(self, keys: set[str]) -> list[Rule]:
        found = {r.decision_id: r for key in keys for r in self._by_record.get(key, ())}
        return [found[k] for k in sorted(found)]

    def apart(self, xs: set[str], ys: set[str]) -> Rule | None:
        """The rule that forbids records xs and ys in one person, if any."""
        return next((r for r in self._touching(xs) if r.kind == APART and r.spans(xs, ys)), None)

    def together(self, xs: set[str], ys: set[str]) -> Rule | None:
        """The rule that requires records xs and ys in one person, if any."""
        return next((r for r in self._touching(xs) if r.kind == TOGETHER and r.spans(xs, ys)), None)

    def holding(self, key: str, others: set[str]) -> Rule | None:
        """The rule that keeps record `key` with some of `others` (for why)."""
        return self.together({key}, others - {key})

    # --- for clustering (graph.matching.cluster's own parameters) ------------------------------

    def cannot_link(self, members: Iterable[str]) -> list[tuple[str, str]]:
        return self._pairs(APART, set(members))

    def must_pairs(self, members: Iterable[str]) -> list[tuple[str, str, float]]:
        """Pairs a TOGETHER rule ties, scored as certain (like a shared identifier)."""
        return [(x, y, 1.0) for x, y in self._pairs(TOGETHER, set(members))]

    def _pairs(self, kind: str, keys: set[str]) -> list[tuple[str, str]]:
        rules = [r for r in self._touching(keys) if r.kind == kind]
        return [(x, y) for r in rules for x in sorted(r.a & keys) for y in sorted(r.b & keys)]

    def can_merge(self, base: Callable[[set, set, float], bool] | None) -> Callable[[set, set, float], bool]:
        """`base` (the conflict test) with the steward's word first: apart never, together always."""
        def decide(xs: set, ys: set, log2_odds: float) -> bool:
            if self.apart(xs, ys):
                return False
            if self.together(xs, ys):
                return True
            return base is None or base(xs, ys, log2_odds)
        return decide

    def join(self, clusters: list[set[str]]) -> list[set[str]]:
        """Clusters with records a TOGETHER rule ties made one (unless an APART rule forbids it),
        so a must-link holds even where averaging over other pairs would have left them apart."""
        parts = {n: set(c) for n, c in enumerate(clusters)}
        of = {key: n for n, c in parts.items() for key in c}
        for rule in self.rules:
            if rule.kind != TOGETHER:
                continue
            found = sorted({of[key] for key in rule.a | rule.b if key in of})
            for n in found[1:]:
                first = found[0]
                if self.apart(parts[first], parts[n]):
                    continue
                for key in parts[n]:
                    of[key] = first
                parts[first] |= parts.pop(n)
        return list(parts.values())

    # --- for one record's decision (incremental ingest) ----------------------------------------

    def admit(self, own: set[str], candidates: list[str],
              members: Callable[[str], set[str]]) -> tuple[list[str], list[tuple[str, Rule]]]:
        """Of `candidates` (persons in preference order), those the record set `own` may join,
        each checked against the record and the persons admitted before it; and the refused
        ones with the rule that refuses them."""
        kept: list[str] = []
        refused: list[tuple[str, Rule]] = []
        together = set(own)
        for pid in candidates:
            theirs = members(pid) - own
            rule = self.apart(together, theirs)
            if rule:
                refused.append((pid, rule))
                continue
            kept.append(pid)
            together |= theirs
        return kept, refused
