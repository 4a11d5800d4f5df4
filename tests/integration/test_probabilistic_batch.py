"""`resolve --all` against incremental ingestion on generated data: they must agree."""
from __future__ import annotations

from itertools import combinations

from graph.demo.population_records import population
from graph.resolution.resolve_all import resolve_all
from tests.integration.helpers import load


def persons(store) -> dict[str, str]:
    rows = store.query("MATCH (r:SourceRecord)-[:DESCRIBES]->(p:Person) RETURN r.recordKey AS r, p.personId AS p")
    return {row["r"]: row["p"] for row in rows}


def same_pairs(assignment: dict) -> set[frozenset]:
    groups: dict = {}
    for key, group in assignment.items():
        groups.setdefault(group, []).append(key)
    return {frozenset(pair) for members in groups.values() for pair in combinations(sorted(members), 2)}


def f1(found: set, truth: set) -> float:
    hits = len(found & truth)
    return 2 * hits / (len(found) + len(truth)) if found or truth else 1.0


def test_batch_and_incremental_resolution_agree_on_generated_people(store, settings):
    rows = population(120, seed=3)
    load(store, settings, *[item for item, _ in rows])
    incremental = persons(store)
    truth = same_pairs({f"synthetic/{item['sourceId']}": person for item, person in rows})

    summary = resolve_all(store, settings)
    batch = persons(store)

    assert summary.records == len(rows) == len(batch)
    agreement = f1(same_pairs(batch), same_pairs(incremental))
    assert agreement >= 0.97, agreement
    # ids stay stable: nearly every record keeps the person id incremental ingestion gave it
    kept = sum(batch[key] == incremental[key] for key in batch) / len(batch)
    assert kept >= 0.95, kept
    # and both find the true people (the generator corrupts heavily: two-letter typos, swaps, moves;
    # the merge protections refuse some true pairs, e.g. given names two typos apart)
    assert f1(same_pairs(incremental), truth) >= 0.8
    assert f1(same_pairs(batch), truth) >= 0.8


def test_resolve_all_twice_changes_nothing_the_second_time(store, settings):
    load(store, settings, *[item for item, _ in population(40, seed=5)])
    resolve_all(store, settings)
    before = persons(store)
    summary = resolve_all(store, settings)
    assert summary.changed_records == 0 and summary.new_persons == 0 and persons(store) == before


def test_resolve_all_command_reports_what_it_changed(idgraph, store, settings):
    load(store, settings, *[item for item, _ in population(10, seed=7)])
    result = idgraph("resolve", "--all")
    assert result.exit_code == 0, result.output
    assert "changed_records" in result.output
    assert idgraph("resolve").exit_code == 2      # nothing said: a usage error, nothing done


def test_resolve_all_leaves_possibly_same_for_the_review_band(store, settings):
    # the links are deleted after each load, as if an older model had resolved these records
    load(store, settings, {"source": "crm", "sourceId": "1", "birthDate": "1984-07-12",
                           "name": {"given": "Jane", "family": "Smith"}})
    store.write(lambda tx: tx.run("MATCH ()-[s:POSSIBLY_SAME]->() DELETE s").consume())
    load(store, settings, {"source": "shop", "sourceId": "2", "name": {"given": "Jane", "family": "Smith"}})
    store.write(lambda tx: tx.run("MATCH ()-[s:POSSIBLY_SAME]->() DELETE s").consume())
    summary = resolve_all(store, settings)
    links = store.query("MATCH (a:Person)-[s:POSSIBLY_SAME]->(b:Person) RETURN a.personId AS a, b.personId AS b, "
                        "s.score AS score")
    assert summary.possibly_same == 1 and len(links) == 1
    assert set(persons(store).values()) == {links[0]["a"], links[0]["b"]}
    assert 0.5 <= links[0]["score"] < 0.9


def test_resolve_all_gives_records_stored_before_a_blocking_rule_its_key(store, settings):
    """A record stored before `familySoundPostcode` existed has no key under it: ingestion's probes miss
    it until `resolve --all` derives its keys again from its match fields."""
    from tests.integration.helpers import record

    home = {"streetNumber": "9", "line1": "Quay Street", "postcode": "BS1 4DJ", "country": "GB"}
    load(store, settings, record("crm", "old", name={"given": "Maud", "family": "Pennington"}, addresses=[home]))
    store.write(lambda tx: tx.run("MATCH (r:SourceRecord) REMOVE r.bkFamilySoundPostcode").consume())

    summary = resolve_all(store, settings)

    assert summary.reindexed_records == 1
    assert store.query("MATCH (r:SourceRecord) RETURN r.bkFamilySoundPostcode AS k")[0]["k"]
    assert resolve_all(store, settings).reindexed_records == 0
