"""Cypher for trust: API keys and the audit log. Parameterised only."""
from __future__ import annotations

# MERGE, not CREATE: a transaction function may run twice, and the key id is chosen before it runs.
CREATE_API_KEY = """
MERGE (k:ApiKey {keyId: $keyId})
ON CREATE SET k.hash = $hash, k.role = $role, k.name = $name, k.createdAt = datetime()
"""

REVOKE_API_KEYS_NAMED = """
MATCH (k:ApiKey {name: $name})
WHERE k.revokedAt IS NULL
SET k.revokedAt = datetime()
"""

REVOKE_API_KEY = """
MATCH (k:ApiKey {keyId: $keyId})
SET k.revokedAt = coalesce(k.revokedAt, datetime())
RETURN k.keyId AS keyId
"""

API_KEY = """
MATCH (k:ApiKey {keyId: $keyId})
RETURN k.hash AS hash, k.role AS role, k.revokedAt IS NOT NULL AS revoked
"""

API_KEYS = """
MATCH (k:ApiKey)
WITH k ORDER BY k.createdAt, k.keyId
RETURN k {.keyId, .role, .name, .createdAt, .revokedAt} AS key
"""

# Many requests' events in one transaction (graph/store/group_commit.py). MERGE, not CREATE: a
# transaction function may run twice, and each event's id is chosen before it runs.
RECORD_AUDIT_EVENTS = """
UNWIND $rows AS row
MERGE (e:AuditEvent {eventId: row.eventId})
ON CREATE SET e.at = datetime(), e.keyId = row.keyId, e.role = row.role, e.purpose = row.purpose,
              e.action = row.action, e.personId = row.personId
"""

# The same from the local audit log (graph/access/audit_spool.py): `at` is when the read was
# answered, not when the row reaches the graph.
RECORD_SPOOLED_AUDIT_EVENTS = """
UNWIND $rows AS row
MERGE (e:AuditEvent {eventId: row.eventId})
ON CREATE SET e.at = row.at, e.keyId = row.keyId, e.role = row.role, e.purpose = row.purpose,
              e.action = row.action, e.personId = row.personId
"""

# A survivor's log includes the events of the ids merged into it (mergedInto always names the survivor).
AUDIT_EVENTS = """
OPTIONAL MATCH (old:Person {mergedInto: $personId})
WITH [$personId] + collect(old.personId) AS ids
MATCH (e:AuditEvent)
WHERE e.personId IN ids AND ($cursor = '' OR e.eventId < $cursor)
WITH e ORDER BY e.eventId DESC LIMIT $limit
RETURN e {.eventId, .at, .keyId, .role, .purpose, .action, .personId} AS event
"""
