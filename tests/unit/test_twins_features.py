"""graph.twins.features and labels: the one behaviour profile, and what a customer's labels are."""
from __future__ import annotations

import datetime as dt

import pytest

from graph.twins.features import profile
from graph.twins.labels import age_band, intention_split, known_labels, value_band

NOW = dt.datetime(2026, 6, 10, 12, tzinfo=dt.UTC)   # a Wednesday


def at(days_ago: float, hour: int = 12) -> dt.datetime:
    return (NOW - dt.timedelta(days=days_ago)).replace(hour=hour)


def test_views_and_purchases_become_shares_per_category():
    events = [{"kind": "webVisit", "at": at(3), "pageCategory": "Cameras"},
              {"kind": "webVisit", "at": at(2), "pageCategory": "cameras"},
              {"kind": "emailClick", "at": at(2), "pageCategory": "toys"},
              {"kind": "webVisit", "at": at(1), "pageCategory": "toys"},
              {"kind": "purchase", "at": at(1), "productCategory": "cameras", "amount": 99.0}]
    features = profile(events, NOW)
    assert features["viewed:cameras"] == 0.5 and features["viewed:toys"] == 0.5
    assert features["bought:cameras"] == 1.0
    assert features["purchases"] == pytest.approx(0.6931, abs=1e-4)      # log(1 + 1)
    assert features["spend"] == pytest.approx(4.6052, abs=1e-4)          # log(1 + 99)


def test_channels_come_from_the_event_else_from_its_kind_and_devices_only_when_stated():
    events = [{"kind": "webVisit", "at": at(1)}, {"kind": "call", "at": at(1)},
              {"kind": "purchase", "at": at(1), "channel": "App", "deviceType": "mobile"},
              {"kind": "stay", "at": at(1)}]
    features = profile(events, NOW)
    assert {k: v for k, v in features.items() if k.startswith("channel:")} == \
        {"channel:web": 0.25, "channel:phone": 0.25, "channel:app": 0.25, "channel:store": 0.25}
    assert features["device:mobile"] == 0.25 and "device:desktop" not in features


def test_time_of_day_weekend_recency_and_frequency():
    saturday = dt.datetime(2026, 6, 6, 22, tzinfo=dt.UTC)
    events = [{"kind": "login", "at": saturday}, {"kind": "login", "at": at(0, hour=7)}]
    features = profile(events, NOW)
    assert features["time:evening"] == 0.5 and features["time:morning"] == 0.5
    assert features["weekend"] == 0.5
    assert features["recency"] == pytest.approx(1 / (1 + 5 / 720), abs=1e-6)     # five hours ago
    month_ago = profile([{"kind": "login", "at": NOW - dt.timedelta(days=30)}], NOW)
    assert month_ago["recency"] == pytest.approx(0.5)
    assert month_ago["frequency"] == pytest.approx(0.6931, abs=1e-4)   # one event in one month


def test_events_after_now_are_ignored_and_no_events_is_an_empty_profile():
    assert profile([{"kind": "login", "at": NOW + dt.timedelta(days=1)}], NOW) == {}
    assert profile([], NOW) == {}


def test_event_times_may_be_iso_text_and_naive_times_are_utc():
    text = profile([{"kind": "login", "at": "2026-06-10T07:00:00Z"}], NOW)
    naive = profile([{"kind": "login", "at": dt.datetime(2026, 6, 10, 7)}], NOW)
    assert text == naive and text["time:morning"] == 1.0


@pytest.mark.parametrize("category", ["health", "Pharmacy", "mental-health", "church events", "LGBTQ travel",
                                      "politics", "trade union news", "ethnicity"])
def test_a_special_category_never_becomes_a_feature(category):
    events = [{"kind": "webVisit", "at": at(1), "pageCategory": category},
              {"kind": "purchase", "at": at(1), "productCategory": category, "amount": 5.0},
              {"kind": "webVisit", "at": at(1), "pageCategory": "garden"}]
    features = profile(events, NOW)
    assert not [f for f in features if f.startswith(("viewed:", "bought:")) and f != "viewed:garden"]
    assert features["viewed:garden"] == 0.5


def test_the_intention_is_the_last_purchase_seen_from_the_history_before_it():
    events = [{"kind": "purchase", "at": at(9), "productCategory": "books"},
              {"kind": "webVisit", "at": at(5), "pageCategory": "cameras"},
              {"kind": "purchase", "at": at(2), "productCategory": "cameras"},
              {"kind": "webVisit", "at": at(1), "pageCategory": "toys"}]
    history, intention = intention_split(events)
    assert intention == "cameras" and [e["at"] for e in history] == [at(9), at(5)]
    assert intention_split([{"kind": "webVisit", "at": at(1)}])[1] is None


def test_a_special_category_purchase_is_never_an_intention():
    events = [{"kind": "purchase", "at": at(5), "productCategory": "books"},
              {"kind": "purchase", "at": at(1), "productCategory": "pharmacy"}]
    assert intention_split(events)[1] == "books"


def test_age_and_value_bands_and_minors_are_never_profiled():
    today = dt.date(2026, 6, 10)
    assert age_band(dt.date(2000, 6, 10), today) == "18-34"
    assert age_band(dt.date(1991, 6, 11), today) == "18-34"     # 34 until tomorrow
    assert age_band(dt.date(1991, 6, 10), today) == "35-54"
    assert age_band(dt.date(1950, 1, 1), today) == "55+"
    assert age_band(dt.date(2010, 1, 1), today) is None
    assert [value_band(v) for v in (0, 499.99, 500, 2500, None)] == ["low", "low", "mid", "high", None]
    assert known_labels({"birthDate": dt.date(1980, 1, 1), "lifetimeSpend": 900, "segments": {"area": "urban"}},
                        today) == {"ageBand": "35-54", "valueBand": "mid", "area": "urban"}


def test_recent_views_are_the_month_up_to_the_latest_view_so_a_later_login_keeps_them():
    browsing = [{"kind": "webVisit", "at": at(200), "pageCategory": "garden"},
                {"kind": "webVisit", "at": at(60), "pageCategory": "laptops"},
                {"kind": "webVisit", "at": at(55), "pageCategory": "laptops"}]
    logged_in = profile([*browsing, {"kind": "login", "at": at(1)}], NOW)
    assert logged_in["recent:laptops"] == 1.0 and "recent:garden" not in logged_in
    assert logged_in["recency"] > profile(browsing, NOW)["recency"]          # the login is still activity
