// Merge history: every person id that was merged into the person behind an identifier, when,
// by which record and on what evidence. Merged ids keep answering with a pointer (mergedInto).
// $key: any identifier key of the surviving person.
// :param key => 'email:oliver.bennett@example.com'
MATCH (:Identifier {key: $key})<-[{current: true}]-(:SourceRecord)-[:DESCRIBES]->(p:Person)
WITH DISTINCT p
MATCH (old:Person)-[:MERGED_INTO*1..5]->(p)
MATCH (old)-[m:MERGED_INTO]->(into:Person)
RETURN DISTINCT old.personId AS mergedPerson, into.personId AS mergedInto, p.personId AS survivor,
       m.at AS at, m.rule AS rule, m.byRecord AS byRecord, m.evidence AS evidence
ORDER BY at
LIMIT 50;
