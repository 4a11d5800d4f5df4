"""Use case helper: the person a visitor's stored ids name now. A visitor keeps the person id it was
identified with; when that person is later merged into another (at ingestion, by `idgraph resolve
--all` or by a steward) the id stays as a redirect, so every reader follows it here rather than each
merge path rewriting visitors."""
from __future__ import annotations

from collections.abc import Iterable

from graph.store import queries_visitors


def persons_now(tx, person_ids: Iterable[str | None]) -> dict[str, str]:
    """Each id -> the id of the person it names now (itself unless merged away)."""
    ids = sorted({p for p in person_ids if p})
    found = {r["personId"]: r["now"] for r in tx.run(queries_visitors.PERSONS_NOW, personIds=ids)} if ids else {}
    return {p: found.get(p) or p for p in ids}


def followed(now: dict[str, str], person_ids: Iterable[str]) -> tuple[str, ...]:
    """The ids as they are now, in order, each once (two persons seen apart may since be one)."""
    return tuple(dict.fromkeys(now.get(p, p) for p in person_ids))
