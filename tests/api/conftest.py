"""One app per module for the API tests: create_app re-applies the schema (~0.2 s); the store is
still emptied before each test."""
from __future__ import annotations

import pytest

from service.console import assets


@pytest.fixture(scope="module")
def _module_app(settings, session_store):
    from service import create_app
    return create_app(settings, session_store)


@pytest.fixture
def app(_module_app, store):
    return _module_app


@pytest.fixture
def anonymous(app):
    """No key at all."""
    return app.test_client()


@pytest.fixture
def installed(monkeypatch):
    """/console and /docs as if their npm libraries were installed (API tests run before npm ci)."""
    monkeypatch.setattr(assets, "installed", lambda: True)


@pytest.fixture
def missing(monkeypatch):
    monkeypatch.setattr(assets, "installed", lambda: False)
