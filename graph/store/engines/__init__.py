"""Local database servers idgraph starts itself when IDGRAPH_URI is unset.

ArcadeDB (from PyPI, bundled JRE) is the default for people who only have Python; Neo4j Community
(from Maven Central, needs Java 17+ and Maven) is the engine users deploy and analysts query.
Both speak Bolt, so everything above this package runs one code path on either.
"""
from __future__ import annotations

from pathlib import Path

from graph.config import HTTP_PORTS
from graph.store.engines.arcadedb import ArcadeDBServer
from graph.store.engines.base import LocalServer, ServerError, ServerInfo, free_port, free_ports, port_open
from graph.store.engines.neo4j_server import Neo4jServer

ENGINES = tuple(HTTP_PORTS)       # config's table of engines and their default HTTP ports

__all__ = ["ENGINES", "LocalServer", "ServerError", "ServerInfo", "create",
           "free_port", "free_ports", "port_open"]


def create(engine: str, data_dir: Path, bolt_port: int, http_port: int, database: str, *,
           cache_dir: Path, heap: str = "2g", page_cache: str = "1g") -> LocalServer:
    """The local server of `engine`, keeping its files in `data_dir`."""
    if engine == "neo4j":
        return Neo4jServer(data_dir, bolt_port, http_port, database, cache_dir=cache_dir, heap=heap,
                           page_cache=page_cache)
    if engine == "arcadedb":
        return ArcadeDBServer(data_dir, bolt_port, http_port, database)
    raise ServerError(f"unknown engine {engine!r}; IDGRAPH_ENGINE takes one of {', '.join(ENGINES)}")
