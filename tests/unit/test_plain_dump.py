"""service.plain_dump: a response dumped without marshmallow answers exactly as the schema's dump."""
from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from marshmallow import Schema, fields

from service import JSONProvider
from service.plain_dump import dumped_as
from service.schemas import PersonSchema


def _app() -> Flask:
    app = Flask(__name__)
    app.json = JSONProvider(app)
    return app


def test_person_answer_is_the_schema_dump():
    when = dt.datetime(2024, 5, 1, 12, 30, tzinfo=dt.UTC)
    view = {name: [{"record": "crm/1", "observedAt": when, "nested": {"a": [1, None]}}]
            for name, field in PersonSchema().fields.items() if isinstance(field, fields.List)}
    view |= {"personId": "p-1", "status": None, "purpose": "marketing", "name": {"full": "Ann Lee", "at": when},
             "withheldCounts": {"records": 2, "facts": 7}, "inferred": {"withheld": "why"},
             "internal": "not a field of the schema", "tx": object()}
    app = _app()
    with app.app_context():
        answer = dumped_as(PersonSchema())(lambda: view)()
        expected = app.json.response(PersonSchema().dump(view))
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    assert answer.get_json() == expected.get_json()
    assert "internal" not in answer.get_json() and answer.get_json()["status"] is None


def test_missing_fields_stay_missing():
    app = _app()
    with app.app_context():
        answer = dumped_as(PersonSchema())(lambda: {"personId": "p-2"})()
    assert answer.get_json() == {"personId": "p-2"}


@pytest.mark.parametrize("field", [fields.Integer(), fields.DateTime(), fields.String(data_key="id"),
                                   fields.List(fields.Integer()), fields.Dict(values=fields.String())])
def test_a_schema_that_converts_values_is_refused(field):
    schema = Schema.from_dict({"converted": field})()
    with pytest.raises(ValueError, match="converted"):
        dumped_as(schema)
