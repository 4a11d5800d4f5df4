"""Use case: the labelled record pairs steward decisions leave, for training and for audit.

A decision labels the pairs across its two sides (at most PAIRS_PER_DECISION of them, by key,
so one large merge cannot outweigh many small answers). Undone and superseded decisions label
nothing.
"""
from __future__ import annotations

from itertools import islice, product

from graph.matching import match_input
from graph.stewardship.learning import LabelledPair
from graph.store import queries_stewardship as q
from graph.store.values import native

PAIRS_PER_DECISION = 25


def export(store) -> list[dict]:
    """One row per labelled pair: decisionId, action, label, the two record keys, when."""
    rows = []
    for d in store.query(q.LABELS):
        for a, b in islice(product(sorted(d["a"] or ()), sorted(d["b"] or ())), PAIRS_PER_DECISION):
            rows.append({"decisionId": d["decisionId"], "action": d["action"], "label": d["label"],
                         "a": a, "b": b, "at": native(d["at"]).isoformat()})
    return rows


def labelled_pairs(store) -> list[LabelledPair]:
    """The labels with both records' comparable facts (pairs whose record is gone are left out)."""
    rows = export(store)
    keys = sorted({k for row in rows for k in (row["a"], row["b"])})
    fields = {r["key"]: match_input.loads(r["matchFields"]) for r in store.query(q.RECORD_FIELDS, keys=keys)}
    return [LabelledPair(fields[row["a"]], fields[row["b"]], row["label"] == "same", row["decisionId"])
            for row in rows if row["a"] in fields and row["b"] in fields]
