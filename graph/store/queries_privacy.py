"""Cypher for privacy: consent changes, provenance reads, subject access export, erasure, suppression.

Parameterised only; portable between Neo4j 5 and ArcadeDB (no APOC).
"""
from __future__ import annotations

SCHEMA = (
    "CREATE CONSTRAINT consent_change_id_unique IF NOT EXISTS FOR (c:ConsentChange) REQUIRE c.changeId IS UNIQUE",
    "CREATE CONSTRAINT suppression_hash_unique IF NOT EXISTS FOR (s:Suppression) REQUIRE s.hash IS UNIQUE",
)

# --- consent ------------------------------------------------------------------------------------

PERSON_CONSENT_CHANGES = """
MATCH (:Person {personId: $personId})<-[:DESCRIBES]-(r:SourceRecord)<-[:APPLIES_TO]-(c:ConsentChange)
RETURN r.recordKey AS record, collect(c {.*}) AS changes
"""

RECORD_CONSENT_CHANGES = """
MATCH (r:SourceRecord {recordKey: $key})<-[:APPLIES_TO]-(c:ConsentChange)
RETURN r.recordKey AS record, collect(c {.*}) AS changes
"""

CONSENT_CHANGE = """
MATCH (c:ConsentChange {changeId: $changeId})
OPTIONAL MATCH (c)-[:APPLIES_TO]->(r:SourceRecord)
RETURN c {.*} AS change, collect(r.recordKey) AS records
"""

# The change applies to every record the person holds now; a record that later moves to another
# person (a split) takes the statement with it.
CREATE_CONSENT_CHANGE = """
OPTIONAL MATCH (:Person {personId: $personId})<-[:DESCRIBES]-(r:SourceRecord)
WITH collect(r) AS records
MERGE (c:ConsentChange {changeId: $changeId})
ON CREATE SET c.personId = $personId, c.purpose = $purpose, c.granted = $granted, c.at = $at,
              c.source = $source, c.recordedAt = datetime(), c.recordedBy = $keyId
WITH c, records
UNWIND records AS r
MERGE (c)-[:APPLIES_TO]->(r)
RETURN r.recordKey AS record
"""

# What a person view adds for privacy, in one round trip: consent changes per record, households
# and POSSIBLY_SAME links. Extra keys go inside the map projections: ArcadeDB flattens a map literal
# that holds a map projection ({record: .., change: c {.*}} comes back as c's properties alone).
PERSON_PRIVACY_FACTS = """
MATCH (p:Person {personId: $personId})
RETURN [(p)<-[:DESCRIBES]-(r:SourceRecord)<-[:APPLIES_TO]-(c:ConsentChange) | c {.*, record: r.recordKey}] AS changes,
       [(p)-[m:MEMBER_OF]->(h:Household) |
        h {.householdId, .name, .addressKey, .size, .currentSize, .rule, .analyticsRun, .refreshedAt,
           validFrom: m.validFrom, validTo: m.validTo, current: m.current, evidence: m.evidence}] AS households,
       [(p)-[s:POSSIBLY_SAME]-(o:Person) | s {.*, other: o.personId}] AS possiblySame
"""

# --- inferred facts of one person ---------------------------------------------------------------

PERSON_SPLITS = """
MATCH (p:Person {personId: $personId})-[s:SPLIT_FROM]-(o:Person)
RETURN o.personId AS other, CASE WHEN startNode(s).personId = p.personId THEN 'split from' ELSE 'split off' END AS direction,
       s {.*} AS link
"""

# --- subject access -----------------------------------------------------------------------------

PERSON_RECORDS = """
MATCH (:Person {personId: $personId})<-[d:DESCRIBES]-(r:SourceRecord)
RETURN r {.*} AS record, d {.*} AS describes
ORDER BY r.recordKey
"""

# --- erasure ------------------------------------------------------------------------------------

RECORD_KEYS = """
MATCH (:Person {personId: $personId})<-[:DESCRIBES]-(r:SourceRecord)
RETURN collect(r.recordKey) AS keys
"""

# Each identifier the records link to, and how many records outside them link to it too.
IDENTIFIERS_OF_RECORDS = """
UNWIND $recordKeys AS rk
MATCH (:SourceRecord {recordKey: rk})-[]->(i:Identifier)
WITH DISTINCT i
OPTIONAL MATCH (i)<-[]-(o:SourceRecord)
WHERE NOT o.recordKey IN $recordKeys
RETURN i.key AS key, i.kind AS kind, count(o) AS others
"""

COMPANIES_OF_RECORDS = """
UNWIND $recordKeys AS rk
MATCH (:SourceRecord {recordKey: rk})-[:WORKS_AT]->(c:Company)
RETURN DISTINCT c.companyKey AS companyKey
"""

MERGED_AWAY = """
MATCH (old:Person {mergedInto: $personId})
RETURN collect(old.personId) AS ids
"""

INFERRED_COUNTS = """
MATCH (p:Person {personId: $personId})
RETURN COUNT { (p)-[:MEMBER_OF]->() } AS households, COUNT { (p)-[:POSSIBLY_SAME]-() } AS possiblySame
"""

# Consent changes go with the records they apply to, unless they still apply to another record.
DELETE_CONSENT_CHANGES = """
UNWIND $recordKeys AS rk
MATCH (:SourceRecord {recordKey: rk})<-[:APPLIES_TO]-(c:ConsentChange)
WITH DISTINCT c
OPTIONAL MATCH (c)-[:APPLIES_TO]->(o:SourceRecord)
WHERE NOT o.recordKey IN $recordKeys
WITH c, count(o) AS others
WHERE others = 0
DETACH DELETE c
RETURN count(*) AS n
"""

DELETE_IDENTIFIERS = """
UNWIND $keys AS k
MATCH (i:Identifier {key: k})
DETACH DELETE i
"""

DELETE_RECORDS = """
UNWIND $recordKeys AS rk
MATCH (r:SourceRecord {recordKey: rk})
DETACH DELETE r
"""

DELETE_PERSONS = """
UNWIND $personIds AS pid
MATCH (p:Person {personId: pid})
DETACH DELETE p
"""

DROP_PERSON_RELATIONSHIPS = """
MATCH (p:Person {personId: $personId})
OPTIONAL MATCH (p)-[x]-()
DELETE x
"""

# The id stays as a tombstone without any property but its status, so a repeated DELETE or a read
# answers 410 Gone rather than 404.
TOMBSTONE = """
MATCH (p:Person {personId: $personId})
SET p = {personId: $personId, status: 'erased', erasedAt: datetime()}
"""

SUPPRESS = """
UNWIND $rows AS s
MERGE (x:Suppression {hash: s.hash})
ON CREATE SET x.kind = s.kind, x.since = datetime()
"""

SUPPRESSED_HASHES = """
UNWIND $hashes AS h
MATCH (s:Suppression {hash: h})
RETURN s.hash AS hash
"""

# The erasure's own audit event: ids and counts only.
ERASURE_EVENT = """
MERGE (e:AuditEvent {eventId: $eventId})
ON CREATE SET e.at = datetime(), e.keyId = $keyId, e.role = $role, e.action = 'person.erase',
              e.personId = $personId
SET e += $counts
"""

# --- what erasure refreshes for others ----------------------------------------------------------

HOLDERS = """
UNWIND $keys AS k
MATCH (i:Identifier {key: k})
OPTIONAL MATCH (i)<-[l {current: true}]-(r:SourceRecord)-[:DESCRIBES]->(p:Person)
RETURN k AS key, coalesce(i.generic, false) AS generic, i.mergeRefused AS mergeRefused,
       collect({personId: p.personId, givenKey: r.givenKey, familyKey: r.familyKey}) AS holders
"""

CLEAR_GENERIC = """
UNWIND $keys AS k
MATCH (i:Identifier {key: k})
SET i.generic = false, i.genericClearedAt = datetime()
"""

CLEAR_MERGE_REFUSED = """
UNWIND $keys AS k
MATCH (i:Identifier {key: k})
SET i.mergeRefused = null, i.mergeRefusedAt = null
"""

HOUSEHOLD_ADDRESSES = """
UNWIND $addressKeys AS ak
MATCH (h:Household {addressKey: ak})
RETURN DISTINCT ak AS addressKey
"""
