"""A person's history, read from what ingestion kept (graph/history/ingest.py): every name, job title
and address (with its use) each record stated, from when to when, current values first; and the life
events these changes make for the timeline. Pure.

A value's validFrom is the source's own, else the day of the observation that first stated it; its
validTo the source's own, else the day of the observation that replaced or dropped it.
"""
from __future__ import annotations

import datetime as dt


def _day(value) -> dt.date | None:
    """A date from a stored date, datetime (plain values, graph.store.values.plain) or ISO text."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10]) if value else None
    return value


def _period(link: dict) -> dict:
    start = _day(link.get("validFrom")) or _day(link.get("firstObservedAt"))
    return {"validFrom": start, "validTo": _day(link.get("validTo")), "current": bool(link.get("current"))}


def _order(entries: list[dict]) -> list[dict]:
    """Current values first, then the most recent."""
    return sorted(entries, key=lambda e: (not e["current"], -(e["validFrom"] or dt.date.min).toordinal(),
                                          e.get("record", "")))


def _names(records: list[dict]) -> list[dict]:
    out = []
    for r in records:
        base = {"record": r["recordKey"], "source": r.get("source")}
        if r.get("fullName"):
            out.append(dict(base, value=r["fullName"], validFrom=_day(r.get("nameFrom")), validTo=None, current=True))
        past = zip(r.get("pastNames") or [], r.get("pastNamesFrom") or [], r.get("pastNamesTo") or [], strict=False)
        out += [dict(base, value=name, validFrom=_day(start), validTo=_day(end), current=False)
                for name, start, end in past]
    return out


def _jobs(links: list[dict]) -> list[dict]:
    return [{"company": row["node"].get("name"), "title": row["link"].get("title"), **_period(row["link"]),
             "record": row["record"], "source": row["link"].get("source"),
             **({"closedBecause": row["link"]["closedBecause"]} if row["link"].get("closedBecause") else {})}
            for row in links if "companyKey" in row["node"]]


def _addresses(links: list[dict]) -> list[dict]:
    return [{"value": row["node"].get("value"), "use": row["link"].get("use"), **_period(row["link"]),
             "record": row["record"], "source": row["link"].get("source"),
             **({"closedBecause": row["link"]["closedBecause"]} if row["link"].get("closedBecause") else {})}
            for row in links if row["node"].get("kind") == "address"]


def history_of(records: list[dict], links: list[dict]) -> dict:
    """Names, jobs and addresses over time, from the given (already purpose-filtered) records and
    their links ({record, link, node} rows with plain values)."""
    return {"names": _order(_names(records)), "jobs": _order(_jobs(links)), "addresses": _order(_addresses(links))}


def life_events(history: dict, death: dict | None = None) -> list[dict]:
    """The changes a history shows, newest first: each value that started or ended on a known day, and death."""
    out = []
    for kind, entries in (("name", history["names"]), ("job", history["jobs"]), ("address", history["addresses"])):
        for e in entries:
            what = {k: e[k] for k in ("value", "company", "title", "use") if e.get(k) is not None}
            out += [{"kind": kind, "change": change, "on": e[field], **what, "record": e["record"]}
                    for change, field in (("started", "validFrom"), ("ended", "validTo")) if e[field]]
    if death:
        out.append({"kind": "death", "change": "died", "on": death["since"], "record": death["evidence"][0]["record"]})
    return sorted(out, key=lambda e: (e["on"], e["kind"], e["change"]), reverse=True)
