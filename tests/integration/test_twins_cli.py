"""`idgraph twins train|show`: the twins learn from the graph's persons (analytics consent only, a
customer's later withdrawal included), each row keyed by its person's opaque subject key, and a value
marked wrong for a person is left out of that person's labels at the next training."""
from __future__ import annotations

import datetime as dt
import json

from graph.demo.behaviour import behaviour_population
from graph.demo.population import FAMILY, MALE
from graph.privacy.rights import record_consent_change
from graph.twins.model import subject_key
from graph.twins.model_file import active_twins_model
from graph.visitors.views import record_feedback
from service.loading import ingest_events_batches
from tests.integration.helpers import load, person_of, record

BIRTHS = {"18-34": 2000, "35-54": 1980, "55+": 1955}
SPEND = {"low": 100.0, "mid": 1000.0, "high": 9000.0}


def _load_customers(store, settings, people: int, refusing: int) -> list:
    customers = behaviour_population(people, seed=11)
    load(store, settings, *[record("crm", c.key, name={"given": MALE[n % 50], "family": FAMILY[n // 50 * 7 % 100]},
                                   birthDate=f"{BIRTHS[c.segments['ageBand']]}-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
                                   observedAt="2026-01-01T00:00:00Z",
                                   identifiers=[{"type": "email", "value": f"{c.key.lower()}@example.com"}],
                                   metrics={"lifetimeSpend": SPEND[c.segments["valueBand"]]},
                                   consent={"analytics": n >= refusing})
                            for n, c in enumerate(customers)])
    items = [{k: v for k, v in e.items() if k != "at"} | {
        "source": "shop", "eventId": f"{c.key}-{n}", "at": e["at"].isoformat(),
        "identifiers": [{"type": "email", "value": f"{c.key.lower()}@example.com"}]}
        for c in customers for n, e in enumerate(c.events)]
    for batch in ingest_events_batches(store, settings, items):
        assert not batch.errors, batch.errors[:3]
    return customers


def test_twins_train_learns_from_consenting_persons_and_honours_feedback(idgraph, store, settings, tmp_path,
                                                                         monkeypatch):
    monkeypatch.setenv("IDGRAPH_TWINS_MODEL", str(tmp_path / "twins.json"))
    customers = _load_customers(store, settings, people=150, refusing=10)
    withdrawn = person_of(store, "crm", customers[30].key)     # granted on the record, withdrawn later
    store.write(record_consent_change, withdrawn, {"purpose": "analytics", "granted": False, "source": "app",
                                                   "at": dt.datetime(2026, 6, 1, tzinfo=dt.UTC)}, "k1")
    assert idgraph("twins", "show").exit_code == 1
    first = idgraph("twins", "train")
    assert first.exit_code == 0, first.output
    assert "twins trained on 139 of 150 persons" in first.output and "saved" in first.output
    stored = json.loads((tmp_path / "twins.json").read_text())
    assert stored["training"] == {"persons": 150, "examples": 139, "feedback": 0, "purpose": "analytics"}
    model = active_twins_model(settings.__class__(**{**vars(settings), "twins_model_file": tmp_path / "twins.json"}))
    assert model is not None and {"ageBand", "valueBand", "intention"} <= set(model.labels)
    assert sum(v is not None for v in model.labels["valueBand"]) == 139
    trained = {person_of(store, "crm", c.key) for c in customers[10:]} - {withdrawn}
    assert set(model.subjects) == {subject_key(p) for p in trained}

    marked = customers[20]
    person = person_of(store, "crm", marked.key)
    store.write(record_feedback, person, "valueBand", marked.segments["valueBand"], "customer", "k1", model.version)
    again = idgraph("twins", "train")
    assert again.exit_code == 0 and "(1 feedback marks)" in again.output
    retrained = json.loads((tmp_path / "twins.json").read_text())
    assert sum(v is not None for v in retrained["labels"]["valueBand"]) == 138
    assert sum(v is not None for v in retrained["labels"]["ageBand"]) == 139
    assert idgraph("twins", "show").exit_code == 0
