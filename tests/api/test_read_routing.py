"""Reads go where a Neo4j cluster's driver routes reads: a who-is-this opens its sessions in READ
access mode (neo4j:// sends them to followers and read replicas) and writes only its audit event.

The driver routes by the session's access mode: a managed `execute_read` and an auto-commit
`run` in a READ session both go to a reader. A spy on the real driver's sessions records which
mode each session had and how its work ran; the statements still reach the real server."""
from __future__ import annotations

import pytest

from tests.api.test_whois_api import JANE, post, whois


class SpySession:
    def __init__(self, session, mode: str, calls: list):
        self._session, self._mode, self._calls = session, mode, calls

    def __enter__(self):
        self._session.__enter__()
        return self

    def __exit__(self, *exc):
        return self._session.__exit__(*exc)

    def __getattr__(self, name):
        attribute = getattr(self._session, name)
        if name in ("execute_read", "execute_write", "run", "begin_transaction"):
            self._calls.append((self._mode, name))
        return attribute


@pytest.fixture
def sessions(store, monkeypatch):
    calls: list[tuple[str, str]] = []
    real = store.driver.session

    def session(**config):
        return SpySession(real(**config), config.get("default_access_mode", "WRITE"), calls)
    monkeypatch.setattr(store.driver, "session", session)
    return calls


def test_a_who_is_this_reads_in_read_sessions_and_writes_only_its_audit_event(client, store, sessions):
    post(client, JANE)
    sessions.clear()
    email = next(i["value"] for r in JANE for i in r.get("identifiers", []) if i["type"] == "email")
    assert whois(client, type="email", value=email).status_code == 200
    reads = [c for c in sessions if c[0] == "READ"]
    writes = [c for c in sessions if c[0] != "READ"]
    assert reads and all(how in ("execute_read", "run") for _, how in reads)
    assert writes == [("WRITE", "execute_write")]      # the audit event, in a write transaction


def test_store_read_is_a_managed_read_transaction(store, sessions):
    assert store.query("RETURN 1 AS n") == [{"n": 1}]
    assert sessions == [("READ", "execute_read")]
