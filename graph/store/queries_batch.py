"""Cypher for `idgraph resolve --all`: every record read in one streamed statement, the plan written
back in large pieces. Parameterised only; the block list is built from the constant BLOCK_PROPERTIES.
"""
from __future__ import annotations

from graph.resolution.blocking import BLOCK_PROPERTIES

# Every record with what batch resolution reads: its element id, its person as [personId, createdSeconds,
# createdNanos, createdSeq, elementId] (null without one) and its current, undisputed links to non-address,
# non-generic identifiers as [key, kind, value, validFrom, validTo].
# One statement streamed by the driver, not pages: a page by key (`WHERE r.recordKey > $cursor
# ORDER BY r.recordKey LIMIT n`) made ArcadeDB scan and sort every record for each page, so the read
# grew with the square of the records (50,000 records: 16 s in pages, 3.5 s streamed). The caller
# sorts by key. Dates come as ISO text and the creation time as two integers: the driver hydrates a
# neo4j.time value in pure Python (~30 us each), and most records have a birth date.
RECORDS = """
MATCH (r:SourceRecord)
RETURN r.recordKey AS recordKey, elementId(r) AS elementId, r.givenKey AS givenKey, r.familyKey AS familyKey,
       toString(r.birthDate) AS birthDate, r.matchFields AS matchFields,
       head([(r)-[:DESCRIBES]->(p:Person) |
             [p.personId, p.createdAt.epochSeconds, p.createdAt.nanosecond, p.createdSeq, elementId(p)]]) AS person,
       [(r)-[l {current: true}]->(i:Identifier)
        WHERE i.kind <> 'address' AND i.key <> '' AND NOT coalesce(l.disputed, false)
              AND NOT coalesce(i.generic, false) |
        [i.key, i.kind, i.value, toString(l.validFrom), toString(l.validTo)]] AS links,
       [x IN [""" + ", ".join(f"r.{prop}" for prop in BLOCK_PROPERTIES.values()) + """] WHERE x IS NOT NULL] AS blocks
"""

# --- the plan written back ---------------------------------------------------------------------
# Rows are lists and the rule a parameter: a map a row costs the driver and the server ~10 us more to
# pack and unpack, and the batch writes one row per moved record and per retired person.

# Nodes written back are found by the element id the read returned, checked against their key: on
# ArcadeDB a lookup by element id is a direct fetch where one by key walks the index, and with
# CREATE in place of MERGE the write of 30,000 bench records took 0.8x the server CPU on ArcadeDB
# (no change measured on Neo4j, whose cost is mostly its commit). The key check makes a stale id
# (a node deleted and its id reused since the read: `resolve --all` is meant for a quiet store)
# match nothing: that row is left undone, RETIRE_PERSONS then keeps its person, and the next run
# plans it again.

# New persons with their element ids, as CREATE_PERSONS in queries_ingest.
CREATE_PERSONS = """
UNWIND $rows AS row
CREATE (p:Person {personId: row[0], status: 'active', createdAt: datetime(), createdSeq: row[1]})
RETURN row[0] AS personId, elementId(p) AS elementId
"""

# A record moved from the person it described to the one the batch gave it, as [record elementId,
# person elementId, recordKey, personId]; the link keeps the evidence the record had (the batch has
# none of its own). Rows whose record described no person when read go to ATTACH_RECORDS. A row
# already done finds no link to another person and does nothing, so a re-run is harmless; links to
# two persons (never written by idgraph) would both be replaced by one.
MOVE_RECORDS = """
UNWIND $rows AS row
MATCH (r:SourceRecord) WHERE elementId(r) = row[0] AND r.recordKey = row[2]
MATCH (p:Person) WHERE elementId(p) = row[1] AND p.personId = row[3]
MATCH (r)-[old:DESCRIBES]->(other:Person)
WHERE other <> p
WITH r, p, collect(old) AS olds
WITH r, p, olds, head(olds).evidence AS evidence
FOREACH (old IN olds | DELETE old)
CREATE (r)-[:DESCRIBES {since: datetime(), rule: $rule, evidence: coalesce(evidence, [])}]->(p)
"""

# A record that described no person when read, as [recordKey, personId] (queries_ingest.ATTACH_RECORDS).
ATTACH_RECORDS = """
UNWIND $rows AS row
MATCH (r:SourceRecord {recordKey: row[0]})
MATCH (p:Person {personId: row[1]})
OPTIONAL MATCH (r)-[old:DESCRIBES]->(other:Person)
WHERE other.personId <> row[1]
WITH r, p, old, old.evidence AS oldEvidence
DELETE old
WITH r, p, oldEvidence
MERGE (r)-[d:DESCRIBES]->(p)
ON CREATE SET d += {since: datetime(), rule: $rule, evidence: coalesce(oldEvidence, [])}
"""

# Persons that describe no record any more, as [loser elementId, survivor elementId, loser, survivor].
RETIRE_PERSONS = """
UNWIND $rows AS row
MATCH (l:Person) WHERE elementId(l) = row[0] AND l.personId = row[2]
MATCH (s:Person) WHERE elementId(s) = row[1] AND s.personId = row[3]
WITH l, s, row
WHERE NOT EXISTS { (l)<-[:DESCRIBES]-(:SourceRecord) }
SET l.status = 'merged', l.mergedInto = row[3], l.mergedAt = datetime(), l.recordCount = 0
MERGE (l)-[m:MERGED_INTO]->(s)
ON CREATE SET m.at = datetime(), m.rule = $rule, m.evidence = []
"""

# `resolve --all` re-derives every record's blocking keys from its match fields: records stored
# before a blocking rule existed (or changed) are found by it from then on.
SET_BLOCK_KEYS = """
UNWIND $rows AS row
MATCH (r:SourceRecord {recordKey: row.key})
SET r += row.blocks
"""
