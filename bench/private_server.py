"""A private graph server for a benchmark: a fresh local engine (ArcadeDB or Neo4j) in a temporary
folder on free loopback ports, schema applied, stopped and removed afterwards (also on Ctrl-C)."""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import shutil
import signal
import tempfile
import threading
import time
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
    engine: str = "arcadedb"
    startup_s: float = 0.0

    def settings(self) -> config.Settings:
        return dataclasses.replace(config.load({}), uri=self.uri, user=self.user, password=self.password,
                                   database=self.database, data_dir=self.workdir / "data", engine=self.engine)

    def connect(self) -> Store:
        return connect(self.settings())


def add_engine_option(parser: argparse.ArgumentParser) -> None:
    """The one --engine flag every bench takes."""
    parser.add_argument("--engine", choices=engines.ENGINES, default="arcadedb",
                        help="the local graph server the bench starts (default: arcadedb)")


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


def stop_unready_child(folder: Path) -> int | None:
    """LocalServer.stop() only knows a server that has written its ready file; if we were
    interrupted while it was still booting, terminate our own child whose command line names its
    folder (ArcadeDB: `arcadedb_main.py --root <folder>`; Neo4j: `java ... CommunityEntryPoint
    --home-dir=<folder>`). Returns the pid terminated, if any."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            ppid = int((proc / "stat").read_text().rsplit(")", 1)[-1].split()[1])
            args = (proc / "cmdline").read_bytes().decode(errors="replace").split("\0")
        except (OSError, ValueError, IndexError):
            continue
        if ppid == os.getpid() and any(a == str(folder) or a.endswith(f"={folder}") for a in args):
            with contextlib.suppress(OSError):
                os.kill(int(proc.name), signal.SIGTERM)
                return int(proc.name)
    return None


@contextlib.contextmanager
def _signals_ignored() -> Iterator[None]:
    """Ctrl-C while the server stops would leave it running: hold signals off until it is down."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


@contextlib.contextmanager
def private_server(prefix: str = "idgraph-bench-", keep: bool = False, engine: str = "arcadedb") -> Iterator[Server]:
    """`keep` leaves the folder (the server's log) behind for a look afterwards."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    server = local_server(engine, workdir / "db")
    try:
        started = time.perf_counter()
        info = server.start()
        handle = Server(info.uri, info.user, info.password, info.database, info.pid, workdir, info.engine,
                        round(time.perf_counter() - started, 1))
        store = handle.connect()
        try:
            schema.apply(store)
        finally:
            store.close()
        yield handle
    finally:
        with _signals_ignored():
            if not server.stop():
                stop_unready_child(server.data_dir)
            if not keep:
                shutil.rmtree(workdir, ignore_errors=True)
