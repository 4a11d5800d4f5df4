"""Use cases: a steward's manual merge and split, and their undo, each one transaction.

A merge follows the automatic rules (graph/resolution/chunk.py): the oldest person survives, the
other is marked merged with a MERGED_INTO link and earlier redirects to it move on to the survivor;
records keep the evidence they joined by. A split follows the automatic split: the larger part
keeps the id, the other part gets a new person with SPLIT_FROM. Consent changes, roles and events
sit on records and follow them; households and scores are recomputed from records by the next
analytics refresh, as after any automatic merge. Every decision is a StewardDecision node (who,
when, why) that also constrains later resolution (graph/stewardship/constraints.py) and, for
merges and splits, a labelled pair for training.
"""
from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass

from graph.errors import Conflict, InvalidRecord, NotFound
from graph.reads.views import resolve_id
from graph.resolution.ingest import new_person_id
from graph.stewardship import snapshots
from graph.stewardship.constraints import APART, TOGETHER
from graph.stewardship.rules import constraints_for
from graph.store import queries_ingest
from graph.store import queries_stewardship as q
from graph.store.values import creation_stamp, plain


@dataclass(frozen=True)
class Steward:
    key_id: str
    role: str


def decision_id() -> str:
    """Sortable by time (the paging cursor), unique by a random suffix."""
    return f"D-{time.time_ns():020d}-{secrets.token_hex(4)}"


# --- shared steps --------------------------------------------------------------------------------

def _members(tx, person_ids: list[str]) -> dict[str, dict]:
    """personId -> {records, created} of active persons."""
    found = {}
    for row in tx.run(q.PERSON_STATE, personIds=person_ids):
        props = row["props"]
        found[row["personId"]] = {"records": sorted(row["records"]),
                                  "created": creation_stamp(props.get("createdAt"), props.get("createdSeq")),
                                  "status": props.get("status")}
    return found


def active_person(tx, person_id: str, field: str) -> str:
    try:
        target, _ = resolve_id(tx, person_id)
    except NotFound:
        raise NotFound(f"no person {person_id} ({field})") from None
    return target


def _supersede(tx, keys_a: set[str], keys_b: set[str], kind: str, by: str) -> list[str]:
    """Earlier constraints of `kind` between the two sides, overruled by this decision."""
    rules = constraints_for(tx, sorted(keys_a | keys_b))
    ids = [r.decision_id for r in rules.rules if r.kind == kind and r.spans(keys_a, keys_b)]
    if ids:
        tx.run(q.SET_STATUS, decisionIds=ids, status="superseded", by=by).consume()
    return ids


def record_decision(tx, props: dict, keys: list[str]) -> dict:
    props = {k: v for k, v in props.items() if v is not None}
    tx.run(q.CREATE_DECISION, props=props, recordKeys=sorted(set(keys))).consume()
    return view(tx.run(q.DECISION, decisionId=props["decisionId"]).single()["decision"])


def view(decision: dict) -> dict:
    """A decision as the API shows it (no undo snapshot)."""
    d = plain(decision)
    out = {k: d[k] for k in ("decisionId", "action", "status", "at", "keyId", "role", "reason", "personId",
                             "otherPersonId", "constraint", "label", "undoneAt", "undoneBy", "identifier",
                             "prediction", "statusAt") if d.get(k) is not None}
    if d.get("after"):
        out["persons"] = json.loads(d["after"])
    for name in ("sideA", "sideB", "superseded"):
        if d.get(name):
            out[name] = d[name]
    return out


def base_props(steward: Steward, action: str, reason: str | None) -> dict:
    return {"decisionId": decision_id(), "action": action, "status": "active", "keyId": steward.key_id,
            "role": steward.role, "reason": reason}


# --- merge ---------------------------------------------------------------------------------------

def merge(tx, person_id: str, other_id: str, reason: str | None, steward: Steward,
          action: str = "merge", label: str = "same") -> dict:
    a, b = active_person(tx, person_id, "personId"), active_person(tx, other_id, "with")
    if a == b:
        raise Conflict("with", f"{other_id} is already person {a}")
    persons = _members(tx, [a, b])
    before = snapshots.take(tx, [a, b])
    survivor, loser = sorted((a, b), key=lambda pid: (persons[pid]["created"], pid))
    keys_a, keys_b = set(persons[a]["records"]), set(persons[b]["records"])
    _merge_persons(tx, survivor, loser, persons[loser]["records"])
    props = base_props(steward, action, reason)
    superseded = _supersede(tx, keys_a, keys_b, APART, props["decisionId"])
    after = {survivor: sorted(keys_a | keys_b)}
    tx.run(q.TAG_MERGE, loser=loser, survivor=survivor, decisionId=props["decisionId"]).consume()
    props.update({"personId": survivor, "otherPersonId": loser, "constraint": TOGETHER, "label": label,
                  "sideA": sorted(keys_a), "sideB": sorted(keys_b), "superseded": superseded,
                  "before": snapshots.dumps(before), "after": json.dumps(after, sort_keys=True), "created": []})
    return record_decision(tx, props, sorted(keys_a | keys_b))


def _merge_persons(tx, survivor: str, loser: str, records: list[str]) -> None:
    """The automatic merge's statements (queries_ingest), with the steward's rule."""
    rule = "steward merge"
    tx.run(queries_ingest.ATTACH_RECORDS, rows=[{"key": k, "personId": survivor, "rule": rule, "evidence": None,
                                                 "score": None} for k in records]).consume()
    rows: list[dict] = [{"loser": loser, "survivor": survivor, "final": survivor, "rule": rule, "recordKey": None,
             "evidence": [], "score": None}]
    tx.run(queries_ingest.MERGE_PERSONS, rows=rows).consume()
    tx.run(queries_ingest.REDIRECT_MERGED, rows=rows).consume()
    tx.run(queries_ingest.DROP_SETTLED_POSSIBLY_SAME, personIds=[loser]).consume()
    tx.run(queries_ingest.REFRESH_PERSONS, personIds=[survivor]).consume()


# --- split ---------------------------------------------------------------------------------------

def split(tx, person_id: str, record_keys: list[str], reason: str | None, steward: Steward,
          action: str = "split") -> dict:
    pid = active_person(tx, person_id, "personId")
    members = set(_members(tx, [pid])[pid]["records"])
    named = set(record_keys)
    for n, key in enumerate(record_keys):
        if key not in members:
            raise InvalidRecord(f"records[{n}]", f"{key} is not one of person {pid}'s records")
    if named == members:
        raise InvalidRecord("records", "names every record of the person: leave at least one where it is")
    before = snapshots.take(tx, [pid])
    # the automatic split's rule: the larger part keeps the id (ties: the part with the smallest key)
    keep, leave = sorted((members - named, named), key=lambda part: (-len(part), min(part)))
    new = new_person_id()
    tx.run(queries_ingest.CREATE_PERSONS, rows=[{"personId": new, "seq": 0}]).consume()
    tx.run(queries_ingest.ATTACH_RECORDS, rows=[{"key": k, "personId": new, "rule": "steward split",
                                                 "evidence": None, "score": None} for k in sorted(leave)]).consume()
    tx.run(queries_ingest.SPLIT_FROM, rows=[{"personId": new, "from": pid, "recordKey": None,
                                             "records": sorted(leave)}]).consume()
    tx.run(queries_ingest.REFRESH_PERSONS, personIds=[pid, new]).consume()
    props = base_props(steward, action, reason)
    tx.run(q.TAG_SPLIT, personId=new, decisionId=props["decisionId"], **{"from": pid}).consume()
    superseded = _supersede(tx, keep, leave, TOGETHER, props["decisionId"])
    after = {pid: sorted(keep), new: sorted(leave)}
    props.update({"personId": pid, "otherPersonId": new, "constraint": APART, "label": "different",
                  "sideA": sorted(keep), "sideB": sorted(leave), "superseded": superseded,
                  "before": snapshots.dumps(before), "after": json.dumps(after, sort_keys=True), "created": [new]})
    return record_decision(tx, props, sorted(members))


# --- keep apart without moving anything (a review answer "different") ----------------------------

def keep_apart(tx, a: str, b: str, reason: str | None, steward: Steward, action: str) -> dict:
    persons = _members(tx, [a, b])
    before = snapshots.take(tx, [a, b])
    tx.run(q.DROP_POSSIBLY_SAME, a=a, b=b).consume()
    keys_a, keys_b = set(persons[a]["records"]), set(persons[b]["records"])
    props = base_props(steward, action, reason)
    superseded = _supersede(tx, keys_a, keys_b, TOGETHER, props["decisionId"])
    after = {a: sorted(keys_a), b: sorted(keys_b)}
    props.update({"personId": a, "otherPersonId": b, "constraint": APART, "label": "different",
                  "sideA": sorted(keys_a), "sideB": sorted(keys_b), "superseded": superseded,
                  "before": snapshots.dumps(before), "after": json.dumps(after, sort_keys=True), "created": []})
    return record_decision(tx, props, sorted(keys_a | keys_b))


# --- undo ----------------------------------------------------------------------------------------

def get(tx, decision: str) -> dict:
    row = tx.run(q.DECISION, decisionId=decision).single()
    if row is None:
        raise NotFound(f"no decision {decision}")
    return row["decision"]


def undo(tx, decision: str, reason: str | None, steward: Steward) -> dict:
    """Put the persons back as they were before the decision, and lift its constraint.

    Only while they are as the decision left them: if later ingests or decisions changed those
    persons, an exact undo is impossible and the steward merges or splits anew instead."""
    d = get(tx, decision)
    if d.get("status") != "active":
        raise Conflict("decisionId", f"decision {decision} is {d.get('status')}, not active")
    if not d.get("before"):
        raise Conflict("decisionId", f"decision {decision} ({d.get('action')}) is withdrawn through its own endpoint")
    after = json.loads(d["after"])
    now = _members(tx, sorted(after))
    changed = sorted(pid for pid, keys in after.items()
                     if pid not in now or now[pid]["status"] != "active" or now[pid]["records"] != keys)
    if changed:
        raise Conflict("decisionId", f"persons {', '.join(changed)} changed after decision {decision}; "
                                     "undo is exact only before that: merge or split them anew")
    snapshots.restore(tx, d["before"], list(d.get("created") or []))
    if d.get("superseded"):
        tx.run(q.SET_STATUS, decisionIds=list(d["superseded"]), status="active", by=decision).consume()
    tx.run(q.UNDONE, decisionId=decision, keyId=steward.key_id, reason=reason).consume()
    return view(get(tx, decision))


def decisions_page(tx, limit: int, cursor: str = "") -> dict:
    rows = [view(r["decision"]) for r in tx.run(q.DECISIONS_PAGE, cursor=cursor, limit=limit)]
    return {"decisions": rows, "nextCursor": rows[-1]["decisionId"] if len(rows) == limit else None}
