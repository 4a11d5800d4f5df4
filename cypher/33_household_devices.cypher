// Household devices: a device or cookie held by two or more current members of one household (a
// shared tablet), with the visits seen on it that went to the household rather than to either
// member (both hold it equally: graph/events/household.py).
// :param minMembers => 2
MATCH (h:Household)<-[m:MEMBER_OF {current: true}]-(p:Person {status: 'active'})
      <-[:DESCRIBES]-(:SourceRecord)-[{current: true}]->(d:Identifier {kind: 'device'})
WITH h, d, collect(DISTINCT p.displayName) AS members
WHERE size(members) >= $minMembers
OPTIONAL MATCH (e:Event {householdId: h.householdId})
WHERE d.key IN e.identifierKeys
WITH h, d, members, e ORDER BY e.eventKey
RETURN h.name AS household, d.key AS device, members, count(e) AS householdEvents,
       collect(e.eventKey) AS events
ORDER BY household, device
LIMIT 100;
