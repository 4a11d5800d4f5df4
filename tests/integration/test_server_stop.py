"""A local server stops on SIGTERM by itself, even while a client still holds a Bolt connection
(a web server stopping after its database, a test that forgot its driver): before, the embedded
ArcadeDB's process lived on after the server was down until idgraph killed it 60 s later."""
from __future__ import annotations

import dataclasses
import logging

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
