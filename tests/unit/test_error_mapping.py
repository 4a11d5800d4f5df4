"""service/errors.py is the one place idgraph's errors (graph/errors.py) become HTTP answers."""
from __future__ import annotations

import pytest
from flask import Flask
from flask_smorest import Api

from graph import errors
from service import errors as http_errors


@pytest.fixture
def raising():
    """A client of an app whose only route raises the error given to it."""
    app = Flask(__name__)
    app.config.update(API_TITLE="t", API_VERSION="v1", OPENAPI_VERSION="3.0.3")
    http_errors.init_app(app, Api(app))
    pending = {}

    @app.route("/raise")
    def _raise():
        raise pending["error"]

    def get(error: Exception):
        pending["error"] = error
        return app.test_client().get("/raise")
    return get


@pytest.mark.parametrize("error, code, status", [
    (errors.NotFound("no person P-1"), 404, "Not Found"),
    (errors.Gone("person P-1 was erased"), 410, "Gone"),
])
def test_a_missing_thing_answers_its_status_with_the_message(raising, error, code, status):
    response = raising(error)
    assert response.status_code == code
    assert response.get_json() == {"code": code, "status": status, "message": str(error)}


@pytest.mark.parametrize("error", [errors.InvalidRecord("identifiers[0].value", "is not an e-mail"),
                                   errors.Conflict("companies[0].parent", "would make a cycle")])
def test_an_invalid_field_is_422_naming_it(raising, error):
    body = raising(error).get_json()
    assert body == {"code": 422, "status": "Unprocessable Entity",
                    "message": f"the request is not valid: {error.field}: {error.reason}",
                    "errors": {error.field: [error.reason]}}


def test_an_unreachable_store_is_503_with_retry_after_and_no_detail(raising):
    response = raising(errors.StoreUnavailable("bolt://10.0.0.1 refused"))
    assert response.status_code == 503 and response.headers["Retry-After"] == str(http_errors.RETRY_AFTER_SECONDS)
    assert "10.0.0.1" not in response.get_data(as_text=True)


def test_an_error_without_a_status_is_a_500_without_its_message(raising):
    response = raising(errors.ServerError("secret detail"))
    assert response.status_code == 500 and "secret detail" not in response.get_data(as_text=True)


def test_every_error_is_one_idgraph_error():
    for name in ("NotFound", "Gone", "Invalid", "InvalidRecord", "Conflict", "StoreUnavailable", "ServerError"):
        assert issubclass(getattr(errors, name), errors.IdgraphError), name
