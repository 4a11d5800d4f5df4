"""Households: people who share a home and something only a household shares.

Two residents of one address are one household while their residence periods overlap and they
share a family name, a landline or a device. Identifiers that merge protection refused to merge
on (the family's landline, the shared tablet) are exactly such evidence. A resident who moved out
stays a member only until the day they left; someone who moved in later never joins them.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

import networkx as nx
import phonenumbers

RULE = "co-resident sharing a family name, landline or device"
LANDLINE_TYPES = {phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


@dataclass(frozen=True)
class Residence:
    """One person's holding of one address, with what they hold that a household may share."""
    person_id: str
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    family_keys: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()     # identifier keys, 'phone:+44...'
    devices: frozenset[str] = frozenset()    # identifier keys, 'device:...'
    refused: frozenset[str] = frozenset()    # identifier keys merge protection refused to merge on


@dataclass(frozen=True)
class Evidence:
    kind: str            # familyName | landline | device
    value: str           # the family name key or identifier key
    mergeRefused: bool = False

    def label(self) -> str:
        """'familyName:wilson', 'landline:+441174960321', 'device:tab-8c41e7' (as stored on MEMBER_OF)."""
        return f"{self.kind}:{self.value.split(':', 1)[1] if self.kind != 'familyName' else self.value}"


@dataclass
class Membership:
    person_id: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    evidence: list[Evidence] = field(default_factory=list)

    def current(self, today: dt.date) -> bool:
        return self.valid_to is None or self.valid_to >= today


@dataclass
class Household:
    household_id: str
    address_key: str
    members: list[Membership]

    def member(self, person_id: str) -> Membership | None:
        return next((m for m in self.members if m.person_id == person_id), None)

    def current(self, today: dt.date) -> bool:
        return sum(m.current(today) for m in self.members) >= 2


def is_landline(phone_key: str) -> bool:
    try:
        number = phonenumbers.parse(phone_key.removeprefix("phone:"))
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(number) in LANDLINE_TYPES


def household_id(address_key: str, n: int = 0) -> str:
    digest = hashlib.sha1(address_key.encode()).hexdigest()[:16]
    return f"H-{digest}" + (f"-{n + 1}" if n else "")


def _overlap(a: Residence, b: Residence) -> Period | None:
    start = max(a.valid_from or dt.date.min, b.valid_from or dt.date.min)
    end = min(a.valid_to or dt.date.max, b.valid_to or dt.date.max)
    if start > end:
        return None
    return (None if start == dt.date.min else start), (None if end == dt.date.max else end)


def shared_evidence(a: Residence, b: Residence) -> list[Evidence]:
    refused = a.refused | b.refused
    found = [Evidence("familyName", k) for k in sorted(a.family_keys & b.family_keys)]
    found += [Evidence("landline", k, k in refused) for k in sorted(a.phones & b.phones) if is_landline(k)]
    found += [Evidence("device", k, k in refused) for k in sorted(a.devices & b.devices)]
    return found


Period = tuple[dt.date | None, dt.date | None]   # None: open-ended


def _widen(period: Period | None, start: dt.date | None, end: dt.date | None) -> Period:
    if period is None:
        return start, end
    lo = None if period[0] is None or start is None else min(period[0], start)
    hi = None if period[1] is None or end is None else max(period[1], end)
    return lo, hi


def derive(address_key: str, residents: list[Residence]) -> list[Household]:
    """The households at one address: groups of residents tied by evidence while living together."""
    residents = list({r.person_id: r for r in sorted(residents, key=lambda r: r.person_id)}.values())
    graph: nx.Graph[str] = nx.Graph()
    periods: dict[str, Period] = {}
    evidence: dict[str, dict[str, Evidence]] = {}
    for i, a in enumerate(residents):
        for b in residents[i + 1:]:
            overlap = _overlap(a, b)
            found = shared_evidence(a, b) if overlap else []
            if not overlap or not found:
                continue
            graph.add_edge(a.person_id, b.person_id)
            for pid in (a.person_id, b.person_id):
                periods[pid] = _widen(periods.get(pid), *overlap)
                evidence.setdefault(pid, {}).update({e.label(): e for e in found})
    groups = sorted((sorted(c) for c in nx.connected_components(graph)), key=lambda c: c[0])
    return [Household(household_id(address_key, n), address_key,
                      [Membership(pid, *periods[pid], sorted(evidence[pid].values(), key=Evidence.label))
                       for pid in group])
            for n, group in enumerate(groups)]
