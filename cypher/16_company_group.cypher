// A company group: the company, its subsidiaries (up to three levels) with the employees and
// spend we know at each (from `analytics refresh`), and how many of them decide.
// $companyKey: the normalised name of the group's top company.
// :param companyKey => 'acme group'
MATCH (top:Company {companyKey: $companyKey})
MATCH (c:Company)
WHERE c = top OR EXISTS { (c)-[:SUBSIDIARY_OF*1..3]->(top) }
OPTIONAL MATCH (c)-[:SUBSIDIARY_OF {current: true}]->(parent:Company)
RETURN c.name AS company, parent.name AS parent, coalesce(c.knownEmployees, 0) AS knownEmployees,
       coalesce(c.knownSpend, 0.0) AS knownSpend,
       COUNT { MATCH (c)<-[:WORKS_AT {current: true, decisionMaker: true}]-(:SourceRecord) } AS decisionMakerRecords
ORDER BY company
LIMIT 100;
