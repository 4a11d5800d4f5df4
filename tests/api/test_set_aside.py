"""Issue 13 item 1: a malformed or implausible field is stored as given and set aside with the reason,
never used as an identifier, still compared where it is evidence; the corrected record replaces it."""
from __future__ import annotations

import datetime as dt

import pytest

from graph.matching import match_input
from graph.matching.comparisons import compare_emails
from graph.matching.levels import ContactLevel
from tests.api.test_records_api import assert_error_shape, email, post, rec
from tests.integration.helpers import count, person_of

FUTURE = (dt.date.today() + dt.timedelta(days=400)).isoformat()

# (case, fields of the record, the field path warned about, what the matcher still reads)
CASES = [
    ("bad e-mail", {"identifiers": [email("ada..lovelace@example.com")]}, "identifiers[0].value",
     {"email": ["ada..lovelace@example.com"]}),
    ("unparseable phone", {"identifiers": [{"type": "phone", "value": "12"}]}, "identifiers[0].value",
     {"phone": ["12"]}),
    ("city-only address", {"addresses": [{"locality": "Bath"}]}, "addresses[0]", {"locality": "Bath"}),
    ("postcode-only address", {"addresses": [{"postcode": "BA1 1AA"}]}, "addresses[0]", {"postcode": "BA1 1AA"}),
    ("street without number", {"addresses": [{"line1": "Rose Lane", "locality": "Bath"}]}, "addresses[0]",
     {"street": "Rose Lane", "locality": "Bath"}),
    ("unknown country", {"addresses": [{"line1": "12 Rose Lane", "postcode": "BA1 1AA", "country": "XX"}]},
     "addresses[0].country", {"streetNumber": "12", "street": "Rose Lane", "postcode": "BA1 1AA"}),
    ("impossible date", {"birthDate": "1990-02-30"}, "birthDate", {"birthDate": "1990"}),
    ("birth date in 1700", {"birthDate": "1700-05-01"}, "birthDate", {}),
    ("birth date in the future", {"birthDate": FUTURE}, "birthDate", {}),
]


def stored(store, key: str) -> dict:
    return store.query("MATCH (r:SourceRecord {recordKey: $key}) RETURN r.matchFields AS fields, "
                       "r.birthDate AS birthDate, r.setAsideFields AS held, r.setAsideReasons AS why, "
                       "r.setAsideValues AS values", key=key)[0]


@pytest.mark.parametrize("case, fields, path, evidence", CASES, ids=[c[0] for c in CASES])
def test_a_bad_field_is_stored_as_given_and_set_aside_with_a_warning(client, store, case, fields, path, evidence):
    response = post(client, rec("S-1", **fields))
    assert response.status_code == 207, response.get_json()
    body = response.get_json()
    assert body["errors"] == [] and body["summary"]["warned"] == 1
    [result] = body["results"]
    assert list(result["warnings"]) == [path] and result["warnings"][path][0]
    row = stored(store, "crm/S-1")
    assert row["held"] == [path] and row["why"] == result["warnings"][path]
    assert row["birthDate"] is None
    assert count(store, "Identifier") == 0          # never an identifier, not even an address
    fields_read = match_input.loads(row["fields"])
    assert {k: fields_read.get(k) for k in evidence} == evidence
    view = client.get("/v1/sources/crm/records/S-1").get_json()
    [held] = view["record"]["setAside"]
    assert held["field"] == path and held["reason"] == result["warnings"][path][0]
    assert held["value"] == row["values"][0]


def test_the_set_aside_value_is_kept_exactly_as_given(client, store):
    post(client, rec("S-2", email("  Ada..Lovelace@Example.com")))
    assert stored(store, "crm/S-2")["values"] == ["  Ada..Lovelace@Example.com"]


def test_a_set_aside_email_is_no_identifier_and_no_whois_answer(client, store):
    post(client, rec("S-3", email("ada@example.com"), email("ada@@example.com")))
    keys = [r["key"] for r in store.query("MATCH (i:Identifier) RETURN i.key AS key")]
    assert keys == ["email:ada@example.com"]
    assert client.get("/v1/whois", query_string={"type": "email", "value": "ada@@example.com"}).status_code == 422


def test_an_email_one_keystroke_off_is_still_compared(client, store):
    jane = {"name": {"given": "Jane", "family": "Smith"}, "birthDate": "1984-07-12"}
    post(client, rec("J-1", email("jane.smith@example.com"), **jane))
    response = post(client, rec("J-2", email("jane..smith@example.com"), source="shop", **jane))
    assert response.status_code == 207, response.get_json()
    a, b = (match_input.loads(stored(store, key)["fields"]) for key in ("crm/J-1", "shop/J-2"))
    assert compare_emails(a, b) is ContactLevel.SIMILAR     # the e-mail field is compared, fuzzily
    # name, birth date and the near e-mail together are enough: the same customer
    assert person_of(store, "shop", "J-2") == person_of(store, "crm", "J-1")


def test_resending_the_corrected_record_replaces_the_set_aside_value(client, store):
    first = post(client, rec("S-4", email("ada..lovelace@example.com"), birthDate="1815-12-10"))
    assert first.status_code == 207
    corrected = rec("S-4", email("ada.lovelace@example.com"), birthDate="1985-12-10")
    response = post(client, corrected)
    assert response.status_code == 200, response.get_json()
    [result] = response.get_json()["results"]
    assert result["outcome"] == "updated" and result["warnings"] == {}
    row = stored(store, "crm/S-4")
    assert row["held"] in ([], None) and row["values"] in ([], None)
    assert str(row["birthDate"]) == "1985-12-10"
    keys = [r["key"] for r in store.query("MATCH (i:Identifier) RETURN i.key AS key")]
    assert keys == ["email:ada.lovelace@example.com"]
    assert "setAside" not in client.get("/v1/sources/crm/records/S-4").get_json()["record"]
    assert post(client, corrected).get_json()["results"][0]["outcome"] == "unchanged"   # retry-safe


def test_a_resent_record_with_the_same_bad_field_is_unchanged(client, store):
    record = rec("S-5", email("ada..lovelace@example.com"))
    post(client, record)
    response = post(client, record)
    assert response.status_code == 207
    [result] = response.get_json()["results"]
    assert result["outcome"] == "unchanged" and list(result["warnings"]) == ["identifiers[0].value"]
    assert count(store, "SourceRecord") == 1


@pytest.mark.parametrize("record, field", [
    ({"sourceId": "X-1", "name": {"given": "Ada"}}, "records[0].source"),
    ({"source": "crm", "name": {"given": "Ada"}}, "records[0].sourceId"),
    ({"source": "crm", "sourceId": "X-2"}, "records[0].identifiers"),
    ({"source": "crm", "sourceId": "X-3", "name": {}, "identifiers": []}, "records[0].identifiers"),
])
def test_a_record_that_cannot_be_stored_at_all_is_still_422(client, store, record, field):
    body = assert_error_shape(post(client, record), 422)
    assert field in body["errors"], body["errors"]
    assert count(store, "SourceRecord") == 0


def test_the_export_shows_what_was_held_and_why(client, store):
    post(client, rec("S-6", email("ada@example.com"), birthDate="1700-01-01"))
    person = person_of(store, "crm", "S-6")
    export = client.get(f"/v1/persons/{person}/export").get_json()
    [record] = export["records"]
    [held] = record["provenance"]["setAside"]
    assert held["field"] == "birthDate" and held["value"] == "1700-01-01" and "plausible" in held["reason"]
