// Household members: who else lives with the person behind an identifier now, and the evidence
// (family name, landline, device) that makes them one household. Written by `analytics refresh`
// (MEMBER_OF is inferred: rule and evidence are on the relationship). A previous resident's
// membership ends the day they moved out (current: false), so they are not listed.
// $key: any identifier key of one member.
// :param key => 'email:david.wilson@example.net'
MATCH (:Identifier {key: $key})<-[{current: true}]-(:SourceRecord)-[:DESCRIBES]->(p:Person)
MATCH (p)-[:MEMBER_OF {current: true}]->(h:Household)<-[m:MEMBER_OF {current: true}]-(member:Person)
RETURN DISTINCT h.householdId AS household, h.name AS address, member.personId AS personId,
       member.displayName AS name, m.validFrom AS memberSince, m.evidence AS evidence
ORDER BY name
LIMIT 50;
