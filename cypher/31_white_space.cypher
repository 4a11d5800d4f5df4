// White space: for everyone who ever bought, the lines of business they bought in and those they never
// did (where to sell next). Lines and their purchase kinds as in graph/data/lifecycle.json.
// :param lineNames => ['hotel', 'dining', 'retail', 'cars']
// :param lineKinds => [['stay'], ['purchase', 'order'], ['purchase', 'order'], ['purchase']]
UNWIND range(0, size($lineNames) - 1) AS i
MATCH (p:Person {status: 'active'})<-[:DESCRIBES]-(:SourceRecord)-[:HAS_EVENTS]->(:EventMonth)<-[:IN_MONTH]-(e:Event)
WHERE e.lineOfBusiness = $lineNames[i] AND e.kind IN $lineKinds[i]
WITH p, collect(DISTINCT $lineNames[i]) AS bought
RETURN p.personId AS personId, p.displayName AS name, bought,
       [line IN $lineNames WHERE NOT line IN bought] AS whiteSpace
ORDER BY size(bought) DESC, name
LIMIT 100;
