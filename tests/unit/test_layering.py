"""The import rules of graph/ (README, Layout), checked on every module's source.

- Pure folders (intake, matching, analytics, demo) and graph/model.py import neither the driver,
  nor flask, nor graph.store, nor a graph module that does: they run without a database.
- In the capability folders only the use-case modules named in USE_CASES run transactions (import
  graph.store); every other module there is pure by the same rule.
- Nothing in graph/ imports service/: the web and the CLI sit on top of graph/, never under it.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

GRAPH = Path(__file__).resolve().parents[2] / "graph"
PURE_FOLDERS = ("intake", "matching", "analytics", "demo", "twins")
USE_CASES = {
    "graph.access.apikeys", "graph.access.audit", "graph.access.audit_spool",
    "graph.events.ingest", "graph.events.timeline", "graph.lifecycle.reads",
    "graph.events.enrich", "graph.events.gifts", "graph.events.household", "graph.history.ingest",
    "graph.history.reads",
    "graph.signals.reads", "graph.signals.refresh", "graph.privacy.purpose",
    "graph.visitors.track", "graph.visitors.views", "graph.visitors.training", "graph.visitors.records",
    "graph.visitors.erasure", "graph.visitors.persons",
    "graph.privacy.rights", "graph.privacy.suppression",
    "graph.reads.views", "graph.reads.explain_reads", "graph.reads.search_reads",
    "graph.relationships.network", "graph.relationships.edges", "graph.relationships.influence",
    "graph.relationships.refresh",
    "graph.resolution.ingest", "graph.resolution.resolve_all", "graph.resolution.relatives_prior",
    "graph.stewardship.rules", "graph.stewardship.decisions", "graph.stewardship.snapshots",
    "graph.stewardship.review", "graph.stewardship.feedback", "graph.stewardship.labels",
}
FORBIDDEN_IN_PURE = ("neo4j", "flask", "flask_smorest", "graph.store", "service")


def _name(path: Path) -> str:
    parts = path.relative_to(GRAPH.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(path): path for path in sorted(GRAPH.rglob("*.py"))}


def _imports(module: str) -> list[str]:
    """Every module a module imports, relative imports resolved, `from pkg import submodule` as the submodule."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                found.append(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
    return found


def _is_pure(module: str) -> bool:
    return module not in USE_CASES and not module.startswith("graph.store")


def _breaks(module: str) -> list[str]:
    return [imported for imported in _imports(module)
            if any(imported == f or imported.startswith(f + ".") for f in FORBIDDEN_IN_PURE)
            or (imported in MODULES and not _is_pure(imported))]


# graph.config (settings from the environment) may be imported by anything and is not checked here.
PURE_MODULES = sorted(m for m in MODULES if _is_pure(m) and m != "graph.config")


def test_every_pure_folder_and_module_is_found():
    for folder in PURE_FOLDERS:
        assert any(m.startswith(f"graph.{folder}.") for m in PURE_MODULES), folder
    assert set(USE_CASES) <= set(MODULES), set(USE_CASES) - set(MODULES)
    assert {"graph.model", "graph.resolution.decision", "graph.reads.explain", "graph.privacy.consent"} <= \
        set(PURE_MODULES)


@pytest.mark.parametrize("module", PURE_MODULES)
def test_a_pure_module_imports_neither_driver_nor_web_nor_store(module):
    assert not _breaks(module), f"{module} is pure but imports {', '.join(_breaks(module))}"


@pytest.mark.parametrize("folder", PURE_FOLDERS)
def test_a_pure_folder_holds_no_use_case(folder):
    assert not [m for m in USE_CASES if m.startswith(f"graph.{folder}.")]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_nothing_in_graph_imports_service(module):
    service = [i for i in _imports(module) if i == "service" or i.startswith("service.")]
    assert not service, f"{module} imports {', '.join(service)}"


def test_the_rule_catches_a_store_import_even_a_relative_one(tmp_path, monkeypatch):
    monkeypatch.setitem(MODULES, "graph.intake.fake", tmp_path / "fake.py")
    (tmp_path / "fake.py").write_text("from ..store import queries_ingest\nfrom graph.reads import views\n"
                                      "import neo4j\nfrom . import normalize\n")
    assert _breaks("graph.intake.fake") == ["graph.store.queries_ingest", "graph.reads.views", "neo4j"]
