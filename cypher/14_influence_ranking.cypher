// Influence ranking: persons by priority with value and reach side by side, and the flags
// highValueLowReach / highReachNoPurchase (the same data as GET /v1/influence/ranking).
// :param limit => 10
MATCH (p:Person {status: 'active'})
WHERE p.priorityScore IS NOT NULL
RETURN p.personId AS personId, p.displayName AS name, p.priorityScore AS priorityScore,
       p.priority AS priority, p.valueScore AS valueScore, p.lifetimeSpend AS lifetimeSpend,
       coalesce(p.reach, 0) AS followers, p.networkInfluence AS networkInfluence, p.flags AS flags,
       p.priorityReasons AS reasons
ORDER BY priorityScore DESC, personId
LIMIT $limit;
