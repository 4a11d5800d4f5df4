// A person's timeline: every touchpoint across silos, newest first, found by one identifier they hold.
// Events hang off the person's records through month buckets (never off the person), so this walks
// person <- records -> months <- events. Unlike GET /v1/persons/{id}/timeline, no purpose filter.
// :param key => 'account:webshop:jsmith84'
// :param limit => 20
MATCH (:Identifier {key: $key})<-[{current: true}]-(:SourceRecord)-[:DESCRIBES]->(p:Person {status: 'active'})
WITH DISTINCT p
MATCH (p)<-[:DESCRIBES]-(r:SourceRecord)-[:HAS_EVENTS]->(:EventMonth)<-[:IN_MONTH]-(e:Event)
RETURN e.eventKey AS event, e.at AS at, e.kind AS kind, e.source AS source, e.lineOfBusiness AS lineOfBusiness,
       e.amount AS amount, e.pageCategory AS pageCategory, e.caseStatus AS caseStatus, r.recordKey AS record
ORDER BY at DESC, event DESC
LIMIT $limit;
