"""service.loading: batches parsed one ahead (in a thread, or a process of its own), then screened, stored, resolved."""
from __future__ import annotations

import datetime as dt
import json
from concurrent.futures import ProcessPoolExecutor

import pytest

from graph.demo import hotel_chain
from graph.store import queries
from service.loading import ingest_batches, parser_process
from service.parsing import parse_record
from tests.integration.helpers import count, person_of, record


def _items(n: int, bad: set[int]) -> list[dict]:
    # a bad item is one that cannot be stored at all (an identifier type the API does not know): a
    # malformed e-mail would be stored with the field set aside (issue 13)
    return [record("crm", f"c{i}", name={"full": "Ada Lovelace" if i % 2 else "Alan Turing"},
                   identifiers=[{"type": "fax" if i in bad else "email", "value": f"user{i}@example.org"}])
            for i in range(n)]


def _partition(store) -> set[frozenset[str]]:
    rows = store.query("MATCH (r:SourceRecord)-[:DESCRIBES]->(p:Person) "
                       "RETURN p.personId AS person, collect(r.recordKey) AS records")
    return {frozenset(row["records"]) for row in rows}


def test_batches_come_back_in_input_order_with_their_errors_and_outcomes(store, settings):
    batches = list(ingest_batches(store, settings, _items(7, bad={2, 5}), batch_size=3))

    assert [b.size for b in batches] == [3, 3, 1]
    assert [[e["index"] for e in b.errors] for b in batches] == [[2], [5], []]
    assert [[n for n, _ in b.good] for b in batches] == [[0, 1], [3, 4], [6]]
    assert [[o.sourceId for o in b.outcomes] for b in batches] == [["c0", "c1"], ["c3", "c4"], ["c6"]]
    assert all(o.personId == person_of(store, "crm", o.sourceId) for b in batches for o in b.outcomes)
    assert list(batches[1].errors[0]["errors"]) == ["identifiers[0].type"]
    assert count(store, "SourceRecord") == 5
    assert person_of(store, "crm", "c2") is None


def test_small_pipelined_batches_resolve_as_one_batch_does(store, settings):
    items = hotel_chain.generate(seed=3).records
    for _ in ingest_batches(store, settings, items, batch_size=len(items)):
        pass
    whole = _partition(store)
    queries.clear_all(store)

    for _ in ingest_batches(store, settings, items, batch_size=7):
        pass

    assert _partition(store) == whole
    assert len(whole) > 10


def test_a_parsing_process_gives_the_batches_a_thread_gives(store, settings):
    items = _items(9, bad={1, 7}) + hotel_chain.generate(seed=3).records[:40]
    by_thread = [(b.size, [n for n, _ in b.good], b.errors, [o.sourceId for o in b.outcomes])
                 for b in ingest_batches(store, settings, items, batch_size=8)]
    whole = _partition(store)
    queries.clear_all(store)

    with parser_process() as parser:
        by_process = [(b.size, [n for n, _ in b.good], b.errors, [o.sourceId for o in b.outcomes])
                      for b in ingest_batches(store, settings, items, batch_size=8, parser=parser)]

    assert by_process == by_thread
    assert _partition(store) == whole


def test_cli_parses_a_large_file_in_a_process_of_its_own(idgraph, store, tmp_path, monkeypatch):
    monkeypatch.setattr("service.cli.ingest.PARSE_PROCESS_FROM", 3)
    started = []
    monkeypatch.setattr("service.loading.ProcessPoolExecutor",
                        lambda *a, **kw: started.append(kw) or ProcessPoolExecutor(*a, **kw))
    path = tmp_path / "records.ndjson"
    path.write_text("\n".join(json.dumps(item) for item in _items(5, bad={3})) + "\nnot json\n")

    result = idgraph("ingest", str(path), "--batch-size", "2")

    assert len(started) == 1
    assert result.exit_code == 1   # two records rejected
    assert "record 3 rejected" in result.output and "record 5 rejected" in result.output
    assert count(store, "SourceRecord") == 4


def test_cli_summary_counts_the_fields_set_aside_per_field_and_reason(idgraph, store, tmp_path):
    items = [record("crm", f"w{i}", name={"full": "Ada Lovelace"},
                    identifiers=[{"type": "email", "value": f"ada{i}..l@example.org"}]) for i in range(3)]
    path = tmp_path / "messy.ndjson"
    path.write_text("\n".join(json.dumps(item) for item in items) + "\n")

    result = idgraph("ingest", str(path))

    assert result.exit_code == 0, result.output   # stored, with warnings: nothing rejected
    assert "fields stored but set aside" in result.output
    row = next(line for line in result.output.splitlines() if "identifiers[].value" in line)
    assert "is not a valid email" in row and row.rstrip("│ ").endswith("3")
    assert count(store, "SourceRecord") == 3 and count(store, "Identifier") == 0


def test_a_failing_parser_stops_the_load_after_the_batches_already_stored(store, settings):
    def parse(n, item, settings):
        if n == 4:
            raise RuntimeError("parser broke on item 4")
        return parse_record(n, item, settings)

    stored = []
    with pytest.raises(RuntimeError, match="item 4"):
        for batch in ingest_batches(store, settings, _items(9, bad=set()), batch_size=3, parse=parse):
            stored.append(batch.size)

    assert stored == [3]
    assert count(store, "SourceRecord") == 3


def test_observed_at_is_stored_as_the_datetime_sent_with_its_offset(store, settings):
    item = record("crm", "t1", name={"full": "Ada Lovelace"}, observedAt="2026-03-04T05:06:07.123456+02:00")
    list(ingest_batches(store, settings, [item]))

    stored = store.query("MATCH (r:SourceRecord {recordKey: 'crm/t1'}) RETURN r.observedAt AS at")[0]["at"]
    assert stored.to_native() == dt.datetime(2026, 3, 4, 5, 6, 7, 123456, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert stored.utcoffset() == dt.timedelta(hours=2)
