"""Values read from the store: creation stamps sort persons by time, not by their text."""
from __future__ import annotations

import datetime as dt

import pytest
from neo4j.time import DateTime

from graph.store.values import creation_stamp, creation_stamp_at

UTC = dt.UTC


def test_a_whole_second_sorts_before_a_later_fraction_of_it():
    # As text, "…:41Z" sorts after "…:41.1Z" ('Z' > '.'): the older person would lose its survivorship.
    whole = DateTime(2026, 12, 6, 0, 18, 41, tzinfo=UTC)
    later = DateTime(2026, 12, 6, 0, 18, 41, 100_000_000, tzinfo=UTC)
    assert creation_stamp(whole, 0) < creation_stamp(later, 0)


def test_stamps_compare_in_utc_whatever_the_zone():
    paris = dt.datetime(2026, 12, 6, 1, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    london = dt.datetime(2026, 12, 6, 0, 30, tzinfo=UTC)
    assert creation_stamp(paris, 0) < creation_stamp(london, 0)


def test_the_sequence_orders_persons_made_in_one_transaction():
    now = dt.datetime(2026, 12, 6, tzinfo=UTC)
    assert creation_stamp(now, 2) < creation_stamp(now, 10)
    assert creation_stamp(None, 0) < creation_stamp(now, 0)


@pytest.mark.parametrize("nanosecond", [0, 500, 925_056_760, 999_999_499, 999_999_999])
def test_a_creation_stamp_from_epoch_seconds_is_the_one_from_the_datetime(nanosecond):
    # ingest reads a person's creation time as two integers (no datetime to hydrate); the stamp
    # must sort persons exactly as the datetime's does everywhere else
    seconds = 1_733_460_283
    stored = DateTime.from_native(dt.datetime.fromtimestamp(seconds, dt.UTC)).replace(nanosecond=nanosecond)
    assert creation_stamp_at(seconds, nanosecond, 7) == creation_stamp(stored, 7)
    assert creation_stamp_at(None, None, 2) == creation_stamp(None, 2)
