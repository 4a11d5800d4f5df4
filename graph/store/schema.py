"""Constraints and indexes, applied idempotently at start (named, IF NOT EXISTS)."""
from __future__ import annotations

from graph.model import KINDS
from graph.store import (
    queries_analytics,
    queries_events,
    queries_history,
    queries_ingest,
    queries_privacy,
    queries_signals,
    queries_stewardship,
    queries_visitors,
)

INDEX_WAIT_SECONDS = 300
CONSTRAINTS = (
    "CREATE CONSTRAINT person_person_id_unique IF NOT EXISTS FOR (p:Person) REQUIRE p.personId IS UNIQUE",
    "CREATE CONSTRAINT source_record_key_unique IF NOT EXISTS FOR (r:SourceRecord) REQUIRE r.recordKey IS UNIQUE",
    "CREATE CONSTRAINT identifier_key_unique IF NOT EXISTS FOR (i:Identifier) REQUIRE i.key IS UNIQUE",
    "CREATE CONSTRAINT company_key_unique IF NOT EXISTS FOR (c:Company) REQUIRE c.companyKey IS UNIQUE",
    "CREATE CONSTRAINT api_key_key_id_unique IF NOT EXISTS FOR (k:ApiKey) REQUIRE k.keyId IS UNIQUE",
    "CREATE CONSTRAINT audit_event_event_id_unique IF NOT EXISTS FOR (e:AuditEvent) REQUIRE e.eventId IS UNIQUE",
)
INDEXES = (
    "CREATE INDEX person_merged_into IF NOT EXISTS FOR (p:Person) ON (p.mergedInto)",
    "CREATE INDEX source_record_source IF NOT EXISTS FOR (r:SourceRecord) ON (r.source)",
    "CREATE INDEX source_record_family_key IF NOT EXISTS FOR (r:SourceRecord) ON (r.familyKey)",
    "CREATE INDEX audit_event_person_id IF NOT EXISTS FOR (e:AuditEvent) ON (e.personId)",
) + tuple(
    # Analysts look identifiers up by label and value in Browser.
    f"CREATE INDEX {kind.label.lower()}_value IF NOT EXISTS FOR (n:{kind.label}) ON (n.value)"
    for kind in KINDS.values()
)


def apply(store) -> None:
    for statement in CONSTRAINTS + INDEXES + queries_analytics.SCHEMA + queries_privacy.SCHEMA + queries_ingest.SCHEMA \
            + queries_events.SCHEMA + queries_visitors.SCHEMA + queries_stewardship.SCHEMA \
            + queries_history.SCHEMA + queries_signals.SCHEMA:
        store.write(lambda tx, s=statement: tx.run(s).consume())
    if store.engine == "neo4j":     # Neo4j builds indexes in the background; ArcadeDB has no such call
        store.query("CALL db.awaitIndexes($seconds)", seconds=INDEX_WAIT_SECONDS)
    store.schema_ready = True


def ensure(store) -> None:
    """Apply the schema once per Store; a server that was down at start gets it on first use."""
    if not store.schema_ready:
        apply(store)
