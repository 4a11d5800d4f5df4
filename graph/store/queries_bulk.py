"""Cypher for bulk-loading generated graphs (bench/analytics_refresh.py): UNWIND batches, no resolution.

It writes the shape ingestion writes (records describing persons, identifier links, jobs, social
edges) straight into an empty database, far faster than the per-record ingest, so the analytics
refresh can be measured on 100,000 persons. Never run against real data: it skips every protection.
"""
from __future__ import annotations

from graph.analytics.social_rank import SOCIAL_EDGE_TYPES
from graph.model import KINDS

PERSONS = """
UNWIND $rows AS row
CREATE (p:Person {personId: row.personId, status: 'active', displayName: row.fullName, recordCount: 1,
                  createdAt: datetime()})
CREATE (r:SourceRecord {recordKey: row.recordKey, source: row.source, sourceId: row.sourceId,
                        observedAt: row.observedAt, givenName: row.givenName, familyName: row.familyName,
                        fullName: row.fullName, givenKey: row.givenKey, familyKey: row.familyKey,
                        lifetimeSpend: row.lifetimeSpend, tier: row.tier, lastActivity: row.lastActivity,
                        nightsLastYear: row.nightsLastYear, consentGranted: row.consentGranted,
                        consentDenied: row.consentDenied, createdAt: datetime()})
CREATE (r)-[:DESCRIBES {since: datetime(), rule: 'bulk load'}]->(p)
"""

# One statement per identifier kind: labels and relationship types cannot be parameters. Nodes are
# CREATEd (the generator makes each key once) and found again through the :Identifier key index:
# on ArcadeDB a MERGE or MATCH on (:Identifier:Email {key}) scans the Email type instead.
_IDENTIFIERS = """
UNWIND $rows AS row
CREATE (i:Identifier:{label} {key: row.key, kind: row.kind, value: row.value, createdAt: datetime()})
SET i += row.props
"""
IDENTIFIERS = {k.name: _IDENTIFIERS.replace("{label}", k.label) for k in KINDS.values()}

_LINKS = """
UNWIND $rows AS row
MATCH (r:SourceRecord {recordKey: row.record})
MATCH (i:Identifier {key: row.key})
CREATE (r)-[l:{rel} {current: true}]->(i)
SET l.validFrom = row.validFrom, l.validTo = row.validTo, l.source = row.source
"""
LINKS = {k.name: _LINKS.replace("{rel}", k.rel) for k in KINDS.values()}

COMPANIES = """
UNWIND $rows AS row
CREATE (:Company {companyKey: row.companyKey, name: row.name, createdAt: datetime()})
"""

SUBSIDIARIES = """
UNWIND $rows AS row
MATCH (c:Company {companyKey: row.child})
MATCH (p:Company {companyKey: row.parent})
CREATE (c)-[:SUBSIDIARY_OF {current: true, source: 'bulk load', createdAt: datetime()}]->(p)
"""

JOBS = """
UNWIND $rows AS row
MATCH (r:SourceRecord {recordKey: row.record})
MATCH (c:Company {companyKey: row.companyKey})
CREATE (r)-[:WORKS_AT {current: true, title: row.title, decisionMaker: row.decisionMaker}]->(c)
"""

_EDGES = """
UNWIND $rows AS row
MATCH (a:Identifier {key: row.from})
MATCH (b:Identifier {key: row.to})
CREATE (a)-[:{type} {firstSeen: row.seen, lastSeen: row.seen, source: 'bulk load'}]->(b)
"""
EDGES = {edge_type: _EDGES.replace("{type}", edge_type) for edge_type in SOCIAL_EDGE_TYPES}

NODE_COUNT = "MATCH (n) RETURN count(n) AS n"
RELATIONSHIP_COUNT = "MATCH ()-[r]->() RETURN count(r) AS n"

# A record sent again with new figures, as ingestion marks it (updatedAt): what an incremental
# analytics refresh looks for.
TOUCH_RECORDS = """
UNWIND $rows AS row
MATCH (r:SourceRecord {recordKey: row.record})
SET r.lifetimeSpend = row.lifetimeSpend, r.updatedAt = datetime()
"""
