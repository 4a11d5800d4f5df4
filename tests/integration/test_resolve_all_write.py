"""`resolve --all` writes its plan in pieces, one transaction each: a run cut short between two
pieces leaves a store that the next run brings to the same people as a run never cut short."""
from __future__ import annotations

from itertools import count

import pytest

from graph.demo.population_records import population
from graph.errors import StoreUnavailable
from graph.resolution import resolve_all as resolve_all_module
from graph.resolution.resolve_all import resolve_all
from tests.integration.helpers import load

# every record its own person, as if nothing had been resolved yet
UNRESOLVED = """
MATCH (r:SourceRecord)-[d:DESCRIBES]->(:Person)
DELETE d
WITH r
CREATE (p:Person {personId: $prefix + r.recordKey, status: 'active', createdAt: datetime(), createdSeq: 0})
CREATE (r)-[:DESCRIBES {since: datetime(), rule: 'test', evidence: []}]->(p)
"""


class CutShort:
    """The store, failing its `at`-th write as a crash between two transactions would."""

    def __init__(self, store, at: int):
        self._store, self._writes, self._at = store, count(1), at

    def write(self, work, *args):
        if next(self._writes) == self._at:
            raise StoreUnavailable("cut short")
        return self._store.write(work, *args)

    def __getattr__(self, name):
        return getattr(self._store, name)


def people(store) -> set[frozenset[str]]:
    rows = store.query("MATCH (r:SourceRecord)-[:DESCRIBES]->(p:Person) RETURN p.personId AS p, "
                       "collect(r.recordKey) AS records")
    return {frozenset(row["records"]) for row in rows}


def unresolve(store, prefix: str) -> None:
    store.write(lambda tx: tx.run(UNRESOLVED, prefix=prefix).consume())


@pytest.mark.parametrize("cut_at", [1, 2, 6])   # writes of 4 rows: before the moves, among them, after them
def test_a_run_cut_short_converges_on_the_next(store, settings, cut_at, monkeypatch):
    monkeypatch.setattr(resolve_all_module, "PIECE", 4)
    load(store, settings, *[item for item, _ in population(40, seed=5)])
    unresolve(store, "A-")
    resolve_all(store, settings)
    whole = people(store)
    assert len(whole) < store.query("MATCH (r:SourceRecord) RETURN count(r) AS n")[0]["n"]   # it merged some

    unresolve(store, "B-")
    with pytest.raises(StoreUnavailable):
        resolve_all(CutShort(store, cut_at), settings)
    resolve_all(store, settings)

    assert people(store) == whole
    again = resolve_all(store, settings)
    assert again.changed_records == 0 and again.new_persons == 0
    stale = store.query("MATCH (p:Person {status: 'active'}) WHERE NOT EXISTS { (p)<-[:DESCRIBES]-() } "
                        "AND p.personId STARTS WITH 'B-' RETURN count(p) AS n")
    assert stale[0]["n"] == 0                           # every person emptied by the moves is retired


def test_records_without_a_person_and_a_wrong_merge_are_resolved(store, settings):
    """The write-back's other paths: a record that describes no person is attached by key, and a
    record wrongly merged into another's person is split off to a new person."""
    load(store, settings, *[item for item, _ in population(40, seed=5)])
    unresolve(store, "A-")
    resolve_all(store, settings)
    whole = people(store)
    alone = sorted(next(iter(group)) for group in whole if len(group) == 1)[0]
    other = sorted(next(iter(group)) for group in whole if alone not in group)[0]

    unresolve(store, "B-")
    store.write(lambda tx: tx.run("MATCH (r:SourceRecord) WHERE r.recordKey ENDS WITH '3' AND r.recordKey <> $other "
                                  "MATCH (r)-[d:DESCRIBES]->(p:Person) DELETE d, p", other=other).consume())
    store.write(lambda tx: tx.run("MATCH (r:SourceRecord {recordKey: $alone})-[d:DESCRIBES]->(p:Person) "
                                  "MATCH (:SourceRecord {recordKey: $other})-[:DESCRIBES]->(q:Person) "
                                  "DELETE d, p "
                                  "CREATE (r)-[:DESCRIBES {since: datetime(), rule: 'test', evidence: []}]->(q)",
                                  alone=alone, other=other).consume())
    summary = resolve_all(store, settings)

    assert summary.new_persons >= 1
    assert people(store) == whole
    linked = store.query("MATCH (r:SourceRecord) RETURN r.recordKey AS key, "
                         "size([(r)-[:DESCRIBES]->(p:Person) | p]) AS persons")
    assert {row["persons"] for row in linked} == {1}
