"""Shared fixtures: one real Bolt server (embedded ArcadeDB) for the whole test session."""
from __future__ import annotations

import dataclasses

import pytest

from graph import config
from graph.store import queries, schema
from graph.store.driver import connect
from graph.store.embedded import EmbeddedServer, free_port


@pytest.fixture(scope="session")
def graph_server(tmp_path_factory):
    server = EmbeddedServer(tmp_path_factory.mktemp("arcadedb"), free_port(), free_port(), "idgraph")
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
def client(app):
    return app.test_client()
