"""Neo4j Community 5.26 LTS from Maven Central, run without Docker: the engine users deploy and
analysts query, here as a local child process (Bolt, HTTP and Neo4j Browser at /browser).

Maven copies the jars that neo4j-pom.xml lists into idgraph's cache once; the server then starts
from its own entry point with those jars on the class path (never the module path: Neo4j has split
packages) and the JVM flags Neo4j's own neo4j.conf passes, since without bin/neo4j nobody reads
them from the config file.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from graph.store.engines.base import LocalServer, ServerError, ServerInfo

POM = Path(__file__).with_name("neo4j-pom.xml")
ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
ADMIN_TOOL = "org.neo4j.cli.AdminTool"
# Without the java.nio opening some index builds stall silently (Neo4j's own neo4j.conf has these).
JVM_FLAGS = ("--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
             "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
             "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
             "-Dio.netty.tryReflectionSetAccessible=true", "-Djdk.nio.maxCachedBufferSize=1024",
             "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError")
MAVEN_TIMEOUT = 900


def version() -> str:
    """The Neo4j version neo4j-pom.xml pins (the one place it is written)."""
    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    pinned = ET.parse(POM).getroot().find("m:properties/m:neo4j.version", ns)
    if pinned is None or not pinned.text:
        raise ServerError(f"{POM} pins no neo4j.version")
    return pinned.text.strip()


def _tool(name: str, hint: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise ServerError(f"`{name}` is not installed, and the Neo4j engine needs it; {hint}, or use the "
                          "ArcadeDB engine (IDGRAPH_ENGINE=arcadedb), or point IDGRAPH_URI at a Neo4j server")
    return path


def install_jars(cache_dir: Path) -> Path:
    """The folder of Neo4j's jars, copied there by Maven on first use (about 140 MB, once)."""
    lib = Path(cache_dir) / f"neo4j-{version()}" / "lib"
    if lib.is_dir():
        return lib
    mvn = _tool("mvn", "install Apache Maven 3.8+ (Debian: apt-get install maven)")
    lib.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="lib-", dir=lib.parent))
    try:
        done = subprocess.run([mvn, "-q", "-B", "-f", str(POM), "dependency:copy-dependencies",
                               "-DincludeScope=runtime", f"-DoutputDirectory={staging}"],
                              capture_output=True, text=True, timeout=MAVEN_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise ServerError(f"Maven could not fetch Neo4j {version()}: {exc}") from exc
    if done.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        tail = " / ".join((done.stdout + done.stderr).strip().splitlines()[-3:])
        raise ServerError(f"Maven could not fetch Neo4j {version()} from Maven Central (exit "
                          f"{done.returncode}): {tail}; check the network or a proxy in ~/.m2/settings.xml")
    try:
        staging.rename(lib)
    except OSError:     # another process installed it meanwhile
        shutil.rmtree(staging, ignore_errors=True)
    return lib


class Neo4jServer(LocalServer):
    engine = "neo4j"
    user = "neo4j"

    def __init__(self, data_dir: Path, bolt_port: int, http_port: int, database: str, *,
                 cache_dir: Path, heap: str = "2g", page_cache: str = "1g"):
        super().__init__(data_dir, bolt_port, http_port, database)
        self.cache_dir, self.heap, self.page_cache = Path(cache_dir), heap, page_cache
        self.conf_dir = self.data_dir / "conf"

    def config(self) -> dict[str, str]:
        bolt, http = f"127.0.0.1:{self.bolt_port}", f"127.0.0.1:{self.http_port}"
        return {
            "server.bolt.listen_address": bolt, "server.bolt.advertised_address": bolt,
            "server.http.listen_address": http, "server.http.advertised_address": http,
            "server.https.enabled": "false",
            # Community has one user database, named when it is first created.
            "initial.dbms.default_database": self.database,
            "dbms.security.auth_enabled": "true",
            "server.memory.pagecache.size": self.page_cache,
            "dbms.memory.transaction.total.max": "1g",
            "dbms.usage_report.enabled": "false",
            # Browser would otherwise load trackers from the internet and ask about usage data.
            "client.allow_telemetry": "false",
            # The query log would keep every query's parameters: identifiers and names.
            "db.logs.query.enabled": "OFF",
        }

    def _prepare(self, password: str) -> None:
        self.conf_dir.mkdir(parents=True, exist_ok=True)
        text = "".join(f"{key}={value}\n" for key, value in self.config().items())
        (self.conf_dir / "neo4j.conf").write_text(text)
        if not (self.data_dir / "data" / "dbms" / "auth.ini").exists():
            self._set_initial_password(password)

    def _java(self) -> list[str]:
        java = _tool("java", "install a Java 17 or 21 runtime (Debian: apt-get install openjdk-17-jre-headless)")
        lib = install_jars(self.cache_dir)
        return [java, "-cp", f"{lib}/*"]

    def _set_initial_password(self, password: str) -> None:
        done = subprocess.run([*self._java(), ADMIN_TOOL, "dbms", "set-initial-password", password],
                              env=self._env(password), capture_output=True, text=True, check=False, timeout=120)
        if done.returncode != 0:
            raise ServerError(f"neo4j-admin could not set the password (exit {done.returncode}): "
                              + " / ".join(done.stderr.strip().splitlines()[-3:]))

    def _env(self, password: str) -> dict[str, str]:
        env = super()._env(password)
        env.update(NEO4J_HOME=str(self.data_dir), NEO4J_CONF=str(self.conf_dir))
        return env

    def _command(self) -> list[str]:
        java, cp, lib = self._java()
        return [java, f"-Xms{self.heap}", f"-Xmx{self.heap}", *JVM_FLAGS, cp, lib, ENTRY_POINT,
                f"--home-dir={self.data_dir}", f"--config-dir={self.conf_dir}"]

    def _ready(self, proc, password: str) -> ServerInfo | None:
        """Bolt accepts connections before the database is online: ask the database itself."""
        from neo4j import GraphDatabase
        from neo4j.exceptions import DriverError, Neo4jError
        info = ServerInfo(proc.pid, self.bolt_port, self.http_port, self.database, password, self.user, self.engine)
        try:
            # A plain session run: execute_query would retry for half a minute, logging each try.
            with GraphDatabase.driver(info.uri, auth=(self.user, password), connection_timeout=2.0) as driver, \
                    driver.session(database=self.database) as session:
                session.run("RETURN 1").consume()
        except (DriverError, Neo4jError, OSError):
            return None
        return self._write_ready(info)
