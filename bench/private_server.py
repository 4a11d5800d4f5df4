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
from graph.store.embedded import EmbeddedServer, free_ports


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


def peak_rss_mb(pid: int) -> float | None:
    """A process's peak resident memory so far (VmHWM), in MB; None once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


@contextlib.contextmanager
def private_server(prefix: str = "idgraph-bench-", keep: bool = False) -> Iterator[Server]:
    """`keep` leaves the folder (the server's log) behind for a look afterwards."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    bolt, http = free_ports(2)
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
