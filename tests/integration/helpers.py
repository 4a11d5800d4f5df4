"""Small builders for integration tests."""
from __future__ import annotations

from graph.intake.records import build_record
from graph.resolution.ingest import ingest
from service.schemas import RecordSchema


def record(source: str, source_id: str, **fields) -> dict:
    return {"source": source, "sourceId": source_id, **fields}


def load(store, settings, *items: dict):
    records = [build_record(RecordSchema().load(item), settings) for item in items]
    return ingest(store, settings, records)


def person_of(store, source: str, source_id: str) -> str | None:
    rows = store.query("MATCH (:SourceRecord {recordKey: $key})-[:DESCRIBES]->(p:Person) RETURN p.personId AS id",
                       key=f"{source}/{source_id}")
    return rows[0]["id"] if rows else None


def count(store, label: str) -> int:
    return store.query(f"MATCH (n:{label}) RETURN count(n) AS n")[0]["n"]
