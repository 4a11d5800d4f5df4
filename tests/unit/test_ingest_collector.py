"""Ingestion pauses the cyclic garbage collector for a chunk and always turns it back on."""
from __future__ import annotations

import gc

import pytest

from graph.resolution.ingest import collector_paused


def test_the_collector_is_paused_inside_and_on_again_after_a_chunk_even_one_that_failed():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("contention")
    assert gc.isenabled()


def test_a_collector_someone_else_turned_off_stays_off():
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
