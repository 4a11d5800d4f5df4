"""Reads for fitting the relatives' prior to the stored data (graph/resolution/relatives_prior.py)."""

# The match fields of records that share an address, a bounded sample: the first $scan addresses,
# of those the ones held by two to $cap records (more is a hub: resolution skips it too).
ADDRESS_GROUPS = """
MATCH (a:Address)
WITH a LIMIT $scan
MATCH (a)<-[:HAS_ADDRESS]-(r:SourceRecord)
WITH a, collect(DISTINCT r.matchFields) AS fields
WHERE size(fields) > 1 AND size(fields) <= $cap
RETURN fields
"""
