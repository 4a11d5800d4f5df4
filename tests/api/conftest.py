"""One app per module for the API tests: create_app re-applies the schema (~0.2 s); the store is
still emptied before each test."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def _module_app(settings, session_store):
    from service import create_app
    return create_app(settings, session_store)


@pytest.fixture
def app(_module_app, store):
    return _module_app
