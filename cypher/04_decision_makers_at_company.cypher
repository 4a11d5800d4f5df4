// Decision makers at a company or anywhere in its group (subsidiaries up to three levels down),
// with the number of employees we know there and their value to us.
// $companyKey: the normalised company name: lower case, legal suffixes removed
//              ('ACME Travel Ltd' and 'Acme Travel Limited' are both 'acme travel').
// :param companyKey => 'acme group'
MATCH (top:Company {companyKey: $companyKey})
MATCH (c:Company)
WHERE c = top OR EXISTS { (c)-[:SUBSIDIARY_OF*1..3]->(top) }
MATCH (c)<-[w:WORKS_AT {current: true}]-(:SourceRecord)-[:DESCRIBES]->(p:Person {status: 'active'})
WHERE w.decisionMaker = true AND (w.validTo IS NULL OR w.validTo >= date())
RETURN p.personId AS personId, p.displayName AS name, c.name AS company, collect(DISTINCT w.title) AS titles,
       c.knownEmployees AS knownEmployees, p.valueScore AS valueScore
ORDER BY name
LIMIT 100;
