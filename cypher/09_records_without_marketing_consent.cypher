// Records without marketing consent: refused outright (refused = true) or never asked.
// Use before any campaign: a person may be contacted only through records that consent.
// $source: one silo ('loyalty', 'crm', 'webshop', 'callcentre', 'social') or null for all.
// :param source => null
MATCH (r:SourceRecord)
WHERE NOT 'marketing' IN coalesce(r.consentGranted, [])
  AND ($source IS NULL OR r.source = $source)
OPTIONAL MATCH (r)-[:DESCRIBES]->(p:Person)
RETURN r.recordKey AS record, r.source AS source, 'marketing' IN coalesce(r.consentDenied, []) AS refused,
       p.personId AS personId, p.displayName AS name
ORDER BY record
LIMIT 1000;
