"""All configuration goes through Settings (graph/config.py), and the README's table names all of it."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from graph import config

ROOT = Path(__file__).resolve().parents[2]
# The local engines hand the server process its environment and the generated password (not settings).
PASSES_THE_ENVIRONMENT_ON = {"graph/store/engines/base.py", "graph/store/engines/arcadedb.py",
                             "graph/store/engines/arcadedb_main.py"}
SOURCES = sorted(p.relative_to(ROOT).as_posix()
                 for folder in ("graph", "service") for p in (ROOT / folder).rglob("*.py"))


def _configuration_table() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text[text.index("\n## Configuration\n"):text.index("\n## Command line\n")]


@pytest.mark.parametrize("source", [s for s in SOURCES
                                    if s != "graph/config.py" and s not in PASSES_THE_ENVIRONMENT_ON])
def test_only_graph_config_reads_the_environment(source):
    text = (ROOT / source).read_text(encoding="utf-8")
    assert not re.search(r"\bos\.environ\b|\bgetenv\(", text), f"{source} reads the environment: use Settings"


def test_the_readme_names_every_variable_settings_read():
    read = set(re.findall(r'env(?:\.get\(|\[)"(IDGRAPH_[A-Z0-9_]+)"', (ROOT / "graph/config.py").read_text()))
    assert len(read) >= 15
    assert read - set(re.findall(r"`(IDGRAPH_[A-Z0-9_]+)`", _configuration_table())) == set()


def test_model_file_and_suppression_secret_come_from_their_variables():
    settings = config.load({"IDGRAPH_MODEL": "/m/model.json", "IDGRAPH_SUPPRESSION_SECRET": "s3cret"})
    assert settings.model_file == Path("/m/model.json") and settings.suppression_secret == "s3cret"
    assert "s3cret" not in repr(settings)
    assert config.load({}).model_file is None and config.load({}).suppression_secret is None


def test_an_engine_given_on_the_command_line_wins_over_the_variable():
    settings = config.load({"IDGRAPH_ENGINE": "arcadedb"}, engine="neo4j")
    assert settings.engine == "neo4j" and settings.http_port == config.HTTP_PORTS["neo4j"]
