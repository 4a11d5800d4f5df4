"""The behaviour profile: one definition, used for anonymous visitors and known persons alike.

An event is a dict in the shape of `POST /v1/events` (`kind`, `at`, and the details it states:
`pageCategory`, `productCategory`, `channel`, `amount`, `deviceType`). A profile is a flat map of
named numbers, so the model's vocabulary grows with the categories a brand has:

| feature | value |
|---|---|
| `viewed:<category>` | share of the views (web visits, e-mail clicks) in that page or product category |
| `bought:<category>` | share of the purchases and orders in that product category (gifts have none) |
| `recent:<category>` | share of the views in the 30 days up to the latest view: what is being looked at now |
| `channel:<channel>` | share of the events by channel (the event's own, else one implied by its kind) |
| `device:<type>` | share of the events by device type, where the source states one |
| `time:<part>` | share of the events by part of the day, UTC: night 0-6, morning 6-12, afternoon 12-18, evening 18-24 |
| `weekend` | share of the events on a Saturday or Sunday |
| `recency` | 1 / (1 + months since the last event): 1 today, 0.5 a month ago |
| `frequency` | log(1 + events per 30 days between the first event and `now`) |
| `purchases` | log(1 + number of purchases and orders) |
| `spend` | log(1 + total amount of the purchases and orders) |

Shares keep a heavy user and a light one with the same tastes close; counts enter as logs so a
hundred orders do not outweigh everything else. A category that names a special category of personal
data (special.py) never becomes a feature.
"""
from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Mapping

from graph.twins.special import special_category

PURCHASES = ("purchase", "order")
VIEWS = ("webVisit", "emailClick")
IMPLIED_CHANNEL = {"webVisit": "web", "emailOpen": "email", "emailClick": "email", "login": "web",
                   "call": "phone", "case": "phone", "complaint": "phone", "stay": "store", "visit": "store"}
RECENT = dt.timedelta(days=30)
DAY_PARTS = ((6, "night"), (12, "morning"), (18, "afternoon"), (24, "evening"))

Event = Mapping[str, object]
Profile = dict[str, float]


def profile(events: Iterable[Event], now: dt.datetime) -> Profile:
    """The behaviour profile of these events as of `now` (events after `now` are ignored)."""
    happened = sorted((e for e in events if event_time(e) <= now), key=event_time)
    if not happened:
        return {}
    features: Profile = {}
    views = [e for e in happened if e.get("kind") in VIEWS]
    features |= _shares("viewed", [_category(e) for e in views])
    lately = event_time(views[-1]) - RECENT if views else now   # a login or a call is no browsing
    features |= _shares("recent", [_category(e) for e in views if event_time(e) >= lately])
    purchases = [e for e in happened if e.get("kind") in PURCHASES]
    features |= _shares("bought", [_category(e) for e in purchases if not e.get("gift")])
    features |= _shares("channel", [_text(e.get("channel")) or IMPLIED_CHANNEL.get(str(e.get("kind")))
                                     for e in happened])
    features |= _shares("device", [_text(e.get("deviceType")) for e in happened], over=len(happened))
    features |= _shares("time", [_day_part(event_time(e)) for e in happened])
    features["weekend"] = sum(event_time(e).weekday() >= 5 for e in happened) / len(happened)
    features |= _activity(happened, purchases, now)
    return features


def category(event: Event) -> str | None:
    """The category an event is about (its product category, else its page category), if usable."""
    return _category(event)


def _activity(happened: list[Event], purchases: list[Event], now: dt.datetime) -> Profile:
    months_since = (now - event_time(happened[-1])).total_seconds() / (30 * 86400)
    span_months = max((now - event_time(happened[0])).total_seconds() / (30 * 86400), 1.0)
    spend = sum(_amount(e) for e in purchases)
    return {"recency": 1 / (1 + months_since), "frequency": math.log1p(len(happened) / span_months),
            "purchases": math.log1p(len(purchases)), "spend": math.log1p(spend)}


def _shares(prefix: str, values: list[str | None], over: int | None = None) -> Profile:
    counted = Counter(v for v in values if v)
    total = over or len(values)
    return {f"{prefix}:{v}": n / total for v, n in counted.items()} if total else {}


def _category(event: Event) -> str | None:
    if event.get("gift"):       # bought for someone else: the buyer's custom, not their taste (graph/events/gifts.py)
        return None
    value = _text(event.get("productCategory")) or _text(event.get("pageCategory"))
    return None if value is None or special_category(value) else value


def _text(value: object) -> str | None:
    return value.strip().lower() or None if isinstance(value, str) else None


def _amount(event: Event) -> float:
    value = event.get("amount")
    return float(value) if isinstance(value, int | float) and value > 0 and math.isfinite(value) else 0.0


def _day_part(at: dt.datetime) -> str:
    hour = at.astimezone(dt.UTC).hour
    return next(name for end, name in DAY_PARTS if hour < end)


def event_time(event: Event) -> dt.datetime:
    at = event["at"]
    if isinstance(at, str):
        at = dt.datetime.fromisoformat(at.replace("Z", "+00:00"))
    if not isinstance(at, dt.datetime):
        raise TypeError(f"event time must be a datetime, got {type(at).__name__}")
    return at if at.tzinfo else at.replace(tzinfo=dt.UTC)
