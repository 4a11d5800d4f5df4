"""Generated customers with behaviour: web visits, e-mail clicks, store visits, calls and purchases,
for the statistic twins (graph/twins) and their bench.

Planted signal: age band sets the device and the time of day, area the channels (urban customers
visit stores and use the app, rural ones order by phone and on the web), life stage the categories
browsed and bought, value band how often and how much, and the next purchase is browsed first.
Planted noise: a share of customers (`noise`) behave as a random other customer would, and everyone
browses some random categories. `signal=False` makes behaviour independent of every label: a model
must abstain there, not guess.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

NOW = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)
CATEGORIES = ("cameras", "laptops", "fashion", "toys", "garden", "travel", "books", "homeware", "sports", "beauty")
SEGMENTS = {
    "ageBand": {"18-34": 0.35, "35-54": 0.4, "55+": 0.25},
    "area": {"urban": 0.65, "rural": 0.35},
    "lifeStage": {"single": 0.3, "couple": 0.25, "youngFamily": 0.25, "retired": 0.2},
    "valueBand": {"low": 0.5, "mid": 0.35, "high": 0.15},
}
DEVICES = {"18-34": {"mobile": 0.75, "desktop": 0.15, "tablet": 0.1},
           "35-54": {"mobile": 0.4, "desktop": 0.45, "tablet": 0.15},
           "55+": {"mobile": 0.1, "desktop": 0.5, "tablet": 0.4}}
HOURS = {"18-34": (21, 4), "35-54": (19, 3), "55+": (10, 2)}      # mean hour, spread
CHANNELS = {"urban": {"app": 0.35, "web": 0.3, "store": 0.25, "email": 0.1},
            "rural": {"app": 0.05, "web": 0.45, "phone": 0.3, "email": 0.2}}
TASTES = {"single": ("fashion", "laptops", "sports", "cameras"),
          "couple": ("travel", "homeware", "books", "beauty"),
          "youngFamily": ("toys", "homeware", "garden", "fashion"),
          "retired": ("garden", "books", "travel", "homeware")}
PURCHASES = {"low": (1, 2, 40.0), "mid": (3, 6, 120.0), "high": (7, 14, 400.0)}   # count range, mean amount


@dataclass(frozen=True)
class Customer:
    key: str
    segments: dict[str, str]
    events: list[dict]


def behaviour_population(people: int = 2000, seed: int = 7, noise: float = 0.25,
                         signal: bool = True) -> list[Customer]:
    """`people` customers with labels and events; `signal=False`: behaviour says nothing of the labels."""
    rng = random.Random(seed)
    customers = []
    for n in range(people):
        segments = _segments(rng)
        acts_as = segments if signal and rng.random() >= noise else _segments(rng)
        customers.append(Customer(f"C{n:05d}", segments, _events(rng, acts_as, signal)))
    return customers


def _segments(rng: random.Random) -> dict[str, str]:
    segments = {name: _pick(rng, shares) for name, shares in SEGMENTS.items()}
    if segments["lifeStage"] == "retired":
        segments["ageBand"] = "55+"
    elif segments["lifeStage"] == "youngFamily" and segments["ageBand"] == "55+":
        segments["ageBand"] = "35-54"
    return segments


def _events(rng: random.Random, seg: dict[str, str], signal: bool) -> list[dict]:
    low, high, amount = PURCHASES[seg["valueBand"]]
    bought = [_purchase(rng, seg, amount) for _ in range(rng.randint(low, high))]
    browsed = [_view(rng, seg, _taste(rng, seg)) for _ in range(rng.randint(4, 14))]
    other = [_touch(rng, seg) for _ in range(rng.randint(1, 5))]
    events = sorted(bought + browsed + other, key=lambda e: e["at"])
    following = _taste(rng, seg)   # the next purchase: browsed in the fortnight before it (with signal)
    browsing = following if signal else rng.choice(CATEGORIES)
    last = events[-1]["at"] + dt.timedelta(days=rng.randint(5, 30))
    events += [_view(rng, seg, browsing, around=last - dt.timedelta(days=rng.randint(1, 14)))
               for _ in range(rng.randint(1, 3))]
    next_category = _taste(rng, _segments(rng)) if not signal else following
    events.append(_purchase(rng, seg, amount, next_category, around=last))
    return sorted(events, key=lambda e: e["at"])


def _purchase(rng: random.Random, seg: dict, amount: float, cat: str | None = None,
              around: dt.datetime | None = None) -> dict:
    return _event(rng, seg, "purchase", around, productCategory=cat or _taste(rng, seg),
                  amount=round(rng.expovariate(1 / amount) + 5, 2), currency="GBP")


def _view(rng: random.Random, seg: dict, cat: str, around: dt.datetime | None = None) -> dict:
    kind = "emailClick" if rng.random() < 0.15 else "webVisit"
    return _event(rng, seg, kind, around, pageCategory=cat)


def _touch(rng: random.Random, seg: dict) -> dict:
    return _event(rng, seg, rng.choice(("visit", "call", "emailOpen", "login")), None)


def _event(rng: random.Random, seg: dict, kind: str, around: dt.datetime | None, **details) -> dict:
    at = around or NOW - dt.timedelta(days=rng.uniform(40, 365))
    mean, spread = HOURS[seg["ageBand"]]
    hour = int(rng.gauss(mean, spread)) % 24
    weekend = rng.random() < (0.5 if seg["area"] == "urban" else 0.25)
    at = _on_weekday(at, weekend).replace(hour=hour, minute=rng.randint(0, 59))
    channel = _pick(rng, CHANNELS[seg["area"]])
    return {"kind": kind, "at": at, "channel": channel, "deviceType": _pick(rng, DEVICES[seg["ageBand"]])} | details


def _taste(rng: random.Random, seg: dict) -> str:
    return rng.choice(TASTES[seg["lifeStage"]]) if rng.random() < 0.7 else rng.choice(CATEGORIES)


def _on_weekday(at: dt.datetime, weekend: bool) -> dt.datetime:
    while (at.weekday() >= 5) != weekend:
        at += dt.timedelta(days=1)
    return at


def _pick(rng: random.Random, shares: dict[str, float]) -> str:
    return rng.choices(list(shares), weights=list(shares.values()))[0]
