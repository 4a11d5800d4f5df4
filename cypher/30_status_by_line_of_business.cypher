// Who is a customer, per line of business: active persons who bought in a line (an event of one of its
// purchase kinds) counted as `customer` (last purchase within the line's window) or `former customer`.
// Everyone else is a prospect there (the API tells known from new: GET /v1/customers/summary).
// The definition comes as parameters, as graph/data/lifecycle.json states it (a source's own definition,
// such as an acquired brand's, is left out here): parallel lists of line names, purchase kinds, months.
// :param lineNames => ['hotel', 'dining', 'retail', 'cars']
// :param lineKinds => [['stay'], ['purchase', 'order'], ['purchase', 'order'], ['purchase']]
// :param lineMonths => [24, 12, 24, 120]
// :param today => '2026-11-23T23:59:59Z'
UNWIND range(0, size($lineNames) - 1) AS i
MATCH (p:Person {status: 'active'})<-[:DESCRIBES]-(:SourceRecord)-[:HAS_EVENTS]->(:EventMonth)<-[:IN_MONTH]-(e:Event)
WHERE e.lineOfBusiness = $lineNames[i] AND e.kind IN $lineKinds[i] AND e.at <= datetime($today)
WITH $lineNames[i] AS lineOfBusiness, $lineMonths[i] AS months, p, max(e.at) AS lastPurchase
WITH lineOfBusiness, p,
     CASE WHEN lastPurchase >= datetime($today) - duration({months: months}) THEN 'customer'
          ELSE 'former customer' END AS status
RETURN lineOfBusiness, status, count(p) AS persons, collect(p.displayName) AS names
ORDER BY lineOfBusiness, status;
