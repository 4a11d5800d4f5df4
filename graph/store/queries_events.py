"""Cypher for touchpoints (events), a person's timeline and lifecycle facts. Parameterised only.

The event model (stable: other features build on it):

    (:SourceRecord)-[:HAS_EVENTS]->(:EventMonth {monthKey, recordKey, month, firstAt, lastAt})
                                        <-[:IN_MONTH]-(:Event {eventKey, source, eventId, kind, at, month, ...})

- `Event.eventKey` is `<source>/<eventId>` (unique): a re-sent event is the same node. Its other
  properties: `observedAt`, `fingerprint`, `collectedFor`, `consentGranted`, `consentDenied`,
  `identifierKeys` (the normalised identifiers it was seen with), `ignoredValues`, the parallel
  `setAsideFields`/`setAsideValues`/`setAsideReasons`, the stated details (`lineOfBusiness`,
  `amount`, `currency`, `productCategory`, `channel`, `pageCategory`, `caseStatus`, `satisfaction`,
  `caseId`, `description`), `recordKey` (the record it hangs off, null when unattached) and
  `attachReason`, `createdAt`, `updatedAt`. A list property is stored only when it holds something
  (readers take a missing one as empty), and `fingerprint` is half a SHA-256 (graph/intake/events.py).
- An event hangs off one SourceRecord of the person its identifiers resolve to
  (graph/events/attach.py), through a bucket per record and UTC month (`monthKey` =
  `<recordKey>|<YYYY-MM>`). Merges and splits move records, so events follow their record with no
  write of their own; an event never links a person or an identifier, so it can never merge anyone.
- Who-is-this and resolution never reach an event: they walk identifier <- record -> person, and a
  record has one outgoing HAS_EVENTS per month with activity, however many events it has (100,000
  events over two years are 24 extra relationships on the record, none on identifiers or persons).
- An event whose identifiers resolve to no one (an anonymous web visit) or to several persons equally
  is stored unattached (`recordKey` null) with its `identifierKeys`; a re-send attaches it once a
  record holds them.
- `EventMonth.firstAt`/`lastAt` only widen: the earliest and latest event ever linked there, so "first
  seen" needs no scan of the events.
"""
from __future__ import annotations

SCHEMA = (
    "CREATE CONSTRAINT event_event_key_unique IF NOT EXISTS FOR (e:Event) REQUIRE e.eventKey IS UNIQUE",
    "CREATE CONSTRAINT event_month_key_unique IF NOT EXISTS FOR (m:EventMonth) REQUIRE m.monthKey IS UNIQUE",
    "CREATE INDEX event_month_record_key IF NOT EXISTS FOR (m:EventMonth) ON (m.recordKey)",
)

# --- ingest ------------------------------------------------------------------------------------

EVENT_STATES = """
UNWIND $keys AS key
MATCH (e:Event {eventKey: key})
OPTIONAL MATCH (r:SourceRecord {recordKey: e.recordKey})-[:DESCRIBES]->(p:Person)
RETURN key, e.fingerprint AS fingerprint, e.observedAt AS observedAt, e.recordKey AS recordKey,
       p.personId AS personId
"""

# Current links of active persons' records to the events' identifiers. Generic identifiers (a junk
# or widely shared value) and addresses attach nothing, and are never expanded.
HOLDINGS = """
UNWIND $keys AS key
MATCH (i:Identifier {key: key})
WHERE NOT coalesce(i.generic, false) AND i.kind <> 'address'
MATCH (i)<-[l {current: true}]-(r:SourceRecord)-[:DESCRIBES]->(p:Person)
WHERE p.status = 'active'
RETURN key, r.recordKey AS recordKey, r.source AS source, r.observedAt AS observedAt, p.personId AS personId
"""

# Times travel as ISO text and become datetimes on the server (cheaper than the driver's packing).
UPSERT_EVENTS = """
UNWIND $rows AS row
MERGE (e:Event {eventKey: row.key})
ON CREATE SET e.createdAt = datetime()
SET e += row.props, e.at = datetime(row.at), e.observedAt = datetime(row.observedAt), e.updatedAt = datetime()
"""

# What an event stores besides its key (graph/events/ingest.py: _props), in CREATE_EVENTS' row order.
EVENT_PROPERTIES = (
    "source", "eventId", "kind", "month", "fingerprint", "collectedFor", "consentGranted", "consentDenied",
    "identifierKeys", "ignoredValues", "setAsideFields", "setAsideValues", "setAsideReasons", "recordKey",
    "attachReason", "lineOfBusiness", "amount", "currency", "productCategory", "channel", "pageCategory", "deviceType",
    "caseStatus", "satisfaction", "caseId", "description",
)

# Events stored for the first time: every property in the CREATE itself (ArcadeDB writes a node again
# for each SET item). A row is a list: key, at, observedAt (ISO text; null when it is `at`, as it mostly
# is, so it is sent and parsed once), then EVENT_PROPERTIES in order. createdAt and updatedAt are the
# statement's time, taken once. An event created meanwhile by another writer fails the key constraint
# and the chunk is retried.
_NEW_EVENT = """WITH now, row, datetime(row[1]) AS at
CREATE (e:Event {eventKey: row[0], at: at, observedAt: CASE WHEN row[2] IS NULL THEN at ELSE datetime(row[2]) END,
                 createdAt: now, updatedAt: now,
""" + ",\n".join(f"  {name}: row[{n}]" for n, name in enumerate(EVENT_PROPERTIES, start=3)) + "})"

# Attached events, grouped by bucket as [monthKey, rows] (WIDENED_MONTHS made the buckets): each is
# created already linked, and its bucket is looked up once per group, not once per event (a chunk of
# 500 events falls in a month or two; on ArcadeDB the lookups per row were a fifth of the statement).
CREATE_EVENTS = """
WITH datetime() AS now
UNWIND $groups AS g
MATCH (m:EventMonth {monthKey: g[0]})
UNWIND g[1] AS row
""" + _NEW_EVENT.replace("WITH now, row,", "WITH now, m, row,") + """-[:IN_MONTH]->(m)
"""

# Unattached events (and any whose bucket is missing): created alone.
CREATE_UNLINKED_EVENTS = """
WITH datetime() AS now
UNWIND $rows AS row
""" + _NEW_EVENT + "\n"

# An updated event may have moved (another month, another record): its old bucket link goes first.
UNLINK_EVENTS = """
UNWIND $keys AS key
MATCH (:Event {eventKey: key})-[x:IN_MONTH]->(:EventMonth)
DELETE x
"""

MONTHS = """
UNWIND $rows AS row
MATCH (r:SourceRecord {recordKey: row.recordKey})
MERGE (m:EventMonth {monthKey: row.monthKey})
ON CREATE SET m.recordKey = row.recordKey, m.month = row.month
MERGE (r)-[:HAS_EVENTS]->(m)
"""

# firstAt/lastAt only widen, once per bucket and batch.
_WIDEN = """
WITH m, datetime(row.first) AS first, datetime(row.last) AS last
SET m.firstAt = CASE WHEN m.firstAt IS NULL OR first < m.firstAt THEN first ELSE m.firstAt END,
    m.lastAt = CASE WHEN m.lastAt IS NULL OR last > m.lastAt THEN last ELSE m.lastAt END
"""
WIDEN_MONTHS = """
UNWIND $rows AS row
MATCH (m:EventMonth {monthKey: row.monthKey})""" + _WIDEN

# Both in one statement, for rows that carry first and last (one round trip and pass fewer); returns
# the buckets there now (a record erased meanwhile has none).
WIDENED_MONTHS = MONTHS.rstrip() + _WIDEN + "RETURN m.monthKey AS monthKey\n"

LINK_EVENTS = """
UNWIND $rows AS row
MATCH (e:Event {eventKey: row.key})
MATCH (m:EventMonth {monthKey: row.monthKey})
CREATE (e)-[:IN_MONTH]->(m)
"""

# --- timeline ----------------------------------------------------------------------------------

# Everything a timeline page needs before its events, in one statement: the person (or where it was
# merged), its records (consent, death, names over time) and the customer's consent changes to them,
# its month buckets in the range as [month, monthKey], and its households (their device events join
# the page, graph/events/household.py). Pattern comprehensions: one round trip where there were
# several (with TIMELINE_FIRST_CONTEXT, the whole first page is two: this and PERSON_EVENTS).
TIMELINE_CONTEXT = """
MATCH (p:Person {personId: $personId})
RETURN p.status AS status, p.mergedInto AS mergedInto,
       [(p)<-[:DESCRIBES]-(r:SourceRecord) |
        r {.recordKey, .source, .observedAt, .consentGranted, .consentDenied,
           .deceased, .deceasedOn, .deathEventKey, .deathEventOn,
           .fullName, .nameFrom, .pastNames, .pastNamesFrom, .pastNamesTo}] AS records,
       [(p)<-[:DESCRIBES]-(r:SourceRecord)<-[:APPLIES_TO]-(c:ConsentChange) | c {.*, record: r.recordKey}] AS changes,
       [(p)<-[:DESCRIBES]-(:SourceRecord)-[:HAS_EVENTS]->(m:EventMonth)
        WHERE m.month >= $fromMonth AND m.month <= $toMonth | [m.month, m.monthKey]] AS months,
       [(p)-[:MEMBER_OF]->(h:Household) | h.householdId] AS households
"""

# The first page also shows the person's life events (graph/history/reads.py): the same statement
# with the records' jobs and addresses over time, as [recordKey, link, node] (ArcadeDB drops the keys
# of a map literal around a projection; a list keeps them). Only the properties the history reads.
TIMELINE_FIRST_CONTEXT = TIMELINE_CONTEXT.rstrip() + """,
       [(p)<-[:DESCRIBES]-(r:SourceRecord)-[l]->(n)
        WHERE n:Company OR (n:Identifier AND n.kind = 'address') |
        [r.recordKey,
         l {.title, .use, .source, .validFrom, .validTo, .firstObservedAt, .current, .closedBecause},
         n {.name, .companyKey, .value, .kind}]] AS history
"""

# The events of some month buckets (by key: no walk from the person again), newest first, from a
# position (the cursor) on. Sorted and cut before the projection, so only the page's events are
# projected. The driver hydrates a datetime in pure Python at about a thousand times the cost of
# datetime.fromisoformat, so `at` and `observedAt` travel as ISO text (graph/events/timeline.py
# parses them; they were stored from Python's microseconds, so the text is exact) and the never
# shown createdAt/updatedAt not at all.
PERSON_EVENTS = """
UNWIND $monthKeys AS monthKey
MATCH (:EventMonth {monthKey: monthKey})<-[:IN_MONTH]-(e:Event)
WHERE e.at >= $since AND e.at < $before AND (size($kinds) = 0 OR e.kind IN $kinds)
  AND (e.at < $afterAt OR (e.at = $afterAt AND e.eventKey < $afterKey))
WITH e ORDER BY e.at DESC, e.eventKey DESC LIMIT $limit
RETURN e {.*, at: toString(e.at), observedAt: toString(e.observedAt), createdAt: null, updatedAt: null} AS event
"""

# --- lifecycle ---------------------------------------------------------------------------------

# Per person: when first seen (earliest record observation, per source too; earliest event), and every event that
# may count as a purchase (kinds named by some definition), with its source and line of business.
PERSON_LIFECYCLE_FACTS = """
UNWIND $personIds AS pid
MATCH (p:Person {personId: pid})<-[:DESCRIBES]-(r:SourceRecord)
WITH pid, r.source AS source, min(r.observedAt) AS first, collect(r) AS rs
WITH pid, collect([source, first]) AS firstBySource, min(first) AS firstRecord,
     reduce(acc = [], x IN collect(rs) | acc + x) AS records
CALL (records) {
  UNWIND records AS r
  OPTIONAL MATCH (r)-[:HAS_EVENTS]->(m:EventMonth)
  RETURN min(m.firstAt) AS firstEvent
}
CALL (records) {
  UNWIND records AS r
  MATCH (r)-[:HAS_EVENTS]->(:EventMonth)<-[:IN_MONTH]-(e:Event)
  WHERE e.kind IN $kinds
  RETURN collect(e {.eventKey, .kind, .source, .lineOfBusiness, .at, .amount}) AS purchases
}
RETURN pid AS personId, firstRecord, firstEvent, firstBySource, purchases
"""

ACTIVE_PERSON_IDS = """
MATCH (p:Person)
WHERE p.status = 'active' AND p.personId > $cursor
RETURN p.personId AS personId
ORDER BY personId
LIMIT $limit
"""

SOURCE_PERSON_IDS = """
MATCH (r:SourceRecord {source: $source})-[:DESCRIBES]->(p:Person)
WHERE p.status = 'active'
RETURN DISTINCT p.personId AS personId
ORDER BY personId
"""

# --- privacy -----------------------------------------------------------------------------------

# Erasure: the events hanging off the erased records go with them, buckets and all.
DELETE_EVENTS = """
UNWIND $recordKeys AS key
MATCH (:EventMonth {recordKey: key})<-[:IN_MONTH]-(e:Event)
DETACH DELETE e
"""

DELETE_MONTHS = """
UNWIND $recordKeys AS key
MATCH (m:EventMonth {recordKey: key})
DETACH DELETE m
"""

# Subject access: every event hanging off the person's records, as stored.
PERSON_ALL_EVENTS = """
MATCH (:Person {personId: $personId})<-[:DESCRIBES]-(:SourceRecord)-[:HAS_EVENTS]->(:EventMonth)
      <-[:IN_MONTH]-(e:Event)
RETURN e {.*} AS event
ORDER BY e.at DESC, e.eventKey DESC
"""
