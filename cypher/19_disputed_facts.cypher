// Disputed facts: identifiers and addresses a customer said are not theirs (or links a steward
// cut), with the record holding them, the person, the dispute and its status. A disputed link is
// kept for the record but no longer answers who-is-this, stitches or counts in matching.
// $limit: how many links.
// :param limit => 50
MATCH (p:Person)<-[:DESCRIBES]-(r:SourceRecord)-[l]->(i:Identifier)
WHERE l.disputed = true
MATCH (d:StewardDecision {decisionId: l.disputeId})
RETURN i.key AS identifier, i.kind AS kind, r.recordKey AS record, p.personId AS personId,
       p.displayName AS name, d.action AS action, d.status AS status, d.reason AS reason, d.at AS at,
       l.current AS stillLinked
ORDER BY at, identifier, record
LIMIT $limit;
