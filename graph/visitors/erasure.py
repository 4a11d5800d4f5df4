"""Use case (a hook of erasure, in its transaction): the visitors identified as an erased person (or
under an id since merged into them) are the person's data and go with them; their devices are
returned for the suppression list. A household or shared visitor stays, without the person among
those it was seen with."""
from __future__ import annotations

from graph.store import queries_privacy, queries_visitors


def forget_person(tx, person_id: str) -> list[str]:
    """Delete the person's visitors; the device keys they were known by."""
    ids = [person_id, *tx.run(queries_privacy.MERGED_AWAY, personId=person_id).single()["ids"]]
    keys = [r["key"] for r in tx.run(queries_visitors.PERSON_VISITORS, personIds=ids)]
    if keys:
        tx.run(queries_visitors.DELETE_VISITORS, keys=keys).consume()
    tx.run(queries_visitors.UNLIST_PERSON, personIds=ids).consume()
    return keys
