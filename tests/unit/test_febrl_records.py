"""bench/febrl_store.py: FEBRL rows become API records the way a feed would send them."""
from __future__ import annotations

from bench.febrl_store import api_record, parse_all
from graph import config

ROW = {"given_name": "lachlan", "surname": "berry", "street_number": "69", "address_1": "giblin street",
       "address_2": "killarney", "suburb": "bittern", "postcode": "4814", "state": "qld",
       "date_of_birth": "19990219", "soc_sec_id": "7364009"}


def test_a_row_becomes_an_api_record():
    record = api_record("rec-1-org", ROW)
    assert record["name"] == {"given": "lachlan", "family": "berry"}
    assert record["birthDate"] == "1999-02-19"
    assert record["addresses"][0] == {"streetNumber": "69", "line1": "giblin street", "line2": "killarney",
                                      "locality": "bittern", "postcode": "4814", "region": "qld", "country": "AU"}
    assert record["identifiers"] == [{"type": "nationalId", "value": "7364009"}]


def test_a_field_the_api_refuses_is_dropped_and_the_record_kept():
    items = [api_record("a", ROW | {"date_of_birth": "19991331"}), api_record("b", {"surname": "berry"})]
    records, fixes = parse_all(items, config.load({}))
    assert [r.source_id for r in records] == ["a", "b"]
    assert records[0].birth_date is None and records[0].family == "Berry"
    assert dict(fixes) == {"birthDate": 1}
