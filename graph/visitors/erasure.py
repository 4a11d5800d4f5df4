"""Use case (a hook of erasure, in its transaction): the visitors identified as an erased person are
the person's data and go with them; their devices are returned for the suppression list. A household
or shared visitor stays, without the person among those it was seen with."""
from __future__ import annotations

from graph.store import queries_visitors


def forget_person(tx, person_id: str) -> list[str]:
    """Delete the person's visitors; the device keys they were known by."""
    keys = [r["key"] for r in tx.run(queries_visitors.PERSON_VISITORS, personId=person_id)]
    if keys:
        tx.run(queries_visitors.DELETE_VISITORS, keys=keys).consume()
    tx.run(queries_visitors.UNLIST_PERSON, personId=person_id).consume()
    return keys
