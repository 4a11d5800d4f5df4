"""Cypher for history that is never overwritten, life events (death) and where events go besides a
person (gifts, household devices). Parameterised only.

History model (graph/history):
- A job title or an address `use` a re-sent record changes closes the record's current WORKS_AT or
  HAS_ADDRESS link (`current: false`, `validTo` = the new value's validFrom, else the day of the new
  observation, `closedBecause`) and a new current link holds the new value; a link a record no
  longer has at all is closed the same way (queries_ingest.CLOSE_DROPPED_LINKS). A link remembers
  `firstObservedAt`, the observation that first stated it, which dates it when no validFrom is given.
- A record's past full names are parallel lists on it (`pastNames`, `pastNamesFrom`, `pastNamesTo`,
  '' for unknown), like its roles; `nameFrom` dates its current name once it has changed.
- Death: a record's own `deceased`/`deceasedOn` fields, or a `death` event attached to one of its
  records (`deathEventKey`, `deathEventOn` on that record, so merges carry it).
- A gift: the purchase event's `gift`, `giftReason`, `shipToKeys` and `recipientRecordKey` (the
  record its ship-to identifiers resolve to: records follow merges, person ids do not).
- A household device's event: `householdId` (the Household of the persons who equally hold the
  device), its visitor turned `household` (graph/visitors).
"""
from __future__ import annotations

SCHEMA = (
    "CREATE INDEX event_household_id IF NOT EXISTS FOR (e:Event) ON (e.householdId)",
    "CREATE INDEX event_recipient_record_key IF NOT EXISTS FOR (e:Event) ON (e.recipientRecordKey)",
    "CREATE INDEX visitor_household_id IF NOT EXISTS FOR (v:Visitor) ON (v.householdId)",
)

# --- history at ingest (before the record's new values are written) ---------------------------------

# The current name goes to the record's past names when a re-send states another (or none).
KEEP_PAST_NAMES = """
UNWIND $rows AS row
MATCH (r:SourceRecord {recordKey: row.key})
WHERE r.fullName IS NOT NULL AND r.fullName <> coalesce(row.fullName, '')
SET r.pastNames = coalesce(r.pastNames, []) + [r.fullName],
    r.pastNamesFrom = coalesce(r.pastNamesFrom, []) + [coalesce(r.nameFrom, '')],
    r.pastNamesTo = coalesce(r.pastNamesTo, []) + [row.on],
    r.nameFrom = row.on
"""

# A current job link whose title the re-send changes is closed; LINK_EMPLOYMENT then makes the new one.
CLOSE_CHANGED_JOBS = """
UNWIND $rows AS row
MATCH (r:SourceRecord {recordKey: row.key})-[w:WORKS_AT {current: true}]->(c:Company {companyKey: row.companyKey})
WHERE coalesce(w.title, '') <> coalesce(row.title, '')
SET w.current = false, w.validTo = coalesce(w.validTo, date(row.on)), w.removedAt = datetime(),
    w.closedBecause = 'a new title was stated'
"""

# Likewise a current address link whose use (home, billing, shipping) the re-send changes.
CLOSE_CHANGED_ADDRESSES = """
UNWIND $rows AS row
MATCH (r:SourceRecord {recordKey: row.key})-[l:HAS_ADDRESS {current: true}]->(a:Identifier {key: row.addressKey})
WHERE coalesce(l.use, '') <> coalesce(row.use, '')
SET l.current = false, l.validTo = coalesce(l.validTo, date(row.on)), l.removedAt = datetime(),
    l.closedBecause = 'a new use was stated'
"""

# --- death from an event -----------------------------------------------------------------------------

MARK_DEATHS = """
UNWIND $rows AS row
MATCH (r:SourceRecord {recordKey: row.recordKey})
SET r.deathEventKey = row.eventKey, r.deathEventOn = date(row.on)
"""

# The records that say a person died, for a page of persons.
DEATH_RECORDS = """
UNWIND $personIds AS pid
MATCH (:Person {personId: pid})<-[:DESCRIBES]-(r:SourceRecord)
WHERE r.deceased OR r.deceasedOn IS NOT NULL OR r.deathEventKey IS NOT NULL
RETURN pid AS personId,
       collect(r {.recordKey, .source, .observedAt, .deceased, .deceasedOn, .deathEventKey, .deathEventOn}) AS records
"""

# --- gifts -------------------------------------------------------------------------------------------

# Whether the buyer's person holds each ship-to address now (current links of any of their records).
BUYER_ADDRESSES = """
UNWIND $rows AS row
MATCH (:SourceRecord {recordKey: row.recordKey})-[:DESCRIBES]->(p:Person)
MATCH (p)<-[:DESCRIBES]-(:SourceRecord)-[:HAS_ADDRESS {current: true}]->(a:Identifier)
WHERE a.key IN row.addressKeys
RETURN row.recordKey AS recordKey, collect(DISTINCT a.key) AS held
"""

SET_GIFTS = """
UNWIND $rows AS row
MATCH (e:Event {eventKey: row.key})
SET e += row.props
"""

# The persons behind recipient records (a page of gift events' worth).
RECIPIENTS = """
UNWIND $keys AS key
MATCH (:SourceRecord {recordKey: key})-[:DESCRIBES]->(p:Person)
RETURN key, p.personId AS personId
"""

# Erasure of a recipient: the gifts sent to them forget who they went to.
FORGET_RECIPIENTS = """
UNWIND $recordKeys AS key
MATCH (e:Event {recipientRecordKey: key})
SET e += {recipientRecordKey: null, shipToKeys: null}
"""

# --- household devices -------------------------------------------------------------------------------

# The household (if any) that every one of the given persons is a current member of.
COMMON_HOUSEHOLD = """
UNWIND $personIds AS pid
MATCH (:Person {personId: pid})-[m:MEMBER_OF]->(h:Household)
WHERE coalesce(m.current, true)
WITH h, count(DISTINCT pid) AS members
WHERE members = size($personIds)
RETURN h.householdId AS householdId
ORDER BY householdId
LIMIT 1
"""

SET_HOUSEHOLD_EVENTS = """
UNWIND $rows AS row
MATCH (e:Event {eventKey: row.key})
SET e.householdId = row.householdId,
    e.attachReason = CASE WHEN row.householdId IS NULL THEN e.attachReason ELSE row.reason END
"""

# A visitor already known to be a household's: its anonymous events go to that household.
HOUSEHOLD_VISITORS = """
UNWIND $keys AS key
MATCH (v:Visitor {visitorKey: key})
WHERE v.status = 'household' AND v.householdId IS NOT NULL
RETURN key, v.householdId AS householdId
"""

# Made here when the device was never seen before (as queries_visitors.UPSERT_VISITORS would make it).
MAKE_HOUSEHOLD_VISITORS = """
UNWIND $rows AS row
MERGE (v:Visitor {visitorKey: row.key})
ON CREATE SET v.visitorId = row.visitorId, v.kind = row.kind, v.createdAt = datetime()
WITH v, row
WHERE coalesce(v.status, '') <> 'household' OR v.householdId <> row.householdId
SET v.status = 'household', v.personId = null, v.recordKey = null, v.householdId = row.householdId,
    v.personIds = row.personIds
"""

# Once per visitor and household: its events no one holds go to its household (those detached when it
# turned household, those sent before the household existed).
SWEEP_HOUSEHOLD_VISITORS = """
UNWIND $keys AS key
MATCH (v:Visitor {visitorKey: key})
WHERE v.status = 'household' AND v.householdId IS NOT NULL AND coalesce(v.householdSwept, '') <> v.householdId
SET v.householdSwept = v.householdId
WITH v
MATCH (v)-[:HAS_EVENTS]->(:VisitorMonth)<-[:SEEN_IN]-(e:Event)
WHERE e.recordKey IS NULL
SET e.householdId = v.householdId, e.attachReason = $reason + v.householdId
"""

HOUSEHOLD = """
MATCH (h:Household {householdId: $householdId})
RETURN h {.*} AS household,
       [(h)<-[m:MEMBER_OF]-(p:Person) | {personId: p.personId, name: p.displayName, current: m.current,
                                         validFrom: m.validFrom, validTo: m.validTo, evidence: m.evidence}] AS members
"""

HOUSEHOLD_DEVICES = """
MATCH (v:Visitor {householdId: $householdId})
RETURN v {.visitorId, .visitorKey, .kind, .status, .firstAt, .lastAt} AS device
ORDER BY device.visitorKey
"""

# A household's device events, newest first, from a position on (the timeline's cursor).
HOUSEHOLD_EVENTS = """
MATCH (e:Event)
WHERE e.householdId IN $householdIds AND e.at >= $since AND e.at < $before
  AND (size($kinds) = 0 OR e.kind IN $kinds)
  AND (e.at < $afterAt OR (e.at = $afterAt AND e.eventKey < $afterKey))
RETURN e {.*} AS event
ORDER BY e.at DESC, e.eventKey DESC
LIMIT $limit
"""
