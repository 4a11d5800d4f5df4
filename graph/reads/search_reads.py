"""Read use case behind POST /v1/whois/search: find candidate persons through the graph, rank them.

Candidates come from indexed lookups only (identifier keys, the indexed family name, address
keys by prefix, the blocking keys ingestion stores on records), each capped, so a common
surname or a shared office phone costs a bounded read, never a scan. The pure ranking is
`graph.reads.search`.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from graph.matching import Model, match_input
from graph.model import Record
from graph.privacy import consent
from graph.reads import search
from graph.store import queries_explain
from graph.store.values import native, plain

ROUTE_CAP = 200            # persons (records for the name route) each route may bring
MAX_CANDIDATES = 300       # persons scored per query
MAX_RECORDS_PER_PERSON = 50
DEATH_FIELDS = ("deceased", "deceasedOn", "deathEventKey", "deathEventOn")


def _route_ids(tx, routes: search.Routes) -> tuple[dict[str, set[str]], bool]:
    found: dict[str, set[str]] = defaultdict(set)
    capped = False
    lookups: list[tuple[str, str, dict[str, Any]]] = []
    if routes.identifier_keys:
        lookups.append(("identifier", queries_explain.CANDIDATES_BY_IDENTIFIER, {"keys": list(routes.identifier_keys)}))
    if routes.family_keys:
        lookups.append(("name", queries_explain.CANDIDATES_BY_NAME, {"familyKeys": list(routes.family_keys),
                                                      "givenKeys": list(routes.given_keys),
                                                      "birthDate": routes.birth_date}))
    if routes.address_prefix:
        lookups.append(("address", queries_explain.CANDIDATES_BY_ADDRESS, {"prefix": routes.address_prefix}))
    lookups += [(f"blocking key {rule}", queries_explain.CANDIDATES_BY_BLOCK[rule], {"key": key})
                for rule, key in routes.blocks if rule in queries_explain.CANDIDATES_BY_BLOCK]
    for route, cypher, params in lookups:
        ids = [row["personId"] for row in tx.run(cypher, cap=ROUTE_CAP, **params)]
        capped |= len(ids) >= ROUTE_CAP
        for person_id in ids:
            found[person_id].add(route)
    return found, capped


def _usable(tx, person_ids: list[str], rows: list[dict], purpose: str | None) -> set[str]:
    """Keys of the records whose consent covers `purpose` (graph/privacy/consent.py), gated person by
    person: a deceased candidate is withheld whole from marketing (graph/privacy/deceased.py)."""
    if purpose is None:
        return {r["key"] for row in rows for r in row["records"] if r["key"]}
    changes = {row["record"]: [plain(c) for c in row["changes"]]
               for row in tx.run(queries_explain.CANDIDATE_CONSENT_CHANGES, personIds=person_ids)}
    usable: set[str] = set()
    for row in rows:
        fields = [{"recordKey": r["key"], "source": r["source"], "observedAt": native(r["observedAt"]),
                   "consentGranted": r["consentGranted"], "consentDenied": r["consentDenied"],
                   **{k: native(r.get(k)) for k in DEATH_FIELDS}} for r in row["records"] if r["key"]]
        usable |= consent.gate(fields, changes, purpose)[0]
    return usable


def _candidates(tx, person_ids: list[str], purpose: str | None) -> list[search.Candidate]:
    rows = [dict(row) for row in tx.run(queries_explain.CANDIDATE_RECORDS, personIds=person_ids)]
    usable = _usable(tx, person_ids, rows, purpose)
    return [search.Candidate(row["personId"], row["displayName"],
                             tuple((r["key"], match_input.loads(r["matchFields"]))
                                   for r in sorted(row["records"], key=lambda r: r["key"] or "")
                                   if r["key"] in usable)[:MAX_RECORDS_PER_PERSON])
            for row in rows]


def search_persons(tx, probe: Record, model: Model, floor: float, limit: int, purpose: str | None = None) -> dict:
    """Ranked candidate persons for a normalised probe record, from the records that may inform an
    answer for `purpose` only."""
    found, capped = _route_ids(tx, search.routes(probe))
    ids = sorted(found, key=lambda pid: (-len(found[pid]), pid))
    capped |= len(ids) > MAX_CANDIDATES
    candidates = _candidates(tx, ids[:MAX_CANDIDATES], purpose)
    ranked = search.rank(search.probe_fields(probe), candidates, model, floor, limit)
    for candidate in ranked:
        candidate["foundBy"] = sorted(found[candidate["personId"]])
    return {"candidates": ranked, "floor": floor, "considered": len(candidates), "capped": capped}
