// High-reach people who never bought: many followers, no spend in any silo.
// $minFollowers: followers from which reach counts as high (10,000 in the service).
// :param minFollowers => 10000
MATCH (p:Person {status: 'active'})
WHERE p.reach >= $minFollowers AND coalesce(p.lifetimeSpend, 0) = 0
RETURN p.personId AS personId, p.displayName AS name, p.reach AS followers,
       p.networkInfluence AS networkInfluence,
       COLLECT { MATCH (p)<-[:DESCRIBES]-(:SourceRecord)-[:HAS_SOCIAL_HANDLE {current: true}]->(h:SocialHandle)
                 RETURN DISTINCT h.key } AS handles
ORDER BY followers DESC, personId
LIMIT 100;
