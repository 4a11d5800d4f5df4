// Recycled numbers: a phone held by one person and, after they let it go, by another.
// Their holding periods do not overlap, which is why resolution never merged them.
// :param limit => 100
MATCH (ph:Phone)<-[a:HAS_PHONE]-(:SourceRecord)-[:DESCRIBES]->(before:Person {status: 'active'})
MATCH (ph)<-[b:HAS_PHONE]-(:SourceRecord)-[:DESCRIBES]->(after:Person {status: 'active'})
WHERE before <> after AND a.validTo IS NOT NULL AND b.validFrom IS NOT NULL AND a.validTo < b.validFrom
RETURN DISTINCT ph.key AS phone, before.displayName AS heldBy, a.validFrom AS from, a.validTo AS until,
       after.displayName AS thenHeldBy, b.validFrom AS since, b.validTo AS to
ORDER BY phone
LIMIT $limit;
