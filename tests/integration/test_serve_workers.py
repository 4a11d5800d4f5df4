"""`idgraph serve --workers 2` as a real process on a free port: it answers a who-is-this, and a
key's rate limit holds across its two worker processes (service/shared_limits.py).

Which worker holds a connection is read from /proc (the worker process whose open sockets hold the
server side of it), so the rate is checked with requests that provably went to both workers."""
from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph.access import apikeys
from tests.api.test_whois_api import JANE

RATE = 3             # requests per minute per key: a token back only every 20 s
pytestmark = [pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads worker sockets from /proc"),
              pytest.mark.timeout(900)]     # two API processes start, and a cold Neo4j ingests first


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def extra_env() -> dict:
    """More environment for the server (`{tmp}` is the test's tmp_path); tests parametrize it."""
    return {}


@pytest.fixture
def api(settings, store, tmp_path, extra_env):
    """The API served by `idgraph serve --workers 2` against the test graph; stopped at the end."""
    port = _free_port()
    env = {name: value.format(tmp=tmp_path) for name, value in extra_env.items()} | {
           "IDGRAPH_URI": settings.uri, "IDGRAPH_USER": settings.user, "IDGRAPH_PASSWORD": settings.password,
           "IDGRAPH_DATABASE": settings.database, "IDGRAPH_RATE_LIMIT": str(RATE), "IDGRAPH_STRICT_CYPHER": "1",
           "IDGRAPH_DATA_DIR": str(tmp_path / "data"), "HOME": str(tmp_path),
           # no npm on the PATH: serve skips installing the console's JavaScript (not under test)
           "PATH": str(Path(sys.executable).parent)}
    server = subprocess.Popen([str(Path(sys.executable).parent / "idgraph"), "serve", "--workers", "2",
                               "--threads", "2", "--port", str(port)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        _wait_until_up(server, port)
        yield server, port
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_until_up(server: subprocess.Popen, port: int, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"idgraph serve exited {server.returncode}: {server.stderr.read()[-2000:]}")
        try:
            healthy = _request(http.client.HTTPConnection("127.0.0.1", port, timeout=5), "GET", "/healthz")[0] == 200
            if healthy and len(_workers(server.pid)) == 2:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail("idgraph serve --workers 2 did not answer /healthz in time")


def _request(conn: http.client.HTTPConnection, method: str, path: str, key: str | None = None,
             body: dict | None = None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {key}"} if key else {})
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    data = response.read()
    return response.status, (json.loads(data) if data else {})


def _workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def _server_side_inode(server_port: int, client_port: int) -> str | None:
    """The inode of the accepted socket whose local port is the server's and peer is our client."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote = fields[1], fields[2]
        if int(local.split(":")[1], 16) == server_port and int(remote.split(":")[1], 16) == client_port:
            return fields[9]
    return None


def _worker_of(conn: http.client.HTTPConnection, server_port: int, workers: list[int]) -> int | None:
    inode = _server_side_inode(server_port, conn.sock.getsockname()[1])
    return next((pid for pid in workers if inode in _socket_inodes(pid)), None)


def _on_worker(server_port: int, worker: int, workers: list[int]) -> http.client.HTTPConnection:
    """A new connection that `worker` accepted (the kernel hands each to either worker), used at
    once: an idle kept-alive connection would be closed by the worker after a few seconds."""
    for _ in range(40):
        conn = http.client.HTTPConnection("127.0.0.1", server_port, timeout=60)
        assert _request(conn, "GET", "/healthz")[0] == 200
        if _worker_of(conn, server_port, workers) == worker:
            return conn
        conn.close()
    pytest.skip(f"the kernel never handed a connection to worker {worker}")


def _jane_stored(store, port: int) -> tuple[str, http.client.HTTPConnection, str, str]:
    """Jane's records posted through the server: an admin key, its connection, her person, her e-mail."""
    admin = apikeys.issue(store, "admin", "serve test").key
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)   # a cold Neo4j on a busy machine
    status, body = _request(conn, "POST", "/v1/records", admin, {"records": JANE})
    assert status == 200, body
    [person] = {r["personId"] for r in body["results"]}
    email = next(i["value"] for r in JANE for i in r.get("identifiers", []) if i["type"] == "email")
    return admin, conn, person, email


def test_two_workers_answer_a_who_is_this_and_share_one_rate_per_key(api, store):
    server, port = api
    admin, conn, person, email = _jane_stored(store, port)
    status, answer = _request(conn, "GET", f"/v1/whois?type=email&value={email}", admin)
    assert status == 200 and answer["personId"] == person

    agent = apikeys.issue(store, "agent", "rate across workers").key
    workers = _workers(server.pid)
    statuses = [_request(_on_worker(port, worker, workers), "GET", f"/v1/whois?type=email&value={email}", agent)[0]
                for worker in workers * RATE]
    assert statuses.count(200) == RATE and statuses.count(429) == RATE, statuses


@pytest.mark.parametrize("extra_env", [{"IDGRAPH_AUDIT_SPOOL": "{tmp}/audit-spool"}])
def test_with_a_local_audit_log_reads_on_both_workers_reach_the_audit_and_nothing_is_left_at_stop(
        api, store, tmp_path, extra_env):
    """Each worker keeps its own segment in the shared folder; GET /v1/audit on either shows both
    workers' reads once their segments are sealed (every 0.2 s), and a stopped server leaves every
    event in the graph and the folder empty."""
    server, port = api
    _, conn, person, email = _jane_stored(store, port)
    workers = _workers(server.pid)
    agent = apikeys.issue(store, "agent", "audit across workers")
    for worker in workers:
        assert _request(_on_worker(port, worker, workers), "GET", f"/v1/whois?type=email&value={email}",
                        agent.key)[0] == 200
    # wait on the graph itself (GET /v1/audit counts against the key's rate, 3 a minute here)
    deadline, landed = time.monotonic() + 60, 0
    while time.monotonic() < deadline and landed < len(workers):
        landed = store.query("MATCH (e:AuditEvent {keyId: $keyId}) RETURN count(e) AS n", keyId=agent.keyId)[0]["n"]
    privacy = apikeys.issue(store, "privacy", "dpo").key
    status, page = _request(conn, "GET", f"/v1/audit?personId={person}", privacy)
    assert status == 200, page
    assert len([e for e in page["events"] if e["keyId"] == agent.keyId]) == len(workers)
    assert _request(_on_worker(port, workers[0], workers), "GET", f"/v1/whois?type=email&value={email}",
                    agent.key)[0] == 200
    server.terminate()
    server.wait(timeout=30)
    landed = store.query("MATCH (e:AuditEvent {keyId: $keyId}) RETURN count(e) AS n", keyId=agent.keyId)
    assert landed[0]["n"] == len(workers) + 1
    assert list(Path(tmp_path / "audit-spool").glob("*.jsonl")) == []


@pytest.mark.parametrize("extra_env", [{"IDGRAPH_AUDIT_SPOOL": "{tmp}/audit-spool"}])
def test_ctrl_c_stops_the_server_and_its_workers_gracefully(api, store, tmp_path, extra_env):
    """Ctrl-C in a terminal signals the server's whole process group; the workers stop as on
    SIGTERM, draining their audit logs, and none is killed for refusing to stop."""
    server, port = api
    email = _jane_stored(store, port)[3]
    workers = _workers(server.pid)
    agent = apikeys.issue(store, "agent", "ctrl-c")
    for worker in workers:
        assert _request(_on_worker(port, worker, workers), "GET", f"/v1/whois?type=email&value={email}",
                        agent.key)[0] == 200
    os.killpg(server.pid, signal.SIGINT)
    server.wait(timeout=120)
    assert "refused to gracefully stop" not in server.stdout.read()     # granian logs to stdout
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()]
    landed = store.query("MATCH (e:AuditEvent {keyId: $keyId}) RETURN count(e) AS n", keyId=agent.keyId)
    assert landed[0]["n"] == len(workers)
