"""The service around the use cases: OpenAPI, docs, probes, the one error shape, an unreachable database."""
from __future__ import annotations

import dataclasses
import json

import pytest
from neo4j import GraphDatabase

from graph.store.driver import Store, connect
from service import create_app
from service.errors import RETRY_AFTER_SECONDS

API_PATHS = {
    "/v1/records": {"post"},
    "/v1/whois": {"get"},
    "/v1/persons": {"get"},
    "/v1/persons/{person_id}": {"get"},
    "/v1/sources/{source}/records/{source_id}": {"get"},
    "/healthz": {"get"},
    "/readyz": {"get"},
}
CLOSED = "bolt://127.0.0.1:1"


def assert_error_shape(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = json.loads(response.get_data(as_text=True))
    assert set(body) <= {"code", "status", "message", "errors"}
    assert body["code"] == status
    assert isinstance(body["status"], str) and body["status"]
    assert isinstance(body["message"], str) and body["message"]
    return body


# --- documentation ------------------------------------------------------------------------------

def test_openapi_document_lists_every_path(client):
    response = client.get("/openapi.json")
    assert response.status_code == 200
    doc = json.loads(response.get_data(as_text=True))
    assert doc["openapi"].startswith("3.")
    assert doc["info"]["title"] == "idgraph"
    for path, methods in API_PATHS.items():
        assert path in doc["paths"], sorted(doc["paths"])
        assert methods <= set(doc["paths"][path]), (path, sorted(doc["paths"][path]))


def test_openapi_documents_batch_request_and_outcomes(client):
    doc = client.get("/openapi.json").get_json()
    post = doc["paths"]["/v1/records"]["post"]
    assert {"200", "207", "422"} <= set(post["responses"])
    assert post["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/Batch")
    schemas = doc["components"]["schemas"]
    assert "Record" in schemas and "records" in schemas["Batch"]["properties"]
    params = {p["name"] for p in doc["paths"]["/v1/whois"]["get"]["parameters"]}
    assert {"type", "value", "platform", "system"} <= params


# --- probes -------------------------------------------------------------------------------------

def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz(client, settings):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready", "database": settings.database}


# --- the one error shape ------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/nope", "/v1", "/v1/records/extra", "/v1/sources/crm", "/openapi.yaml"])
def test_unknown_route_is_json_404(client, path):
    assert_error_shape(client.get(path), 404)


@pytest.mark.parametrize("method, path", [
    ("get", "/v1/records"), ("put", "/v1/records"), ("put", "/v1/persons/P-1"),
    ("post", "/v1/whois"), ("post", "/healthz"), ("patch", "/v1/sources/crm/records/C-1"),
])
def test_wrong_method_is_json_405(client, method, path):
    assert_error_shape(getattr(client, method)(path, json={}), 405)


@pytest.mark.parametrize("method, path, allowed", [
    ("get", "/v1/records", {"POST"}), ("put", "/v1/persons/P-1", {"GET", "DELETE"}), ("post", "/healthz", {"GET"}),
])
def test_405_names_the_allowed_methods(client, method, path, allowed):
    """RFC 9110 section 15.5.6: a 405 response must carry an Allow header."""
    response = getattr(client, method)(path)
    assert response.status_code == 405
    assert allowed <= {m.strip() for m in response.headers.get("Allow", "").split(",")}


def test_not_found_from_the_graph_uses_the_error_shape(client, store):
    body = assert_error_shape(client.get("/v1/persons/P-0000000000000000"), 404)
    assert "P-0000000000000000" in body["message"]


def test_validation_error_uses_the_error_shape(client, store):
    body = assert_error_shape(client.get("/v1/whois", query_string={"type": "email"}), 422)
    assert body["errors"] == {"query.value": ["Missing data for required field."]}
    assert "query.value" in body["message"]


def test_body_too_large_is_json_413(client, store):
    response = client.post("/v1/records", data=b"{" + b" " * (16 * 1024 * 1024 + 1) + b"}",
                           content_type="application/json")
    assert_error_shape(response, 413)


def test_unexpected_error_is_json_500_without_details(app, client, store, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("secret internals: jane.smith@example.com")
    monkeypatch.setattr("service.api.persons.person_view", explode)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    response = client.get("/v1/persons/P-1")
    body = assert_error_shape(response, 500)
    assert "secret" not in response.get_data(as_text=True)
    assert "errors" not in body


# --- database unreachable -----------------------------------------------------------------------

@pytest.fixture
def closed_settings(settings):
    return dataclasses.replace(settings, uri=CLOSED)


@pytest.fixture
def closed_store(settings):
    """A store on a closed port whose driver gives up at once (connect() retries for 10 s)."""
    driver = GraphDatabase.driver(CLOSED, auth=(settings.user, settings.password or ""),
                                  max_transaction_retry_time=0.0, connection_timeout=1.0,
                                  connection_acquisition_timeout=2.0)
    store = Store(driver, settings.database)
    yield store
    store.close()


def assert_unavailable(response):
    body = assert_error_shape(response, 503)
    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "retry" in body["message"]
    return body


def test_app_starts_while_database_unreachable_and_is_not_ready(closed_settings, closed_store):
    """A service started before its database must come up (healthz 200) and say 503 on readyz."""
    app = create_app(closed_settings, store=closed_store)
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    assert_unavailable(client.get("/readyz"))


@pytest.fixture
def down_client(app, client, closed_store, monkeypatch):
    """The app built on the good store, then pointed at a closed port: the database went away.

    The client's key is valid, but checking it needs the database too: 503, not 401.
    """
    monkeypatch.setitem(app.extensions["idgraph"], "store", closed_store)
    return client


def test_readyz_is_503_when_database_unreachable(down_client):
    assert_unavailable(down_client.get("/readyz"))


def test_healthz_stays_up_when_database_unreachable(down_client):
    assert down_client.get("/healthz").status_code == 200


@pytest.mark.parametrize("method, path, kwargs", [
    ("get", "/v1/whois", {"query_string": {"type": "email", "value": "jane.smith@example.com"}}),
    ("get", "/v1/persons/P-1", {}),
    ("get", "/v1/persons", {}),
    ("get", "/v1/sources/crm/records/C-1", {}),
    ("post", "/v1/records", {"json": {"records": [{"source": "crm", "sourceId": "C-1",
                                                   "name": {"full": "Ada Lovelace"}}]}}),
])
def test_api_is_503_with_retry_after_when_database_unreachable(down_client, method, path, kwargs):
    assert_unavailable(getattr(down_client, method)(path, **kwargs))


def test_configured_store_reports_an_outage_without_redialling(app, client, closed_settings, monkeypatch, caplog):
    """With the store connect() builds, a refused connection is a 503 at once, not after retries."""
    store = connect(closed_settings)
    monkeypatch.setitem(app.extensions["idgraph"], "store", store)
    try:
        assert_unavailable(client.get("/v1/persons/P-1"))
    finally:
        store.close()
    assert not [r for r in caplog.records if "will be retried" in r.getMessage()]
