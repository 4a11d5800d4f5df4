"""The persons a steward decision changes, as they were: taken before the change, restored by undo.

A snapshot holds each person's properties, the DESCRIBES link of each of their records (with its
properties) and every person-to-person link touching them (MERGED_INTO, POSSIBLY_SAME, SPLIT_FROM),
stored on the decision as JSON with typed dates, so an undo puts back exactly what was there.
"""
from __future__ import annotations

import datetime as dt
import json

from graph.store import queries_stewardship as q
from graph.store.values import native

TYPES = list(q.PERSON_LINKS)


def _encode(value):
    value = native(value)
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    return value


def _decode(value):
    if isinstance(value, dict) and "$datetime" in value:
        return dt.datetime.fromisoformat(value["$datetime"])
    if isinstance(value, dict) and "$date" in value:
        return dt.date.fromisoformat(value["$date"])
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def _props(mapping: dict | None) -> dict:
    return {k: _encode(v) for k, v in sorted((mapping or {}).items()) if v is not None}


def take(tx, person_ids: list[str]) -> dict:
    """The persons, with the persons redirected to them (a merge moves their redirect on)."""
    redirected = [r["personId"] for r in tx.run(q.REDIRECTED_TO, personIds=person_ids)]
    ids = sorted(set(person_ids) | set(redirected))
    persons = []
    for row in tx.run(q.PERSON_STATE, personIds=ids):
        persons.append({"personId": row["personId"], "props": _props(row["props"])})
    describes = [{"key": r["key"], "personId": r["personId"], "props": _props(r["props"])}
                 for r in tx.run(q.PERSON_DESCRIBES, personIds=ids)]
    links = [{"type": r["type"], "start": r["start"], "end": r["end"], "props": _props(r["props"])}
             for r in tx.run(q.PERSON_LINKS_OF, personIds=ids, types=TYPES)]
    links.sort(key=lambda link: (link["type"], link["start"], link["end"]))
    return {"personIds": ids, "persons": persons, "describes": sorted(describes, key=lambda d: d["key"]),
            "links": links}


def dumps(snapshot: dict) -> str:
    return json.dumps(snapshot, sort_keys=True, separators=(",", ":"))


def _decoded(rows: list[dict]) -> list[dict]:
    return [dict(row, props={k: _decode(v) for k, v in row["props"].items()}) for row in rows]


def restore(tx, text: str, created: list[str]) -> None:
    """Put the snapshot back; `created` are persons the decision made (deleted once emptied)."""
    snapshot = json.loads(text)
    ids = sorted(set(snapshot["personIds"]) | set(created))
    tx.run(q.DROP_PERSON_LINKS, personIds=ids, types=TYPES).consume()
    tx.run(q.RESTORE_DESCRIBES, rows=_decoded(snapshot["describes"])).consume()
    tx.run(q.RESTORE_PERSONS, rows=_decoded(snapshot["persons"])).consume()
    for name in q.PERSON_LINKS:
        rows = [link for link in _decoded(snapshot["links"]) if link["type"] == name]
        if rows:
            tx.run(q.RESTORE_LINK[name], rows=rows).consume()
    if created:
        tx.run(q.DELETE_EMPTY_PERSONS, personIds=created).consume()
