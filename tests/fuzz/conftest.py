"""The fuzz run's app, key and OpenAPI schema, and the summary it prints at the end of the session."""
from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict

import pytest
import schemathesis

FUZZ_RATE_LIMIT = 1_000_000   # the limiter still runs, but thousands of generated requests stay under it


class FuzzLog:
    """What the fuzz run sent and got back, per operation: the figures the summary quotes."""

    def __init__(self):
        self.cases: Counter = Counter()
        self.statuses: dict[str, Counter] = defaultdict(Counter)
        self.modes: Counter = Counter()
        self.failures: dict[str, set[str]] = defaultdict(set)

    def record(self, operation: str, mode: str, status: int) -> None:
        self.cases[operation] += 1
        self.modes[mode] += 1
        self.statuses[operation][status] += 1

    def fail(self, operation: str, titles: list[str]) -> None:
        self.failures[operation].update(titles)

    def lines(self) -> list[str]:
        total = sum(self.cases.values())
        failing = sum(1 for titles in self.failures.values() if titles)
        modes = ", ".join(f"{m} {n}" for m, n in sorted(self.modes.items()))
        out = [f"fuzz: {len(self.cases)} operations, {total} cases ({modes}), {failing} operations with failures"]
        for operation in sorted(self.cases):
            codes = " ".join(f"{code}x{n}" for code, n in sorted(self.statuses[operation].items()))
            failed = f"  FAILED: {'; '.join(sorted(self.failures[operation]))}" if self.failures[operation] else ""
            out.append(f"  {operation:<50} {self.cases[operation]:>4} cases  {codes}{failed}")
        return out


LOG = FuzzLog()


def pytest_terminal_summary(terminalreporter):
    if LOG.cases:
        terminalreporter.section("schemathesis fuzz summary")
        for line in LOG.lines():
            terminalreporter.write_line(line)


def strict_document(document: dict) -> dict:
    """The OpenAPI document without its catch-all `default` responses, so every status code an
    operation answers must be listed for that operation (a `default` would make any code conform)."""
    for item in document["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and "responses" in operation:
                operation["responses"].pop("default", None)
    return document


@pytest.fixture
def fuzz_app(settings, store):
    from service import create_app
    return create_app(dataclasses.replace(settings, rate_limit=FUZZ_RATE_LIMIT), store)


@pytest.fixture
def fuzz_headers(issue_key) -> dict:
    """An admin key: every operation admits admin, so the fuzz reaches each view's validation and logic."""
    return {"Authorization": f"Bearer {issue_key('admin', 'fuzz')}"}


@pytest.fixture
def api_schema(fuzz_app):
    """The served /openapi.json (made strict), bound to the app so cases are sent through WSGI."""
    document = fuzz_app.test_client().get("/openapi.json").get_json()
    schema = schemathesis.openapi.from_dict(strict_document(document))
    schema.app = fuzz_app
    return schema
