"""Every Cypher statement idgraph runs. Parameterised only; the few built from text use constants."""
from __future__ import annotations

from graph.model import KINDS

RECORD_STATE = """
MATCH (r:SourceRecord {recordKey: $key})
OPTIONAL MATCH (r)-[:DESCRIBES]->(p:Person)
RETURN r.fingerprint AS fingerprint, r.observedAt AS observedAt, p.personId AS personId
"""

# Other records' current links to the given identifiers; generic identifiers return no links,
# so a supernode is never expanded.
IDENTIFIER_LINKS = """
UNWIND $keys AS key
MATCH (i:Identifier {key: key})
OPTIONAL MATCH (i)<-[l {current: true}]-(r:SourceRecord)-[:DESCRIBES]->(p:Person)
WHERE NOT coalesce(i.generic, false) AND r.recordKey <> $recordKey
RETURN key, coalesce(i.generic, false) AS generic,
       collect({validFrom: l.validFrom, validTo: l.validTo, personId: p.personId,
                givenKey: r.givenKey, familyKey: r.familyKey}) AS links
"""

PERSON_FACTS = """
UNWIND $personIds AS pid
MATCH (p:Person {personId: pid})
OPTIONAL MATCH (p)<-[:DESCRIBES]-(r:SourceRecord)
OPTIONAL MATCH (r)-[:HAS_NATIONAL_ID {current: true}]->(n:Identifier)
RETURN pid AS personId, toString(p.createdAt) AS created, collect(DISTINCT r.givenKey) AS given,
       collect(DISTINCT r.birthDate) AS birthDates, collect(DISTINCT n.value) AS nationalIds
"""

UPSERT_RECORD = """
MERGE (r:SourceRecord {recordKey: $key})
ON CREATE SET r.createdAt = datetime()
SET r += $props, r.updatedAt = datetime()
"""

CREATE_PERSON = """
CREATE (p:Person {personId: $personId, status: 'active', createdAt: datetime()})
"""

ATTACH_RECORD = """
MATCH (r:SourceRecord {recordKey: $key}), (p:Person {personId: $personId})
OPTIONAL MATCH (r)-[old:DESCRIBES]->(other:Person)
WHERE other.personId <> $personId
DELETE old
MERGE (r)-[d:DESCRIBES]->(p)
ON CREATE SET d.since = datetime(), d.rule = $rule, d.evidence = $evidence
"""


def _link_branch(kind) -> str:
    return (f"FOREACH (_ IN CASE WHEN i.kind = '{kind.name}' THEN [1] ELSE [] END |\n"
            f"  MERGE (n:Identifier:{kind.label} {{key: i.key}})\n"
            f"  ON CREATE SET n.kind = i.kind, n.value = i.value, n.createdAt = datetime()\n"
            f"  SET n += i.props\n"
            f"  MERGE (r)-[l:{kind.rel} {{current: true}}]->(n)\n"
            f"  SET l += i.link)")


# One statement for every kind. Labels and relationship types cannot be parameters, so each kind
# gets a FOREACH branch built from the constant KINDS table. Labels are given in the MERGE, never
# added later: ArcadeDB implements an added label by copying the node.
LINK_IDENTIFIERS = """
MATCH (r:SourceRecord {recordKey: $key})
UNWIND $identifiers AS i
""" + "\n".join(_link_branch(kind) for kind in KINDS.values())

LINK_EMPLOYMENT = """
MATCH (r:SourceRecord {recordKey: $key})
UNWIND $jobs AS j
MERGE (c:Company {companyKey: j.companyKey})
ON CREATE SET c.name = j.name, c.createdAt = datetime()
MERGE (r)-[w:WORKS_AT {current: true}]->(c)
SET w += j.link
"""

# Links the record no longer has are closed, not deleted: history stays queryable.
CLOSE_DROPPED_LINKS = """
MATCH (r:SourceRecord {recordKey: $key})-[l {current: true}]->(n)
WHERE (n:Identifier AND NOT n.key IN $identifierKeys) OR (n:Company AND NOT n.companyKey IN $companyKeys)
SET l.current = false, l.removedAt = datetime(), l.validTo = coalesce(l.validTo, date())
"""

MARK_GENERIC = """
UNWIND $keys AS key
MATCH (i:Identifier {key: key})
SET i.generic = true, i.genericSince = coalesce(i.genericSince, datetime())
"""

MERGE_PERSON = """
MATCH (s:Person {personId: $survivor}), (l:Person {personId: $loser})
SET l.status = 'merged', l.mergedInto = $survivor, l.mergedAt = datetime()
MERGE (l)-[m:MERGED_INTO]->(s)
ON CREATE SET m.at = datetime(), m.rule = $rule, m.byRecord = $recordKey, m.evidence = $evidence
WITH s, l
OPTIONAL MATCH (earlier:Person {mergedInto: $loser})
SET earlier.mergedInto = $survivor
WITH DISTINCT s, l
MATCH (r:SourceRecord)-[d:DESCRIBES]->(l)
CREATE (r)-[:DESCRIBES {since: datetime(), rule: 'merge', evidence: d.evidence}]->(s)
DELETE d
"""

REFRESH_PERSON = """
MATCH (p:Person {personId: $personId})<-[:DESCRIBES]-(r:SourceRecord)
WITH p, r ORDER BY r.observedAt DESC
WITH p, collect(r) AS records
SET p.displayName = coalesce(head([x IN records WHERE x.fullName IS NOT NULL | x.fullName]), p.personId),
    p.recordCount = size(records), p.updatedAt = datetime()
"""

# --- reads -------------------------------------------------------------------------------

IDENTIFIER_HOLDERS = """
MATCH (i:Identifier {key: $key})
OPTIONAL MATCH (i)<-[l]-(r:SourceRecord)-[:DESCRIBES]->(p:Person)
RETURN i.key AS key, coalesce(i.generic, false) AS generic,
       collect({personId: p.personId, current: l.current, validTo: l.validTo,
                observedAt: r.observedAt}) AS holders
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

COUNTS = """
MATCH (n) RETURN labels(n) AS labels, count(*) AS n
"""

CLEAR_ALL = "MATCH (n) DETACH DELETE n"
