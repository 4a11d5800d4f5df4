"""The rows ingestion sends: positional lists must line up with the statements that read them."""
from __future__ import annotations

from graph import config
from graph.intake.records import build_record
from graph.matching import match_input
from graph.resolution.blocking import block_keys
from graph.resolution.chunk import Item
from graph.resolution.ingest import _identifier_nodes, _new_record_row, record_props
from graph.store import queries_ingest
from service.schemas import RecordSchema

SETTINGS = config.load({})


def rec(sid: str, **fields):
    return build_record(RecordSchema().load({"source": "t", "sourceId": sid, **fields}), SETTINGS)


def item(record):
    fields = match_input.match_fields(record)
    return Item(record, fields, frozenset(block_keys(fields).values()), None, False)


def test_a_new_record_row_holds_every_stored_property_in_the_statement_order():
    record = rec("1", name={"given": "Jane", "family": "Smith"}, birthDate="1980-02-03",
                 identifiers=[{"type": "email", "value": "jane@example.com"}], consent={"marketing": True})
    new = item(record)
    props = record_props(record, new.fields, {key.split(":", 1)[0]: key for key in new.blocks})
    assert set(props) == set(queries_ingest.RECORD_PROPERTIES)
    sent = dict(props, observedAt=record.observed_at.isoformat())   # text, made a datetime by the server
    assert _new_record_row(new) == [record.key] + [sent[name] for name in queries_ingest.RECORD_PROPERTIES]
    for n, name in enumerate(queries_ingest.RECORD_PROPERTIES, start=1):
        value = f"datetime(row[{n}])" if name == "observedAt" else f"row[{n}]"
        assert f"{name}: {value}" in queries_ingest.CREATE_RECORDS


def test_identifier_nodes_merge_properties_stored_records_first_then_new_ones_by_key():
    stored = rec("b", identifiers=[{"type": "account", "system": "crm", "value": "42", "tier": "gold"}])
    new_a = rec("a", identifiers=[{"type": "account", "system": "crm", "value": "42", "status": "closed"}])
    new_c = rec("c", identifiers=[{"type": "account", "system": "crm", "value": "42", "tier": "silver"},
                                  {"type": "email", "value": "c@example.com"}])
    nodes = _identifier_nodes([new_c, stored, new_a], existed={stored.key})
    assert [row[:3] for row in nodes] == [["account:crm:42", "account", "crm:42"],
                                          ["email:c@example.com", "email", "c@example.com"]]
    # the stored record's say first, then the new records' in key order: c's tier wins, a's status stays
    assert nodes[0][3] == {"system": "crm", "accountId": "42", "tier": "silver", "status": "closed"}
