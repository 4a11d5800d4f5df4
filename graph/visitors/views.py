"""Use cases: a visitor with its events and twin predictions, a person's intentions, and feedback on a
prediction. Every answer is for a declared purpose: an event informs it only if its consent (its own
statements, its record's and the customer's changes, the newest deciding) covers that purpose, so
marketing and analytics see only behaviour the customer agreed to, and twins predict from that alone.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Set as AbstractSet

from graph.errors import InvalidRecord, NotFound
from graph.privacy import consent
from graph.reads.views import consent_changes, resolve_id
from graph.store import queries_privacy, queries_reads, queries_visitors
from graph.store.values import plain
from graph.twins.features import profile
from graph.twins.model import MODEL_NAME, TARGETS, Outcome, TwinModel, subject_key
from graph.twins.special import special_category
from graph.visitors.persons import persons_now

PROFILE_EVENTS = 2000     # the latest events a profile is built from
SHOWN = ("eventKey", "source", "eventId", "kind", "at", "channel", "pageCategory", "productCategory",
         "lineOfBusiness", "amount", "currency", "backfilledFrom")


def visitor_view(tx, visitor_key: str, purpose: str, model: TwinModel | None, confidence: float | None,
                 limit: int = 50) -> dict:
    row = tx.run(queries_visitors.VISITOR, visitorKey=visitor_key).single()
    if not row:
        raise NotFound(f"no visitor {visitor_key}")
    visitor = plain(row["visitor"])
    person_id = persons_now(tx, [visitor.get("personId")]).get(visitor.get("personId") or "")
    changes = consent_changes(tx, person_id=person_id) if person_id else {}
    rows = [(plain(r["event"]), plain(r["record"]) if r["record"] else None)
            for r in tx.run(queries_visitors.VISITOR_EVENTS, visitorKey=visitor_key, limit=PROFILE_EVENTS)]
    allowed = [e for e, record in rows if _allowed(e, record, changes, purpose)]
    return {"visitorId": visitor["visitorId"], "visitorKey": visitor_key, "status": visitor["status"],
            "personId": person_id, "householdId": visitor.get("householdId"),
            "firstAt": visitor.get("firstAt"), "lastAt": visitor.get("lastAt"), "purpose": purpose,
            "events": [_shown(e) for e in allowed[:limit]], "withheldCount": len(rows) - len(allowed),
            **predictions(allowed, model, confidence, subjects=_subjects(tx, person_id))}


def person_intentions(tx, person_id: str, purpose: str, model: TwinModel | None, confidence: float | None) -> dict:
    target, redirected_from = resolve_id(tx, person_id)
    records = {r["recordKey"]: r for r in map(plain, tx.run(queries_reads.PERSON, personId=target).single()["records"])}
    changes = consent_changes(tx, person_id=target)
    rows = [plain(r["event"]) for r in tx.run(queries_visitors.PERSON_TWIN_EVENTS, personId=target,
                                              limit=PROFILE_EVENTS)]
    allowed = [e for e in rows if _allowed(e, records.get(e.get("recordKey") or ""), changes, purpose)]
    rejected = {(f["target"], f["value"]) for f in
                (plain(r["feedback"]) for r in tx.run(queries_visitors.PERSON_FEEDBACK, personId=target))}
    found = predictions(allowed, model, confidence, rejected, _subjects(tx, target))
    answer = {"personId": target, "purpose": purpose, "eventsUsed": len(allowed),
              "withheldCount": len(rows) - len(allowed),
              "intentions": [p for p in found["predictions"] if p["target"] == "intention"],
              "segments": [p for p in found["predictions"] if p["target"] != "intention"],
              "abstained": found["abstained"], "dropped": found["dropped"], "model": found["model"]}
    return answer | ({"redirectedFrom": redirected_from} if redirected_from else {})


def record_feedback(tx, person_id: str, target: str, value: str, by: str, key_id: str,
                    model_version: str | None) -> dict:
    """A prediction marked wrong: dropped for this person from now on, and left out at the next training."""
    if target not in TARGETS:
        raise InvalidRecord("target", f"must be one of: {', '.join(TARGETS)}")
    if special_category(value):
        raise InvalidRecord("value", "names a special category of personal data, which is never predicted")
    person, _ = resolve_id(tx, person_id)
    feedback_id = hashlib.sha256(f"{person}|{target}|{value}".encode()).hexdigest()[:24]
    row = tx.run(queries_visitors.RECORD_FEEDBACK, personId=person, feedbackId=feedback_id, target=target,
                 value=value, by=by, keyId=key_id, modelVersion=model_version).single()
    return {"personId": person, "created": bool(row["created"]), "feedback": _feedback_view(plain(row["feedback"]))}


def predictions(events: list[dict], model: TwinModel | None, confidence: float | None,
                rejected: AbstractSet[tuple[str, str]] = frozenset(), subjects: AbstractSet[str] = frozenset()) -> dict:
    """The answered predictions, the abstentions (target and reason, never a value) and the values
    dropped because they were marked wrong. `subjects`: a known customer's own training rows, never
    their own twins."""
    if model is None:
        return {"predictions": [], "dropped": [], "model": None,
                "abstained": [{"target": t, "reason": "no twin model is trained yet (idgraph twins train)"}
                              for t in TARGETS]}
    outcomes = model.predict(profile(events, dt.datetime.now(dt.UTC)), confidence=confidence, subjects=subjects)
    answered = [o for o in outcomes if o.answered and not special_category(o.value)]
    dropped = [o for o in answered if (o.target, o.value) in rejected]
    return {"predictions": [_prediction(o, model) for o in answered if o not in dropped],
            "abstained": [{"target": o.target, "reason": o.reason} for o in outcomes if not o.answered],
            "dropped": [{"target": o.target, "value": o.value, "reason": "marked wrong by feedback"} for o in dropped],
            "model": {"name": MODEL_NAME, "version": model.version, "trainedAt": model.trained_at}}


def _prediction(o: Outcome, model: TwinModel) -> dict:
    return {"target": o.target, "value": o.value, "probability": o.probability, "inferred": True,
            "model": MODEL_NAME, "modelVersion": model.version,
            "cohort": {"size": o.cohort_size, "agreeing": o.agreeing, "share": o.share, "baseRate": o.prior,
                       "description": f"the {o.cohort_size} known customers who behave most alike"},
            "because": [{"feature": d.feature, "direction": d.direction, "value": d.value, "twins": d.twins,
                         "typical": d.typical} for d in o.drivers],
            "reason": o.reason}


def _subjects(tx, person_id: str | None) -> set[str]:
    """A known customer's training rows (under their id and those merged into them): never their own twins."""
    if not person_id:
        return set()
    merged_away = tx.run(queries_privacy.MERGED_AWAY, personId=person_id).single()["ids"]
    return {subject_key(p) for p in [person_id, *merged_away]}


def _allowed(event: dict, record: dict | None, changes: dict[str, list[dict]], purpose: str) -> bool:
    statements = consent.record_statements(event)
    if record:
        statements += consent.record_statements(record) + consent.change_statements(
            changes.get(record["recordKey"], []))
    return consent.verdict(statements, purpose).allowed


def _shown(event: dict) -> dict:
    return {k: event[k] for k in SHOWN if event.get(k) is not None}


def _feedback_view(feedback: dict) -> dict:
    return {k: feedback.get(k) for k in ("feedbackId", "target", "value", "verdict", "by", "at", "modelVersion")}
