// Social neighbourhood: handles within two FOLLOWS/MENTIONS hops of a handle (either direction),
// who owns them, their followers and PageRank (from `analytics refresh`).
// $handleKey: 'social:<platform>:<handle without @, lower case>'.
// :param handleKey => 'social:twitter:janesmith'
MATCH (h:SocialHandle {key: $handleKey})
MATCH path = (h)-[:FOLLOWS|MENTIONS*1..2]-(o:SocialHandle)
WHERE o <> h
WITH o, min(length(path)) AS hops
OPTIONAL MATCH (o)<-[:HAS_SOCIAL_HANDLE {current: true}]-(:SourceRecord)-[:DESCRIBES]->(p:Person {status: 'active'})
RETURN o.key AS handle, hops, o.followers AS followers, o.pagerank AS pagerank,
       collect(DISTINCT p.displayName) AS owners
ORDER BY hops, handle
LIMIT 100;
