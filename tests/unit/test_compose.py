"""Static checks of the Docker files: Docker itself is not available where the tests run."""
import json
import re
from pathlib import Path

import pytest
import yaml

from graph.store.engines import neo4j_server

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def services():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    return compose["services"]


def dockerfile_instructions():
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    return [line.split(None, 1) for line in lines if line and not line.startswith("#")]


def dockerfile_cmd():
    [cmd] = [args for word, args in dockerfile_instructions() if word.upper() == "CMD"]
    return json.loads(cmd)


def published(ports):
    return {str(port).rsplit(":", 1)[-1] for port in ports}


def test_compose_has_neo4j_and_api(services):
    assert {"neo4j", "api"} <= set(services)


def test_neo4j_image_is_a_pinned_526_tag(services):
    assert re.fullmatch(r"neo4j:5\.26\.\d+(-community|-enterprise)?", services["neo4j"]["image"])


def test_neo4j_publishes_bolt_and_browser_and_keeps_its_data(services):
    neo4j = services["neo4j"]
    assert published(neo4j["ports"]) >= {"7474", "7687"}
    assert any(str(v).endswith(":/data") for v in neo4j["volumes"])


def test_neo4j_password_comes_from_the_environment(services):
    auth = services["neo4j"]["environment"]["NEO4J_AUTH"]
    assert auth.startswith("neo4j/${NEO4J_PASSWORD:?")


def test_neo4j_healthcheck_uses_a_tool_the_image_has(services):
    test = services["neo4j"]["healthcheck"]["test"]
    command = " ".join(test) if isinstance(test, list) else test
    assert "cypher-shell" in command or "wget" in command
    assert "curl" not in command


def test_api_waits_for_a_healthy_neo4j_over_a_direct_uri(services):
    api = services["api"]
    assert api["build"] == "."
    assert api["depends_on"]["neo4j"]["condition"] == "service_healthy"
    env = api["environment"]
    assert env["IDGRAPH_URI"].startswith("bolt://neo4j:")     # a standalone server has no routing table
    assert env["IDGRAPH_PASSWORD"] == "${NEO4J_PASSWORD}"
    assert env["IDGRAPH_DATABASE"] == services["neo4j"]["environment"]["NEO4J_initial_dbms_default__database"]
    assert published(api["ports"]) == {"8000"}


def compose_setting(name: str) -> str:
    """neo4j.conf's name as the image's environment variable: '_' doubled, '.' as '_'."""
    return "NEO4J_" + name.replace("_", "__").replace(".", "_")


def test_the_image_is_the_neo4j_version_the_tests_run():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    assert compose["services"]["neo4j"]["image"] == f"neo4j:{neo4j_server.version()}-community"


@pytest.mark.parametrize("setting", ["initial.dbms.default_database", "server.memory.pagecache.size",
                                     "dbms.memory.transaction.total.max", "dbms.usage_report.enabled",
                                     "db.logs.query.enabled"])
def test_compose_sets_what_the_tested_engine_sets(services, setting, tmp_path):
    tested = neo4j_server.Neo4jServer(tmp_path, 7687, 7474, "idgraph", cache_dir=tmp_path)
    assert str(services["neo4j"]["environment"][compose_setting(setting)]) == tested.config()[setting]


def test_compose_heap_is_the_tested_default(services, tmp_path):
    tested = neo4j_server.Neo4jServer(tmp_path, 7687, 7474, "idgraph", cache_dir=tmp_path)
    env = services["neo4j"]["environment"]
    assert env["NEO4J_server_memory_heap_initial__size"] == env["NEO4J_server_memory_heap_max__size"] == tested.heap


def test_api_command_matches_the_image_cmd(services):
    assert services["api"]["command"] == dockerfile_cmd()


def test_dockerfile_serves_idgraph_as_a_non_root_user():
    instructions = dockerfile_instructions()
    words = {word.upper(): args for word, args in instructions}
    assert words["FROM"] == "python:3.11-slim"
    assert any(w.upper() == "RUN" and "pip install --no-cache-dir ." in a for w, a in instructions)
    assert words["USER"] not in ("root", "0") and words["EXPOSE"] == "8000"
    assert dockerfile_cmd()[:2] == ["idgraph", "serve"]
    assert "0.0.0.0" in dockerfile_cmd()


def test_dockerignore_keeps_local_state_out_of_the_image():
    ignored = set((ROOT / ".dockerignore").read_text(encoding="utf-8").split())
    assert {".git", ".venv", ".idgraph", "__pycache__", ".pytest_cache"} <= ignored
