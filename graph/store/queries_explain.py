"""Cypher for explanations (why, why not) and the fuzzy who-is-this search. Parameterised only.

Identifier links are collected as maps; a record without links gives one map of nulls,
which the reader drops (ArcadeDB and Neo4j differ on collecting a CASE's nulls).
"""
from __future__ import annotations

from graph.resolution.blocking import BLOCK_PROPERTIES

_SNAPSHOT = """
OPTIONAL MATCH (r)-[l]->(i:Identifier)
WHERE l.current = true
RETURN r.recordKey AS key, r.matchFields AS matchFields, r.givenKey AS givenKey,
       r.birthDate AS birthDate, r.ignoredValues AS ignored, personId, describes,
       r.source AS source, r.observedAt AS observedAt, r.consentGranted AS consentGranted,
       r.consentDenied AS consentDenied, r.deceased AS deceased, r.deceasedOn AS deceasedOn,
       r.deathEventKey AS deathEventKey, r.deathEventOn AS deathEventOn,
       collect({key: i.key, kind: i.kind, value: i.value, generic: i.generic,
                validFrom: l.validFrom, validTo: l.validTo}) AS holdings
"""

# The records asked for, each with its person and its current identifier links.
RECORD_SNAPSHOTS = """
UNWIND $keys AS key
MATCH (r:SourceRecord {recordKey: key})
OPTIONAL MATCH (r)-[d:DESCRIBES]->(p:Person)
WITH r, p.personId AS personId, d {.*} AS describes
""" + _SNAPSHOT

# A person's records (at most $limit, by key), each with how it joined and its current links.
PERSON_SNAPSHOTS = """
MATCH (p:Person {personId: $personId})<-[d:DESCRIBES]-(r:SourceRecord)
WITH p, d, r ORDER BY r.recordKey LIMIT $limit
WITH r, p.personId AS personId, d {.*} AS describes
""" + _SNAPSHOT

# The review-band link ingestion leaves between two persons it would not merge.
POSSIBLY_SAME = """
MATCH (a:Person {personId: $a})-[s]-(b:Person {personId: $b})
WHERE type(s) = 'POSSIBLY_SAME'
RETURN max(s.score) AS score
"""

# --- search candidates: each route is capped, so a hub value is sampled, not scanned --------

CANDIDATES_BY_IDENTIFIER = """
UNWIND $keys AS key
MATCH (i:Identifier {key: key})<-[l]-(r:SourceRecord)-[:DESCRIBES]->(p:Person)
WHERE l.current = true AND NOT coalesce(i.generic, false)
WITH DISTINCT p.personId AS personId LIMIT $cap
RETURN personId
"""

# Records with the family name (or, for a given/family swap, the given name as family name),
# narrowed by the given name or birth date when the query has them.
CANDIDATES_BY_NAME = """
UNWIND $familyKeys AS familyKey
MATCH (r:SourceRecord {familyKey: familyKey})
WHERE ($givenKeys = [] AND $birthDate IS NULL) OR r.givenKey IN $givenKeys OR r.birthDate = $birthDate
WITH r LIMIT $cap
MATCH (r)-[:DESCRIBES]->(p:Person)
RETURN DISTINCT p.personId AS personId
"""


def _block_candidates(prop: str) -> str:
    # the property name comes from the constant BLOCK_PROPERTIES table, never from input
    return f"""
MATCH (r:SourceRecord {{{prop}: $key}})
WITH r LIMIT $cap
MATCH (r)-[:DESCRIBES]->(p:Person)
RETURN DISTINCT p.personId AS personId
"""


# Records stored under the probe's blocking key of a rule (indexed properties, see queries_ingest),
# e.g. 'nameSounds' finds Smyth for Smith, 'givenInitialPostcode' a new surname at the same address.
CANDIDATES_BY_BLOCK = {rule: _block_candidates(prop) for rule, prop in BLOCK_PROPERTIES.items()}

# Address identifier values start 'COUNTRY|POSTCODE|NUMBER|street' (see normalize.NormalAddress).
CANDIDATES_BY_ADDRESS = """
MATCH (a:Address)
WHERE a.value STARTS WITH $prefix
WITH a LIMIT $cap
MATCH (a)<-[l]-(r:SourceRecord)-[:DESCRIBES]->(p:Person)
WHERE l.current = true
WITH DISTINCT p.personId AS personId LIMIT $cap
RETURN personId
"""

# Candidate persons' records as the model reads them (only active persons: merged ids redirect).
CANDIDATE_RECORDS = """
UNWIND $personIds AS pid
MATCH (p:Person {personId: pid})<-[:DESCRIBES]-(r:SourceRecord)
WHERE coalesce(p.status, 'active') = 'active'
RETURN pid AS personId, p.displayName AS displayName,
       collect({key: r.recordKey, matchFields: r.matchFields, source: r.source, observedAt: r.observedAt,
                consentGranted: r.consentGranted, consentDenied: r.consentDenied, deceased: r.deceased,
                deceasedOn: r.deceasedOn, deathEventKey: r.deathEventKey, deathEventOn: r.deathEventOn}) AS records
"""

# The customers' consent changes for the candidates' records (graph/privacy/consent.py), in one read.
CANDIDATE_CONSENT_CHANGES = """
UNWIND $personIds AS pid
MATCH (:Person {personId: pid})<-[:DESCRIBES]-(r:SourceRecord)<-[:APPLIES_TO]-(c:ConsentChange)
RETURN r.recordKey AS record, collect(c {.*}) AS changes
"""

# --- training -----------------------------------------------------------------------------

RECORD_COUNT = """
MATCH (r:SourceRecord) RETURN count(r) AS n
"""

# One page of records' comparable facts, in key order (pass the last key back as $cursor).
MATCH_FIELDS_PAGE = """
MATCH (r:SourceRecord)
WHERE r.recordKey > $cursor
WITH r ORDER BY r.recordKey LIMIT $limit
RETURN r.recordKey AS key, r.matchFields AS matchFields
"""
