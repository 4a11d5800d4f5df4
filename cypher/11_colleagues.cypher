// Colleagues of the person behind an identifier: the same employer (company names matched across
// spellings), or the same corporate e-mail domain. Free-mail domains (gmail.com, outlook.com, ...)
// and placeholder domains are never corporate (e.corporate = false), so they link nobody.
// $key: any identifier key of the person.
// :param key => 'email:r.owen@northwind.example.com'
MATCH (:Identifier {key: $key})<-[{current: true}]-(:SourceRecord)-[:DESCRIBES]->(p:Person)
WITH DISTINCT p
OPTIONAL MATCH (p)<-[:DESCRIBES]-(:SourceRecord)-[:WORKS_AT {current: true}]->(c:Company)
               <-[:WORKS_AT {current: true}]-(:SourceRecord)-[:DESCRIBES]->(o1:Person {status: 'active'})
WHERE o1 <> p
WITH p, collect(DISTINCT {person: o1, evidence: 'same employer: ' + c.name}) AS byCompany
OPTIONAL MATCH (p)<-[:DESCRIBES]-(:SourceRecord)-[:HAS_EMAIL {current: true}]->(e:Email {corporate: true})
OPTIONAL MATCH (other:Email {domain: e.domain})<-[:HAS_EMAIL {current: true}]-(:SourceRecord)
               -[:DESCRIBES]->(o2:Person {status: 'active'})
WHERE o2 <> p
WITH byCompany, collect(DISTINCT {person: o2, evidence: 'corporate e-mail domain: ' + e.domain}) AS byDomain
UNWIND byCompany + byDomain AS link
WITH link
WHERE link.person IS NOT NULL
RETURN link.person.personId AS personId, link.person.displayName AS name,
       collect(DISTINCT link.evidence) AS evidence
ORDER BY name
LIMIT 100;
