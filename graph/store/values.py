"""Conversions between driver values and plain Python values."""
from __future__ import annotations


def native(value):
    """neo4j.time values to datetime/date; everything else as it is."""
    to_native = getattr(value, "to_native", None)
    return to_native() if to_native else value


def plain(mapping: dict) -> dict:
    return {k: native(v) for k, v in mapping.items()}
