"""Cypher for signals of dissatisfaction (graph/signals/). Parameterised only.

Signals are materialised by `idgraph analytics refresh`, one node per person and kind:

    (:Person)-[:HAS_SIGNAL]->(:Signal {signalKey, kind, since, evidence, runId, computedAt, ...detail})

`signalKey` is `<personId>|<kind>`; `evidence` the event keys. A person has at most one signal of each
kind, so a Person gains at most four relationships, and the listing reads Signal nodes (the persons
with an open signal), never anyone's events.
"""
from __future__ import annotations

SCHEMA = (
    "CREATE CONSTRAINT signal_signal_key_unique IF NOT EXISTS FOR (s:Signal) REQUIRE s.signalKey IS UNIQUE",
    "CREATE INDEX signal_kind IF NOT EXISTS FOR (s:Signal) ON (s.kind)",
)

# Per person, from the months of the lookback window: the events a signal rule may use (cases,
# complaints, visits to a cancellation page) and the activity counts of the recent and earlier windows,
# with the latest activity event. Months are read from `fromMonth` on, so older buckets are never opened.
PERSON_SIGNAL_FACTS = """
UNWIND $personIds AS pid
MATCH (p:Person {personId: pid})
CALL (p) {
  OPTIONAL MATCH (p)<-[:DESCRIBES]-(:SourceRecord)-[:HAS_EVENTS]->(m:EventMonth)
  WHERE m.month >= $fromMonth
  OPTIONAL MATCH (m)<-[:IN_MONTH]-(e:Event)
  WHERE e.at >= $lookbackFrom AND e.at <= $now
    AND (e.kind IN $eventKinds OR (e.kind IN $visitKinds AND toLower(e.pageCategory) IN $pages))
  RETURN collect(e {.eventKey, .kind, .at, .caseId, .caseStatus, .pageCategory}) AS candidates
}
CALL (p) {
  OPTIONAL MATCH (p)<-[:DESCRIBES]-(:SourceRecord)-[:HAS_EVENTS]->(m:EventMonth)
  WHERE m.month >= $earlierMonth
  OPTIONAL MATCH (m)<-[:IN_MONTH]-(e:Event)
  WHERE e.kind IN $activityKinds AND e.at >= $earlierFrom AND e.at <= $now
  WITH e ORDER BY e.at DESC, e.eventKey DESC
  RETURN count(CASE WHEN e.at >= $recentFrom THEN 1 END) AS recent,
         count(CASE WHEN e.at < $recentFrom THEN 1 END) AS earlier,
         head(collect(e.eventKey)) AS lastEvent, head(collect(e.at)) AS lastAt
}
RETURN pid AS personId, candidates, recent, earlier, lastEvent, lastAt
"""

# --- analytics refresh -------------------------------------------------------------------------

DROP_SIGNALS = """
UNWIND $personIds AS pid
MATCH (:Person {personId: pid})-[:HAS_SIGNAL]->(s:Signal)
DETACH DELETE s
"""

# Signals of persons merged away or erased since they were written.
DROP_INACTIVE_SIGNALS = """
MATCH (p:Person)-[:HAS_SIGNAL]->(s:Signal)
WHERE p.status <> 'active'
DETACH DELETE s
"""

WRITE_SIGNALS = """
UNWIND $rows AS row
MATCH (p:Person {personId: row.personId})
CREATE (p)-[:HAS_SIGNAL]->(s:Signal {signalKey: row.signalKey, kind: row.kind, since: row.since,
                                     evidence: row.evidence, runId: $runId, computedAt: datetime()})
SET s += row.detail
"""

# --- the listing -------------------------------------------------------------------------------

# Persons with an open signal (of `kinds`, all when empty), by customer value (the latest analytics
# refresh's valueScore; none counts as -1), from a cursor position on.
_LIST = """
MATCH (p:Person)-[:HAS_SIGNAL]->(s:Signal)
WHERE p.status = 'active' AND (size($kinds) = 0 OR s.kind IN $kinds)
WITH p, coalesce(p.valueScore, -1.0) AS value, min(s.since) AS since, collect(s {.*}) AS signals
WHERE {after}
RETURN p.personId AS personId, p.displayName AS name, value, since, p.lifetimeSpend AS lifetimeSpend,
       p.tier AS tier, signals
ORDER BY {order}, personId
LIMIT $limit
"""
LIST_SIGNALS = {
    "value": _LIST.replace("{after}", "value < $afterValue OR (value = $afterValue AND p.personId > $afterId)")
                  .replace("{order}", "value DESC"),
    # longest-standing first
    "since": _LIST.replace("{after}", "since > $afterSince OR (since = $afterSince AND p.personId > $afterId)")
                  .replace("{order}", "since"),
}
