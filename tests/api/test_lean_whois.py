"""GET /v1/whois through service/lean_whois.py answers exactly as the Flask view does (status,
headers, body, audit), and leaves every request it should not answer to Flask."""
from __future__ import annotations

import pytest
from werkzeug.test import Client

from graph.access import audit
from graph.demo.hotel_chain import generate
from tests.conftest import keyed_client

JANE = generate().records_for("jane")
EMAIL = {"type": "email", "value": "jane.smith@example.com"}
ANSWERED = [   # the middleware answers these itself
    EMAIL,
    {"type": "email", "value": "  JANE.Smith@Example.com "},
    {"type": "phone", "value": "020 7946 0958", "purpose": "marketing"},
    {"type": "social", "value": "@JaneSmith", "platform": "twitter"},
    {"type": "loyaltyCard", "value": "plt-99812", "purpose": "service"},
    {"type": "email", "value": "nobody@example.com"},                  # 404
    {"type": "email", "value": "not an e-mail"},                       # 422 from normalisation
    {"type": "email", "value": "test@test.com"},                       # 422: junk value
]
PASSED_ON = [   # Flask answers these
    {"type": "bogus", "value": "x"},                                   # 422 from the schema
    {"type": "email"},                                                 # 422: value missing
    {"type": "email", "value": "jane.smith@example.com", "extra": "1"},  # 422: unknown parameter
    {"type": "email", "value": "jane.smith@example.com", "purpose": "gossip"},
]


@pytest.fixture
def jane(client):
    assert client.post("/v1/records", json={"records": JANE}).status_code == 200


class _FlaskOnly(Client):
    """A client of the Flask app without the middleware in front, sending `key`."""

    def __init__(self, app, flask_app, key: str | None):
        super().__init__(flask_app, app.response_class)
        self._key = key

    def open(self, *args, headers=None, **kwargs):
        headers = dict(headers or {}) | ({"Authorization": f"Bearer {self._key}"} if self._key else {})
        return super().open(*args, headers=headers, **kwargs)


@pytest.fixture
def flask_only(app):
    flask_app = app.wsgi_app.fallback
    return lambda key: _FlaskOnly(app, flask_app, key)


@pytest.fixture
def passed_on(app, flask_only, monkeypatch):
    """The requests the middleware hands to Flask, counted."""
    calls = []
    fallback = app.wsgi_app.fallback

    def counted(environ, start_response):
        calls.append(environ["PATH_INFO"])
        return fallback(environ, start_response)
    monkeypatch.setattr(app.wsgi_app, "fallback", counted)
    return calls


def _same(lean, flask) -> None:
    assert lean.status == flask.status, lean.get_data(as_text=True)
    assert dict(lean.headers) == dict(flask.headers)
    assert lean.get_data() == flask.get_data()


@pytest.mark.parametrize("role", ["agent", "admin"])
def test_answers_as_the_flask_view_does(app, jane, issue_key, flask_only, passed_on, role):
    key = issue_key(role)
    lean, flask = keyed_client(app, key), flask_only(key)
    statuses = []
    for query in ANSWERED:
        for headers in ({}, {"X-Purpose": "analytics"}):
            if "purpose" in query and headers:
                continue
            answer = lean.get("/v1/whois", query_string=query, headers=headers)
            _same(answer, flask.get("/v1/whois", query_string=query, headers=headers))
            statuses.append(answer.status_code)
    assert passed_on == []
    assert sorted(set(statuses)) == [200, 404, 422]


def test_passes_refusals_and_other_requests_to_flask(app, anonymous, jane, issue_key, flask_only, passed_on):
    key = issue_key("agent")
    lean, flask = keyed_client(app, key), flask_only(key)
    for query in PASSED_ON:
        _same(lean.get("/v1/whois", query_string=query), flask.get("/v1/whois", query_string=query))
    mixed = {"X-Purpose": "marketing"}
    _same(lean.get("/v1/whois", query_string=EMAIL | {"purpose": "service"}, headers=mixed),
          flask.get("/v1/whois", query_string=EMAIL | {"purpose": "service"}, headers=mixed))
    _same(lean.get("/v1/whois?type=email&value=a@b.org&value=jane.smith@example.com"),
          flask.get("/v1/whois?type=email&value=a@b.org&value=jane.smith@example.com"))
    _same(lean.head("/v1/whois", query_string=EMAIL), flask.head("/v1/whois", query_string=EMAIL))
    _same(lean.get("/v1/whois/", query_string=EMAIL), flask.get("/v1/whois/", query_string=EMAIL))
    steward = issue_key("steward")
    _same(keyed_client(app, steward).get("/v1/whois", query_string=EMAIL),
          flask_only(steward).get("/v1/whois", query_string=EMAIL))            # 403
    _same(anonymous.get("/v1/whois", query_string=EMAIL), flask_only(None).get("/v1/whois", query_string=EMAIL))
    _same(keyed_client(app, "idg_nope_nope").get("/v1/whois", query_string=EMAIL),
          flask_only("idg_nope_nope").get("/v1/whois", query_string=EMAIL))    # 401
    assert len(passed_on) == len(PASSED_ON) + 7


def test_every_answer_is_audited_once(app, jane, store, issue_key):
    key = issue_key("agent")
    client = keyed_client(app, key)
    person = client.get("/v1/whois", query_string=EMAIL, headers={"X-Purpose": "marketing"}).get_json()["personId"]
    client.get("/v1/whois", query_string={"type": "email", "value": "nobody@example.com"})
    audit.flush(store)
    events = store.read(audit.events_page, person, 50)["events"]
    assert [(e["action"], e["purpose"], e["role"]) for e in events] == [("whois", "marketing", "agent")]


def test_no_answer_without_its_audit_event(app, jane, issue_key, monkeypatch):
    def fail(*args, **kwargs):
        from graph.errors import StoreUnavailable
        raise StoreUnavailable("the audit log could not be written")
    monkeypatch.setattr(audit, "record_read", fail)
    response = keyed_client(app, issue_key("agent")).get("/v1/whois", query_string=EMAIL)
    assert response.status_code == 503 and "personId" not in response.get_json()
    assert response.headers["Retry-After"]


def test_a_key_over_its_rate_is_charged_once_per_request(app, jane, issue_key, monkeypatch):
    monkeypatch.setitem(app.config, "IDGRAPH_RATE_LIMIT", 3)
    client = keyed_client(app, issue_key("agent"))
    statuses = [client.get("/v1/whois", query_string=EMAIL).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
