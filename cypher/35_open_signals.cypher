// People to contact first: everyone with an open signal of dissatisfaction (a case open too long, a
// complaint, a visit to a cancellation page, falling activity), highest customer value first. Signals
// are written by `idgraph analytics refresh` (graph/signals/), one (:Signal) per person and kind, with
// their evidence (event keys). Unlike GET /v1/signals, no purpose filter.
// $kinds: only these kinds (empty: all).
// :param kinds => []
MATCH (p:Person {status: 'active'})-[:HAS_SIGNAL]->(s:Signal)
WHERE size($kinds) = 0 OR s.kind IN $kinds
WITH p, coalesce(p.valueScore, -1.0) AS value, collect(s.kind) AS signals, min(s.since) AS since,
     collect(s.evidence) AS evidence
RETURN p.personId AS personId, p.displayName AS name, value, p.tier AS tier, signals, since,
       reduce(acc = [], keys IN evidence | acc + keys) AS evidence
ORDER BY value DESC, personId
LIMIT 100;
