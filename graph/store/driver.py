"""The one way idgraph reaches its graph: the official neo4j driver over Bolt."""
from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass

from neo4j import Driver, GraphDatabase, RoutingControl
from neo4j.exceptions import ConstraintError, DriverError, Neo4jError, ServiceUnavailable, SessionExpired, TransientError

from graph.config import Settings
from graph.store.embedded import EmbeddedServer, USER

log = logging.getLogger(__name__)
UNAVAILABLE = (ServiceUnavailable, SessionExpired, TransientError, OSError)


class StoreUnavailable(RuntimeError):
    """The graph database cannot be reached or keeps refusing work; try again later."""


def embedded_server(settings: Settings) -> EmbeddedServer:
    return EmbeddedServer(settings.data_dir, settings.bolt_port, settings.http_port, settings.database)


def _retryable(exc: Neo4jError) -> bool:
    return isinstance(exc, ConstraintError) or exc.code == "Neo.ClientError.Statement.EntityNotFound" \
        or "oncurrent" in str(exc)


@dataclass
class Store:
    driver: Driver
    database: str

    def write(self, work, *args, attempts: int = 8):
        """Run `work(tx, *args)` in a managed write transaction.

        The driver retries transient errors itself. Concurrent writers to the same keys can also end
        in a ConstraintError (a MERGE race) or, on ArcadeDB, EntityNotFound (a record another
        transaction rolled back); both are safe to retry because every write here is idempotent.
        """
        for attempt in range(attempts):
            try:
                with self.driver.session(database=self.database) as session:
                    return session.execute_write(work, *args)
            except UNAVAILABLE as exc:
                raise StoreUnavailable(str(exc)) from exc
            except Neo4jError as exc:
                if not _retryable(exc) or attempt == attempts - 1:
                    raise
                time.sleep(random.uniform(0.005, 0.05) * (attempt + 1))

    def read(self, work, *args):
        try:
            with self.driver.session(database=self.database, default_access_mode="READ") as session:
                return session.execute_read(work, *args)
        except UNAVAILABLE as exc:
            raise StoreUnavailable(str(exc)) from exc

    def query(self, cypher: str, **params) -> list[dict]:
        try:
            records, _, _ = self.driver.execute_query(cypher, params, database_=self.database,
                                                      routing_=RoutingControl.READ)
        except UNAVAILABLE as exc:
            raise StoreUnavailable(str(exc)) from exc
        return [r.data() for r in records]

    def ping(self) -> bool:
        try:
            self.driver.verify_connectivity()
            self.query("RETURN 1 AS ok")
            return True
        except (StoreUnavailable, DriverError, Neo4jError, OSError):
            return False

    def close(self) -> None:
        self.driver.close()


def connect(settings: Settings, start_embedded: bool = True) -> Store:
    """A Store for the configured server, starting the embedded one when no URI is set."""
    if settings.uri:
        uri, auth = settings.uri, (settings.user, settings.password or "")
    else:
        server = embedded_server(settings)
        info = server.start() if start_embedded else server.status()
        if info is None:
            raise StoreUnavailable("the embedded server is not running; start it with `idgraph db start`")
        uri, auth = info.uri, (USER, info.password)
    driver = GraphDatabase.driver(uri, auth=auth, max_transaction_retry_time=10.0,
                                  connection_acquisition_timeout=10.0, connection_timeout=5.0)
    return Store(driver, settings.database)
