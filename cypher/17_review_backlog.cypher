// Review backlog: pairs of persons the matcher found possibly the same (POSSIBLY_SAME) and no
// steward has answered yet, highest business value first (the two persons' summed lifetime spend),
// as GET /v1/review?order=value lists them. Answer them there or in the console's review screen.
// $limit: how many pairs.
// :param limit => 20
MATCH (a:Person)-[s:POSSIBLY_SAME]->(b:Person)
WHERE a.status = 'active' AND b.status = 'active'
CALL (a) {
  MATCH (a)<-[:DESCRIBES]-(r:SourceRecord)
  RETURN sum(coalesce(r.lifetimeSpend, 0.0)) AS valueA
}
CALL (b) {
  MATCH (b)<-[:DESCRIBES]-(r:SourceRecord)
  RETURN sum(coalesce(r.lifetimeSpend, 0.0)) AS valueB
}
RETURN a.personId + '_' + b.personId AS pairId, a.displayName AS nameA, b.displayName AS nameB,
       s.score AS probability, valueA + valueB AS value, s.at AS since
ORDER BY value DESC, probability DESC, pairId
LIMIT $limit;
