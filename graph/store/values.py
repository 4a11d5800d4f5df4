"""Conversions between driver values and plain Python values."""
from __future__ import annotations

import datetime as dt

_AS_IS = frozenset({str, int, float, bool, type(None), list, dict})


def native(value):
    """neo4j.time values as datetime/date; datetimes always UTC-aware.

    ArcadeDB hands zoned datetimes back without their zone; idgraph stores only UTC.
    """
    if type(value) in _AS_IS:   # most values, and a who-is-this converts a few hundred
        return value
    to_native = getattr(value, "to_native", None)
    value = to_native() if to_native else value
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value


def plain(mapping: dict) -> dict:
    # native's type test inline: most values are already plain, and a who-is-this makes ~40 dicts
    # plain (~300 values), where the call per value was most of the cost
    return {k: v if type(v) in _AS_IS else native(v) for k, v in mapping.items()}


def datetime_from_text(text: str) -> dt.datetime:
    """A datetime a statement returned as `toString(x)`, as native() would give it: the driver
    hydrates a zoned datetime in pure Python (~0.1 ms each, most of a who-is-this's client CPU), while
    fromisoformat parses its text in a microsecond. Nanoseconds are cut to microseconds, as
    DateTime.to_native cuts them; a datetime without a zone (ArcadeDB's) is UTC."""
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def datetimes_from_text(mapping: dict, names: tuple[str, ...]) -> dict:
    """`mapping` with the `names` a statement sent as text parsed back (a null one dropped, as
    properties(x) would not have it), so callers see what the map's properties were."""
    out = dict(mapping)
    for name in names:
        text = out.pop(name, None)
        if text is not None:
            out[name] = datetime_from_text(text)
    return out


def creation_stamp(created, seq) -> str:
    """Text that sorts persons oldest first: the creation time in UTC at a fixed width (a datetime's
    own text drops trailing zeros, so its length varies and it does not sort), then the order within
    the transaction that made them."""
    when = native(created).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f") if created else ""
    return f"{when}#{seq or 0:08d}"


def creation_stamp_at(seconds: int | None, nanosecond: int | None, seq) -> str:
    """creation_stamp from the creation time's epochSeconds and nanosecond: two integers cost the
    driver nothing to hydrate, a zoned datetime ~0.1 ms of pure Python. Nanoseconds are cut to
    microseconds as the driver's DateTime.to_native cuts them, so both give the same text."""
    if seconds is None:
        return creation_stamp(None, seq)
    when = dt.datetime.fromtimestamp(seconds, dt.UTC) + dt.timedelta(microseconds=int((nanosecond or 0) / 1000))
    return creation_stamp(when, seq)
