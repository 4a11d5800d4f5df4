// Identifiers shared by many people right now: switchboards, family phones, shared tablets,
// family e-mail boxes. `generic` ones stopped stitching; `mergeRefused` ones were kept apart by a
// conflicting fact (and count as household evidence). Addresses are left out (see 13).
// $minPersons: at least this many different active persons hold it currently.
// :param minPersons => 2
MATCH (i:Identifier)<-[l {current: true}]-(:SourceRecord)-[:DESCRIBES]->(p:Person {status: 'active'})
WHERE i.kind <> 'address' AND (l.validTo IS NULL OR l.validTo >= date())
WITH i, collect(DISTINCT p.personId) AS persons
WHERE size(persons) >= $minPersons
RETURN i.key AS identifier, i.kind AS kind, size(persons) AS persons,
       coalesce(i.generic, false) AS generic, i.mergeRefused AS mergeRefused
ORDER BY persons DESC, identifier
LIMIT 100;
