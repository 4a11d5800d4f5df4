"""What every local engine shares: a database server run as a child process on loopback ports,
with a generated password, a ready file, and start/stop/status that survive the calling process.

idgraph starts it, waits for it, and stops it; the driver then talks Bolt to it exactly as it
would to a server run elsewhere. It runs in its own process so the JVM never shares a process
with the web server.
"""
from __future__ import annotations

import json
import logging
import os
import secrets
import signal
import socket
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from graph.errors import ServerError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ServerInfo:
    pid: int
    bolt_port: int
    http_port: int
    database: str
    password: str
    user: str = "root"
    engine: str = "arcadedb"

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_ports(n: int) -> list[int]:
    """`n` different free loopback ports: two calls to free_port may hand out the same one."""
    ports: set[int] = set()
    while len(ports) < n:
        ports.add(free_port())
    return sorted(ports)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    # A child we started but have not reaped still answers kill(pid, 0).
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] == "Z"


class LocalServer:
    """One engine's server in `data_dir`. Subclasses say how to launch it and when it is ready."""

    engine = ""
    user = ""

    def __init__(self, data_dir: Path, bolt_port: int, http_port: int, database: str):
        self.data_dir = Path(data_dir).resolve()
        self.bolt_port, self.http_port, self.database = bolt_port, http_port, database
        self.ready_file = self.data_dir / "server.json"
        self.log_file = self.data_dir / "server.log"

    def password(self) -> str:
        path = self.data_dir / "credentials.json"
        if path.exists():
            return json.loads(path.read_text())["password"]
        # hex, not url-safe base64: a password starting with '-' is read as an option by neo4j-admin
        password = secrets.token_hex(18)
        path.write_text(json.dumps({"user": self.user, "password": password}))
        path.chmod(0o600)
        return password

    def status(self) -> ServerInfo | None:
        if not self.ready_file.exists():
            return None
        info = ServerInfo(**json.loads(self.ready_file.read_text()))
        if alive(info.pid) and port_open(info.bolt_port):
            return info
        return None

    def start(self, timeout: float = 180.0) -> ServerInfo:
        running = self.status()
        if running:
            return running
        if port_open(self.bolt_port):
            raise ServerError(
                f"port {self.bolt_port} is taken by another program; set IDGRAPH_BOLT_PORT to a free "
                "port, or set IDGRAPH_URI to use the server already listening there")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.ready_file.unlink(missing_ok=True)
        password = self.password()
        self._prepare(password)
        with open(self.log_file, "ab") as log:
            proc = subprocess.Popen(self._command(), cwd=self.data_dir, stdout=log, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, env=self._env(password), start_new_session=True)
        return self._wait_ready(proc, password, timeout)

    def _prepare(self, password: str) -> None:
        """Anything the engine needs on disk before its first start."""

    def _command(self) -> list[str]:
        raise NotImplementedError

    def _env(self, password: str) -> dict[str, str]:
        return dict(os.environ)

    def _ready(self, proc: subprocess.Popen, password: str) -> ServerInfo | None:
        """The server's info once it answers queries on its database, else None."""
        return self.status()

    def _write_ready(self, info: ServerInfo) -> ServerInfo:
        self.ready_file.write_text(json.dumps(asdict(info)))
        self.ready_file.chmod(0o600)
        return info

    def _wait_ready(self, proc: subprocess.Popen, password: str, timeout: float) -> ServerInfo:
        try:
            return self._poll_ready(proc, password, timeout)
        except BaseException:
            # Interrupted (Ctrl-C, SIGTERM) or given up before the server was ready: no ready file
            # names the process yet, so stop() cannot find it; end it here rather than leave it
            # holding the ports, where the next start would find them taken.
            _end(proc)
            raise

    def _poll_ready(self, proc: subprocess.Popen, password: str, timeout: float) -> ServerInfo:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise ServerError(
                    f"the {self.engine} server exited with code {proc.returncode}; see {self.log_file}:\n"
                    + self.log_tail())
            info = self._ready(proc, password)
            if info:
                return info
            time.sleep(0.2)
        raise ServerError(f"the {self.engine} server did not start within {timeout:.0f} s; see {self.log_file}")

    def log_tail(self, lines: int = 15) -> str:
        text = self.log_file.read_text(errors="replace") if self.log_file.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, timeout: float = 60.0) -> bool:
        info = self.status()
        if not info:
            self.ready_file.unlink(missing_ok=True)
            return False
        os.kill(info.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while alive(info.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if alive(info.pid):
            log.warning("the %s server (pid %d) did not stop within %.0f s of SIGTERM; killed it (see %s)",
                        self.engine, info.pid, timeout, self.log_file)
            os.kill(info.pid, signal.SIGKILL)
        while port_open(info.bolt_port) and time.monotonic() < deadline + 5:
            time.sleep(0.1)
        self.ready_file.unlink(missing_ok=True)
        return True


def _end(proc: subprocess.Popen, grace: float = 30.0) -> None:
    proc.terminate()
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
