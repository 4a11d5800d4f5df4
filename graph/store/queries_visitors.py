"""Cypher for anonymous visitors, their identification and the twins' data. Parameterised only.

The visitor model (graph/visitors):

    (:Visitor {visitorKey, visitorId, kind, status, personId, householdId, personIds, identifiedBy,
               identifiedAt, firstAt, lastAt, createdAt})
        -[:HAS_EVENTS]->(:VisitorMonth {monthKey, visitorKey, month, firstAt, lastAt})<-[:SEEN_IN]-(:Event)

- `visitorKey` is the device identifier's key (`device:ck-5f2a91`: a cookie or a device); `visitorId`
  an opaque id the audit log names instead of the cookie.
- Every event seen with the device hangs in the visitor's month buckets, attached to a person or not,
  so the visitor's stream is whole whoever it turns out to be; a busy cookie is a few buckets a year,
  never a supernode.
- `status`: `anonymous`; `identified` (joined `personId`: its unattached events were attached to that
  person's record, `backfilledFrom` = visitorKey); `household` (seen with two persons of one household,
  `householdId`) or `shared` (two unrelated persons): then nothing is back-filled to anyone and what was
  is detached again. `personIds` lists every person it was seen with.
- A record naming nothing but a device is a `(:VisitorRecord {recordKey, source, sourceId, observedAt,
  consentGranted, consentDenied, fingerprint})` of its visitor (`-[:FROM_RECORD]->`), not a Person.
- Feedback on a prediction: `(:Person)-[:HAS_FEEDBACK]->(:PredictionFeedback {feedbackId, personId,
  target, value, verdict, by, at, keyId, modelVersion})`.
"""
from __future__ import annotations

SCHEMA = (
    "CREATE CONSTRAINT visitor_key_unique IF NOT EXISTS FOR (v:Visitor) REQUIRE v.visitorKey IS UNIQUE",
    "CREATE CONSTRAINT visitor_id_unique IF NOT EXISTS FOR (v:Visitor) REQUIRE v.visitorId IS UNIQUE",
    "CREATE INDEX visitor_person_id IF NOT EXISTS FOR (v:Visitor) ON (v.personId)",
    "CREATE CONSTRAINT visitor_month_key_unique IF NOT EXISTS FOR (m:VisitorMonth) REQUIRE m.monthKey IS UNIQUE",
    "CREATE CONSTRAINT visitor_record_key_unique IF NOT EXISTS FOR (r:VisitorRecord) REQUIRE r.recordKey IS UNIQUE",
    "CREATE CONSTRAINT prediction_feedback_id_unique IF NOT EXISTS FOR (f:PredictionFeedback) REQUIRE f.feedbackId IS UNIQUE",
)

# --- tracking (a hook of event ingestion: graph/events/ingest.py) ---------------------------------

UPSERT_VISITORS = """
UNWIND $rows AS row
MERGE (v:Visitor {visitorKey: row.visitorKey})
ON CREATE SET v.visitorId = row.visitorId, v.kind = row.kind, v.status = 'anonymous', v.personIds = [],
              v.createdAt = datetime()
WITH v, row, datetime(row.first) AS first, datetime(row.last) AS last
SET v.firstAt = CASE WHEN v.firstAt IS NULL OR first < v.firstAt THEN first ELSE v.firstAt END,
    v.lastAt = CASE WHEN v.lastAt IS NULL OR last > v.lastAt THEN last ELSE v.lastAt END
"""

VISITOR_MONTHS = """
UNWIND $rows AS row
MATCH (v:Visitor {visitorKey: row.visitorKey})
MERGE (m:VisitorMonth {monthKey: row.monthKey})
ON CREATE SET m.visitorKey = row.visitorKey, m.month = row.month
MERGE (v)-[:HAS_EVENTS]->(m)
WITH m, datetime(row.first) AS first, datetime(row.last) AS last
SET m.firstAt = CASE WHEN m.firstAt IS NULL OR first < m.firstAt THEN first ELSE m.firstAt END,
    m.lastAt = CASE WHEN m.lastAt IS NULL OR last > m.lastAt THEN last ELSE m.lastAt END
"""

# An updated event may have moved to another month: its old visitor links go first.
UNLINK_SEEN = """
UNWIND $keys AS key
MATCH (:Event {eventKey: key})-[x:SEEN_IN]->(:VisitorMonth)
DELETE x
"""

LINK_SEEN = """
UNWIND $rows AS row
MATCH (e:Event {eventKey: row.key})
MATCH (m:VisitorMonth {monthKey: row.monthKey})
MERGE (e)-[:SEEN_IN]->(m)
"""

# The person each id names now: a visitor keeps the id it was identified with, and a merge leaves that
# id as a redirect (status 'merged', mergedInto = the survivor), so readers follow it here.
PERSONS_NOW = """
UNWIND $personIds AS pid
MATCH (p:Person {personId: pid})
RETURN pid AS personId, CASE WHEN p.status = 'merged' THEN p.mergedInto ELSE pid END AS now
"""

VISITOR_STATES = """
UNWIND $keys AS key
MATCH (v:Visitor {visitorKey: key})
RETURN key, v.status AS status, v.personId AS personId, v.personIds AS personIds
"""

# Whether two persons share a household (analytics refresh materialises them).
SHARED_HOUSEHOLD = """
MATCH (:Person {personId: $a})-[:MEMBER_OF]->(h:Household)<-[:MEMBER_OF]-(:Person {personId: $b})
RETURN h.householdId AS householdId
ORDER BY householdId
LIMIT 1
"""

# `recordKey`: the record of the event that identified it, where its history is back-filled.
SET_VISITOR = """
MATCH (v:Visitor {visitorKey: $visitorKey})
SET v.status = $status, v.personId = $personId, v.householdId = $householdId, v.personIds = $personIds,
    v.recordKey = $recordKey,
    v.identifiedBy = coalesce($identifiedBy, v.identifiedBy),
    v.identifiedAt = CASE WHEN $identifiedBy IS NULL THEN v.identifiedAt ELSE datetime() END
"""

VISITOR_RECORD = """
MATCH (v:Visitor {visitorKey: $visitorKey})
RETURN v.recordKey AS recordKey
"""

# The visitor's events no one holds: what identification back-fills.
UNATTACHED_EVENTS = """
MATCH (:Visitor {visitorKey: $visitorKey})-[:HAS_EVENTS]->(:VisitorMonth)<-[:SEEN_IN]-(e:Event)
WHERE e.recordKey IS NULL
RETURN e.eventKey AS key, e.month AS month, e.at AS at, e.consentGranted AS consentGranted,
       e.consentDenied AS consentDenied
"""

BACKFILL_EVENTS = """
UNWIND $rows AS row
MATCH (e:Event {eventKey: row.key})
SET e.recordKey = $recordKey, e.attachReason = $reason, e.backfilledFrom = $visitorKey,
    e.consentGranted = row.consentGranted, e.consentDenied = row.consentDenied, e.updatedAt = datetime()
"""

# A household or shared visitor's back-filled history goes back to the visitor alone. Its consent
# stays as narrowed: detaching never widens it.
BACKFILLED_EVENTS = """
MATCH (:Visitor {visitorKey: $visitorKey})-[:HAS_EVENTS]->(:VisitorMonth)<-[:SEEN_IN]-(e:Event)
WHERE e.backfilledFrom = $visitorKey
RETURN e.eventKey AS key
"""

DETACH_EVENTS = """
UNWIND $keys AS key
MATCH (e:Event {eventKey: key})
OPTIONAL MATCH (e)-[x:IN_MONTH]->(:EventMonth)
DELETE x
SET e.recordKey = null, e.backfilledFrom = null, e.attachReason = $reason, e.updatedAt = datetime()
"""

# --- reads ---------------------------------------------------------------------------------------

VISITOR = """
MATCH (v:Visitor {visitorKey: $visitorKey})
RETURN v {.*} AS visitor
"""

# The latest events of a visitor (up to $limit), newest first.
VISITOR_EVENTS = """
MATCH (:Visitor {visitorKey: $visitorKey})-[:HAS_EVENTS]->(:VisitorMonth)<-[:SEEN_IN]-(e:Event)
OPTIONAL MATCH (r:SourceRecord {recordKey: e.recordKey})
RETURN e {.*} AS event, r {.recordKey, .observedAt, .consentGranted, .consentDenied} AS record
ORDER BY e.at DESC, e.eventKey DESC
LIMIT $limit
"""

# A person's events for the twins (their latest $limit), with the record each hangs off.
PERSON_TWIN_EVENTS = """
MATCH (:Person {personId: $personId})<-[:DESCRIBES]-(r:SourceRecord)-[:HAS_EVENTS]->(:EventMonth)
      <-[:IN_MONTH]-(e:Event)
RETURN e {.*} AS event, r.recordKey AS recordKey
ORDER BY e.at DESC, e.eventKey DESC
LIMIT $limit
"""

PERSON_FEEDBACK = """
MATCH (:Person {personId: $personId})-[:HAS_FEEDBACK]->(f:PredictionFeedback)
RETURN f {.*} AS feedback
ORDER BY f.at
"""

RECORD_FEEDBACK = """
MATCH (p:Person {personId: $personId})
MERGE (f:PredictionFeedback {feedbackId: $feedbackId})
ON CREATE SET f.personId = $personId, f.target = $target, f.value = $value, f.verdict = 'wrong', f.by = $by,
              f.at = datetime(), f.keyId = $keyId, f.modelVersion = $modelVersion, f.created = true
ON MATCH SET f.created = false
MERGE (p)-[:HAS_FEEDBACK]->(f)
RETURN f.created AS created, f {.*} AS feedback
"""

# --- training ------------------------------------------------------------------------------------

COUNT_ACTIVE_PERSONS = """
MATCH (p:Person)
WHERE p.status = 'active'
RETURN count(p) AS n
"""

# A page of active persons: their records (labels and consent) and their feedback.
TRAINING_PERSONS = """
MATCH (p:Person)
WHERE p.status = 'active' AND p.personId > $cursor
WITH p ORDER BY p.personId LIMIT $limit
MATCH (p)<-[:DESCRIBES]-(r:SourceRecord)
WITH p, collect(r {.recordKey, .observedAt, .consentGranted, .consentDenied, .birthDate, .lifetimeSpend}) AS records
OPTIONAL MATCH (p)-[:HAS_FEEDBACK]->(f:PredictionFeedback)
RETURN p.personId AS personId, records, collect(f {.target, .value}) AS feedback
ORDER BY personId
"""

# The events of a page of persons, latest $perPerson each.
TRAINING_EVENTS = """
UNWIND $personIds AS pid
MATCH (:Person {personId: pid})<-[:DESCRIBES]-(r:SourceRecord)-[:HAS_EVENTS]->(:EventMonth)<-[:IN_MONTH]-(e:Event)
WITH pid, r, e ORDER BY e.at DESC
WITH pid, collect(e {.kind, .at, .observedAt, .recordKey, .pageCategory, .productCategory, .channel, .amount,
                     .deviceType, .consentGranted, .consentDenied, .gift})[..$perPerson] AS events
RETURN pid AS personId, events
"""

# The customer's consent changes on a page of persons' records: one statement a page, not one a person.
TRAINING_CONSENT_CHANGES = """
UNWIND $personIds AS pid
MATCH (:Person {personId: pid})<-[:DESCRIBES]-(r:SourceRecord)<-[:APPLIES_TO]-(c:ConsentChange)
RETURN r.recordKey AS record, collect(c {.*}) AS changes
"""

# --- records that only name a device (graph/visitors/records.py) -----------------------------------

VISITOR_RECORD_STATES = """
UNWIND $keys AS key
MATCH (r:VisitorRecord {recordKey: key})
RETURN key, r.fingerprint AS fingerprint
"""

UPSERT_VISITOR_RECORDS = """
UNWIND $rows AS row
MERGE (r:VisitorRecord {recordKey: row.recordKey})
ON CREATE SET r.createdAt = datetime()
SET r.source = row.source, r.sourceId = row.sourceId, r.fingerprint = row.fingerprint,
    r.observedAt = datetime(row.observedAt), r.collectedFor = row.collectedFor,
    r.consentGranted = row.consentGranted, r.consentDenied = row.consentDenied
WITH r, row
UNWIND row.visitors AS seen
MERGE (v:Visitor {visitorKey: seen.visitorKey})
ON CREATE SET v.visitorId = seen.visitorId, v.kind = seen.kind, v.status = 'anonymous', v.personIds = [],
              v.createdAt = datetime()
MERGE (v)-[:FROM_RECORD]->(r)
"""

# --- erasure (graph/visitors/erasure.py) -------------------------------------------------------------

# $personIds: the person and the ids merged into them (a visitor keeps the id it was identified with).
PERSON_VISITORS = """
UNWIND $personIds AS pid
MATCH (v:Visitor {personId: pid})
RETURN v.visitorKey AS key
"""

# A visitor identified as an erased person goes whole: buckets, its record, and events still unattached
# (the attached ones go with the person's records).
DELETE_VISITORS = """
UNWIND $keys AS key
MATCH (v:Visitor {visitorKey: key})
OPTIONAL MATCH (v)-[:HAS_EVENTS]->(m:VisitorMonth)
OPTIONAL MATCH (m)<-[:SEEN_IN]-(e:Event)
WHERE e.recordKey IS NULL
OPTIONAL MATCH (v)-[:FROM_RECORD]->(r:VisitorRecord)
DETACH DELETE e, m, r, v
"""

# A household or shared visitor stays, without the erased person among those it was seen with.
UNLIST_PERSON = """
MATCH (v:Visitor)
WHERE any(p IN v.personIds WHERE p IN $personIds)
SET v.personIds = [p IN v.personIds WHERE NOT p IN $personIds]
"""
