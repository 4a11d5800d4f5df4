"""Cypher for the person reads: who is this, a person's view, a record, the person list. Parameterised only.

The other topics have a module each beside this one (queries_ingest, queries_explain, queries_analytics,
queries_privacy, queries_access, queries_bulk); queries.py holds only the whole-graph clear.
"""
from __future__ import annotations

IDENTIFIER_HOLDERS = """
MATCH (i:Identifier {key: $key})
OPTIONAL MATCH (i)<-[l]-(r:SourceRecord)-[:DESCRIBES]->(p:Person)
RETURN i.key AS key, coalesce(i.generic, false) AS generic,
       collect({personId: p.personId, current: l.current, validTo: l.validTo,
                observedAt: r.observedAt, disputed: l.disputed}) AS holders
"""

PERSON_REDIRECT = """
MATCH (p:Person {personId: $personId})
RETURN p.personId AS personId, p.status AS status, p.mergedInto AS mergedInto
"""

PERSON = """
MATCH (p:Person {personId: $personId})
OPTIONAL MATCH (p)<-[:DESCRIBES]-(r:SourceRecord)
RETURN p {.*} AS person, collect(r {.*}) AS records
"""

PERSON_LINKS = """
MATCH (p:Person {personId: $personId})<-[:DESCRIBES]-(r:SourceRecord)-[l]->(n)
WHERE n:Identifier OR n:Company
RETURN r.recordKey AS record, type(l) AS rel, l {.*} AS link, n {.*} AS node
"""

PERSON_MERGES = """
MATCH (old:Person)-[m:MERGED_INTO]->(p:Person {personId: $personId})
RETURN old.personId AS personId, m {.*} AS merge ORDER BY m.at
"""

RECORD = """
MATCH (r:SourceRecord {recordKey: $key})
OPTIONAL MATCH (r)-[:DESCRIBES]->(p:Person)
RETURN r {.*} AS record, p.personId AS personId
"""

RECORD_LINKS = """
MATCH (r:SourceRecord {recordKey: $key})-[l]->(n)
WHERE n:Identifier OR n:Company
RETURN r.recordKey AS record, type(l) AS rel, l {.*} AS link, n {.*} AS node
"""

PERSONS_PAGE = """
MATCH (p:Person)
WHERE p.status = 'active' AND p.personId > $cursor
WITH p ORDER BY p.personId LIMIT $limit
OPTIONAL MATCH (p)<-[:DESCRIBES]-(r:SourceRecord)
RETURN p.personId AS personId, p.displayName AS name, collect(r.recordKey) AS records
ORDER BY personId
"""
