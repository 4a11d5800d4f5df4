"""Use cases: feedback on a person's facts and predictions, and a steward's ruling on it.

- disputed fact: the person's links to the identifier are marked `disputed` (kept, shown in views
  and the export), the value leaves the records' comparable facts and blocking keys, and neither
  who-is-this nor stitching uses the link any more;
- wrong link: the same, and the links are closed (`current: false`, `cutBy`): the identifier is no
  longer the person's, the record stays;
- wrong prediction: recorded for the steward and the audit trail.
A steward confirms a dispute (it stays) or withdraws it (the fact is used again, exactly as before).
"""
from __future__ import annotations

import json

from graph.errors import Conflict, InvalidRecord
from graph.matching import match_input
from graph.resolution.blocking import block_props
from graph.stewardship import disputes
from graph.stewardship.decisions import Steward, active_person, base_props, get, record_decision, view
from graph.store import queries_stewardship as q

ACTIONS = {"disputed fact": "dispute", "wrong link": "cut link", "wrong prediction": "wrong prediction"}


def _without(row, key: str, disputed: list[str]) -> dict:
    fields = disputes.strip(match_input.loads(row["matchFields"]), disputed + [key])
    return {"key": row["recordKey"], "matchFields": match_input.dumps(fields),
            "disputedKeys": sorted(set(disputed) | {key}), "blocks": block_props(fields)}


def give(tx, person_id: str, kind: str, key: str | None, prediction: str | None, reason: str | None,
         on_behalf: bool, steward: Steward) -> dict:
    pid = active_person(tx, person_id, "personId")
    props = base_props(steward, ACTIONS[kind], reason)
    props.update({"personId": pid, "onBehalfOfCustomer": on_behalf})
    if kind == "wrong prediction":
        if not prediction:
            raise InvalidRecord("prediction", "name the prediction that is wrong")
        props["prediction"] = prediction
        return record_decision(tx, props, [])
    if not key:
        raise InvalidRecord("identifier", "name the identifier or address that is disputed")
    links = list(tx.run(q.PERSON_IDENTIFIER_LINKS, personId=pid, key=key))
    if not links:
        raise InvalidRecord("identifier", f"person {pid} holds no current {key.partition(':')[0]} like that")
    states = {r["recordKey"]: r for r in tx.run(q.RECORD_DISPUTES, keys=[r["recordKey"] for r in links])}
    rows = [_without(r, key, list(states[r["recordKey"]]["disputedKeys"] or [])) for r in links]
    before = [{"key": r["recordKey"], "matchFields": r["matchFields"],
               "disputedKeys": list(states[r["recordKey"]]["disputedKeys"] or [])} for r in links]
    props.update({"identifier": key, "before": json.dumps(before, sort_keys=True),
                  "records": sorted(r["key"] for r in rows)})
    tx.run(q.SET_MATCH_FIELDS, rows=rows).consume()
    tx.run(q.DISPUTE_LINKS, personId=pid, key=key, disputed=True, decisionId=props["decisionId"]).consume()
    if kind == "wrong link":
        tx.run(q.CUT_LINKS, personId=pid, key=key, decisionId=props["decisionId"]).consume()
    return record_decision(tx, props, [r["key"] for r in rows])


def rule(tx, decision_id: str, outcome: str, reason: str | None, steward: Steward) -> dict:
    """A steward's ruling on a dispute: confirmed (it stays) or withdrawn (the fact counts again)."""
    d = get(tx, decision_id)
    if d.get("action") not in ("dispute", "cut link", "wrong prediction"):
        raise Conflict("decisionId", f"decision {decision_id} is a {d.get('action')}, not feedback")
    if d.get("status") not in ("active", "confirmed"):
        raise Conflict("decisionId", f"decision {decision_id} is {d.get('status')}")
    if outcome == "withdrawn" and d.get("identifier"):
        rows = []
        for saved in json.loads(d["before"]):
            fields = disputes.strip(match_input.loads(saved["matchFields"]), saved["disputedKeys"])
            rows.append({"key": saved["key"], "matchFields": saved["matchFields"],
                         "disputedKeys": saved["disputedKeys"], "blocks": block_props(fields)})
        tx.run(q.SET_MATCH_FIELDS, rows=rows).consume()
        tx.run(q.WITHDRAW_DISPUTE, decisionId=decision_id).consume()
    tx.run(q.RULED, decisionId=decision_id, status=outcome, keyId=steward.key_id, reason=reason).consume()
    return view(get(tx, decision_id))
