"""The README's REST API table and the OpenAPI document list the same operations, both ways."""
from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
METHODS = ("get", "post", "put", "patch", "delete")


def _section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    return text[start:text.index("\n## ", start + 1)]


def _operation(method: str, path: str) -> str:
    # path parameters are named in camelCase in the README and snake_case in OpenAPI: compare the shape
    return f"{method.upper()} {re.sub(r'{[^}]*}', '{}', path)}"


def readme_operations() -> set[str]:
    rows = [line.split("|")[1] for line in _section("REST API").splitlines() if line.startswith("| `")]
    return {_operation(method, path) for row in rows
            for method, path in re.findall(r"`(GET|POST|PUT|PATCH|DELETE) (/[^`?\s]*)", row)}


def test_the_readme_api_table_lists_every_documented_operation_and_no_other(client):
    paths = client.get("/openapi.json").get_json()["paths"]
    documented = {_operation(method, path) for path, item in paths.items() for method in item if method in METHODS}
    readme = readme_operations()
    assert documented - readme == set(), "operations missing from the README's REST API table"
    assert readme - documented == set(), "README rows for operations the API does not have"


def test_the_readme_table_is_read_at_all():
    assert {"POST /v1/records", "DELETE /v1/keys/{}", "GET /readyz"} <= readme_operations()
