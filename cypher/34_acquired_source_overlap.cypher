// Acquired-source overlap: each person an acquired brand's file (its source) describes, whether the
// brand already knew them from another source (which ones, since when) or they are new.
// GET /v1/sources/{source}/overlap adds their status under the source's own definition.
// :param source => 'spaco'
MATCH (:SourceRecord {source: $source})-[:DESCRIBES]->(p:Person {status: 'active'})
WITH DISTINCT p
OPTIONAL MATCH (p)<-[:DESCRIBES]-(o:SourceRecord)
WHERE o.source <> $source
WITH p, collect(DISTINCT o.source) AS otherSources, min(o.observedAt) AS knownSince
RETURN p.personId AS personId, p.displayName AS name, size(otherSources) > 0 AS alreadyKnown,
       otherSources, knownSince
ORDER BY alreadyKnown DESC, name;
