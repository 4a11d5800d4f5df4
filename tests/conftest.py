"""Shared fixtures: a real Bolt server per engine (ArcadeDB and Neo4j) for the whole test session.

Every test that uses the store runs once on each engine; `--engine arcadedb` (or neo4j), or
IDGRAPH_TEST_ENGINES=arcadedb,neo4j, selects. Pure unit tests run once.
"""
from __future__ import annotations

import dataclasses
import os

import pytest

from graph import config
from graph.store import engines, queries, schema
from graph.store.driver import connect


def pytest_addoption(parser):
    parser.addoption("--engine", action="append", choices=engines.ENGINES,
                     help="run the store tests on this engine only (repeatable; default: every engine)")


def selected_engines(config_) -> list[str]:
    chosen = config_.getoption("engine") or [
        e.strip() for e in os.environ.get("IDGRAPH_TEST_ENGINES", ",".join(engines.ENGINES)).split(",") if e.strip()]
    return [e for e in engines.ENGINES if e in chosen]


def pytest_generate_tests(metafunc):
    if "graph_server" in metafunc.fixturenames:
        metafunc.parametrize("graph_server", selected_engines(metafunc.config), indirect=True, scope="session")


def local_server(engine: str, folder) -> engines.LocalServer:
    """A server of `engine` in `folder` on free loopback ports, sized for tests beside another engine."""
    return engines.create(engine, folder, *engines.free_ports(2), "idgraph", cache_dir=config.load().cache_dir,
                          heap="1g", page_cache="256m")


@pytest.fixture(scope="session")
def graph_server(request, tmp_path_factory):
    server = local_server(request.param, tmp_path_factory.mktemp(request.param))
    info = server.start()
    yield info
    server.stop()


@pytest.fixture(scope="session")
def engine(graph_server) -> str:
    return graph_server.engine


@pytest.fixture(scope="session")
def settings(graph_server, tmp_path_factory) -> config.Settings:
    return dataclasses.replace(config.load({}), uri=graph_server.uri, user=graph_server.user, strict_cypher=True,
                               password=graph_server.password, database=graph_server.database,
                               data_dir=tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="session")
def session_store(settings):
    store = connect(settings)
    schema.apply(store)
    yield store
    store.close()


@pytest.fixture
def store(session_store):
    """The session's store, emptied before each test."""
    queries.clear_all(session_store)
    return session_store


@pytest.fixture
def app(settings, store):
    from service import create_app
    return create_app(settings, store)


@pytest.fixture
def issue_key(store):
    """Issue an API key through the real keys code: issue_key("agent") -> the key to send."""
    from graph.access import apikeys
    return lambda role="admin", name="tests": apikeys.issue(store, role, name).key


def keyed_client(app, key: str):
    """A test client that sends `key` with every request (a request's own headers still win)."""
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return client


@pytest.fixture
def client(app, issue_key):
    """Authenticated as admin with a key of its own (so a rate-limit bucket of its own) per test."""
    return keyed_client(app, issue_key("admin"))


@pytest.fixture
def idgraph(settings, store, monkeypatch):
    """Run `idgraph ...` in-process (click's CliRunner) against the test server."""
    from click.testing import CliRunner

    from service.cli import main
    env = {"IDGRAPH_URI": settings.uri, "IDGRAPH_USER": settings.user,
           "IDGRAPH_PASSWORD": settings.password, "IDGRAPH_DATABASE": settings.database,
           "IDGRAPH_STRICT_CYPHER": "1"}
    monkeypatch.setattr("service.cli.common.signal.signal", lambda *args: None)   # keep pytest's SIGTERM handler
    return lambda *args: CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
