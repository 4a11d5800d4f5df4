"""A private graph server for a benchmark: a fresh local engine (ArcadeDB or Neo4j) in a temporary
folder on free loopback ports, schema applied, stopped and removed afterwards (also on Ctrl-C)."""
from __future__ import annotations

import contextlib
import dataclasses
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from graph import config
from graph.store import engines, schema
from graph.store.driver import Store, connect


@dataclass(frozen=True)
class Server:
    """What a child process needs to reach the private server (picklable)."""
    uri: str
    user: str
    password: str
    database: str
    pid: int
    workdir: Path

    def settings(self) -> config.Settings:
        return dataclasses.replace(config.load({}), uri=self.uri, user=self.user, password=self.password,
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


def local_server(engine: str, folder: Path) -> engines.LocalServer:
    """A server of `engine` in `folder` on free loopback ports, with the engine's default memory."""
    return engines.create(engine, folder, *engines.free_ports(2), "idgraph", cache_dir=config.load().cache_dir)


@contextlib.contextmanager
def private_server(prefix: str = "idgraph-bench-", keep: bool = False, engine: str = "arcadedb") -> Iterator[Server]:
    """`keep` leaves the folder (the server's log) behind for a look afterwards."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    server = local_server(engine, workdir / "db")
    try:
        info = server.start()
        handle = Server(info.uri, info.user, info.password, info.database, info.pid, workdir)
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
