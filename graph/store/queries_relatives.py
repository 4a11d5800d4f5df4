"""Reads for fitting the relatives' prior to the stored data (graph/resolution/relatives_prior.py)."""

# What tells a cached sample is still the store's: the first record a label scan meets (a store
# cleared and loaded again starts with another). One row, no count: this runs with every chunk.
STORE_MARK = """
MATCH (first:SourceRecord)
WITH first LIMIT 1
RETURN first.recordKey + ' ' + coalesce(first.fingerprint, '') AS first
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
