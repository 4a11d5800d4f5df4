"""A local server stops on SIGTERM by itself, even while a client still holds a Bolt connection
(a web server stopping after its database, a test that forgot its driver): before, the embedded
ArcadeDB's process lived on after the server was down until idgraph killed it 60 s later."""
from __future__ import annotations

import dataclasses
import logging

import pytest

from graph.store.driver import connect
from graph.store.engines import port_open
from tests.conftest import local_server


def test_a_server_stops_by_itself_while_a_client_holds_a_connection(tmp_path, settings, engine, caplog):
    server = local_server(engine, tmp_path / "db")
    info = server.start()
    store = connect(dataclasses.replace(settings, uri=info.uri, password=info.password, database=info.database))
    try:
        assert store.query("RETURN 1 AS x") == [{"x": 1}]
        with caplog.at_level(logging.WARNING, logger="graph.store.engines.base"):
            assert server.stop(timeout=20)
        assert not [r for r in caplog.records if "killed it" in r.getMessage()]
        assert server.status() is None and not port_open(info.bolt_port)
    finally:
        store.close()


def test_a_start_interrupted_before_the_server_is_ready_leaves_nothing_running(tmp_path, engine):
    # Ctrl-C or SIGTERM while `idgraph serve` waits for its server: the server's process is up but
    # no ready file names it yet, so stop() cannot find it; it must not live on holding the ports
    server = local_server(engine, tmp_path / "db")
    launched = []

    def interrupted(proc, password):    # once the server listens, as if Ctrl-C came then
        launched.append(proc)
        if port_open(server.bolt_port) or proc.poll() is not None:
            raise KeyboardInterrupt

    server._ready = interrupted
    with pytest.raises(KeyboardInterrupt):
        server.start()
    assert launched[0].poll() is not None
    assert not port_open(server.bolt_port)
    assert server.status() is None
