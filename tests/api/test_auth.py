"""API keys and roles: 401 without a valid key, 403 for the wrong role, keys managed by CLI and API."""
from __future__ import annotations

import hashlib

import pytest

from graph.access import apikeys
from tests.conftest import keyed_client

ADA = {"source": "crm", "sourceId": "C-1", "name": {"full": "Ada Lovelace"},
       "identifiers": [{"type": "email", "value": "ada@example.com"}]}
UNKNOWN_KEY_ID = "0" * 16

# Every /v1 operation: (method, path as called, keyword arguments, path as documented).
ENDPOINTS = {
    "whois": ("get", "/v1/whois", {"query_string": {"type": "email", "value": "nobody@example.com"}}, "/v1/whois"),
    "person": ("get", "/v1/persons/P-1", {}, "/v1/persons/{person_id}"),
    "record": ("get", "/v1/sources/crm/records/C-1", {}, "/v1/sources/{source}/records/{source_id}"),
    "persons": ("get", "/v1/persons", {}, "/v1/persons"),
    "ingest": ("post", "/v1/records", {"json": {"records": [ADA]}}, "/v1/records"),
    "audit": ("get", "/v1/audit", {"query_string": {"personId": "P-1"}}, "/v1/audit"),
    "keys.list": ("get", "/v1/keys", {}, "/v1/keys"),
    "keys.create": ("post", "/v1/keys", {"json": {"role": "agent"}}, "/v1/keys"),
    "keys.revoke": ("delete", f"/v1/keys/{UNKNOWN_KEY_ID}", {}, "/v1/keys/{key_id}"),
}
# The role policy the README documents.
ALLOWED = {
    "agent": {"whois", "person", "record"},
    "analyst": {"whois", "person", "record", "persons"},
    "steward": {"ingest"},
    "privacy": {"whois", "person", "record", "audit"},
    "admin": set(ENDPOINTS),
}


def call(client, endpoint: str, **headers):
    method, path, kwargs, _ = ENDPOINTS[endpoint]
    return getattr(client, method)(path, headers=headers, **kwargs)


def assert_error_shape(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert body["code"] == status and body["status"] and body["message"]
    return body


def assert_unauthorised(response, invalid_token: bool = False) -> dict:
    body = assert_error_shape(response, 401)
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith('Bearer realm="idgraph"')
    assert ('error="invalid_token"' in challenge) is invalid_token
    return body


# --- 401 -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_every_v1_endpoint_without_a_key_is_401(anonymous, endpoint):
    body = assert_unauthorised(call(anonymous, endpoint))
    assert "Authorization: Bearer" in body["message"]


@pytest.mark.parametrize("headers", [
    {"Authorization": f"Bearer idg_{UNKNOWN_KEY_ID}_not-a-real-secret"},
    {"X-API-Key": f"idg_{UNKNOWN_KEY_ID}_not-a-real-secret"},
    {"Authorization": "Bearer not-even-shaped-like-a-key"},
    {"X-API-Key": "idg_ABC_secret"},
], ids=["unknown bearer", "unknown x-api-key", "malformed", "bad key id"])
def test_a_wrong_key_is_401_invalid_token(anonymous, headers):
    assert_unauthorised(anonymous.get("/v1/persons", headers=headers), invalid_token=True)


def test_the_right_key_id_with_a_wrong_secret_is_401(anonymous, store):
    issued = apikeys.issue(store, "admin")
    forged = f"idg_{issued.keyId}_{'A' * 43}"
    assert_unauthorised(anonymous.get("/v1/persons", headers={"X-API-Key": forged}), invalid_token=True)


@pytest.mark.parametrize("authorization", ["Basic YWRtaW46YWRtaW4=", "Bearer", "Bearer   ", "Token x"])
def test_other_authorization_schemes_count_as_no_key(anonymous, authorization):
    assert_unauthorised(anonymous.get("/v1/persons", headers={"Authorization": authorization}))


def test_a_key_works_as_bearer_or_x_api_key(anonymous, issue_key):
    key = issue_key("analyst")
    assert anonymous.get("/v1/persons", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    assert anonymous.get("/v1/persons", headers={"authorization": f"bearer {key}"}).status_code == 200
    assert anonymous.get("/v1/persons", headers={"X-API-Key": key}).status_code == 200


def test_a_revoked_key_is_401(anonymous, store):
    issued = apikeys.issue(store, "admin")
    headers = {"X-API-Key": issued.key}
    assert anonymous.get("/v1/persons", headers=headers).status_code == 200
    assert apikeys.revoke(store, issued.keyId)
    assert_unauthorised(anonymous.get("/v1/persons", headers=headers), invalid_token=True)


def test_authentication_comes_before_validation_and_lookup(anonymous):
    assert_unauthorised(anonymous.post("/v1/records", json={"nonsense": True}))
    assert_unauthorised(anonymous.get("/v1/whois", query_string={"type": "bogus"}))
    assert_unauthorised(anonymous.get("/v1/persons/P-does-not-exist"))


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/openapi.json", "/docs"])
def test_probes_and_docs_stay_open(anonymous, installed, path):
    assert anonymous.get(path).status_code == 200


# --- 403 -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", apikeys.ROLES)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_each_role_reaches_only_its_endpoints(app, issue_key, role, endpoint):
    response = call(keyed_client(app, issue_key(role)), endpoint)
    if endpoint in ALLOWED[role]:
        assert response.status_code in (200, 201, 204, 404), (role, endpoint, response.get_json())
    else:
        body = assert_error_shape(response, 403)
        assert f"the {role} role may not use this endpoint" in body["message"]


def test_a_forbidden_role_is_refused_before_its_request_is_validated(app, issue_key):
    agent = keyed_client(app, issue_key("agent"))
    assert_error_shape(agent.post("/v1/records", json={"nonsense": True}), 403)


def test_a_forbidden_request_stores_nothing(app, issue_key, store):
    analyst = keyed_client(app, issue_key("analyst"))
    assert_error_shape(analyst.post("/v1/records", json={"records": [ADA]}), 403)
    assert store.query("MATCH (r:SourceRecord) RETURN count(r) AS n")[0]["n"] == 0


# --- OpenAPI -------------------------------------------------------------------------------------

def test_openapi_documents_both_ways_to_send_a_key(anonymous):
    doc = anonymous.get("/openapi.json").get_json()
    schemes = doc["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {**schemes["bearerAuth"], "type": "http", "scheme": "bearer"}
    assert schemes["apiKeyHeader"] == {**schemes["apiKeyHeader"], "type": "apiKey", "in": "header",
                                       "name": "X-API-Key"}
    assert doc["security"] == [{"bearerAuth": []}, {"apiKeyHeader": []}]


def test_openapi_marks_the_probes_open(anonymous):
    paths = anonymous.get("/openapi.json").get_json()["paths"]
    assert paths["/healthz"]["get"]["security"] == [] and paths["/readyz"]["get"]["security"] == []


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_openapi_names_the_roles_and_refusals_of_each_operation(anonymous, endpoint):
    method, _, _, documented = ENDPOINTS[endpoint]
    operation = anonymous.get("/openapi.json").get_json()["paths"][documented][method]
    assert set(operation["x-roles"]) == {role for role, allowed in ALLOWED.items() if endpoint in allowed}
    assert {"401", "403", "429"} <= set(operation["responses"])


# --- keys are stored hashed ----------------------------------------------------------------------

def test_the_graph_keeps_only_the_hash_of_a_key(store):
    issued = apikeys.issue(store, "steward", "nightly load")
    [node] = store.query("MATCH (k:ApiKey {keyId: $id}) RETURN k {.*} AS k", id=issued.keyId)
    stored = node["k"]
    assert stored["hash"] == hashlib.sha256(issued.key.encode()).hexdigest()
    assert (stored["role"], stored["name"], stored.get("revokedAt")) == ("steward", "nightly load", None)
    secret = issued.key.split("_", 2)[2]   # the secret itself may hold "_" (token_urlsafe)
    assert not any(secret in str(value) for value in stored.values())


def test_unknown_role_is_refused(store):
    with pytest.raises(ValueError):
        apikeys.issue(store, "root")


# --- keys over HTTP (admin) ----------------------------------------------------------------------

def test_admin_issues_lists_and_revokes_keys_over_http(client, anonymous):
    created = client.post("/v1/keys", json={"role": "agent", "name": "desk 4"})
    assert created.status_code == 201
    issued = created.get_json()
    assert issued["key"].startswith(f"idg_{issued['keyId']}_") and issued["role"] == "agent"
    assert anonymous.get("/v1/persons/P-1", headers={"X-API-Key": issued["key"]}).status_code == 404
    listed = {k["keyId"]: k for k in client.get("/v1/keys").get_json()["keys"]}
    assert listed[issued["keyId"]]["name"] == "desk 4" and listed[issued["keyId"]]["revokedAt"] is None
    assert not any("hash" in k or "key" in k for k in listed.values())
    assert client.delete(f"/v1/keys/{issued['keyId']}").status_code == 204
    revoked = {k["keyId"]: k["revokedAt"] for k in client.get("/v1/keys").get_json()["keys"]}
    assert revoked[issued["keyId"]]
    assert_unauthorised(anonymous.get("/v1/persons/P-1", headers={"X-API-Key": issued["key"]}), True)


def test_issuing_a_key_for_an_unknown_role_is_422(client):
    body = assert_error_shape(client.post("/v1/keys", json={"role": "root"}), 422)
    assert "json.role" in body["errors"]


def test_revoking_an_unknown_key_is_404(client):
    assert_error_shape(client.delete(f"/v1/keys/{UNKNOWN_KEY_ID}"), 404)


# --- keys from the command line ------------------------------------------------------------------

def test_cli_creates_a_key_that_the_api_accepts(idgraph, anonymous):
    result = idgraph("keys", "create", "--role", "agent", "--name", "front desk")
    assert result.exit_code == 0, result.output
    key = result.stdout.strip()
    assert apikeys.key_id_of(key) and "shown again" in result.stderr
    assert anonymous.get("/v1/persons/P-1", headers={"X-API-Key": key}).status_code == 404
    assert_error_shape(anonymous.get("/v1/persons", headers={"X-API-Key": key}), 403)


def test_cli_lists_keys_without_their_secrets(idgraph):
    key = idgraph("keys", "create", "--role", "privacy", "--name", "dpo").stdout.strip()
    result = idgraph("keys", "list")
    assert result.exit_code == 0
    [line] = [ln for ln in result.stdout.splitlines() if apikeys.key_id_of(key) in ln]
    assert line.split()[1] == "privacy" and line.endswith("dpo")
    assert key.split("_", 2)[2] not in result.output


def test_cli_revokes_a_key(idgraph, anonymous):
    key = idgraph("keys", "create", "--role", "admin").stdout.strip()
    result = idgraph("keys", "revoke", apikeys.key_id_of(key))
    assert result.exit_code == 0 and "revoked" in result.stdout
    assert_unauthorised(anonymous.get("/v1/persons", headers={"X-API-Key": key}), invalid_token=True)
    listed = idgraph("keys", "list").stdout
    assert [ln for ln in listed.splitlines() if apikeys.key_id_of(key) in ln][0].split()[4] != "-"


def test_cli_refuses_an_unknown_role_and_an_unknown_key(idgraph):
    assert idgraph("keys", "create", "--role", "root").exit_code == 2
    result = idgraph("keys", "revoke", UNKNOWN_KEY_ID)
    assert result.exit_code == 1 and "no API key" in result.output
