// Residents of an address over time: who moved in and out. A previous resident and the next one
// never merge (their periods do not overlap) and never form a household.
// $addressKey: 'address:<country>|<postcode without spaces>|<number>|<street>' (see GET /v1/whois).
// :param addressKey => 'address:GB|BS14RW|4|mill street'
MATCH (a:Identifier {key: $addressKey})<-[l:HAS_ADDRESS]-(r:SourceRecord)-[:DESCRIBES]->(p:Person)
RETURN p.personId AS personId, p.displayName AS name, r.recordKey AS record,
       l.validFrom AS movedIn, l.validTo AS movedOut,
       (l.validTo IS NULL OR l.validTo >= date()) AS livesThere
ORDER BY movedIn
LIMIT 100;
