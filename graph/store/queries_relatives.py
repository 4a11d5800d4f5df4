"""Reads for fitting the relatives' prior to the stored data (graph/resolution/relatives_prior.py)."""

# What tells a cached sample is still the store's: how many records, and the first one a label scan
# meets (a store cleared and loaded again with as many records starts with another).
STORE_MARK = """
MATCH (r:SourceRecord)
WITH count(r) AS records
MATCH (first:SourceRecord)
WITH records, first LIMIT 1
RETURN records, first.recordKey + ' ' + coalesce(first.fingerprint, '') AS first
"""

# The match fields of records that share an address, a bounded sample: the first $scan addresses,
# of those the ones held by two to $cap records (more is a hub: resolution skips it too), the
# records being ingested left out (they are counted as the chunk's own).
ADDRESS_GROUPS = """
MATCH (a:Address)
WITH a LIMIT $scan
MATCH (a)<-[:HAS_ADDRESS]-(r:SourceRecord)
WHERE NOT r.recordKey IN $exclude
WITH a, collect(DISTINCT r.matchFields) AS fields
WHERE size(fields) > 1 AND size(fields) <= $cap
RETURN fields
"""
