"""Use case: read the steward's active constraints for resolution (incremental and batch)."""
from __future__ import annotations

from graph.stewardship.constraints import Constraints, Rule
from graph.store import queries_stewardship as q


def _rules(rows) -> Constraints:
    return Constraints(Rule(r["decisionId"], r["kind"], frozenset(r["a"] or ()), frozenset(r["b"] or ()),
                            r["action"] or "") for r in rows)


def constraints_for(tx, keys: list[str]) -> Constraints:
    """The active constraints with a record among `keys`."""
    return _rules(tx.run(q.RULES_FOR_RECORDS, keys=sorted(set(keys))))


def all_constraints(store) -> Constraints:
    return _rules(store.query(q.ALL_RULES))


def _records(tx, person_ids: list[str]) -> dict[str, set[str]]:
    return {row["personId"]: set(row["records"])
            for row in tx.run(q.PERSON_STATE, personIds=person_ids)}


def apart_blocker(tx, a: str, b: str) -> dict | None:
    """The why-not blocker naming the decision that keeps persons a and b apart, if one does."""
    records = _records(tx, [a, b])
    rule = constraints_for(tx, sorted(records.get(a, set()) | records.get(b, set()))).apart(
        records.get(a, set()), records.get(b, set()))
    if rule is None:
        return None
    return {"rule": "steward decision", **rule.to_dict(),
            "detail": f"kept apart by the steward's {rule.action} {rule.decision_id} until a steward undoes it"}


def together_reason(tx, person_id: str, record_key: str) -> dict | None:
    """The decision that keeps a record in its person whatever the model says, if one does."""
    others = _records(tx, [person_id]).get(person_id, set())
    rule = constraints_for(tx, sorted(others)).holding(record_key, others)
    if rule is None:
        return None
    return {**rule.to_dict(), "detail": f"kept in this person by the steward's {rule.action} {rule.decision_id}"}
