"""Use case: a person's life events for the timeline (graph/history/values.py), from the records
the purpose may use; and the refusal a deceased person's timeline answers for a barred purpose."""
from __future__ import annotations

import datetime as dt

from graph.history.values import history_of, life_events
from graph.privacy import consent, deceased
from graph.store import queries_history
from graph.store.values import plain


def life_events_of(records: list[dict], links: list[dict], changes: dict[str, list[dict]], purpose: str,
                   start: dt.date | None, end: dt.date | None) -> list[dict]:
    """The life events of one person's records the purpose may use. `links`: their jobs and addresses
    as {record, link, node} rows of plain values, only the properties they have."""
    shown, _ = consent.gate(records, changes, purpose)
    visible = [r for r in records if r["recordKey"] in shown]
    death = deceased.death_of(visible)
    return [e for e in life_events(history_of(visible, [row for row in links if row["record"] in shown]), death)
            if (start is None or e["on"] >= start) and (end is None or e["on"] <= end)]


def refused_timeline(person_id: str, purpose: str, records: list[dict]) -> dict | None:
    """The answer for a purpose death bars (no event shown, the reason and since when), or None."""
    death = deceased.death_of(records)
    reason = deceased.refusal(death, purpose)
    if reason is None or death is None:
        return None
    return {"personId": person_id, "purpose": purpose, "events": [], "lifeEvents": [], "nextCursor": None,
            "refused": {"reason": reason, "deceasedSince": death["since"]}}


def withhold_deceased(tx, page: dict, purpose: str | None) -> dict:
    """A page of the person list with the persons the purpose may not use (deceased, for marketing)
    moved to `withheld` with the reason; the page's cursor is unchanged."""
    if purpose not in deceased.BARRED or not page["persons"]:
        return page | ({"purpose": purpose} if purpose else {})
    rows = {r["personId"]: [plain(x) for x in r["records"]] for r in tx.run(
        queries_history.DEATH_RECORDS, personIds=[p["personId"] for p in page["persons"]])}
    reasons = {pid: deceased.refusal(deceased.death_of(records), purpose) for pid, records in rows.items()}
    return dict(page, purpose=purpose, persons=[p for p in page["persons"] if not reasons.get(p["personId"])],
                withheld=[{"personId": pid, "reason": reason} for pid, reason in sorted(reasons.items()) if reason])
