"""Whole-graph statements: tests and benchmarks start from an empty graph."""
from __future__ import annotations

CLEAR_ALL = "MATCH (n) DETACH DELETE n"
