"""Use cases: why a person matters (value, reach, network, business, priority) and the ranking."""
from __future__ import annotations

import datetime as dt

from graph.analytics import scoring, social_rank
from graph.privacy.purpose import persons_consent
from graph.reads.views import TIER_RANK, resolve_id
from graph.store import queries_analytics
from graph.store.values import native, plain


def latest_run(tx) -> dict | None:
    row = tx.run(queries_analytics.LATEST_RUN).single()
    return plain(row["run"]) if row else None


def company_facts(tx, company_keys: list[str]) -> dict[str, dict]:
    """Known employees (active persons with a current job there) and their known spend."""
    out = {}
    for r in tx.run(queries_analytics.COMPANY_FACTS, companyKeys=sorted(set(company_keys))):
        spend = sum(s for person in r["spends"] for s in person if s is not None)
        out[r["companyKey"]] = {"companyKey": r["companyKey"], "name": r["name"],
                                "knownEmployees": r["knownEmployees"], "knownSpend": round(spend, 2),
                                "parentKey": r["parentKey"], "parent": r["parentName"]}
    return out


def metrics(rows: list[dict]) -> dict:
    spend = [r["lifetimeSpend"] for r in rows if r.get("lifetimeSpend") is not None]
    tiers = [r["tier"] for r in rows if r.get("tier")]
    activity = [native(r["lastActivity"]) for r in rows if r.get("lastActivity")]
    return {"lifetimeSpend": round(sum(spend), 2) if spend else None,
            "tier": max(tiers, key=lambda t: TIER_RANK.get(t.lower(), 0)) if tiers else None,
            "lastActivity": max(activity) if activity else None}


def profile(row: dict, companies: dict[str, dict], handle_count: int, run_id: str | None,
            today: dt.date) -> scoring.Profile:
    """A scoring Profile from one PROFILE row; PageRank counts once a run has ranked (a refresh
    clears the ranks of handles that left the social graph)."""
    m = metrics(row["metrics"])
    handles = distinct_handles(row)
    rank = sum(h.get("pagerank") or 0.0 for h in handles) if run_id else 0.0
    jobs = [j for j in row["jobs"] if native(j.get("validTo")) is None or native(j["validTo"]) >= today]
    comps = []
    for key in sorted({j["companyKey"] for j in jobs}):
        mine = [j for j in jobs if j["companyKey"] == key]
        facts = companies.get(key, {})
        comps.append(scoring.Company(
            mine[0]["name"], key, facts.get("knownEmployees", mine[0].get("knownEmployees") or 0),
            facts.get("knownSpend", mine[0].get("knownSpend") or 0.0),
            any(j["decisionMaker"] for j in mine), next((j["title"] for j in mine if j.get("title")), None),
            facts.get("parent")))
    return scoring.Profile(row["personId"], row["name"], m["lifetimeSpend"], m["tier"], m["lastActivity"],
                           sum(_followers(h) for h in handles), social_rank.relative(rank, handle_count),
                           tuple(comps))


def distinct_handles(row: dict) -> list[dict]:
    """A PROFILE row's handles, each once: its followers and PageRank count once, however many of
    the person's records name it."""
    return list({h["key"]: h for h in row["handles"] if h.get("key")}.values())


def _followers(handle: dict) -> int:
    """Declared followers, or the followers we see in the graph when that is more."""
    return max(handle.get("followers") or 0, handle.get("knownFollowers") or 0)


WITHHELD = "derived from records withheld for this purpose"


def influence(tx, person_id: str, today: dt.date | None = None, purpose: str | None = None) -> dict:
    """Why a person matters. Every figure is derived from all of their records, so for a `purpose` one
    of those records may not serve, the answer is withheld, as the person view's scores are."""
    today = today or dt.date.today()
    target, redirected_from = resolve_id(tx, person_id)
    if purpose and not persons_consent(tx, [target])[target].derived_allowed(purpose):
        return {"personId": target, "purpose": purpose, "withheld": WITHHELD,
                **({"redirectedFrom": redirected_from} if redirected_from else {})}
    row = dict(tx.run(queries_analytics.PROFILE, personIds=[target]).single())
    run = latest_run(tx)
    companies = company_facts(tx, [j["companyKey"] for j in row["jobs"]])
    p = profile(row, companies, (run or {}).get("socialHandles", 0), (run or {}).get("runId"), today)
    s = scoring.score(p, today)
    handles = [{"handle": h["key"], "platform": h.get("platform"), "followers": h.get("followers"),
                "knownFollowers": h.get("knownFollowers"), "pagerank": h.get("pagerank")}
               for h in distinct_handles(row)]
    view = {
        "personId": target, "name": p.name,
        "reach": {"followers": p.followers, "handles": sorted(handles, key=lambda h: h["handle"]),
                  "score": s.reach},
        "network": {"pagerank": sum(h["pagerank"] or 0 for h in handles) if run else None,
                    "relativeToAverage": p.network, "asOf": (run or {}).get("finishedAt"),
                    "note": None if run else "run `idgraph analytics refresh` to compute PageRank"},
        "business": {"decisionMaker": p.decision_maker, "score": s.business,
                     "companies": [{"companyKey": c.company_key, "name": c.name, "title": c.title,
                                    "decisionMaker": c.decision_maker, "knownEmployees": c.known_employees,
                                    "knownSpend": c.known_spend, "parent": c.parent} for c in p.companies]},
        "value": {"lifetimeSpend": p.spend, "tier": p.tier, "lastActivity": p.last_activity,
                  "daysSinceActivity": (today - p.last_activity).days if p.last_activity else None,
                  "score": s.value},
        "priority": {"score": s.priority, "level": s.level, "reasons": list(s.reasons)},
        "flags": list(s.flags)}
    if purpose:
        view["purpose"] = purpose
    if redirected_from:
        view["redirectedFrom"] = redirected_from
    return view


def ranking(tx, order: str, limit: int, purpose: str | None = None) -> dict:
    """Persons by the scores the latest `analytics refresh` wrote, value and reach side by side.

    For a `purpose`, a person one of whose records it may not use is left out (the scores derive from
    all of them; `withheldCount` counts those before the page's end); ranks stay those of the whole
    ranking. More rows are read, doubling, until `limit` remain or there are no more."""
    size = limit
    while True:
        answer = _ranking(tx, order, size)
        if not purpose:
            return answer
        who = persons_consent(tx, [p["personId"] for p in answer["persons"]])
        allowed = [who[p["personId"]].derived_allowed(purpose) for p in answer["persons"]]
        if sum(allowed) >= limit or len(answer["persons"]) < size:
            break
        size *= 2
    kept = [p for p, ok in zip(answer["persons"], allowed, strict=True) if ok][:limit]
    end = kept[-1]["rank"] if len(kept) == limit else len(answer["persons"])
    withheld = sum(1 for p, ok in zip(answer["persons"], allowed, strict=True) if not ok and p["rank"] <= end)
    return dict(answer, limit=limit, persons=kept, purpose=purpose, withheldCount=withheld,
                flagged={flag: [p["personId"] for p in kept if flag in p["flags"]] for flag in answer["flagged"]})


def _ranking(tx, order: str, limit: int) -> dict:
    run = latest_run(tx)
    rows = [plain(dict(r)) for r in tx.run(queries_analytics.RANKING[order], limit=limit)]
    persons = [{"rank": n, "personId": r["personId"], "name": r["name"],
                "value": {"score": r["valueScore"], "lifetimeSpend": r["lifetimeSpend"], "tier": r["tier"],
                          "lastActivity": r["lastActivity"]},
                "reach": {"followers": r["reach"], "score": r["reachScore"],
                          "networkInfluence": r["networkInfluence"]},
                "business": {"score": r["businessScore"], "decisionMaker": r["decisionMaker"]},
                "priority": {"score": r["priorityScore"], "level": r["priority"], "reasons": r["reasons"] or []},
                "flags": r["flags"] or []}
               for n, r in enumerate(rows, start=1)]
    return {"order": order, "limit": limit, "refreshedAt": (run or {}).get("finishedAt"),
            "runId": (run or {}).get("runId"), "persons": persons,
            "flagged": {"highValueLowReach": [p["personId"] for p in persons if "highValueLowReach" in p["flags"]],
                        "highReachNoPurchase": [p["personId"] for p in persons
                                                if "highReachNoPurchase" in p["flags"]]}}
