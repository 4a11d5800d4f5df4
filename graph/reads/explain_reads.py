"""Read use cases behind GET /v1/persons/{id}/why and GET /v1/why-not: the store's side.

Each function runs in one read transaction, builds record snapshots and hands them to the
pure `graph.reads.explain`. Like every person read, an explanation answers for a declared purpose:
records whose consent does not cover it inform nothing (graph/privacy/consent.py) and are listed in
`withheld`, without their facts.
"""
from __future__ import annotations

from graph.errors import NotFound
from graph.matching import Model, match_input
from graph.privacy import consent
from graph.reads import explain
from graph.reads.explain import Holding, PersonFacts, RecordSnapshot
from graph.reads.views import consent_changes, resolve_id
from graph.resolution.decision import Thresholds
from graph.stewardship import rules
from graph.store import queries_explain
from graph.store.values import native, plain

MAX_PERSON_RECORDS = 500   # a person's records explained at most (by key): a bound on the work


def _holdings(rows: list[dict]) -> tuple[Holding, ...]:
    return tuple(sorted({Holding(h["key"], h["kind"], h["value"], bool(h.get("generic")),
                                 native(h.get("validFrom")), native(h.get("validTo")))
                         for h in rows if h.get("key")}, key=lambda h: h.key))


def snapshot(row) -> RecordSnapshot:
    return RecordSnapshot(row["key"], row["personId"], match_input.loads(row["matchFields"]),
                          row["givenKey"], native(row["birthDate"]), _holdings(row["holdings"]),
                          tuple(row["ignored"] or ()))


def consent_fields(row) -> dict:
    """What graph.privacy.consent reads of a stored record."""
    return {"recordKey": row["key"], "source": row["source"], "observedAt": native(row["observedAt"]),
            "consentGranted": row["consentGranted"], "consentDenied": row["consentDenied"],
            **{k: native(row[k]) for k in ("deceased", "deceasedOn", "deathEventKey", "deathEventOn")}}


def gate(tx, rows: list, purpose: str | None, **owner) -> tuple[set[str], list[dict]]:
    """(keys of the rows that may inform an answer for `purpose`, what is withheld and why);
    `owner` is person_id= or record_key=, whose consent changes apply."""
    if purpose is None:
        return {row["key"] for row in rows}, []
    return consent.gate([consent_fields(row) for row in rows], consent_changes(tx, **owner), purpose)


def _person_rows(tx, person_id: str) -> list:
    return list(tx.run(queries_explain.PERSON_SNAPSHOTS, personId=person_id, limit=MAX_PERSON_RECORDS))


def _record_row(tx, key: str):
    row = tx.run(queries_explain.RECORD_SNAPSHOTS, keys=[key]).single()
    if row is None:
        raise NotFound(f"no record {key}")
    return row


def why(tx, person_id: str, record_key: str, model: Model, thresholds: Thresholds,
        purpose: str | None = None) -> dict:
    target_id, redirected_from = resolve_id(tx, person_id)
    row = tx.run(queries_explain.RECORD_SNAPSHOTS, keys=[record_key]).single()
    if row is None or row["personId"] != target_id:
        raise NotFound(f"record {record_key} is not one of person {target_id}'s records")
    rows = [row] + [r for r in _person_rows(tx, target_id) if r["key"] != record_key]
    shown, withheld = gate(tx, rows, purpose, person_id=target_id)
    if record_key in shown:
        others = [snapshot(r) for r in rows[1:] if r["key"] in shown]
        out = explain.why(snapshot(row), others, model, thresholds)
        out["joined"] = plain(row["describes"] or {})
    else:
        out = {"record": record_key, "links": [], "probability": None, "bestProbability": None,
               "thresholds": thresholds.to_dict(), "summary": f"the record is withheld for {purpose}"}
    out["personId"] = target_id
    held = rules.together_reason(tx, target_id, record_key)
    if held:
        out["stewardDecision"] = held
        out["summary"] += f"; {held['detail']}"
    if withheld:
        out["withheld"] = withheld
    if redirected_from:
        out["redirectedFrom"] = redirected_from
    return out


def _person_facts(tx, person_id: str, purpose: str | None) -> PersonFacts:
    rows = _person_rows(tx, person_id)
    shown, _ = gate(tx, rows, purpose, person_id=person_id)
    return PersonFacts.of(person_id, (snapshot(r) for r in rows if r["key"] in shown))


def why_not(tx, a_key: str, b_key: str, model: Model, thresholds: Thresholds,
            purpose: str | None = None) -> dict:
    rows = _record_row(tx, a_key), _record_row(tx, b_key)
    withheld = [w for row in rows for w in gate(tx, [row], purpose, record_key=row["key"])[1]]
    a, b = (snapshot(row) for row in rows)
    if withheld:
        return {"a": {"record": a.key, "personId": a.person_id}, "b": {"record": b.key, "personId": b.person_id},
                "samePerson": a.person_id is not None and a.person_id == b.person_id,
                "thresholds": thresholds.to_dict(), "blockers": [], "withheld": withheld,
                "summary": f"not explained: a record is withheld for {purpose}"}
    persons, possibly_same = None, None
    if a.person_id and b.person_id and a.person_id != b.person_id:
        persons = (_person_facts(tx, a.person_id, purpose), _person_facts(tx, b.person_id, purpose))
        row = tx.run(queries_explain.POSSIBLY_SAME, a=a.person_id, b=b.person_id).single()
        possibly_same = row["score"] if row else None
    out = explain.why_not(a, b, model, thresholds, persons, possibly_same)
    decided = rules.apart_blocker(tx, a.person_id, b.person_id) if a.person_id and b.person_id and persons else None
    if decided:     # the steward's word first: it holds whatever the evidence says
        out["blockers"].insert(0, decided)
        out["summary"] = f"{decided['detail']}; match probability {out['probability']:.3f} " \
                         f"(threshold {thresholds.match})"
    return out
