// Household devices: a device or cookie held by two or more current members of one household (a
// shared tablet), with the visits seen on it that attached to nobody (both spouses hold it equally,
// so neither profile gets them).
// :param minMembers => 2
MATCH (h:Household)<-[m:MEMBER_OF {current: true}]-(p:Person {status: 'active'})
      <-[:DESCRIBES]-(:SourceRecord)-[{current: true}]->(d:Identifier {kind: 'device'})
WITH h, d, collect(DISTINCT p.displayName) AS members
WHERE size(members) >= $minMembers
OPTIONAL MATCH (e:Event)
WHERE e.recordKey IS NULL AND d.key IN e.identifierKeys
RETURN h.name AS household, d.key AS device, members, count(e) AS unattachedEvents,
       collect(e.eventKey) AS events
ORDER BY household, device
LIMIT 100;
