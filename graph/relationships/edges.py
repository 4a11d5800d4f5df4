"""Use cases: store social edges (FOLLOWS, MENTIONS between handles) and company parents."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from graph.analytics.social_rank import SOCIAL_EDGE_TYPES
from graph.errors import Conflict, InvalidRecord
from graph.intake import normalize as norm
from graph.store import queries_analytics

# The API's edge type ('follows') -> the relationship type it is stored as ('FOLLOWS').
EDGE_TYPES = {edge_type.lower(): edge_type for edge_type in SOCIAL_EDGE_TYPES}


@dataclass(frozen=True)
class Handle:
    platform: str
    handle: str

    @property
    def key(self) -> str:
        return f"social:{self.platform}:{self.handle}"


@dataclass(frozen=True)
class SocialEdge:
    source: Handle
    target: Handle
    type: str                 # FOLLOWS | MENTIONS
    observed_at: dt.datetime
    origin: str | None = None


def _handle(platform: str, value: str, path: str) -> Handle:
    try:
        return Handle(*norm.normalize_handle(platform, value))
    except norm.NormalizationError as exc:
        field = "platform" if exc.field == "platform" else path
        raise InvalidRecord(field, exc.reason) from None


def build_edges(items: list[dict]) -> list[SocialEdge]:
    """Normalise validated edge items; InvalidRecord names the failing field ('edges[2].to')."""
    edges = []
    for n, item in enumerate(items):
        where = f"edges[{n}]"
        try:
            source = _handle(item["platform"], item["from_"] if "from_" in item else item["from"], "from")
            target = _handle(item["platform"], item["to"], "to")
        except InvalidRecord as exc:
            raise InvalidRecord(f"{where}.{exc.field}", exc.reason) from None
        if source == target:
            raise InvalidRecord(f"{where}.to", "a handle cannot follow or mention itself")
        observed = item.get("observedAt") or dt.datetime.now(dt.UTC)
        edges.append(SocialEdge(source, target, EDGE_TYPES[item["type"]], observed, item.get("source")))
    return edges


def store_edges(tx, edges: list[SocialEdge]) -> dict:
    """MERGE the handles and edges; re-sending an edge only widens its firstSeen/lastSeen."""
    handles = {h.key: h for e in edges for h in (e.source, e.target)}
    tx.run(queries_analytics.UPSERT_HANDLES, handles=[{"key": h.key, "value": f"{h.platform}:{h.handle}",
                                        "platform": h.platform, "handle": h.handle}
                                       for h in sorted(handles.values(), key=lambda h: h.key)]).consume()
    created = 0
    for edge_type, statement in queries_analytics.MERGE_EDGE.items():
        rows: dict[tuple[str, str], dict[str, Any]] = {}
        for e in edges:
            if e.type == edge_type:
                row = rows.setdefault((e.source.key, e.target.key), {
                    "from": e.source.key, "to": e.target.key, "observedAt": e.observed_at, "source": e.origin})
                row["observedAt"] = max(row["observedAt"], e.observed_at)
        if rows:
            record = tx.run(statement, edges=[rows[k] for k in sorted(rows)]).single()
            created += record["created"] or 0
    return {"received": len(edges), "created": created, "existing": len({(e.source.key, e.target.key, e.type)
                                                                         for e in edges}) - created,
            "handles": len(handles)}


@dataclass(frozen=True)
class CompanyLink:
    company_key: str
    name: str
    parent_key: str | None = None
    parent_name: str | None = None
    observed_at: dt.datetime | None = None
    origin: str | None = None


def build_companies(items: list[dict]) -> list[CompanyLink]:
    out = []
    for n, item in enumerate(items):
        try:
            key = norm.company_key(item["name"])
        except norm.NormalizationError as exc:
            raise InvalidRecord(f"companies[{n}].name", exc.reason) from None
        parent_key = None
        if item.get("parent"):
            try:
                parent_key = norm.company_key(item["parent"])
            except norm.NormalizationError as exc:
                raise InvalidRecord(f"companies[{n}].parent", exc.reason) from None
            if parent_key == key:
                raise InvalidRecord(f"companies[{n}].parent", "a company cannot be its own parent")
        out.append(CompanyLink(key, item["name"].strip(), parent_key, (item.get("parent") or "").strip() or None,
                               item.get("observedAt") or dt.datetime.now(dt.UTC), item.get("source")))
    return out


def _cycle(index: int) -> Conflict:
    return Conflict(f"companies[{index}].parent", "would make the company its own ancestor")


def store_companies(tx, companies: list[CompanyLink]) -> dict:
    rows: dict[str, dict[str, str | None]] = {c.company_key: {"companyKey": c.company_key, "name": c.name}
                                               for c in companies}
    rows.update({c.parent_key: {"companyKey": c.parent_key, "name": c.parent_name}
                 for c in companies if c.parent_key and c.parent_key not in rows})
    tx.run(queries_analytics.UPSERT_COMPANIES, companies=[rows[k] for k in sorted(rows)]).consume()
    links = [{"child": c.company_key, "parent": c.parent_key, "source": c.origin, "observedAt": c.observed_at}
             for c in companies if c.parent_key]
    _refuse_cycles(tx, companies, links)
    if links:
        tx.run(queries_analytics.LINK_PARENTS, links=links).consume()
    return {"companies": [{"companyKey": c.company_key, "name": c.name, "parentKey": c.parent_key}
                          for c in companies]}


def _refuse_cycles(tx, companies: list[CompanyLink], links: list[dict]) -> None:
    parents = {c.company_key: c.parent_key for c in companies if c.parent_key}
    for n, c in enumerate(companies):      # cycles within the request itself
        seen, key = {c.company_key}, c.parent_key
        while key in parents and key not in seen:
            seen.add(key)
            key = parents[key]
        if key in seen and c.parent_key:
            raise _cycle(n)
    if links:
        looped = {row["child"] for row in tx.run(queries_analytics.PARENT_CYCLES, links=links)}
        for n, c in enumerate(companies):
            if c.company_key in looped:
                raise _cycle(n)
