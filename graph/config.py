"""Settings from IDGRAPH_* environment variables, with embedded-server defaults."""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

HTTP_PORTS = {"arcadedb": 2480, "neo4j": 7474}    # the local engines, the default first
DEFAULT_JUNK_VALUES = (
    "test@test.com", "test@example.com", "none@none.com", "noemail@noemail.com",
    "no@email.com", "na@na.com", "unknown@unknown.com", "a@a.com",
    "0000000000", "00000000000", "1111111111", "1234567890", "9999999999",
    "unknown", "none", "n/a", "na", "null", "test", "-", "0",
)


@dataclass(frozen=True)
class Settings:
    uri: str | None = None
    user: str = "neo4j"
    password: str | None = None
    database: str = "idgraph"
    data_dir: Path = Path(".idgraph")
    engine: str = "arcadedb"         # the local server started when no URI is set: arcadedb or neo4j
    cache_dir: Path = Path.home() / ".cache" / "idgraph"     # Neo4j's jars, fetched once by Maven
    neo4j_heap: str = "2g"
    neo4j_page_cache: str = "1g"
    bolt_port: int = 7687
    http_port: int = 2480
    default_region: str = "GB"
    generic_threshold: int = 3
    strict_cypher: bool = False     # server notifications about queries become Python warnings
    rate_limit: int = 600           # requests per minute per API key; 0 turns the limit off
    junk_values: frozenset[str] = field(default_factory=lambda: frozenset(DEFAULT_JUNK_VALUES))
    model_file: Path | None = None  # the trained match model; None: <data_dir>/match_model.json
    suppression_secret: str | None = field(default=None, repr=False)   # None: a file in data_dir
    lifecycle_file: Path | None = None   # who counts as a customer; None: graph/data/lifecycle.json
    signals_file: Path | None = None     # signals of dissatisfaction; None: graph/data/signals.json
    twins_model_file: Path | None = None   # the trained twin model; None: <data_dir>/twins_model.json
    twins_confidence: float | None = None  # below it a twin prediction abstains; None: the model's (0.6)
    audit_spool: Path | None = None   # a local folder for the audit log (graph/access/audit_spool.py)

    @property
    def server_dir(self) -> Path:
        """The local engine's files: ArcadeDB keeps the data folder's top level, where it always was."""
        return self.data_dir if self.engine == "arcadedb" else self.data_dir / self.engine


def _junk_values(env: Mapping[str, str]) -> frozenset[str]:
    values = set(DEFAULT_JUNK_VALUES)
    path = env.get("IDGRAPH_BLOCKLIST")
    if path:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        values |= {ln.strip().lower() for ln in lines if ln.strip() and not ln.startswith("#")}
    return frozenset(values)


def _cache_home(env: Mapping[str, str]) -> Path:
    return Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache")


def load(env: Mapping[str, str] | None = None, engine: str | None = None) -> Settings:
    """Settings from `env` (default: the process environment); `engine` overrides IDGRAPH_ENGINE."""
    env = os.environ if env is None else env
    engine = (engine or env.get("IDGRAPH_ENGINE", "arcadedb")).strip().lower()
    return Settings(
        uri=env.get("IDGRAPH_URI") or None,
        user=env.get("IDGRAPH_USER", "neo4j"),
        password=env.get("IDGRAPH_PASSWORD"),
        database=env.get("IDGRAPH_DATABASE", "idgraph"),
        data_dir=Path(env.get("IDGRAPH_DATA_DIR", ".idgraph")).resolve(),
        engine=engine,
        cache_dir=Path(env.get("IDGRAPH_CACHE_DIR") or _cache_home(env) / "idgraph"),
        neo4j_heap=env.get("IDGRAPH_NEO4J_HEAP", "2g"),
        neo4j_page_cache=env.get("IDGRAPH_NEO4J_PAGE_CACHE", "1g"),
        bolt_port=int(env.get("IDGRAPH_BOLT_PORT", "7687")),
        http_port=int(env.get("IDGRAPH_HTTP_PORT") or HTTP_PORTS.get(engine, 2480)),
        default_region=env.get("IDGRAPH_DEFAULT_REGION", "GB"),
        generic_threshold=int(env.get("IDGRAPH_GENERIC_THRESHOLD", "3")),
        strict_cypher=env.get("IDGRAPH_STRICT_CYPHER", "") not in ("", "0", "false"),
        rate_limit=int(env.get("IDGRAPH_RATE_LIMIT", "600")),
        junk_values=_junk_values(env),
        model_file=Path(env["IDGRAPH_MODEL"]) if env.get("IDGRAPH_MODEL") else None,
        suppression_secret=env.get("IDGRAPH_SUPPRESSION_SECRET") or None,
        lifecycle_file=Path(env["IDGRAPH_LIFECYCLE"]) if env.get("IDGRAPH_LIFECYCLE") else None,
        signals_file=Path(env["IDGRAPH_SIGNALS"]) if env.get("IDGRAPH_SIGNALS") else None,
        twins_model_file=Path(env["IDGRAPH_TWINS_MODEL"]) if env.get("IDGRAPH_TWINS_MODEL") else None,
        twins_confidence=float(env["IDGRAPH_TWINS_CONFIDENCE"]) if env.get("IDGRAPH_TWINS_CONFIDENCE") else None,
        audit_spool=Path(env["IDGRAPH_AUDIT_SPOOL"]).resolve() if env.get("IDGRAPH_AUDIT_SPOOL") else None,
    )
