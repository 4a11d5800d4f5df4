"""Use case: train the twin model on the known customers in the graph (`idgraph twins train`).

Reads persons a page at a time in read transactions of their own, so ingestion never waits for it,
and writes the model file atomically (graph/twins/model_file.py): the API picks it up on its next
read. Training is profiling, so it uses only what the customer agreed to for analytics: an event
counts if its consent covers `analytics`, a label (age band from a birth date, value band from
lifetime spend) only from a record whose consent does. Feedback marking a value wrong for a person
keeps that value out of their labels. Each example is the person's behaviour before their last
purchase, labelled with what it was (graph/twins/labels.py), so intentions are learnt as they are
asked: from behaviour, what next.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from graph.config import Settings
from graph.privacy import consent
from graph.store import queries_visitors
from graph.store.values import native, plain
from graph.twins.features import profile
from graph.twins.labels import intention_split, known_labels
from graph.twins.model import Example, TwinModel, TwinSettings, subject_key
from graph.twins.model_file import save_twins_model, twins_model_path

PAGE = 500
EVENTS_PER_PERSON = 2000
PURPOSE = "analytics"


@dataclass(frozen=True)
class Trained:
    model: TwinModel
    path: str
    persons: int
    examples: int
    feedback: int


def train(store, settings: Settings, progress: Callable[[int, int], None] | None = None) -> Trained:
    """Fit the twins on every active person with events and save the file; progress(done, total)."""
    total = store.query(queries_visitors.COUNT_ACTIVE_PERSONS)[0]["n"]
    examples: list[Example] = []
    cursor, done, feedback = "", 0, 0
    while True:
        page = store.read(_page, cursor)
        if not page:
            break
        for person in page:
            feedback += len(person["feedback"])
            example = _example(person, dt.date.today())
            if example:
                examples.append(example)
        cursor, done = page[-1]["personId"], done + len(page)
        if progress:
            progress(done, total)
    model = TwinModel.fit(examples, TwinSettings())
    path = save_twins_model(model, twins_model_path(settings), {"persons": done, "examples": len(examples),
                                                                "feedback": feedback, "purpose": PURPOSE})
    return Trained(model, str(path), done, len(examples), feedback)


def _page(tx, cursor: str) -> list[dict]:
    persons = [dict(r) for r in tx.run(queries_visitors.TRAINING_PERSONS, cursor=cursor, limit=PAGE)]
    if not persons:
        return []
    ids = [p["personId"] for p in persons]
    events = {r["personId"]: [plain(e) for e in r["events"]]
              for r in tx.run(queries_visitors.TRAINING_EVENTS, personIds=ids, perPerson=EVENTS_PER_PERSON)}
    changes = {r["record"]: [plain(c) for c in r["changes"]]
               for r in tx.run(queries_visitors.TRAINING_CONSENT_CHANGES, personIds=ids)}
    return [dict(p, records=[plain(r) for r in p["records"]], events=events.get(p["personId"], []),
                 changes=changes) for p in persons]


def _example(person: dict, today: dt.date) -> Example | None:
    statements = {r["recordKey"]: consent.record_statements(r)
                  + consent.change_statements(person["changes"].get(r["recordKey"], [])) for r in person["records"]}
    consenting = [r for r in person["records"] if consent.verdict(statements[r["recordKey"]], PURPOSE).allowed]
    events = [dict(e, at=native(e["at"])) for e in person["events"]
              if consent.verdict(consent.record_statements(e) + statements.get(e.get("recordKey") or "", []),
                                 PURPOSE).allowed]
    if not consenting or not events:
        return None
    history, intention = intention_split(events)
    if not history:
        return None
    births = sorted(native(r["birthDate"]) for r in consenting if r.get("birthDate"))
    spend = sum(r["lifetimeSpend"] for r in consenting if isinstance(r.get("lifetimeSpend"), int | float))
    labels = known_labels({"birthDate": births[0] if births else None,
                           "lifetimeSpend": spend if any(r.get("lifetimeSpend") is not None for r in consenting)
                           else None}, today)
    if intention:
        labels["intention"] = intention
    rejected: dict[str, set[str]] = {}
    for f in person["feedback"]:
        rejected.setdefault(f["target"], set()).add(f["value"])
    as_of = max(e["at"] for e in events)
    return Example(profile(history, as_of), labels, {t: frozenset(v) for t, v in rejected.items()},
                   subject_key(person["personId"]))
