"""Whole-graph statements: tests and benchmarks start from an empty graph."""
from __future__ import annotations

# In pieces: one transaction deleting a large graph would pass Neo4j's transaction memory limit.
CLEAR_PIECE = "MATCH (n) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS deleted"
CLEAR_PIECE_SIZE = 20_000


def clear_all(store) -> None:
    """Delete every node and relationship."""
    while store.write(lambda tx: tx.run(CLEAR_PIECE, limit=CLEAR_PIECE_SIZE).single()["deleted"]) == CLEAR_PIECE_SIZE:
        pass
