"""Shared fixtures: one real Bolt server (embedded ArcadeDB) for the whole test session."""
from __future__ import annotations

import dataclasses

import pytest

from graph import config
from graph.store import queries, schema
from graph.store.driver import connect
from graph.store.embedded import EmbeddedServer, free_ports


@pytest.fixture(scope="session")
def graph_server(tmp_path_factory):
    server = EmbeddedServer(tmp_path_factory.mktemp("arcadedb"), *free_ports(2), "idgraph")
    info = server.start()
    yield info
    server.stop()


@pytest.fixture(scope="session")
def settings(graph_server, tmp_path_factory) -> config.Settings:
    return dataclasses.replace(config.load({}), uri=graph_server.uri, user="root",
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
    session_store.write(lambda tx: tx.run(queries.CLEAR_ALL).consume())
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
           "IDGRAPH_PASSWORD": settings.password, "IDGRAPH_DATABASE": settings.database}
    monkeypatch.setattr("service.cli.signal.signal", lambda *args: None)   # keep pytest's SIGTERM handler
    return lambda *args: CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
