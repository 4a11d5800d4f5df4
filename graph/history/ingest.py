"""Use case (a step of record ingestion, in its transaction): before a re-sent record's new values
are written, the values it changes are kept as history (graph/store/queries_history.py).

A value is closed on the day the new one starts: the new value's own validFrom when the source
gives one, else the day of the new observation. Re-sending the same record changes nothing: an
unchanged record never reaches this step, and a value equal to the stored one closes nothing.
"""
from __future__ import annotations

from graph.model import Record
from graph.store import queries_history


def _on(record: Record, valid_from=None) -> str:
    return (valid_from or record.observed_at.date()).isoformat()


def keep_history(tx, records: list[Record], disputed: dict[str, frozenset[str]]) -> None:
    """`records` are re-sends of stored records, about to overwrite them; a link its person disputed
    (`disputed`: record key -> identifier keys) is left as the dispute left it."""
    if not records:
        return
    tx.run(queries_history.KEEP_PAST_NAMES,
           rows=[{"key": r.key, "fullName": r.full_name, "on": _on(r)} for r in records]).consume()
    jobs = [{"key": r.key, "companyKey": j.company_key, "title": j.title, "on": _on(r, j.valid_from)}
            for r in records for j in r.employment]
    if jobs:
        tx.run(queries_history.CLOSE_CHANGED_JOBS, rows=jobs).consume()
    addresses = [{"key": r.key, "addressKey": i.key, "use": i.props.get("use"), "on": _on(r, i.valid_from)}
                 for r in records for i in r.of_kind("address") if i.key not in disputed.get(r.key, ())]
    if addresses:
        tx.run(queries_history.CLOSE_CHANGED_ADDRESSES, rows=addresses).consume()
