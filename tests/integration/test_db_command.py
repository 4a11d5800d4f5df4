"""`idgraph db start|status|stop --engine E`, as a user runs it: a local server of each engine in
its own data folder, on loopback, answering Bolt with the generated password on database idgraph."""
from __future__ import annotations

import json

import pytest
import requests
from click.testing import CliRunner
from neo4j import GraphDatabase

from graph.store.engines import free_ports
from service.cli import main


@pytest.fixture
def db_command(engine, tmp_path, monkeypatch):
    """`idgraph db ...` with a data folder and ports of the test's own; stops the server afterwards."""
    bolt, http = free_ports(2)
    env = {"IDGRAPH_DATA_DIR": str(tmp_path / "data"), "IDGRAPH_BOLT_PORT": str(bolt),
           "IDGRAPH_HTTP_PORT": str(http), "IDGRAPH_NEO4J_HEAP": "1g", "IDGRAPH_NEO4J_PAGE_CACHE": "256m",
           "IDGRAPH_URI": ""}
    monkeypatch.setattr("service.cli.common.signal.signal", lambda *args: None)   # keep pytest's SIGTERM handler
    run = lambda *args: CliRunner().invoke(main, ["db", *args, "--engine", engine], env=env)  # noqa: E731
    yield run, tmp_path / "data", bolt, http
    run("stop")


def credentials(data_dir, engine) -> dict:
    folder = data_dir if engine == "arcadedb" else data_dir / engine
    return json.loads((folder / "credentials.json").read_text())


def test_db_start_status_stop_runs_a_local_server_of_the_engine(db_command, engine):
    run, data_dir, bolt, http = db_command
    assert run("status").exit_code == 3

    started = run("start")
    assert started.exit_code == 0, started.output
    assert started.output.startswith(f"{engine} server running: bolt://127.0.0.1:{bolt} database=idgraph")
    assert run("status").exit_code == 0

    login = credentials(data_dir, engine)
    with GraphDatabase.driver(f"bolt://127.0.0.1:{bolt}", auth=(login["user"], login["password"])) as driver:
        records, _, _ = driver.execute_query("RETURN 1 AS one", database_="idgraph")
    assert records[0]["one"] == 1

    stopped = run("stop")
    assert stopped.exit_code == 0 and stopped.output.strip() == f"{engine} server stopped"
    assert run("status").exit_code == 3


def test_the_neo4j_engine_is_5_26_community_with_browser_on_loopback(db_command, engine):
    if engine != "neo4j":
        pytest.skip("the server's HTTP discovery and Browser exist only on the Neo4j engine")
    run, _, bolt, http = db_command
    assert run("start").exit_code == 0
    discovery = requests.get(f"http://127.0.0.1:{http}/", timeout=30).json()
    assert discovery["neo4j_edition"] == "community" and discovery["neo4j_version"].startswith("5.26.")
    assert discovery["bolt_direct"] == f"bolt://127.0.0.1:{bolt}"
    assert requests.get(f"http://127.0.0.1:{http}/browser/", timeout=30).status_code == 200
