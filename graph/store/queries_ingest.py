"""Cypher for chunked ingestion and resolution: one transaction per chunk of records, UNWIND only.

Parameterised only; the few statements built from text use the constant KINDS and BLOCK_PROPERTIES
tables (labels, relationship types and property names cannot be parameters).
"""
from __future__ import annotations

from graph.model import KINDS
from graph.resolution.blocking import BLOCK_PROPERTIES

SCHEMA = tuple(
    f"CREATE INDEX source_record_{prop.lower()} IF NOT EXISTS FOR (r:SourceRecord) ON (r.{prop})"
    for prop in BLOCK_PROPERTIES.values()
) + tuple(
    # ArcadeDB makes a type per label combination on first use; two ingests making the first
    # Identifier:Email at once would race for it (TypeAlreadyExists), so each is made up front.
    # A no-op on Neo4j: the node is created and deleted in one statement.
    f"MERGE (n:Identifier:{kind.label} {{key: '~schema'}}) WITH n DELETE n" for kind in KINDS.values()
)

# --- reads before writing ----------------------------------------------------------------------

# Each record's stored state, with what resolution needs of it as it is before this chunk.
RECORD_STATES = """
UNWIND $keys AS key
MATCH (r:SourceRecord {recordKey: key})
OPTIONAL MATCH (r)-[:DESCRIBES]->(p:Person)
RETURN key, r.fingerprint AS fingerprint, r.observedAt AS observedAt, r.matchFields AS matchFields,
       p.personId AS personId, r.disputedKeys AS disputedKeys
"""

# --- facts of the chunk's records --------------------------------------------------------------

UPSERT_RECORDS = """
UNWIND $rows AS row
MERGE (r:SourceRecord {recordKey: row.key})
ON CREATE SET r.createdAt = datetime()
SET r += row.props, r.updatedAt = datetime()
"""

# What ingestion stores on a SourceRecord besides its key (graph/resolution/ingest.py: record_props).
RECORD_PROPERTIES = (
    "source", "sourceId", "observedAt", "collectedFor", "fingerprint", "consentGranted", "consentDenied",
    "givenName", "middleName", "familyName", "fullName", "givenKey", "familyKey", "birthDate", "gender",
    "ignoredValues", "lifetimeSpend", "nightsLastYear", "tier", "lastActivity", "matchFields",
    "setAsideFields", "setAsideValues", "setAsideReasons",
    "roleKinds", "roleOrganisations", "roleStances", "roleValidFrom", "roleValidTo", "deceased", "deceasedOn",
) + tuple(BLOCK_PROPERTIES.values())

# Sent as ISO 8601 text and made datetimes by the server: the driver packs a Python datetime in
# pure Python at ~0.12 ms a value, thirty times what isoformat() costs; the stored value is the same.
TEXT_DATETIMES = frozenset({"observedAt"})


def _created_property(name: str, n: int) -> str:
    return f"  {name}: datetime(row[{n}])" if name in TEXT_DATETIMES else f"  {name}: row[{n}]"


# Records stored for the first time: every property in the CREATE itself, because ArcadeDB writes
# the node again for each SET item. A row is a list, the key then RECORD_PROPERTIES in order (no
# property names to send); null values are not stored, as SET r += props without them would do.
# A record stored meanwhile by another chunk fails the key constraint and the chunk is retried.
CREATE_RECORDS = """
UNWIND $rows AS row
CREATE (:SourceRecord {recordKey: row[0], createdAt: datetime(), updatedAt: datetime(),
""" + ",\n".join(_created_property(name, n) for n, name in enumerate(RECORD_PROPERTIES, start=1)) + """})
"""


def _when(condition: str, update: str) -> str:
    # FOREACH over a one- or zero-element list: a write only some rows make, in portable Cypher
    return f"FOREACH (_ IN CASE WHEN {condition} THEN [1] ELSE [] END |\n  {update})"


# Identifier nodes, one row per distinct key with its properties already merged, all kinds in one
# statement; returns the keys that existed before (only they can have holders outside the chunk:
# a node made here is seen by no other transaction until this one commits, and a concurrent one
# making the same key fails on the key constraint and is retried). The lookup is by :Identifier
# alone: on ArcadeDB a MERGE or MATCH on (:Identifier:Email {key}) does not use the key index and
# scans every Email node per row (see queries_bulk.py), so a missing node is CREATEd with both
# labels instead. Labels are given when the node is made, never added later: ArcadeDB implements
# an added label by copying. A node that already existed is written (linkedAt) by every chunk that
# links it, so two chunks linking one identifier conflict: on ArcadeDB, whose transactions are
# optimistic and where adding a relationship never conflicts, the later commit fails and is
# retried, then reads the other's links; without the write both could make a person for one
# customer. (On Neo4j the write locks the node, in key order, and the later writer waits.) A new
# node's properties are set in the FOREACH that creates it, and only where there are some:
# ArcadeDB writes a node again even for SET n += {}.
# Rows are lists, [key, kind, value, props]: no property names to send for every row.
IDENTIFIER_NODES = """
UNWIND $rows AS row
WITH row[0] AS key, row[1] AS kind, row[2] AS value, row[3] AS props
OPTIONAL MATCH (found:Identifier {key: key})
WITH key, kind, value, props, found, found IS NULL AND size(keys(props)) = 0 AS bare,
     found IS NULL AND size(keys(props)) > 0 AS described
""" + "\n".join(
    _when(f"bare AND kind = '{name}'",
          f"CREATE (:Identifier:{k.label} {{key: key, kind: kind, value: value, createdAt: datetime(), "
          "linkedAt: datetime()})") + "\n"
    + _when(f"described AND kind = '{name}'",
            f"CREATE (n:Identifier:{k.label} {{key: key, kind: kind, value: value, createdAt: datetime(), "
            "linkedAt: datetime()}) SET n += props")
    for name, k in KINDS.items()
) + "\n" + _when("found IS NOT NULL", "SET found += props{.*, linkedAt: datetime()}") + """
WITH key, found WHERE found IS NOT NULL
RETURN key
"""

# The records' identifier links, all kinds in one statement (relationship types cannot be
# parameters, so each kind has its own FOREACH); the link's source and observedAt come from the
# record. Its properties are written in one go: ArcadeDB writes a relationship again for each SET
# item. `use` (home, billing, shipping) is the record's use of an address, so it lives on the link,
# not on the shared address node. Every identifier node that existed before the chunk is already
# written by IDENTIFIER_NODES, in key order, so the links may be made in any order.
# Rows are lists, [recordKey, key, kind, validFrom, validTo, use].
LINK_IDENTIFIERS = """
UNWIND $rows AS row
WITH row[0] AS recordKey, row[1] AS key, row[2] AS kind, row[3] AS validFrom, row[4] AS validTo, row[5] AS use
MATCH (r:SourceRecord {recordKey: recordKey})
MATCH (n:Identifier {key: key})
""" + "\n".join(
    _when(f"kind = '{name}'",
          f"MERGE (r)-[l:{k.rel} {{current: true}}]->(n)\n"
          "  ON CREATE SET l.firstObservedAt = r.observedAt\n"
          "  SET l += {source: r.source, observedAt: r.observedAt, validFrom: validFrom, validTo: validTo, use: use}")
    for name, k in KINDS.items()
) + "\n"
# A record stored for the first time has no links yet: CREATE saves the relationship lookup, and
# a null validity is not stored, as the SET above would not store it. A row is a record with its
# links, [recordKey, [[key, kind, validFrom, validTo, use], ...]]: the record is looked up once,
# not once per identifier.
LINK_NEW_IDENTIFIERS = """
UNWIND $rows AS row
MATCH (r:SourceRecord {recordKey: row[0]})
UNWIND row[1] AS link
WITH r, link[0] AS key, link[1] AS kind, link[2] AS validFrom, link[3] AS validTo, link[4] AS use
MATCH (n:Identifier {key: key})
""" + "\n".join(
    _when(f"kind = '{name}'",
          f"CREATE (r)-[:{k.rel} {{current: true, source: r.source, observedAt: r.observedAt, "
          "firstObservedAt: r.observedAt, validFrom: validFrom, validTo: validTo, use: use}]->(n)")
    for name, k in KINDS.items()
) + "\n"

LINK_EMPLOYMENT = """
UNWIND $rows AS j
MATCH (r:SourceRecord {recordKey: j.recordKey})
MERGE (c:Company {companyKey: j.companyKey})
ON CREATE SET c += {name: j.name, createdAt: datetime()}
MERGE (r)-[w:WORKS_AT {current: true}]->(c)
ON CREATE SET w.firstObservedAt = j.link.observedAt
SET w += j.link
"""

# Links a record no longer has are closed, not deleted: history stays queryable. They end on the day
# of the observation that no longer states them (graph/history).
CLOSE_DROPPED_LINKS = """
UNWIND $rows AS row
MATCH (r:SourceRecord {recordKey: row.key})-[l {current: true}]->(n)
WHERE (n:Identifier AND NOT n.key IN row.identifierKeys) OR (n:Company AND NOT n.companyKey IN row.companyKeys)
SET l.current = false, l.removedAt = datetime(), l.validTo = coalesce(l.validTo, date(row.on))
RETURN row.key AS key, collect(n.key) AS closed
"""

# --- evidence around the chunk (chunk records excluded: their state is known in memory) ----------

# Other records' current links to the given identifiers, each [recordKey, validFrom, validTo,
# personId]; generic identifiers return no holders, so a supernode is never expanded. Identifiers
# neither generic nor held elsewhere (most of a chunk's) return no row.
IDENTIFIER_LINKS = """
UNWIND $keys AS key
MATCH (i:Identifier {key: key})
OPTIONAL MATCH (i)<-[l {current: true}]-(r:SourceRecord)-[:DESCRIBES]->(p:Person)
WHERE NOT coalesce(i.generic, false) AND NOT coalesce(l.disputed, false) AND NOT r.recordKey IN $exclude
WITH key, coalesce(i.generic, false) AS generic,
     collect(CASE WHEN r IS NOT NULL THEN [r.recordKey, l.validFrom, l.validTo, p.personId] END) AS links
WHERE generic OR size(links) > 0
RETURN key, generic, links
"""


def _block_probe(prop: str) -> str:
    # at most $limit holders per key: a key with more is a hub and is skipped, not scanned
    return f"""
UNWIND $keys AS key
CALL (key) {{
  MATCH (r:SourceRecord {{{prop}: key}})
  WHERE NOT r.recordKey IN $exclude
  RETURN r LIMIT $limit
}}
MATCH (r)-[:DESCRIBES]->(p:Person)
RETURN key, collect(p.personId) AS personIds
"""


BLOCK_PROBES = {rule: _block_probe(prop) for rule, prop in BLOCK_PROPERTIES.items()}

# A record's stored blocking keys as one list, as PERSON_RECORDS returns them.
_STORED_BLOCKS = ("[x IN [" + ", ".join(f"r.{prop}" for prop in BLOCK_PROPERTIES.values())
                  + "]\n        WHERE x IS NOT NULL] AS blocks")

# Every record of the given persons, with what scoring and the merge protections read: one row a
# person, its records as lists [recordKey, givenKey, familyKey, birthDate, matchFields, nationalIds,
# blocks]. A row a record sent twice the rows and the person's creation time once per record; it
# comes as two integers (values.creation_stamp_at), not a datetime the driver hydrates in Python.
# Pattern comprehensions, not OPTIONAL MATCH + collect, which ArcadeDB plans worse.
PERSON_RECORDS = """
UNWIND $personIds AS pid
MATCH (p:Person {personId: pid})
RETURN p.personId AS personId, p.createdAt.epochSeconds AS createdSeconds, p.createdAt.nanosecond AS createdNanos,
       p.createdSeq AS createdSeq,
       [(p)<-[:DESCRIBES]-(r:SourceRecord) |
        [r.recordKey, r.givenKey, r.familyKey, r.birthDate, r.matchFields,
         [(r)-[:HAS_NATIONAL_ID {current: true}]->(n:Identifier) | n.value],
         """ + _STORED_BLOCKS.removesuffix(" AS blocks") + """]] AS records
"""

# Identifiers two or more records of a person hold (current links): what holds the person together.
PERSON_SHARED_IDENTIFIERS = """
UNWIND $personIds AS pid
MATCH (p:Person {personId: pid})<-[:DESCRIBES]-(r:SourceRecord)-[l {current: true}]->(i:Identifier)
WHERE NOT coalesce(i.generic, false) AND i.kind <> 'address' AND NOT coalesce(l.disputed, false)
WITH i, collect({recordKey: r.recordKey, validFrom: l.validFrom, validTo: l.validTo}) AS holders
WHERE size(holders) > 1
RETURN i.key AS key, i.kind AS kind, i.value AS value, holders
"""

# --- the decision ------------------------------------------------------------------------------

# Persons created in one transaction share createdAt; createdSeq keeps their order (oldest survives).
CREATE_PERSONS = """
UNWIND $rows AS row
CREATE (p:Person {personId: row.personId, status: 'active', createdAt: datetime(), createdSeq: row.seq})
"""

# A record moved by a merge or split (no evidence of its own in the row) keeps the evidence it had.
ATTACH_RECORDS = """
UNWIND $rows AS row
MATCH (r:SourceRecord {recordKey: row.key})
MATCH (p:Person {personId: row.personId})
OPTIONAL MATCH (r)-[old:DESCRIBES]->(other:Person)
WHERE other.personId <> row.personId
WITH r, p, row, old, old.evidence AS oldEvidence
DELETE old
WITH r, p, row, oldEvidence
MERGE (r)-[d:DESCRIBES]->(p)
ON CREATE SET d += {since: datetime(), rule: row.rule, evidence: coalesce(row.evidence, oldEvidence, []),
                    score: row.score}
"""

# A record this chunk created has no DESCRIBES yet: CREATE saves ATTACH_RECORDS' search for an
# old link to move, its DELETE and the MERGE's lookup. Same relationship and properties (a null
# score is not stored, as ON CREATE SET d += {...} would not store it).
ATTACH_NEW_RECORDS = """
UNWIND $rows AS row
MATCH (r:SourceRecord {recordKey: row.key})
MATCH (p:Person {personId: row.personId})
CREATE (r)-[:DESCRIBES {since: datetime(), rule: row.rule, evidence: coalesce(row.evidence, []), score: row.score}]->(p)
"""

MARK_GENERIC = """
UNWIND $keys AS key
MATCH (i:Identifier {key: key})
SET i.generic = true, i.genericSince = coalesce(i.genericSince, datetime())
"""

# Records were already re-attached to the final survivor; this marks the merged-away persons,
# records each merge and keeps old redirects pointing at an active person.
MERGE_PERSONS = """
UNWIND $rows AS row
MATCH (s:Person {personId: row.survivor})
MATCH (l:Person {personId: row.loser})
SET l.status = 'merged', l.mergedInto = row.final, l.mergedAt = datetime()
MERGE (l)-[m:MERGED_INTO]->(s)
ON CREATE SET m.at = datetime(), m.rule = row.rule, m.byRecord = row.recordKey, m.evidence = row.evidence,
              m.score = row.score
"""

REDIRECT_MERGED = """
UNWIND $rows AS row
MATCH (earlier:Person {mergedInto: row.loser})
SET earlier.mergedInto = row.final
"""

# A POSSIBLY_SAME link between persons that have become one is no longer a question.
DROP_SETTLED_POSSIBLY_SAME = """
UNWIND $personIds AS pid
MATCH (p:Person {personId: pid})-[s:POSSIBLY_SAME]-(:Person)
WHERE p.status = 'merged'
DELETE s
"""

# Ordered pair (a < b), so re-sends and either direction find the same link.
POSSIBLY_SAME = """
UNWIND $rows AS row
MATCH (a:Person {personId: row.a})
MATCH (b:Person {personId: row.b})
MERGE (a)-[s:POSSIBLY_SAME]->(b)
ON CREATE SET s.at = datetime()
SET s.score = row.score, s.byRecord = row.recordKey, s.updatedAt = datetime()
"""

SPLIT_FROM = """
UNWIND $rows AS row
MATCH (n:Person {personId: row.personId})
MATCH (o:Person {personId: row.from})
MERGE (n)-[s:SPLIT_FROM]->(o)
ON CREATE SET s.at = datetime(), s.byRecord = row.recordKey, s.records = row.records
"""

REFRESH_PERSONS = """
UNWIND $personIds AS pid
MATCH (p:Person {personId: pid})<-[:DESCRIBES]-(r:SourceRecord)
WITH p, r ORDER BY r.observedAt DESC
WITH p, collect(r) AS records
SET p += {displayName: coalesce(head([x IN records WHERE x.fullName IS NOT NULL | x.fullName]), p.personId),
          recordCount: size(records), updatedAt: datetime()}
"""

# --- resolve --all ------------------------------------------------------------------------------

RECORD_COUNT = "MATCH (r:SourceRecord) RETURN count(r) AS n"

# --- benchmarks only: records loaded unresolved, one Person each (bench/resolve_all.py) ----------

BENCH_LOAD_RECORDS = """
UNWIND $rows AS row
CREATE (r:SourceRecord {recordKey: row.key})
SET r += row.props, r.createdAt = datetime()
CREATE (p:Person {personId: row.personId, status: 'active', createdAt: datetime(), createdSeq: row.seq,
                  recordCount: 1})
CREATE (r)-[:DESCRIBES {since: datetime(), rule: 'bench load', evidence: []}]->(p)
"""
