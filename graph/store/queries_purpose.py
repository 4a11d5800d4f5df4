"""Cypher for purpose filtering of derived answers (graph/privacy/purpose.py). Parameterised only."""
from __future__ import annotations

# Each record of some persons with its consent as ingested and the customer's later changes to it.
PERSONS_CONSENT = """
UNWIND $personIds AS pid
MATCH (:Person {personId: pid})<-[:DESCRIBES]-(r:SourceRecord)
OPTIONAL MATCH (r)<-[:APPLIES_TO]-(c:ConsentChange)
RETURN pid AS personId, r {.recordKey, .source, .observedAt, .consentGranted, .consentDenied,
                           .deceased, .deceasedOn, .deathEventKey, .deathEventOn} AS record,
       collect(c {.*}) AS changes
"""

# The consent some events carry themselves, and the record each hangs off.
EVENTS_CONSENT = """
UNWIND $keys AS key
MATCH (e:Event {eventKey: key})
RETURN e {.eventKey, .recordKey, .observedAt, .consentGranted, .consentDenied} AS event
"""
