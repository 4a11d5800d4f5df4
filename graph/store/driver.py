"""The one way idgraph reaches its graph: the official neo4j driver over Bolt."""
from __future__ import annotations

import functools
import logging
import random
import threading
import time
from dataclasses import dataclass, field

from neo4j import Driver, GraphDatabase, NotificationClassification, NotificationMinimumSeverity
from neo4j.exceptions import (
    ConstraintError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from graph.config import Settings
from graph.errors import StoreUnavailable
from graph.store import engines
from graph.store.group_commit import GroupCommit

log = logging.getLogger(__name__)
CONNECTION_LOST = (ServiceUnavailable, SessionExpired, OSError)
ATTEMPTS = 10


def local_server(settings: Settings) -> engines.LocalServer:
    """The local server of the configured engine, used when no IDGRAPH_URI is set."""
    return engines.create(settings.engine, settings.server_dir, settings.bolt_port, settings.http_port,
                          settings.database, cache_dir=settings.cache_dir, heap=settings.neo4j_heap,
                          page_cache=settings.neo4j_page_cache)


def _contention(exc: Neo4jError) -> bool:
    """Errors two writers to the same keys cause; safe to retry because every write is idempotent.

    A MERGE race ends in ConstraintError; on ArcadeDB a record another transaction rolled back
    shows as EntityNotFound, and an optimistic-lock clash as a transient or 'concurrent' error.
    """
    return isinstance(exc, (ConstraintError, TransientError)) or "oncurrent" in str(exc) \
        or exc.code == "Neo.ClientError.Statement.EntityNotFound"


@dataclass
class Store:
    driver: Driver
    database: str
    schema_ready: bool = False
    _write_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    _groups: dict[str, GroupCommit] = field(default_factory=dict, repr=False, compare=False)

    def _run(self, access: str, work, *args, autocommit: bool = False):
        """Our own retry loop, so contention is retried but an unreachable server fails at once.

        The driver's own retry is off: it would spend seconds re-dialling a server that is down.
        """
        for attempt in range(ATTEMPTS):
            try:
                with self.driver.session(database=self.database, default_access_mode=access) as session:
                    if autocommit:
                        return work(session, *args)
                    run = session.execute_write if access == "WRITE" else session.execute_read
                    return run(work, *args)
            except CONNECTION_LOST as exc:
                if attempt == ATTEMPTS - 1 or not self.ping():
                    raise StoreUnavailable(str(exc)) from exc
            except Neo4jError as exc:
                if not _contention(exc):
                    raise
                if attempt == ATTEMPTS - 1:
                    raise StoreUnavailable(f"gave up after {ATTEMPTS} conflicting attempts: {exc}") from exc
                log.debug("transaction retried after contention: %s", exc.code)
            time.sleep(random.uniform(0.005, 0.03) * (attempt + 1))

    def write(self, work, *args):
        """Run `work(tx, *args)` in a managed write transaction (`work` must be idempotent).

        On ArcadeDB one process writes one transaction at a time. Its transactions are optimistic
        and adding a relationship never conflicts, so two writers that each read the other's
        identifiers before either committed could both decide "new person"; Neo4j's locks make the
        later writer wait instead. (Writers in other processes still conflict on the identifier
        nodes they both write, see queries_ingest.IDENTIFIER_NODES, and one is retried.)
        """
        if self.engine != "arcadedb":
            return self._run("WRITE", work, *args)
        with self._write_lock:
            return self._run("WRITE", work, *args)

    def read(self, work, *args):
        return self._run("READ", work, *args)

    def read_each(self, work, *args):
        """Run `work(runner, *args)` with each statement its own auto-commit read: one round trip a
        statement, where a managed transaction adds BEGIN and COMMIT (two more; who-is-this has two
        statements). For reads that need no snapshot across their statements: Neo4j's transactions
        are read-committed, so a managed one would not give one either. Routed like `read`."""
        return self._run("READ", work, *args, autocommit=True)

    def grouped(self, statement: str) -> GroupCommit:
        """Concurrent writes of rows with one `statement` (`UNWIND $rows AS row ...`), committed in
        shared transactions (graph/store/group_commit.py); `submit(row)` returns once it is durable.

        Only for rows that create nodes of their own which no decision reads (audit events): they
        are not serialised with the other writers on ArcadeDB, since they cannot race with them.
        """
        group = self._groups.get(statement)
        if group is None:   # setdefault is atomic: two first callers end up with the same one
            group = self._groups.setdefault(statement, GroupCommit(
                lambda rows: self._run("WRITE", lambda tx: tx.run(statement, rows=rows).consume())))
        return group

    def query(self, cypher: str, **params) -> list[dict]:
        return self.read(lambda tx: [r.data() for r in tx.run(cypher, params)])

    def ping(self) -> bool:
        try:
            self.driver.verify_connectivity()
        except (DriverError, Neo4jError, OSError):
            return False
        return True

    @functools.cached_property
    def engine(self) -> str:
        """Which engine answers, for the few statements each needs in its own form: "arcadedb" or
        "neo4j" (ArcadeDB's Bolt plugin names itself in the agent string, after a Neo4j version)."""
        agent = self._run("READ", lambda tx: tx.run("RETURN 1").consume().server.agent)
        return "arcadedb" if "ArcadeDB" in agent else "neo4j"

    def close(self) -> None:
        self.driver.close()


def quiet_driver_log() -> None:
    """Keep the driver's log at INFO or above: its DEBUG log is a wire trace with every query's
    parameters, i.e. identifiers and names, and idgraph's logs carry no personal data."""
    driver_log = logging.getLogger("neo4j")
    driver_log.setLevel(max(driver_log.level, logging.INFO))


def notification_config(strict: bool) -> dict:
    """What the server should say about our queries. Two kinds are noise here: "unrecognized" (a
    label or property no node has yet, on a new graph) and "schema" (an index that IF NOT EXISTS
    found already there, at every start). Strict mode turns the rest (deprecations, performance)
    into Python warnings, which the test suite makes errors."""
    quiet = [NotificationClassification.UNRECOGNIZED, NotificationClassification.SCHEMA]
    config: dict[str, object] = {"notifications_disabled_classifications": quiet}
    if strict:
        config["warn_notification_severity"] = NotificationMinimumSeverity.INFORMATION
    return config


def connect(settings: Settings, start_local: bool = True) -> Store:
    """A Store for the configured server, starting the local one when no URI is set."""
    quiet_driver_log()
    if settings.uri:
        uri, auth = settings.uri, (settings.user, settings.password or "")
    else:
        server = local_server(settings)
        info = server.start() if start_local else server.status()
        if info is None:
            raise StoreUnavailable(f"the local {settings.engine} server is not running; start it with "
                                   "`idgraph db start`")
        uri, auth = info.uri, (info.user, info.password)
    driver = GraphDatabase.driver(uri, auth=auth, max_transaction_retry_time=0,
                                  connection_acquisition_timeout=10.0, connection_timeout=5.0,
                                  **notification_config(settings.strict_cypher))
    return Store(driver, settings.database)
