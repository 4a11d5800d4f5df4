// Person 360 as a picture, for Neo4j Browser: 02_person_360.cypher returns one row of lists, which
// Browser shows as a table; this returns the same person and parts as paths, which Browser draws.
// The person behind an identifier, every record that describes them, what those records hold now
// (identifiers, addresses, employers) and the households they belong to now.
// $key: any identifier key of the person.
// :param key => 'email:jane.smith@example.com'
MATCH (:Identifier {key: $key})<-[{current: true}]-(:SourceRecord)-[:DESCRIBES]->(p:Person)
WITH DISTINCT p
LIMIT 1
MATCH records = (p)<-[:DESCRIBES]-(r:SourceRecord)
OPTIONAL MATCH holds = (r)-[{current: true}]->()
OPTIONAL MATCH households = (p)-[:MEMBER_OF {current: true}]->(:Household)
RETURN records, holds, households;
