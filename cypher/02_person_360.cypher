// Person 360: one row with everything known about the person behind an identifier:
// records, current identifiers, addresses, jobs, households, social handles and the scores
// `idgraph analytics refresh` wrote (value, reach, priority).
// $key: any identifier key of the person.
// :param key => 'email:jane.smith@example.com'
MATCH (:Identifier {key: $key})<-[{current: true}]-(:SourceRecord)-[:DESCRIBES]->(p:Person)
WITH DISTINCT p
LIMIT 1
RETURN p.personId AS personId, p.displayName AS name, p.status AS status,
       p.lifetimeSpend AS lifetimeSpend, p.tier AS tier, p.valueScore AS valueScore,
       p.reach AS followers, p.networkInfluence AS networkInfluence, p.priority AS priority,
       COLLECT { MATCH (p)<-[:DESCRIBES]-(r:SourceRecord) RETURN r.recordKey } AS records,
       COLLECT { MATCH (p)<-[:DESCRIBES]-(:SourceRecord)-[{current: true}]->(i:Identifier)
                 WHERE i.kind <> 'address' RETURN DISTINCT i.key } AS identifiers,
       COLLECT { MATCH (p)<-[:DESCRIBES]-(:SourceRecord)-[:HAS_ADDRESS {current: true}]->(a:Address)
                 RETURN DISTINCT a.value } AS addresses,
       COLLECT { MATCH (p)<-[:DESCRIBES]-(:SourceRecord)-[w:WORKS_AT {current: true}]->(c:Company)
                 RETURN DISTINCT c.name } AS companies,
       COLLECT { MATCH (p)-[:MEMBER_OF {current: true}]->(h:Household) RETURN DISTINCT h.name } AS households;
