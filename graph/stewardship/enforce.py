"""One record's resolution decision checked against the steward's constraints. Pure.

graph/resolution/decision.py chooses the persons a record joins (and bridges) by evidence and
score; this pass then drops every person an "apart" constraint forbids beside the record and the
persons kept before it (the record's current person first), and names the decision that refused.
The survivor among what is left is the oldest, as in every merge.
"""
from __future__ import annotations

from collections.abc import Callable

from graph.resolution.decision import Decision
from graph.stewardship.constraints import Constraints


def refusal(pid: str, rule) -> dict:
    return {"personId": pid, "rule": "steward decision", "decisionId": rule.decision_id,
            "detail": f"kept apart by the steward's {rule.action or 'decision'} {rule.decision_id}"}


def enforce(decision: Decision, record_key: str, current: str | None, constraints: Constraints,
            members: Callable[[str], set[str]], created: Callable[[str], str]) -> Decision:
    """`decision` without the persons the constraints keep apart from the record (and each other)."""
    if not constraints:
        return decision
    group = ([decision.person_id] if decision.person_id else []) + list(decision.merge)
    order = sorted(group, key=lambda pid: (pid != current, -len(decision.evidence.get(pid, [])), created(pid), pid))
    kept, refused = constraints.admit({record_key}, order, members)
    joined = {record_key}.union(*(members(pid) for pid in kept))
    possibly = {pid: p for pid, p in decision.possibly_same.items() if not constraints.apart(joined, members(pid))}
    if len(kept) == len(group) and len(possibly) == len(decision.possibly_same):
        return decision
    survivor = min(kept, key=lambda pid: (created(pid), pid)) if kept else None
    return Decision(person_id=survivor, merge=sorted(pid for pid in kept if pid != survivor),
                    evidence={pid: keys for pid, keys in decision.evidence.items() if pid in kept},
                    refused=decision.refused + [refusal(pid, rule) for pid, rule in refused],
                    generic=decision.generic, scores={p: s for p, s in decision.scores.items() if p in kept},
                    possibly_same=possibly)
