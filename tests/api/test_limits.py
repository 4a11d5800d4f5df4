"""Abuse limits: per-key rate limits (429 + Retry-After), body size (413), and logs without personal data."""
from __future__ import annotations

import logging

import pytest

from graph import config
from graph.store.driver import StoreUnavailable
from service.limits import TokenBuckets
from tests.conftest import keyed_client

EMAIL, PHONE, NATIONAL_ID = "ada.lovelace@example.com", "+44 20 7946 0001", "QQ123456C"
ADA = {"source": "crm", "sourceId": "C-1", "name": {"given": "Augusta", "family": "Lovelace"},
       "identifiers": [{"type": "email", "value": EMAIL}, {"type": "phone", "value": PHONE},
                       {"type": "nationalId", "value": NATIONAL_ID}]}
PERSONAL = ("ada.lovelace", "example.com", "7946", "QQ123456C", "Augusta", "Lovelace")


def assert_error_shape(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert body["code"] == status and body["status"] and body["message"]
    return body


# --- rate limits ---------------------------------------------------------------------------------

@pytest.fixture
def three_per_minute(app, monkeypatch):
    monkeypatch.setitem(app.config, "IDGRAPH_RATE_LIMIT", 3)


def test_a_key_over_its_rate_gets_429_with_retry_after(three_per_minute, client):
    assert [client.get("/v1/persons").status_code for _ in range(3)] == [200, 200, 200]
    response = client.get("/v1/persons")
    body = assert_error_shape(response, 429)
    assert "3 requests per minute" in body["message"]
    assert 1 <= int(response.headers["Retry-After"]) <= 20      # one token back every 20 s


def test_a_refused_request_does_no_work(three_per_minute, client, store):
    for _ in range(3):
        client.get("/v1/persons")
    assert_error_shape(client.post("/v1/records", json={"records": [ADA]}), 429)
    assert store.query("MATCH (r:SourceRecord) RETURN count(r) AS n")[0]["n"] == 0


def test_the_limit_is_per_key(three_per_minute, app, client, issue_key):
    for _ in range(3):
        client.get("/v1/persons")
    assert client.get("/v1/persons").status_code == 429
    assert keyed_client(app, issue_key("analyst")).get("/v1/persons").status_code == 200


def test_open_paths_are_not_limited(three_per_minute, app):
    anonymous = app.test_client()
    assert {anonymous.get("/healthz").status_code for _ in range(5)} == {200}


def test_the_rate_comes_from_idgraph_rate_limit():
    assert config.load({}).rate_limit == 600
    assert config.load({"IDGRAPH_RATE_LIMIT": "30"}).rate_limit == 30


def test_the_app_takes_its_rate_from_settings(settings, session_store):
    from dataclasses import replace

    from service import create_app
    assert create_app(replace(settings, rate_limit=42), session_store).config["IDGRAPH_RATE_LIMIT"] == 42


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_a_bucket_refills_at_the_rate_per_minute_up_to_a_full_minute():
    clock = Clock()
    buckets = TokenBuckets(clock)
    assert [buckets.take("k", 6) for _ in range(6)] == [0.0] * 6
    assert buckets.take("k", 6) == pytest.approx(10.0)     # 6 a minute: one every 10 s
    clock.now += 10
    assert buckets.take("k", 6) == 0.0 and buckets.take("k", 6) > 0
    clock.now += 3600
    assert [buckets.take("k", 6) for _ in range(7)].count(0.0) == 6


def test_a_rate_of_zero_means_no_limit():
    buckets = TokenBuckets(Clock())
    assert {buckets.take("k", 0) for _ in range(1000)} == {0.0}


# --- request size --------------------------------------------------------------------------------

def test_a_body_over_the_limit_is_413_in_the_error_shape_and_stores_nothing(app, client, store, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2048)
    big = dict(ADA, collectedFor="x" * 150, addresses=[{"line1": "y" * 150, "locality": "Bath"}] * 12)
    response = client.post("/v1/records", json={"records": [big]})
    body = assert_error_shape(response, 413)
    assert set(body) == {"code", "status", "message"}
    assert store.query("MATCH (r:SourceRecord) RETURN count(r) AS n")[0]["n"] == 0
    assert client.post("/v1/records", json={"records": [ADA]}).status_code == 200


def test_a_body_without_a_key_is_refused_before_it_is_read(app):
    response = app.test_client().post("/v1/records", data=b"x" * (17 * 1024 * 1024), content_type="application/json")
    assert_error_shape(response, 401)


# --- logs ----------------------------------------------------------------------------------------

def assert_no_personal_data(caplog):
    logged = caplog.text
    leaked = [value for value in PERSONAL if value.lower() in logged.lower()]
    assert not leaked, logged


def test_reads_misses_and_refusals_log_no_personal_data(app, client, caplog):
    caplog.set_level(logging.DEBUG)
    person_id = client.post("/v1/records", json={"records": [ADA]}).get_json()["results"][0]["personId"]
    assert client.get("/v1/whois", query_string={"type": "email", "value": EMAIL}).status_code == 200
    missing = client.get("/v1/whois", query_string={"type": "email", "value": "ada.lovelace@example.org"})
    assert missing.status_code == 404
    assert "ada.lovelace@example.org" in missing.get_json()["message"]   # the caller may see what it asked
    assert client.get(f"/v1/persons/{person_id}").status_code == 200
    assert client.get("/v1/sources/crm/records/C-1").status_code == 200
    # issue 13: a birth date that is no date is stored aside (207), no longer refused; a wrong type still is
    assert client.post("/v1/records", json={"records": [dict(ADA, birthDate="Augusta")]}).status_code == 207
    assert client.post("/v1/records", json={"records": [dict(ADA, birthDate=1815)]}).status_code == 422
    wrong_key = app.test_client().get("/v1/whois", query_string={"type": "email", "value": EMAIL},
                                      headers={"X-API-Key": f"idg_{'1' * 16}_{EMAIL}"})
    assert wrong_key.status_code == 401
    assert "401 on GET /v1/whois" in caplog.text
    assert_no_personal_data(caplog)


@pytest.mark.parametrize("error, status", [
    (RuntimeError(f"could not format {EMAIL} for Augusta Lovelace"), 500),
    (StoreUnavailable(f"gave up: Node already exists with key 'email:{EMAIL}'"), 503),
])
def test_failures_log_their_kind_and_place_but_not_their_message(app, client, caplog, monkeypatch, error, status):
    def fail(*args, **kwargs):
        raise error
    monkeypatch.setattr("service.api.persons.person_view", fail)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    caplog.set_level(logging.DEBUG)
    assert_error_shape(client.get("/v1/persons/P-1"), status)
    assert type(error).__name__ in caplog.text
    assert status != 500 or "in fail" in caplog.text              # the frame, for debugging
    assert_no_personal_data(caplog)


def test_the_driver_never_logs_query_parameters_even_in_verbose_mode(idgraph, caplog):
    """The neo4j driver's DEBUG log is a wire trace with every parameter; connect() keeps it off."""
    driver_log = logging.getLogger("neo4j")
    level = driver_log.level
    driver_log.setLevel(logging.NOTSET)                # as in a fresh process
    caplog.set_level(logging.DEBUG)
    try:
        result = idgraph("-v", "keys", "create", "--role", "agent", "--name", EMAIL)
    finally:
        driver_log.setLevel(level)
    assert result.exit_code == 0, result.output
    assert EMAIL not in caplog.text


# --- rate limits shared by worker processes (idgraph serve --workers N) ---------------------------

def _take_in_another_process(path: str, key_id: str, rate: int, now: float, times: int) -> list[float]:
    from functools import partial

    from service.shared_limits import SharedTokenBuckets
    buckets = SharedTokenBuckets(path, clock=partial(float, now))
    return [buckets.take(key_id, rate) for _ in range(times)]


def test_shared_buckets_refill_like_in_process_ones(tmp_path):
    from service.shared_limits import SharedTokenBuckets
    clock = Clock()
    buckets = SharedTokenBuckets(str(tmp_path / "buckets"), clock)
    assert [buckets.take("k", 6) for _ in range(6)] == [0.0] * 6
    assert buckets.take("k", 6) == pytest.approx(10.0)
    clock.now += 10
    assert buckets.take("k", 6) == 0.0 and buckets.take("k", 6) > 0
    assert buckets.take("other", 6) == 0.0
    assert {buckets.take("k", 0) for _ in range(100)} == {0.0}


def test_two_processes_share_one_budget_per_key(tmp_path):
    import multiprocessing

    from service.shared_limits import SharedTokenBuckets
    path = str(tmp_path / "buckets")
    here = SharedTokenBuckets(path, clock=Clock())
    assert [here.take("k", 10) for _ in range(4)] == [0.0] * 4
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        there = pool.apply(_take_in_another_process, (path, "k", 10, Clock().now, 8))
    assert there.count(0.0) == 6                     # what this process left of the key's 10
    assert here.take("k", 10) > 0


def test_two_api_processes_enforce_one_rate_per_key(settings, session_store, store, issue_key, tmp_path):
    from dataclasses import replace

    from service import create_app
    path = str(tmp_path / "buckets")
    apps = [create_app(replace(settings, rate_limit=3), session_store, shared_limits=path) for _ in range(2)]
    key = issue_key("analyst")
    first, second = (keyed_client(app, key) for app in apps)
    assert [first.get("/v1/persons").status_code, second.get("/v1/persons").status_code,
            first.get("/v1/persons").status_code] == [200, 200, 200]
    assert second.get("/v1/persons").status_code == 429
