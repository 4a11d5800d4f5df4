"""Cypher for stewardship: decisions, their constraints, undo snapshots, the review queue and
disputed facts. Parameterised only; relationship types are constants from PERSON_LINKS.
"""
from __future__ import annotations

# Person-to-person links a merge, split or review changes; an undo snapshot keeps them all.
PERSON_LINKS = ("MERGED_INTO", "POSSIBLY_SAME", "SPLIT_FROM")

SCHEMA = (
    "CREATE CONSTRAINT steward_decision_id_unique IF NOT EXISTS FOR (d:StewardDecision) REQUIRE d.decisionId IS UNIQUE",
    "CREATE INDEX steward_decision_status IF NOT EXISTS FOR (d:StewardDecision) ON (d.status)",
)

_RULE = """d.decisionId AS decisionId, d.constraint AS kind, d.action AS action, d.sideA AS a, d.sideB AS b"""

# Active constraints with a record among $keys (found from the records: no scan of decisions).
RULES_FOR_RECORDS = """
UNWIND $keys AS key
MATCH (:SourceRecord {recordKey: key})<-[:ON_RECORD]-(d:StewardDecision {status: 'active'})
WITH DISTINCT d
WHERE d.constraint IS NOT NULL
RETURN """ + _RULE

ALL_RULES = """
MATCH (d:StewardDecision {status: 'active'})
WHERE d.constraint IS NOT NULL
RETURN """ + _RULE + """
ORDER BY decisionId
"""

# --- a person's state, for the decision and its undo --------------------------------------------

PERSON_STATE = """
UNWIND $personIds AS pid
MATCH (p:Person {personId: pid})
OPTIONAL MATCH (p)<-[:DESCRIBES]-(r:SourceRecord)
RETURN p.personId AS personId, p {.*} AS props, collect(r.recordKey) AS records
"""

# One row per record (ArcadeDB flattens a map projection nested in a collected map literal).
PERSON_DESCRIBES = """
UNWIND $personIds AS pid
MATCH (:Person {personId: pid})<-[d:DESCRIBES]-(r:SourceRecord)
RETURN pid AS personId, r.recordKey AS key, d {.*} AS props
"""

# Persons whose mergedInto names one of $personIds (an earlier merge's redirect a merge moves on).
REDIRECTED_TO = """
UNWIND $personIds AS pid
MATCH (p:Person {mergedInto: pid})
RETURN p.personId AS personId
"""

PERSON_LINKS_OF = """
UNWIND $personIds AS pid
MATCH (p:Person {personId: pid})-[s]->(o:Person)
WHERE type(s) IN $types
RETURN type(s) AS type, p.personId AS start, o.personId AS end, s {.*} AS props
UNION
UNWIND $personIds AS pid
MATCH (o:Person)-[s]->(p:Person {personId: pid})
WHERE type(s) IN $types
RETURN type(s) AS type, o.personId AS start, p.personId AS end, s {.*} AS props
"""

# --- undo ----------------------------------------------------------------------------------------

DROP_PERSON_LINKS = """
UNWIND $personIds AS pid
MATCH (p:Person {personId: pid})-[s]-(:Person)
WHERE type(s) IN $types
WITH DISTINCT s
DELETE s
"""

RESTORE_PERSONS = """
UNWIND $rows AS row
MATCH (p:Person {personId: row.personId})
SET p = row.props
"""

RESTORE_DESCRIBES = """
UNWIND $rows AS row
MATCH (r:SourceRecord {recordKey: row.key})
MATCH (p:Person {personId: row.personId})
OPTIONAL MATCH (r)-[old:DESCRIBES]->(:Person)
DELETE old
WITH DISTINCT r, p, row
CREATE (r)-[d:DESCRIBES]->(p)
SET d = row.props
"""

RESTORE_LINK = {name: f"""
UNWIND $rows AS row
MATCH (a:Person {{personId: row.start}})
MATCH (b:Person {{personId: row.end}})
CREATE (a)-[s:{name}]->(b)
SET s = row.props
""" for name in PERSON_LINKS}

# A person a split created, left without records by its undo.
DELETE_EMPTY_PERSONS = """
UNWIND $personIds AS pid
MATCH (p:Person {personId: pid})
WHERE NOT EXISTS { (p)<-[:DESCRIBES]-(:SourceRecord) }
DETACH DELETE p
"""

# --- decisions -----------------------------------------------------------------------------------

CREATE_DECISION = """
CREATE (d:StewardDecision)
SET d = $props, d.at = datetime()
WITH d
UNWIND $recordKeys AS key
MATCH (r:SourceRecord {recordKey: key})
CREATE (d)-[:ON_RECORD]->(r)
"""

DECISION = """
MATCH (d:StewardDecision {decisionId: $decisionId})
RETURN d {.*} AS decision
"""

DECISIONS_PAGE = """
MATCH (d:StewardDecision)
WHERE d.decisionId > $cursor
RETURN d {.*} AS decision
ORDER BY d.decisionId LIMIT $limit
"""

# Constraints a newer decision overrules (a merge over an old split of the same records).
SET_STATUS = """
UNWIND $decisionIds AS id
MATCH (d:StewardDecision {decisionId: id})
SET d.status = $status, d.statusAt = datetime(), d.statusBy = $by
"""

UNDONE = """
MATCH (d:StewardDecision {decisionId: $decisionId})
SET d.status = 'undone', d.undoneAt = datetime(), d.undoneBy = $keyId, d.undoReason = $reason
"""

TAG_MERGE = """
MATCH (:Person {personId: $loser})-[m:MERGED_INTO]->(:Person {personId: $survivor})
SET m.decisionId = $decisionId
"""

TAG_SPLIT = """
MATCH (:Person {personId: $personId})-[s:SPLIT_FROM]->(:Person {personId: $from})
SET s.decisionId = $decisionId, s.rule = 'steward split'
"""

# --- review queue --------------------------------------------------------------------------------

# Every POSSIBLY_SAME pair with each side's value (summed lifetime spend) and one record each.
REVIEW_PAIRS = """
MATCH (a:Person)-[s:POSSIBLY_SAME]->(b:Person)
WHERE a.status = 'active' AND b.status = 'active'
CALL (a) {
  MATCH (a)<-[:DESCRIBES]-(r:SourceRecord)
  RETURN sum(coalesce(r.lifetimeSpend, 0.0)) AS valueA, min(r.recordKey) AS recordA
}
CALL (b) {
  MATCH (b)<-[:DESCRIBES]-(r:SourceRecord)
  RETURN sum(coalesce(r.lifetimeSpend, 0.0)) AS valueB, min(r.recordKey) AS recordB
}
RETURN a.personId AS a, b.personId AS b, s.score AS probability, valueA + valueB AS value,
       recordA, recordB, a.displayName AS nameA, b.displayName AS nameB
"""

POSSIBLY_SAME_PAIR = """
MATCH (a:Person {personId: $a})-[s:POSSIBLY_SAME]->(b:Person {personId: $b})
RETURN s.score AS score
"""

DROP_POSSIBLY_SAME = """
MATCH (:Person {personId: $a})-[s:POSSIBLY_SAME]-(:Person {personId: $b})
DELETE s
"""

LABELS = """
MATCH (d:StewardDecision)
WHERE d.status = 'active' AND d.label IS NOT NULL
RETURN d.decisionId AS decisionId, d.label AS label, d.sideA AS a, d.sideB AS b, d.at AS at,
       d.action AS action
ORDER BY decisionId
"""

RECORD_FIELDS = """
UNWIND $keys AS key
MATCH (r:SourceRecord {recordKey: key})
RETURN r.recordKey AS key, r.matchFields AS matchFields
"""

# --- feedback on facts ---------------------------------------------------------------------------

# The person's current links to an identifier: what a dispute or a cut acts on.
PERSON_IDENTIFIER_LINKS = """
MATCH (:Person {personId: $personId})<-[:DESCRIBES]-(r:SourceRecord)-[l]->(i:Identifier {key: $key})
WHERE l.current = true
RETURN r.recordKey AS recordKey, type(l) AS type, r.matchFields AS matchFields
"""

DISPUTE_LINKS = """
MATCH (:Person {personId: $personId})<-[:DESCRIBES]-(r:SourceRecord)-[l]->(i:Identifier {key: $key})
WHERE l.current = true
SET l.disputed = $disputed, l.disputeId = $decisionId
"""

CUT_LINKS = """
MATCH (:Person {personId: $personId})<-[:DESCRIBES]-(r:SourceRecord)-[l]->(i:Identifier {key: $key})
WHERE l.current = true
SET l.current = false, l.removedAt = datetime(), l.cutBy = $decisionId
"""

# the comparable facts and blocking keys without (or, withdrawn, with again) the disputed values
SET_MATCH_FIELDS = """
UNWIND $rows AS row
MATCH (r:SourceRecord {recordKey: row.key})
SET r += row.blocks, r.matchFields = row.matchFields, r.disputedKeys = row.disputedKeys
"""

RECORD_DISPUTES = """
UNWIND $keys AS key
MATCH (r:SourceRecord {recordKey: key})
RETURN r.recordKey AS recordKey, r.disputedKeys AS disputedKeys
"""

WITHDRAW_DISPUTE = """
MATCH (d:StewardDecision {decisionId: $decisionId})-[:ON_RECORD]->(r:SourceRecord)-[l]->(i:Identifier)
WHERE i.key = d.identifier AND l.disputeId = $decisionId
SET l.disputed = null, l.disputeId = null
WITH l
WHERE l.cutBy = $decisionId
SET l.current = true, l.removedAt = null, l.cutBy = null
"""

RULED = """
MATCH (d:StewardDecision {decisionId: $decisionId})
SET d.status = $status, d.statusAt = datetime(), d.statusBy = $keyId, d.statusReason = $reason
"""

DISPUTES_OF = """
MATCH (d:StewardDecision {personId: $personId})
WHERE d.action IN ['dispute', 'cut link', 'wrong prediction']
RETURN d {.*} AS decision
ORDER BY d.decisionId
"""
