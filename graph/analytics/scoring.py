"""Customer value, reach, business influence and the priority an agent should give a person.

Every score is 0-100 and every priority comes with the reasons behind it. Pure: the store reads a
Profile per person, these functions score it.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

TIER_POINTS = {"platinum": 20, "diamond": 20, "gold": 15, "silver": 10, "bronze": 6, "blue": 5, "member": 5}
HIGH_VALUE = 70.0          # value score from which a customer counts as valuable
LOW_REACH = 500            # fewer followers than this is low reach
HIGH_REACH = 10_000        # this many followers or more is high reach
WEIGHTS = {"value": 0.5, "business": 0.25, "reach": 0.25}
LEVELS = ((60.0, "high"), (35.0, "medium"), (0.0, "low"))


@dataclass(frozen=True)
class Company:
    name: str
    company_key: str
    known_employees: int = 0
    known_spend: float = 0.0
    decision_maker: bool = False
    title: str | None = None
    parent: str | None = None


@dataclass(frozen=True)
class Profile:
    person_id: str
    name: str | None = None
    spend: float | None = None
    tier: str | None = None
    last_activity: dt.date | None = None
    followers: int = 0
    network: float = 0.0                 # PageRank relative to the average handle (1.0 = average)
    companies: tuple[Company, ...] = field(default_factory=tuple)

    @property
    def bought(self) -> bool:
        return bool(self.spend)

    @property
    def decision_maker(self) -> bool:
        return any(c.decision_maker for c in self.companies)


@dataclass(frozen=True)
class Scores:
    value: float
    reach: float
    business: float
    priority: float
    level: str
    reasons: tuple[str, ...]
    flags: tuple[str, ...]


def _log_share(x: float, full: float) -> float:
    """0 at 0, 1 at `full`, logarithmic in between, capped at 1."""
    return min(1.0, math.log10(1 + max(x, 0)) / math.log10(1 + full))


def value_score(p: Profile, today: dt.date) -> float:
    spend = 60 * _log_share(p.spend or 0, 100_000)
    tier = TIER_POINTS.get((p.tier or "").lower(), 0)
    return round(spend + tier + _recency_points(p.last_activity, today), 1)


def _recency_points(last: dt.date | None, today: dt.date) -> float:
    if last is None:
        return 0.0
    days = (today - last).days
    return 20.0 if days <= 90 else 12.0 if days <= 365 else 5.0 if days <= 3 * 365 else 0.0


def reach_score(p: Profile) -> float:
    followers = 80 * _log_share(p.followers, 1_000_000)
    network = 20 * min(1.0, math.log2(1 + p.network) / math.log2(1 + 10))   # 10x average = full marks
    return round(followers + network, 1)


def business_score(p: Profile) -> float:
    if not p.companies:
        return 0.0
    best = max(p.companies, key=lambda c: (c.decision_maker, c.known_employees))
    size = 30 * _log_share(best.known_employees, 1_000)
    spend = 20 * _log_share(best.known_spend, 1_000_000)
    return round((50 if p.decision_maker else 10) + size + spend, 1)


def flags(p: Profile, value: float) -> tuple[str, ...]:
    found = []
    if value >= HIGH_VALUE and p.followers < LOW_REACH:
        found.append("highValueLowReach")
    if p.followers >= HIGH_REACH and not p.bought:
        found.append("highReachNoPurchase")
    return tuple(found)


def _reasons(p: Profile, value: float, today: dt.date) -> list[str]:
    reasons = []
    if p.bought:
        reasons.append(f"customer: {p.spend:,.0f} spent" + (f", {p.tier} tier" if p.tier else ""))
    if p.last_activity and (today - p.last_activity).days <= 90:
        reasons.append(f"active in the last 90 days ({p.last_activity.isoformat()})")
    for c in p.companies:
        if c.decision_maker:
            reasons.append(f"decision maker at {c.name} ({c.known_employees} employees known"
                           + (f", {c.known_spend:,.0f} spent" if c.known_spend else "") + ")")
    if p.followers >= HIGH_REACH:
        reasons.append(f"{p.followers:,} followers" + ("" if p.bought else ", never bought: acquisition target"))
    elif value >= HIGH_VALUE and p.followers < LOW_REACH:
        reasons.append(f"valuable but only {p.followers:,} followers: social listening alone would miss them")
    if p.network >= 2:
        reasons.append(f"central in the social graph ({p.network:.1f}x the average PageRank)")
    return reasons or ["no purchases, reach or business role known"]


def score(p: Profile, today: dt.date) -> Scores:
    value, reach, business = value_score(p, today), reach_score(p), business_score(p)
    priority = round(WEIGHTS["value"] * value + WEIGHTS["business"] * business + WEIGHTS["reach"] * reach, 1)
    level = next(name for floor, name in LEVELS if priority >= floor)
    return Scores(value, reach, business, priority, level, tuple(_reasons(p, value, today)), flags(p, value))
