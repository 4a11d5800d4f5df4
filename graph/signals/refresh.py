"""Use case: write every active person's open signals as (:Signal) nodes, a page of persons at a time
(a stage of `idgraph analytics refresh`), so GET /v1/signals reads them instead of everyone's events."""
from __future__ import annotations

import datetime as dt

from graph.signals import rules as R
from graph.signals.reads import compute
from graph.store import queries_events, queries_signals

KEY_PAGE = 50_000


def _rows(found: dict[str, list[R.Signal]]) -> list[dict]:
    return [{"personId": pid, "signalKey": f"{pid}|{s.kind}", "kind": s.kind, "since": s.since,
             "evidence": list(s.evidence), "detail": {k: v for k, v in s.detail.items() if v is not None}}
            for pid, signals in found.items() for s in signals]


def refresh_signals(store, rules: R.Rules, now: dt.datetime, run_id: str, batch: int = 500,
                    advance=lambda n: None, person_ids: list[str] | None = None) -> int:
    """Replace the stored signals of every active person (or of `person_ids`); returns how many were
    written."""
    written, cursor = 0, ""
    while True:
        ids = person_ids if person_ids is not None else [
            r["personId"] for r in store.query(queries_events.ACTIVE_PERSON_IDS, cursor=cursor, limit=KEY_PAGE)]
        for i in range(0, len(ids), batch):
            piece = ids[i:i + batch]
            rows = _rows(store.read(compute, piece, rules, now))
            store.write(lambda tx, piece=piece, rows=rows: (
                tx.run(queries_signals.DROP_SIGNALS, personIds=piece).consume(),
                tx.run(queries_signals.WRITE_SIGNALS, rows=rows, runId=run_id).consume() if rows else None))
            written += len(rows)
            advance(len(piece))
        if person_ids is not None or len(ids) < KEY_PAGE:
            break
        cursor = ids[-1]
    store.write(lambda tx: tx.run(queries_signals.DROP_INACTIVE_SIGNALS).consume())
    return written
