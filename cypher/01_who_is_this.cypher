// Who is this? The person behind any identifier, with every record and the silos they come from.
// $key: an identifier key '<type>:<normalised value>', e.g. 'email:jane.smith@example.com',
//       'phone:+442079460958', 'social:twitter:janesmith', 'account:webshop:jsmith84'.
// A generic identifier (a switchboard, a junk value) answers with several persons: see genericIdentifier.
// :param key => 'loyaltyCard:PLT-99812'
MATCH (i:Identifier {key: $key})<-[l]-(:SourceRecord)-[:DESCRIBES]->(p:Person)
WITH DISTINCT i, p
MATCH (p)<-[:DESCRIBES]-(r:SourceRecord)
RETURN p.personId AS personId, p.displayName AS name, p.status AS status,
       coalesce(i.generic, false) AS genericIdentifier,
       collect(r.recordKey) AS records, collect(DISTINCT r.source) AS sources
ORDER BY personId
LIMIT 25;
