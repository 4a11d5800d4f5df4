// Valuable customers with low reach: people who spend a lot with us but whom social listening
// would never surface. Scores come from `idgraph analytics refresh`.
// $minValue: value score 0-100 (70 is the service's "high value" line).
// $maxFollowers: fewer followers than this counts as low reach (500 in the service).
// :param minValue => 70
// :param maxFollowers => 500
MATCH (p:Person {status: 'active'})
WHERE p.valueScore >= $minValue AND coalesce(p.reach, 0) < $maxFollowers
RETURN p.personId AS personId, p.displayName AS name, p.valueScore AS valueScore,
       p.lifetimeSpend AS lifetimeSpend, p.tier AS tier, coalesce(p.reach, 0) AS followers,
       p.priority AS priority
ORDER BY valueScore DESC, personId
LIMIT 100;
