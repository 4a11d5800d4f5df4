"""Writing a chunk's identifiers tells which were stored before it: resolution asks the store about
the holders of those only (graph/resolution/ingest.py), so the answer must name every identifier
another record could hold, and none the chunk made."""
from __future__ import annotations

from graph.intake.records import build_record
from graph.resolution.ingest import write_identifiers
from graph.store.queries_ingest import CREATE_RECORDS
from service.schemas import RecordSchema
from tests.integration.helpers import count, load, record

SHARED = {"type": "email", "value": "noor.haddad@example.org"}
OWN = [{"type": "email", "value": "n.haddad@example.com"}, {"type": "phone", "value": "+44 20 7946 0321"},
       {"type": "loyaltyCard", "value": "HX-77120"}]


def built(settings, item: dict):
    return build_record(RecordSchema().load(item), settings)


def test_write_identifiers_returns_the_keys_stored_before_and_writes_the_new_ones_with_their_properties(
        store, settings):
    load(store, settings, record("crm", "crm-1", name={"given": "Noor", "family": "Haddad"}, identifiers=[SHARED]))
    new = built(settings, record("web", "web-1", name={"given": "Noor", "family": "Haddad"},
                                 identifiers=[SHARED, *OWN]))

    def work(tx):
        from graph.resolution.ingest import _new_record_row, _triage
        _, items = _triage([new], {})
        tx.run(CREATE_RECORDS, rows=[_new_record_row(items[0])]).consume()
        return write_identifiers(tx, [new], set())

    assert store.write(work) == {i.key for i in new.identifiers if i.value == "noor.haddad@example.org"}
    assert count(store, "Identifier") == 4
    links = store.query("MATCH (:SourceRecord {recordKey: 'web/web-1'})-[l {current: true}]->(i:Identifier) "
                        "RETURN i.key AS key, l.source AS source")
    assert sorted(row["key"] for row in links) == sorted(i.key for i in new.identifiers)
    assert {row["source"] for row in links} == {"web"}
    email = store.query("MATCH (i:Email {value: 'n.haddad@example.com'}) RETURN i.domain AS domain")
    assert email == [{"domain": "example.com"}]
