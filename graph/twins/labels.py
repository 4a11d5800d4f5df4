"""What is known about a customer, as the twin model's labels, and the intention a history shows.

An intention is the category someone buys next. For a known customer that is observable: their
last purchase, seen from the history before it. So a training example is (behaviour before the last
purchase, its category), and a visitor's intention is predicted from all of its behaviour: the same
profile (features.py) on both sides.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from graph.twins.features import PURCHASES, Event, category, event_time

AGE_BANDS = ((35, "18-34"), (55, "35-54"), (200, "55+"))
VALUE_BANDS = ((500.0, "low"), (2500.0, "mid"), (float("inf"), "high"))   # lifetime spend


def intention_split(events: Sequence[Event]) -> tuple[list[Event], str | None]:
    """The events before the last purchase with a usable category, and that category (None: no purchase)."""
    ordered = sorted(events, key=event_time)
    for i in range(len(ordered) - 1, -1, -1):
        if ordered[i].get("kind") in PURCHASES and category(ordered[i]):
            return ordered[:i], category(ordered[i])
    return list(ordered), None


def age_band(birth_date: dt.date | None, today: dt.date) -> str | None:
    if birth_date is None:
        return None
    age = today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))
    if age < 18:
        return None   # minors are never profiled
    return next(band for end, band in AGE_BANDS if age < end)


def value_band(lifetime_spend: float | None) -> str | None:
    if lifetime_spend is None:
        return None
    return next(band for end, band in VALUE_BANDS if lifetime_spend < end)


def known_labels(facts: Mapping[str, object], today: dt.date) -> dict[str, str]:
    """The segments a person's stored facts state (birthDate, lifetimeSpend, and `segments` a source
    sends as given, e.g. area or lifeStage), by target name."""
    given = facts.get("segments")
    labels = {str(k): str(v) for k, v in given.items() if v} if isinstance(given, Mapping) else {}
    birth = facts.get("birthDate")
    band = age_band(birth if isinstance(birth, dt.date) else None, today)
    spend = facts.get("lifetimeSpend")
    value = value_band(float(spend) if isinstance(spend, int | float) else None)
    return labels | {k: v for k, v in (("ageBand", band), ("valueBand", value)) if v}
