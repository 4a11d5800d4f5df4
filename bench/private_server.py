"""A private embedded graph server for a benchmark: a fresh ArcadeDB in a temporary folder on free
loopback ports, schema applied, stopped and removed afterwards (also on Ctrl-C)."""
from __future__ import annotations

import contextlib
import dataclasses
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from graph import config
from graph.store import schema
from graph.store.driver import Store, connect
from graph.store.embedded import EmbeddedServer, free_port


@dataclass(frozen=True)
class Server:
    """What a child process needs to reach the private server (picklable)."""
    uri: str
    password: str
    database: str
    pid: int
    workdir: Path

    def settings(self) -> config.Settings:
        return dataclasses.replace(config.load({}), uri=self.uri, user="root", password=self.password,
                                   database=self.database, data_dir=self.workdir / "data")

    def connect(self) -> Store:
        return connect(self.settings())


@contextlib.contextmanager
def private_server(prefix: str = "idgraph-bench-", keep: bool = False) -> Iterator[Server]:
    """`keep` leaves the folder (the server's log) behind for a look afterwards."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    ports = {free_port()}
    while len(ports) < 2:        # two calls may hand out the same free port
        ports.add(free_port())
    bolt, http = sorted(ports)
    server = EmbeddedServer(workdir / "db", bolt, http, "idgraph")
    try:
        info = server.start()
        handle = Server(info.uri, info.password, info.database, info.pid, workdir)
        store = handle.connect()
        try:
            schema.apply(store)
        finally:
            store.close()
        yield handle
    finally:
        server.stop()
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
