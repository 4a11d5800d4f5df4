"""Use case (a hook of record ingestion, in its transaction): a record that holds nothing but a cookie
or a device, and says nothing of anyone (no name, birth date, gender, address, job, metrics or
set-aside field), is an anonymous visitor, not a person. It becomes (or re-states) the device's
Visitor with the record's provenance, and no Person is made; a later record or event naming the
person identifies the visitor as any event does (graph/visitors/track.py)."""
from __future__ import annotations

import uuid

from graph.model import Record
from graph.store import queries_visitors
from graph.visitors.rules import VISITOR_KINDS


def visitor_only(record: Record) -> bool:
    described = (record.given, record.middle, record.family, record.full_name, record.birth_date, record.gender,
                 record.employment, record.metrics, record.set_aside)
    return bool(record.identifiers) and all(i.kind in VISITOR_KINDS for i in record.identifiers) \
        and not any(described)


def keep_as_visitors(tx, records: list[Record]) -> list[str]:
    """Store the records as their devices' visitors; each one's outcome: visitor, updated or unchanged."""
    rows = [{"recordKey": r.key, "source": r.source, "sourceId": r.source_id, "fingerprint": r.fingerprint,
             "observedAt": r.observed_at.isoformat(), "collectedFor": r.collected_for,
             "consentGranted": sorted(k for k, v in r.consent.items() if v),
             "consentDenied": sorted(k for k, v in r.consent.items() if not v),
             "visitors": [{"visitorKey": i.key, "visitorId": f"v-{uuid.uuid4().hex}", "kind": i.kind}
                          for i in r.identifiers]} for r in records]
    states = {row["key"]: row["fingerprint"] for row in tx.run(queries_visitors.VISITOR_RECORD_STATES,
                                                                     keys=[r.key for r in records])}
    tx.run(queries_visitors.UPSERT_VISITOR_RECORDS, rows=rows).consume()
    return [_outcome(states.get(r.key), r.fingerprint) for r in records]


def _outcome(stored: str | None, fingerprint: str) -> str:
    if stored is None:
        return "visitor"
    return "unchanged" if stored == fingerprint else "updated"
