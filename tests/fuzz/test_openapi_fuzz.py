"""Fuzz every operation in /openapi.json with schemathesis: valid and invalid inputs, derandomised.

Every response must not be a server error, must use a status code documented for its operation,
and must match that code's documented body schema, headers and content type. One test per
operation.
"""
from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from neo4j import GraphDatabase
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from graph import config
from graph.store.driver import Store
from tests.fuzz.conftest import LOG

EXAMPLES = {GenerationMode.POSITIVE: 30, GenerationMode.NEGATIVE: 30}   # per operation: a run of a minute or two
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]


def documented_operations() -> list[str]:
    """Every operation in the OpenAPI document, read at collection time from an app that never
    reaches a database (the document is built from the views alone)."""
    from service import create_app
    offline = Store(GraphDatabase.driver("bolt://127.0.0.1:9"), "offline", schema_ready=True)
    try:
        document = create_app(dataclasses.replace(config.load({}), uri="bolt://127.0.0.1:9"), offline) \
            .test_client().get("/openapi.json").get_json()
    finally:
        offline.close()
    return [f"{method.upper()} {path}" for path, item in document["paths"].items()
            for method in item if method in ("get", "put", "post", "patch", "delete")]


def fuzz(operation, mode: GenerationMode, headers: dict) -> None:
    """Run EXAMPLES[mode] cases, each checked against the document."""
    label = f"{operation.method.upper()} {operation.path}"

    @settings(max_examples=EXAMPLES[mode], derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
              print_blob=False)
    @given(case=operation.as_strategy(generation_mode=mode))
    def one_case(case):
        response = case.call(headers=headers)
        LOG.record(label, mode.value, response.status_code)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as group:
            LOG.fail(label, [failure.title for failure in group.exceptions])
            raise

    one_case()


@pytest.mark.parametrize("label", documented_operations())
def test_operation_answers_as_documented(label, api_schema, fuzz_headers):
    method, path = label.split(" ", 1)
    operation = api_schema[path][method]
    fuzz(operation, GenerationMode.POSITIVE, fuzz_headers)
    if _takes_input(operation):   # with no parameters and no body there is nothing to make invalid
        fuzz(operation, GenerationMode.NEGATIVE, fuzz_headers)


def _takes_input(operation) -> bool:
    return any(len(part) for part in (operation.path_parameters, operation.query, operation.headers,
                                      operation.cookies, operation.body))
