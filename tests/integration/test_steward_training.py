"""`idgraph model train` learns from steward decisions; `idgraph model labels` exports them."""
from __future__ import annotations

import json

from graph.demo import hotel_chain
from graph.stewardship import decisions
from graph.stewardship.decisions import Steward
from tests.integration.helpers import load

STEWARD = Steward("k-test", "steward")


def _persons(store) -> list[tuple[str, list[str]]]:
    rows = store.query("MATCH (p:Person {status: 'active'})<-[:DESCRIBES]-(r:SourceRecord) "
                       "WITH p, collect(r.recordKey) AS keys RETURN p.personId AS p, keys ORDER BY p")
    return [(row["p"], sorted(row["keys"])) for row in rows]


def test_train_prints_quality_on_the_labels_and_labels_export(idgraph, store, settings, tmp_path):
    load(store, settings, *hotel_chain.generate(seed=3, extra_people=30).records)
    persons = _persons(store)
    multi = next((pid, keys) for pid, keys in persons if len(keys) >= 2)
    singles = [pid for pid, keys in persons if len(keys) == 1][:2]
    split = store.write(decisions.split, multi[0], multi[1][:1], "two people", STEWARD)
    merge = store.write(decisions.merge, singles[0], singles[1], "one person", STEWARD)

    out = tmp_path / "model.json"
    result = idgraph("model", "train", "--out", str(out), "--seed", "1")
    assert result.exit_code == 0, result.output
    for text in ("labelled pairs from steward decisions", "precision", "recall", "in use", "new"):
        assert text in result.output
    expected = len(multi[1]) - 1 + 1          # the split's cross pairs, and the merge's one pair
    assert json.loads(out.read_text())["training"]["labelledPairs"] == expected

    exported = idgraph("model", "labels")
    rows = [json.loads(line) for line in exported.stdout.splitlines() if line.startswith("{")]
    assert {(r["decisionId"], r["label"]) for r in rows} == {(split["decisionId"], "different"),
                                                           (merge["decisionId"], "same")}
    assert len(rows) == expected

    store.write(decisions.undo, merge["decisionId"], "mistake", STEWARD)
    rows = [json.loads(line) for line in idgraph("model", "labels").stdout.splitlines() if line.startswith("{")]
    assert {r["decisionId"] for r in rows} == {split["decisionId"]}    # an undone decision labels nothing
