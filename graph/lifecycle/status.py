"""A person's lifecycle status per line of business and overall, from their purchases. Pure.

- customer: bought in the line within its window (`customerMonths`) before `today`; since the first
  purchase of the unbroken run that reaches today (no gap longer than the window);
- former customer: bought, but the last purchase is older than the window; since it lapsed;
- known prospect: never bought, identified for longer than `recentDays`; since then;
- new prospect: never bought, first seen within `recentDays`; since first seen.

Overall: customer in any line, else former customer in any, else a prospect. White space: the lines a
customer has never bought in. Evidence names the events that decide (newest first, at most five).
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from graph.lifecycle.definition import Definition, Line

CUSTOMER, FORMER, KNOWN, NEW = "customer", "former customer", "known prospect", "new prospect"
STATUSES = (CUSTOMER, FORMER, KNOWN, NEW)
EVIDENCE = 5


@dataclass(frozen=True)
class Purchase:
    event_key: str
    source: str
    line_of_business: str
    at: dt.datetime
    amount: float | None = None


def purchases_of(events: list[dict], definition: Definition) -> list[Purchase]:
    """The events that count as purchases under `definition` (each judged by its source's rules)."""
    out = []
    for e in events:
        line = definition.line_for(e["source"], e.get("lineOfBusiness"))
        if line and e["kind"] in line.purchase_kinds:
            out.append(Purchase(e["eventKey"], e["source"], e["lineOfBusiness"], e["at"], e.get("amount")))
    return out


def add_months(at: dt.datetime, months: int) -> dt.datetime:
    """The same day `months` later (the month's last day when it has fewer days)."""
    year, month = divmod(at.month - 1 + months, 12)
    year, month = at.year + year, month + 1
    return at.replace(year=year, month=month, day=min(at.day, calendar.monthrange(year, month)[1]))


def _lapse(at: dt.datetime, line: Line) -> dt.datetime:
    return add_months(at, line.customer_months)


def _line_status(bought: list[Purchase], line: Line, prospect: dict, today: dt.datetime) -> dict:
    if not bought:
        return dict(prospect)
    bought = sorted(bought, key=lambda p: p.at)
    last = bought[-1]
    if _lapse(last.at, line) < today:
        return {"status": FORMER, "since": _lapse(last.at, line), "evidence": [last.event_key],
                "lastPurchase": last.at, "purchases": len(bought)}
    start = len(bought) - 1
    while start > 0 and _lapse(bought[start - 1].at, line) >= bought[start].at:
        start -= 1
    run = bought[start:]
    return {"status": CUSTOMER, "since": run[0].at, "evidence": [p.event_key for p in reversed(run)][:EVIDENCE],
            "lastPurchase": last.at, "purchases": len(bought)}


def _prospect(first_seen: dt.datetime | None, recent_days: int, today: dt.datetime) -> dict:
    first = first_seen or today
    turns_known = first + dt.timedelta(days=recent_days)
    if turns_known > today:
        return {"status": NEW, "since": first, "evidence": []}
    return {"status": KNOWN, "since": turns_known, "evidence": []}


def lifecycle(purchases: list[Purchase], first_seen: dt.datetime | None, definition: Definition,
              today: dt.datetime, lines: list[str] | None = None, line_rules: dict[str, Line] | None = None) -> dict:
    """Status per line of business (`lines`, default the definition's) and overall, with white space."""
    rules = line_rules or definition.lines
    names = lines if lines is not None else sorted(rules)
    prospect = _prospect(first_seen, definition.recent_days, today)
    per_line = {}
    for name in names:
        rule = rules.get(name) or next((own[name] for own in definition.sources.values() if name in own), None)
        if rule is None:
            continue
        per_line[name] = _line_status([p for p in purchases if p.line_of_business == name], rule, prospect, today)
    return {"overall": _overall(per_line, prospect), "linesOfBusiness": per_line,
            "whiteSpace": _white_space(per_line)}


def _overall(per_line: dict[str, dict], prospect: dict) -> dict:
    customer = [s for s in per_line.values() if s["status"] == CUSTOMER]
    if customer:
        return {"status": CUSTOMER, "since": min(s["since"] for s in customer),
                "evidence": [k for s in customer for k in s["evidence"]][:EVIDENCE],
                "linesOfBusiness": sorted(n for n, s in per_line.items() if s["status"] == CUSTOMER)}
    former = [s for s in per_line.values() if s["status"] == FORMER]
    if former:
        return {"status": FORMER, "since": max(s["since"] for s in former),
                "evidence": [k for s in former for k in s["evidence"]][:EVIDENCE],
                "linesOfBusiness": sorted(n for n, s in per_line.items() if s["status"] == FORMER)}
    return dict(prospect, linesOfBusiness=[])


def _white_space(per_line: dict[str, dict]) -> list[str]:
    """Lines a customer (or former customer) has never bought in; none for a prospect."""
    if not any(s["status"] in (CUSTOMER, FORMER) for s in per_line.values()):
        return []
    return sorted(n for n, s in per_line.items() if s["status"] in (KNOWN, NEW))
