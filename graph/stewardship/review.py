"""Use cases: the review queue of POSSIBLY_SAME pairs and a steward's answer to one.

The queue lists every pair of active persons ingestion or `resolve --all` left in the review band,
highest business impact first (`value`: the two persons' summed lifetime spend) or likeliest first
(`probability`), each with the why-not comparison of one record of each. An answer is a decision:
`same` merges the two (a TOGETHER constraint and the label "same"), `different` keeps them apart
(an APART constraint and the label "different") and takes the pair off the queue.
"""
from __future__ import annotations

from graph.errors import NotFound
from graph.matching import Model, match_input
from graph.reads.explain_reads import why_not
from graph.resolution.decision import Thresholds
from graph.stewardship import decisions
from graph.stewardship.decisions import Steward
from graph.store import queries_stewardship as q

SEPARATOR = "_"


def pair_id(a: str, b: str) -> str:
    return f"{a}{SEPARATOR}{b}"


def _order(order: str):
    if order == "probability":
        return lambda p: (-(p["probability"] or 0.0), -p["value"], p["pairId"])
    return lambda p: (-p["value"], -(p["probability"] or 0.0), p["pairId"])


def queue(tx, order: str, limit: int, cursor: str, model: Model, thresholds: Thresholds) -> dict:
    """A page of the queue; `cursor` is the position to start from (nextCursor of the page before)."""
    pairs = [{"pairId": pair_id(r["a"], r["b"]), "probability": r["probability"], "value": round(r["value"], 2),
              "a": {"personId": r["a"], "name": r["nameA"], "record": r["recordA"]},
              "b": {"personId": r["b"], "name": r["nameB"], "record": r["recordB"]}}
             for r in tx.run(q.REVIEW_PAIRS)]
    pairs.sort(key=_order(order))
    start = int(cursor) if cursor.isdigit() else 0
    page = pairs[start:start + limit]
    keys = [pair[side]["record"] for pair in page for side in ("a", "b")]
    fields = {r["key"]: match_input.loads(r["matchFields"]) for r in tx.run(q.RECORD_FIELDS, keys=keys)}
    for pair in page:
        for side in ("a", "b"):      # the compared facts side by side, for the steward to judge
            pair[side]["fields"] = fields.get(pair[side]["record"], {})
        pair["whyNot"] = why_not(tx, pair["a"]["record"], pair["b"]["record"], model, thresholds)
    more = start + limit < len(pairs)
    return {"order": order, "pairs": page, "total": len(pairs), "nextCursor": str(start + limit) if more else None}


def answer(tx, pair: str, answer: str, reason: str | None, steward: Steward) -> dict:
    a, _, b = pair.partition(SEPARATOR)
    if not a or not b or tx.run(q.POSSIBLY_SAME_PAIR, a=a, b=b).single() is None:
        raise NotFound(f"no pair {pair} in the review queue (answered already, or its persons changed)")
    if answer == "same":
        return decisions.merge(tx, a, b, reason, steward, action="review same")
    return decisions.keep_apart(tx, a, b, reason, steward, action="review different")
