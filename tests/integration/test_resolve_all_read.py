"""`resolve --all` reads every record in one streamed statement: the same BatchRecords as a plain
page-by-page read of each record's links, on a store with every kind of link it must tell apart."""
from __future__ import annotations

import dataclasses

from graph.matching import match_input
from graph.model import Identifier
from graph.resolution.batch import BatchRecord
from graph.resolution.blocking import BLOCK_PROPERTIES
from graph.resolution.conflicts import Facts
from graph.resolution.resolve_all import read_records
from graph.store.values import creation_stamp, native
from tests.integration.helpers import load, record

HOME = {"streetNumber": "9", "line1": "Quay Street", "postcode": "BS1 4DJ", "country": "GB"}

# The reference: one page of records by key, each record's links as maps, filtered in Python.
PAGE = """
MATCH (r:SourceRecord)
WHERE r.recordKey > $cursor
WITH r ORDER BY r.recordKey LIMIT $limit
OPTIONAL MATCH (r)-[:DESCRIBES]->(p:Person)
RETURN r.recordKey AS key, r.givenKey AS given, r.familyKey AS family, r.birthDate AS birthDate,
       r.matchFields AS fields, p.personId AS personId, p.createdAt AS created, p.createdSeq AS seq,
       [(r)-[l]->(i:Identifier) | {kind: i.kind, key: i.key, value: i.value, generic: i.generic,
                                   current: l.current, disputed: l.disputed,
                                   validFrom: l.validFrom, validTo: l.validTo}] AS links,
       [""" + ", ".join(f"r.{prop}" for prop in BLOCK_PROPERTIES.values()) + """] AS blocks
ORDER BY key
"""


def _reference(row: dict) -> BatchRecord:
    holdings = tuple(sorted(
        (Identifier(link["kind"], link["value"], link["key"], {}, native(link["validFrom"]), native(link["validTo"]))
         for link in row["links"]
         if link["current"] and not link["disputed"] and not link["generic"] and link["kind"] != "address"),
        key=lambda i: i.key))
    birth = native(row["birthDate"])
    facts = Facts({row["given"]} if row["given"] else set(), {birth} if birth else set(),
                  {i.value for i in holdings if i.kind == "nationalId"}, {row["family"]} if row["family"] else set())
    created = creation_stamp(row["created"], row["seq"])
    return BatchRecord(row["key"], row["personId"], created, match_input.loads(row["fields"]),
                       frozenset(b for b in row["blocks"] if b is not None), facts, holdings)


def reference_read(store, page: int = 3) -> list[BatchRecord]:
    records: list[BatchRecord] = []
    while True:
        rows = store.query(PAGE, cursor=records[-1].key if records else "", limit=page)
        records.extend(_reference(row) for row in rows)
        if len(rows) < page:
            return records


def _varied_store(store, settings) -> None:
    phone = {"type": "phone", "value": "+44 7700 900123", "validFrom": "2019-03-01", "validTo": "2022-06-30"}
    load(store, settings,
         record("crm", "1", name={"given": "Maud", "family": "Pennington"}, birthDate="1961-02-03",
                addresses=[HOME], identifiers=[{"type": "email", "value": "maud@example.org"}, phone,
                                               {"type": "nationalId", "value": "QQ123456C"}]),
         record("shop", "2", name={"given": "Maud", "family": "Penington"}, addresses=[HOME],
                identifiers=[{"type": "email", "value": "maud@example.org"}]),
         record("shop", "3", name={"given": "Ed", "family": "Marsh"},
                identifiers=[{"type": "email", "value": "info@example.org"},
                             {"type": "phone", "value": "+44 7700 900555", "validFrom": "2020-01-01"}]),
         record("web", "4", name={"given": "Ann", "family": "Cole"}, birthDate="1990-12-31",
                identifiers=[{"type": "email", "value": "info@example.org"}]),
         record("web", "5", name={"given": "Nobody"}),
         record("web", "6", identifiers=[{"type": "phone", "value": "+44 7700 900777"}]))
    store.write(lambda tx: tx.run("MATCH (i:Identifier {key: 'email:info@example.org'}) "
                                  "SET i.generic = true").consume())
    store.write(lambda tx: tx.run("MATCH (:SourceRecord {recordKey: 'shop/2'})-[l]->(:Identifier {kind: 'email'}) "
                                  "SET l.disputed = true").consume())
    store.write(lambda tx: tx.run("MATCH (:SourceRecord {recordKey: 'crm/1'})-[l]->(:Identifier {kind: 'email'}) "
                                  "SET l.current = false").consume())
    store.write(lambda tx: tx.run("MATCH (:SourceRecord {recordKey: 'web/5'})-[d:DESCRIBES]->() DELETE d").consume())


def _sorted_holdings(records: list[BatchRecord]) -> list[BatchRecord]:
    return [dataclasses.replace(r, holdings=tuple(sorted(r.holdings, key=lambda i: i.key))) for r in records]


def test_the_streamed_read_gives_the_records_a_page_by_page_read_gives(store, settings):
    _varied_store(store, settings)

    streamed, expected = _sorted_holdings(read_records(store)), reference_read(store)

    assert streamed == expected
    by_key = {r.key: r for r in streamed}
    # the store has what the read must tell apart
    assert by_key["web/5"].person_id is None
    assert {i.key for i in by_key["crm/1"].holdings} == {"phone:+447700900123", "nationalId:QQ123456C"}
    assert {(i.valid_from, i.valid_to) for i in by_key["crm/1"].holdings} > {(None, None)}
    assert by_key["shop/2"].holdings == () and [i.kind for i in by_key["shop/3"].holdings] == ["phone"]
    assert by_key["crm/1"].facts.national_ids == {"QQ123456C"} and by_key["crm/1"].facts.birth_dates
    assert [r.key for r in streamed] == sorted(by_key)
