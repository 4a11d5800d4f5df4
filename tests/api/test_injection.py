"""Hostile input through every string field of a record, every parameter and every JSON body.

Cypher fragments, control characters, lone surrogates, oversized strings, huge numbers, invalid
UTF-8 and deeply nested JSON are either stored as data (read back from the graph) or refused with a
4xx naming the field; never executed (a canary person stays as it was, nothing is deleted) and
never a 500. Parameters and bodies are taken from /openapi.json, so new endpoints are covered too.
"""
from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
from marshmallow import fields

from service.schemas import RecordSchema
from tests.conftest import keyed_client

CYPHER = (
    "' }) MATCH (n) DETACH DELETE n //",
    '" }) MATCH (n) DETACH DELETE n RETURN 1 //',
    "`) DETACH DELETE n WITH 1 AS x MATCH (m) SET m.pwned = true //",
    "$key} ) CALL db.labels() YIELD label RETURN label //",
    "\\' OR 1=1 OR '",
)
UNICODE = ("Zoë \u202e\u200b Ångström", "名前 👩‍👩‍👧")   # format marks and astral characters are data
CONTROL = ("nul\u0000byte", "bell\u0007", "esc\u001b[31mred", "line\nbreak", "c1\u0085next", "\ud800lone")
OVERSIZED = ("x" * 5000,)
PAYLOADS = CYPHER + UNICODE + CONTROL + OVERSIZED
MUST_REFUSE = CONTROL + OVERSIZED
HUGE_NUMBERS = (10**30, -(10**30), 1e308, -1, 2**63)
LABELS = ("Person", "SourceRecord", "Identifier", "Company", "ApiKey")

CANARY = {"source": "canary", "sourceId": "C-1", "name": {"given": "Carla", "family": "Nary"},
          "identifiers": [{"type": "email", "value": "carla.nary@example.org"}]}


def full_record(n: int) -> dict:
    """A record with every string field of the record schema filled in, one identifier of each type.

    Its own address and identifier values, so the nodes it links to carry its own values."""
    source_id = f"r{n}"
    return {
        "source": "webshop", "sourceId": source_id, "observedAt": "2026-01-02T03:04:05Z",
        "collectedFor": "orders", "consent": {"marketing": True},
        "name": {"given": "Ines", "family": "Jecta", "full": "Ines Jecta"},
        "birthDate": "1980-02-03", "gender": "F",
        "identifiers": [
            {"type": "email", "value": f"ines.{source_id}@example.org"},
            {"type": "phone", "value": "+44 7700 900123"},
            {"type": "loyaltyCard", "value": f"INJ-{source_id}"},
            {"type": "social", "platform": "twitter", "value": f"@ines_{source_id}", "followers": 10},
            {"type": "account", "system": "webshop", "value": f"ines-{source_id}", "tier": "gold", "status": "open"},
            {"type": "device", "value": f"dev-{source_id}"},
            {"type": "nationalId", "value": "QQ123456C"}],
        "addresses": [{"use": "home", "streetNumber": str(n + 1), "line1": "Rose Lane", "line2": "Flat 2",
                       "locality": "Bath", "postcode": "BA1 1AA", "region": "Somerset", "country": "GB"}],
        "employment": [{"company": "ACME Travel Ltd", "title": "Travel manager"}],
        "metrics": {"lifetimeSpend": 10.0, "nightsLastYear": 2, "tier": "gold"},
        "roles": [{"role": "buyingTeamMember", "organisation": "ACME Travel Ltd", "stance": "champion"}],
    }


def string_paths(value, path: str = ""):
    """(path, setter) for every string in a JSON value; a dict's string keys count as fields too."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from string_paths(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from string_paths(item, f"{path}[{n}]")
    elif isinstance(value, str):
        yield path


def schema_string_fields(schema, prefix: str = "") -> set[str]:
    """Every string field the record schema accepts, as 'identifiers.value' (list indexes left out)."""
    found = set()
    for name, field in schema.fields.items():
        inner = field.inner if isinstance(field, fields.List) else field
        if isinstance(inner, fields.Nested):
            found |= schema_string_fields(inner.schema, f"{prefix}{name}.")
        elif isinstance(inner, fields.String):
            found.add(prefix + name)
    return found


def with_value(record: dict, path: str, payload):
    """A copy of `record` with the value at `path` replaced."""
    copy = json.loads(json.dumps(record))
    *parents, last = path.replace("[", ".[").split(".")
    node = copy
    for part in parents:
        node = node[int(part[1:-1])] if part.startswith("[") else node[part]
    node[int(last[1:-1]) if last.startswith("[") else last] = payload
    return copy


def survives(payload: str, stored: str) -> bool:
    """Whether `stored` holds `payload` as normalisation leaves it: verbatim, with its words
    case-fixed or reordered (names), or with its letters and digits run together (codes)."""
    def squash(text: str) -> str:
        return "".join(re.findall(r"\w+", text.casefold()))
    words = set(re.findall(r"\w+", payload.casefold())) <= set(re.findall(r"\w+", stored.casefold()))
    return payload in stored or words or squash(payload) in squash(stored)


def stored_strings(store, record_key: str) -> list[str]:
    """Every string property of a record, its links and the nodes it links to, read from the graph."""
    rows = store.query("MATCH (r:SourceRecord {recordKey: $key}) OPTIONAL MATCH (r)-[l]->(n) "
                       "RETURN properties(r) AS r, collect(properties(l)) AS l, collect(properties(n)) AS n",
                       key=record_key)
    maps = [rows[0]["r"], *rows[0]["l"], *rows[0]["n"]] if rows else []
    return [v for m in maps for value in m.values() for v in (value if isinstance(value, list) else [value])
            if isinstance(v, str)]


def graph_state(store) -> tuple[dict, list]:
    counts = {label: store.query(f"MATCH (n:{label}) RETURN count(n) AS n")[0]["n"] for label in LABELS}
    return counts, sorted(stored_strings(store, "canary/C-1"))


@pytest.fixture
def canary(client, store):
    assert client.post("/v1/records", json={"records": [CANARY]}).status_code == 200
    return graph_state(store)


def assert_untouched(store, before) -> None:
    """Nothing was deleted and the canary is as it was: no payload ran as Cypher."""
    counts, canary_strings = graph_state(store)
    assert canary_strings == before[1]
    assert all(counts[label] >= before[0][label] for label in LABELS), (counts, before[0])
    assert store.query("MATCH (n) WHERE n.pwned IS NOT NULL RETURN count(n) AS n")[0]["n"] == 0


def test_the_full_record_covers_every_string_field_of_the_schema():
    covered = {p.split("[")[0] + p.split("]")[-1] if "[" in p else p for p in string_paths(full_record(1))}
    covered = {p.replace("..", ".") for p in covered}
    missing = schema_string_fields(RecordSchema()) - covered
    assert not missing, f"add these fields to full_record so they are attacked too: {sorted(missing)}"


@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda p: repr(p[:24]))
def test_every_record_string_field_stores_the_payload_as_data_or_names_the_field(client, store, canary, payload):
    paths = list(string_paths(full_record(0))) + ["consent.<key>"]
    batch = []
    for n, path in enumerate(paths):
        record = full_record(n)
        if path == "consent.<key>":
            record["consent"] = {payload: True}
        else:
            record = with_value(record, path, payload)
        batch.append(record)
    response = client.post("/v1/records", json={"records": batch})
    assert response.status_code in (200, 207, 422), response.get_data(as_text=True)
    body = response.get_json()
    refused = _refused_fields(response.status_code, body)
    stored = {result["index"]: result for result in body.get("results", [])}
    assert set(refused) | set(stored) == set(range(len(paths)))

    for n, path in enumerate(paths):
        field = "consent" if path == "consent.<key>" else path
        if n in refused:
            # the field itself, or the item holding it ("identifiers[3]" for a malformed handle)
            assert any(name.startswith(field) or field.startswith(name) for name in refused[n]), (path, refused[n])
            continue
        assert payload not in MUST_REFUSE, f"{path} accepted {payload!r}"
        record = batch[n]
        strings = stored_strings(store, f"{record['source']}/{record['sourceId']}")
        assert any(survives(payload, s) for s in strings), \
            f"{path}: {payload!r} is not in the stored record {strings}"
    assert_untouched(store, canary)


def _refused_fields(status: int, body: dict) -> dict[int, list[str]]:
    """Record index -> the field paths named in its refusal (207 lists them per record, 422 flat)."""
    if status == 422:
        refused: dict[int, list[str]] = {}
        for name in body["errors"]:
            index, _, field = name.removeprefix("records[").partition("].")
            refused.setdefault(int(index), []).append(field)
        return refused
    return {error["index"]: list(error["errors"]) for error in body.get("errors", [])}


@pytest.mark.parametrize("field,value", [(f, v) for f in ("identifiers[3].followers", "metrics.nightsLastYear",
                                                          "metrics.lifetimeSpend") for v in HUGE_NUMBERS])
def test_huge_numbers_are_refused_or_stored_never_a_500(client, store, canary, field, value):
    response = client.post("/v1/records", json={"records": [with_value(full_record(0), field, value)]})
    assert response.status_code in (200, 422), response.get_data(as_text=True)
    if response.status_code == 422:
        assert f"records[0].{field}" in response.get_json()["errors"]
    assert_untouched(store, canary)


# --- every parameter of every operation, from the OpenAPI document -------------------------------

KNOWN_VALUES = {"type": "loyaltyCard", "value": "PLT-1", "platform": "twitter", "system": "webshop",
                "personId": "P-0", "person_id": "P-0", "source": "crm", "source_id": "1", "key_id": "0" * 16,
                "record": "crm/1", "a": "crm/1", "b": "crm/2"}   # valid values for the other parameters


def operations(app) -> list[tuple[str, str, dict]]:
    document = app.test_client().get("/openapi.json").get_json()
    return [(method.upper(), path, op) for path, item in document["paths"].items()
            for method, op in item.items() if method in ("get", "post", "put", "patch", "delete")]


def parameters(op: dict, path_item_params: list | None = None) -> list[dict]:
    return [p for p in (path_item_params or []) + op.get("parameters", []) if p["in"] in ("query", "path", "header")]


def fill(param: dict) -> str:
    schema = param.get("schema", {})
    if param["name"] in KNOWN_VALUES:
        return KNOWN_VALUES[param["name"]]
    if "enum" in schema:
        return str(schema["enum"][0])
    if schema.get("type") in ("integer", "number"):
        return str(schema.get("minimum", 1))
    return "x"


def encode(value: str) -> str:
    """Percent-encoded UTF-8; a lone surrogate goes out as the invalid bytes a hostile client would send."""
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def _call(client, method: str, path: str, params: list[dict], target: str, payload: str):
    values = {p["name"]: payload if p["name"] == target else fill(p) for p in params}
    url = path
    for p in params:
        if p["in"] == "path":
            url = url.replace("{" + p["name"] + "}", encode(values[p["name"]]))
    query = "&".join(f"{p['name']}={encode(values[p['name']])}" for p in params
                     if p["in"] == "query" and (p.get("required") or p["name"] == target))
    headers = {p["name"]: values[p["name"]] for p in params if p["in"] == "header" and p["name"] == target}
    body = {} if method in ("POST", "PUT", "PATCH") else None
    return client.open(f"{url}?{query}", method=method, headers=headers, json=body)


PARAMETER_PAYLOADS = CYPHER + UNICODE + CONTROL + OVERSIZED + ("99999999999999999999999999", "-1", "1e400")


def test_every_parameter_of_every_operation_refuses_or_treats_payloads_as_data(app, client, store, canary):
    """Cypher in a lookup is a value nobody holds (404), never a query; bad values are a 4xx naming the parameter."""
    document = app.test_client().get("/openapi.json").get_json()
    tried = 0
    for path, item in document["paths"].items():
        for method, op in item.items():
            if method not in ("get", "post", "put", "patch", "delete") or method == "delete":
                continue   # deletes are erasure and revocation: their own tests; a payload id matches nothing anyway
            params = parameters(op, item.get("parameters"))
            for param in params:
                for payload in PARAMETER_PAYLOADS:
                    if param["in"] == "header" and not _sendable_header(payload):
                        continue
                    response = _call(client, method.upper(), path, params, param["name"], payload)
                    tried += 1
                    where = f"{method.upper()} {path} {param['in']} {param['name']}={payload[:30]!r}"
                    assert response.status_code < 500, f"{where}: {response.get_data(as_text=True)[:300]}"
                    if response.status_code in (400, 422):
                        errors = response.get_json().get("errors") or {}
                        assert errors, where
                        others = {p["name"] for p in params} - {param["name"]}
                        # the rest of the request was refused first: a parameter new to KNOWN_VALUES, or the body
                        filled_wrong = "requestBody" in op or all(any(o in name for o in others) for name in errors)
                        if payload in MUST_REFUSE and param["in"] != "path" and not filled_wrong:
                            assert any(param["name"] in name for name in errors), (where, errors)
    assert tried > 100
    assert_untouched(store, canary)


def _sendable_header(value: str) -> bool:
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return not any(ch in value for ch in "\r\n\x00")


# --- raw bodies: invalid UTF-8, lone surrogates, deep nesting, oversize --------------------------

def body_operations(app) -> list[tuple[str, str]]:
    document = app.test_client().get("/openapi.json").get_json()
    out = []
    for path, item in document["paths"].items():
        for method, op in item.items():
            if isinstance(op, dict) and "requestBody" in op:
                url = path
                for p in parameters(op, item.get("parameters")):
                    if p["in"] == "path":
                        url = url.replace("{" + p["name"] + "}", encode(fill(p)))
                out.append((method.upper(), url))
    return out


RAW_BODIES = {
    "invalid UTF-8": b'{"records": [{"source": "crm", "sourceId": "\xff\xfe\xfd", "name": {"given": "\xc3("}}]}',
    "lone surrogate escape": b'{"records": [{"source": "crm", "sourceId": "\\ud800", "name": {"given": "\\udfff"}}]}',
    "nested 100000 deep": b'{"records": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "unclosed nesting": b"[" * 50_000,
    "nested objects 200 deep": b'{"a": ' * 200 + b"1" + b"}" * 200,
    "NaN and Infinity": b'{"records": [{"source": "crm", "sourceId": "n", "metrics": {"lifetimeSpend": NaN}}]}',
    "not JSON at all": b"' }) MATCH (n) DETACH DELETE n //",
}


@pytest.mark.parametrize("kind", list(RAW_BODIES))
def test_hostile_json_bodies_are_refused_with_a_4xx(app, client, store, canary, kind):
    for method, url in body_operations(app):
        response = client.open(url, method=method, data=RAW_BODIES[kind], content_type="application/json")
        assert 400 <= response.status_code < 500, f"{method} {url}: {response.get_data(as_text=True)[:300]}"
        assert response.is_json and response.get_json()["code"] == response.status_code
    assert_untouched(store, canary)


def test_a_body_over_the_size_limit_is_413_before_any_parsing(app, client, store, canary):
    body = b'{"records": [' + b" " * (16 * 1024 * 1024) + b"]}"
    for method, url in body_operations(app):
        response = client.open(url, method=method, data=body, content_type="application/json")
        assert response.status_code == 413, f"{method} {url}: {response.status_code}"
    assert_untouched(store, canary)


def test_refusals_come_after_authentication(app, canary):
    """A hostile body from a caller without a key is a 401, not parsed at all."""
    anonymous = keyed_client(app, "")
    anonymous.environ_base.pop("HTTP_AUTHORIZATION")
    response = anonymous.post("/v1/records", data=RAW_BODIES["nested 100000 deep"], content_type="application/json")
    assert response.status_code == 401
