"""service/ imports without cycles, and no module imports another's private (_underscore) names.

Every import counts, a function's deferred one too: a cycle hidden behind an import inside a function
is still two modules that cannot be understood, or changed, one without the other.
"""
from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(path): path for folder in ("service", "graph") for path in sorted((ROOT / folder).rglob("*.py"))}
SERVICE = sorted(m for m in MODULES if m == "service" or m.startswith("service."))


def _imports(module: str) -> list[tuple[str, list[str]]]:
    """(imported module, names taken from it) for every import in a module; `from pkg import submodule`
    counts as the submodule."""
    found = []
    for node in ast.walk(ast.parse(MODULES[module].read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.append((sub, []) if sub in MODULES else (node.module, [alias.name]))
    return found


def _graph() -> dict[str, set[str]]:
    return {m: {imported for imported, _ in _imports(m) if imported in SERVICE and imported != m} for m in SERVICE}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Each import cycle once, as the path that closes it."""
    found, done = [], set()

    def visit(module: str, path: list[str]) -> None:
        for imported in sorted(edges.get(module, ())):
            if imported in path:
                cycle = path[path.index(imported):] + [imported]
                if set(cycle) not in [set(c) for c in found]:
                    found.append(cycle)
            elif imported not in done:
                visit(imported, path + [imported])
        done.add(module)

    for module in sorted(edges):
        if module not in done:
            visit(module, [module])
    return found


@pytest.mark.parametrize("module", SERVICE)
def test_every_service_module_imports(module):
    importlib.import_module(module)


def test_no_import_cycle_among_service_modules():
    assert cycles(_graph()) == []


def test_the_cycle_check_finds_a_cycle_through_a_deferred_import():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_imports_another_modules_private_names(module):
    private = [f"{imported}.{name}" for imported, names in _imports(module)
               for name in names if name.startswith("_") and imported in MODULES]
    assert not private, f"{module} imports {', '.join(private)}"


def test_the_cli_is_the_console_script():
    assert 'idgraph = "service.cli:main"' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    from service.cli import main
    assert set(main.commands) == {"db", "serve", "demo", "ingest", "keys", "analytics", "model", "resolve", "twins"}
