"""Pure probabilistic resolution: person-level matching, the decision, chunk replay, batch clustering."""
from __future__ import annotations

import datetime as dt
from itertools import count

import pytest

from graph import config
from graph.intake.records import build_record
from graph.matching import cluster, load_default_model, match_input
from graph.matching.clustering import CONTRADICTION_ODDS, join_odds
from graph.resolution.batch import BatchRecord, plan, resolve, resolve_with_review
from graph.resolution.blocking import BLOCK_DEGREE_CAP, BLOCK_PROPERTIES, STORED_RULES, block_keys
from graph.resolution.chunk import ChunkResolver, Item, Known, Snapshot
from graph.resolution.conflicts import Facts, conflict
from graph.resolution.decision import Match, Person, Thresholds, decide, record_facts
from graph.resolution.linkage import Candidate, Scorer, join_linkage, person_matches
from service.schemas import RecordSchema

MODEL = load_default_model()
SETTINGS = config.load({})
ROSE = {"streetNumber": "12", "line1": "Rose Lane", "locality": "Bath", "postcode": "BA1 1AA", "country": "GB"}


def rec(sid: str, **fields):
    return build_record(RecordSchema().load({"source": "t", "sourceId": sid, **fields}), SETTINGS)


def ids():
    numbers = count()
    return lambda: f"P-new{next(numbers)}"


def item(record, current=None, existed=False):
    fields = match_input.match_fields(record)
    return Item(record, fields, frozenset(block_keys(fields).values()), current, existed)


def replay(*records):
    snapshot = Snapshot({}, {}, set(), {})
    resolver = ChunkResolver(snapshot, [item(r) for r in records], Scorer(MODEL), 3, Thresholds(), ids())
    return resolver.run()


# --- linkage ----------------------------------------------------------------------------------

def test_stored_rules_are_the_properties_the_store_indexes():
    assert [rule.name for rule in STORED_RULES] == list(BLOCK_PROPERTIES)


def test_block_keys_name_their_rule():
    keys = block_keys({"given": "Jane", "family": "Smith", "birthDate": "1984-07-12", "postcode": "BA1 1AA"})
    assert keys["birthDate"] == "birthDate:19840712"
    assert all(key.startswith(rule + ":") for rule, key in keys.items())


def test_a_person_matches_by_its_best_record_unless_another_of_its_records_contradicts_it():
    me = {"given": "Robert", "family": "Smith", "birthDate": "1980-03-04", "postcode": "BA11AA"}
    twin = dict(me)
    unsure = {"given": "Robert", "family": "Smith", "birthDate": "1931-11-30", "postcode": "ZZ99ZZ"}
    stranger = {"given": "Edward", "family": "Smith", "birthDate": "1931-11-30", "postcode": "ZZ99ZZ"}
    scorer = Scorer(MODEL)
    strong = person_matches("me", me, [Candidate("a", "P1", twin)], scorer)[0]
    # a record the model only doubts does not pull the person's score down (the mean would)
    doubted = person_matches("me", me, [Candidate("a", "P1", twin), Candidate("b", "P1", unsure)], scorer)[0]
    # a record the model is sure is someone else: the mean decides, and one strong link is not enough
    mixed = person_matches("me", me, [Candidate("a", "P1", twin), Candidate("c", "P1", stranger)], scorer)[0]
    assert strong.probability > 0.99 and doubted.log2_odds == strong.log2_odds and doubted.pairs == 2
    assert scorer.log2_odds("me", me, "c", stranger) < CONTRADICTION_ODDS
    assert mixed.log2_odds == pytest.approx((strong.log2_odds + scorer.log2_odds("me", me, "c", stranger)) / 2)
    assert mixed.log2_odds < Thresholds().match_odds


@pytest.mark.parametrize(("odds", "expected"), [
    ([8.0, -4.0, 1.0], 8.0),          # the best pair: doubts are no contradiction
    ([8.0, -6.0, 1.0], 1.0),          # a strong contradiction: the mean, as before
    ([], float("-inf")),              # no scored pair is no evidence
])
def test_join_odds_is_the_best_pair_unless_one_contradicts_it_then_the_mean(odds, expected):
    assert join_odds(odds) == expected


def test_no_scored_pair_is_never_a_match():
    assert join_linkage([], Scorer(MODEL)) == float("-inf")


# --- the decision -----------------------------------------------------------------------------

def person(pid, **facts):
    return Person(pid, pid, Facts(**facts))


def test_a_match_above_the_threshold_joins_and_the_review_band_asks():
    record = rec("1", name={"given": "Jane"})
    persons = {"P1": person("P1"), "P2": person("P2")}
    matches = [Match("P1", 5.0, 2), Match("P2", 1.0, 1)]
    decision = decide(record, {}, persons, None, 3, matches)
    assert decision.person_id == "P1" and decision.scores["P1"] > 0.9
    assert decision.possibly_same == {"P2": pytest.approx(2 / 3, abs=1e-3)}


def test_a_conflicting_fact_refuses_a_match_and_asks_nothing():
    record = rec("1", name={"given": "Emma", "family": "Clarke"})
    decision = decide(record, {}, {"P1": person("P1", given={"sophie"})}, None, 3, [Match("P1", 5.0, 1)])
    assert decision.person_id is None and decision.possibly_same == {}
    assert decision.refused[0]["detail"] == "different given names"


def test_a_sure_model_overrules_one_clashing_fact_never_two():
    record = rec("1", name={"given": "Emma", "family": "Clarke"}, birthDate="1990-01-02")
    one = {"P1": person("P1", given={"sophie"})}
    assert decide(record, {}, one, None, 3, [Match("P1", 9.0, 1)]).person_id == "P1"
    two = {"P1": person("P1", given={"sophie"}, birth_dates={dt.date(1950, 6, 7)})}
    decision = decide(record, {}, two, None, 3, [Match("P1", 9.0, 1)])
    assert decision.person_id is None
    assert decision.refused[0]["detail"] == "different birth dates"


def test_a_second_match_merges_only_if_it_matches_the_group_as_a_whole():
    record = rec("1", name={"given": "Jane"})
    persons = {"P1": person("P1"), "P2": person("P2")}
    matches = [Match("P1", 6.0, 1), Match("P2", 5.0, 1)]
    weak = decide(record, {}, persons, None, 3, matches, linkage=lambda group, pid: 0.5)
    assert (weak.person_id, weak.merge) == ("P1", []) and "P2" in weak.possibly_same
    strong = decide(record, {}, persons, None, 3, matches, linkage=lambda group, pid: 4.0)
    assert (strong.person_id, strong.merge) == ("P1", ["P2"])


def test_thresholds_as_log_odds():
    assert Thresholds(0.9, 0.5).review_odds == 0.0 and Thresholds(0.9).match_odds == pytest.approx(3.17, abs=0.01)


def test_swapped_given_and_family_names_are_no_conflict():
    a = record_facts(rec("1", name={"given": "Julia", "family": "Clark"}))
    b = record_facts(rec("2", name={"given": "Clark", "family": "Julia"}))
    assert conflict(a, b) is None
    assert conflict(a, record_facts(rec("3", name={"given": "Sophie", "family": "Clark"}))) == "different given names"


# --- the chunk replay -------------------------------------------------------------------------

def test_replay_joins_a_later_record_of_the_chunk_to_an_earlier_one():
    result = replay(rec("1", name={"given": "Robert", "family": "Smith"}, birthDate="1980-03-04", addresses=[ROSE]),
                    rec("2", name={"given": "Bob", "family": "Smith"}, birthDate="1980-03-04", addresses=[ROSE]))
    first, second = result.results
    assert first.outcome == "created" and (second.outcome, second.person_id) == ("joined", first.person_id)
    assert [row["rule"] for row in result.attach] == ["new person", "probabilistic match"]
    assert result.new_persons == [first.person_id]


def test_replay_merges_persons_a_later_record_bridges_and_keeps_the_older_id():
    a = rec("1", name={"given": "Ann"}, identifiers=[{"type": "email", "value": "a@example.com"}])
    b = rec("2", name={"given": "Ann"}, identifiers=[{"type": "loyaltyCard", "value": "C-1"}])
    bridge = rec("3", name={"given": "Ann"}, identifiers=[{"type": "email", "value": "a@example.com"},
                                                          {"type": "loyaltyCard", "value": "C-1"}])
    result = replay(a, b, bridge)
    first, second, third = result.results
    assert third.outcome == "merged" and third.person_id == first.person_id and third.merged == [second.person_id]
    assert result.merges[0]["final"] == first.person_id
    assert {row["personId"] for row in result.attach} == {first.person_id}
    assert result.refresh == [first.person_id]


@pytest.mark.parametrize("holders, outcome", [(1, "joined"), (BLOCK_DEGREE_CAP + 1, "created")])
def test_a_blocking_key_held_by_more_records_than_the_cap_is_skipped_not_compared(holders, outcome):
    stored = rec("1", name={"given": "Robert", "family": "Smith"}, birthDate="1980-03-04", addresses=[ROSE])
    fields = match_input.match_fields(stored)
    blocks = frozenset(block_keys(fields).values())
    known = Known(stored.key, "P-old", fields, blocks, record_facts(stored), "robert smith")
    snapshot = Snapshot({stored.key: known}, {"P-old": "2020#00000000"}, set(), dict.fromkeys(blocks, holders))
    new = rec("2", name={"given": "Bob", "family": "Smith"}, birthDate="1980-03-04", addresses=[ROSE])
    [result] = ChunkResolver(snapshot, [item(new)], Scorer(MODEL), 3, Thresholds(), ids()).run().results
    assert result.outcome == outcome
    assert (result.person_id == "P-old") == (outcome == "joined")


def test_replay_keeps_twins_apart():
    twins = [rec(str(n), name={"given": given, "family": "Clarke"}, birthDate="2001-05-05", addresses=[ROSE])
             for n, given in enumerate(("Emma", "Sophie"))]
    result = replay(*twins)
    assert len({r.person_id for r in result.results}) == 2 and result.possibly_same == []


def test_an_updated_record_that_lost_its_link_is_split_off():
    shared = {"type": "email", "value": "t@example.com"}
    kept = rec("1", name={"given": "Alex", "family": "Turner"}, identifiers=[shared])
    old = rec("2", name={"family": "Turner"}, identifiers=[shared])
    first = replay(kept, old)
    assert first.results[1].person_id == first.results[0].person_id
    pid = "P-old"
    known = {"t/1": Known("t/1", pid, match_input.match_fields(kept), frozenset(), record_facts(kept), "alex turner",
                          {"email:t@example.com": kept.identifiers[0]})}
    updated = rec("2", name={"family": "Turner"}, identifiers=[{"type": "phone", "value": "07700 900333"}])
    moved = item(updated, current=pid, existed=True)
    moved.lost_evidence = True
    result = ChunkResolver(Snapshot(known, {pid: "a"}, set(), {}), [moved], Scorer(MODEL), 3, Thresholds(),
                           ids()).run()
    [outcome] = result.results
    assert outcome.outcome == "updated" and outcome.split_off == [outcome.person_id] != [pid]
    assert result.splits == [{"personId": outcome.person_id, "from": pid, "recordKey": "t/2", "records": ["t/2"]}]


# --- batch ------------------------------------------------------------------------------------

def batch_record(key, person_id, fields, **facts):
    return BatchRecord(key, person_id, person_id or "", fields, frozenset(block_keys(fields).values()),
                       Facts(**facts))


def test_batch_clusters_and_keeps_the_id_of_the_person_holding_most_records():
    bob = {"given": "Bob", "family": "Smith", "birthDate": "1980-03-04", "streetNumber": "12",
           "street": "rose lane", "postcode": "BA11AA"}
    records = [batch_record("a", "P1", dict(bob, given="Robert")), batch_record("b", "P1", bob),
               batch_record("c", "P2", bob),
               batch_record("d", "P3", {"given": "Zed", "family": "Ames", "birthDate": "1950-01-01"})]
    clusters = resolve(records, Scorer(MODEL, remember=False), 0.9)
    assert clusters == [{"a", "b", "c"}, {"d"}]
    result = plan(records, clusters, ids())
    assert result.person_of == {"a": "P1", "b": "P1", "c": "P1", "d": "P3"}
    assert result.attach == [{"key": "c", "personId": "P1", "rule": "batch re-resolve", "evidence": None,
                              "score": None}]
    assert result.retire == [{"loser": "P2", "survivor": "P1", "rule": "batch re-resolve"}]
    assert result.new_persons == [] and result.refresh == ["P1"]


def test_batch_leaves_possibly_same_between_clusters_in_the_review_band():
    jane = {"given": "Jane", "family": "Smith", "birthDate": "1984-07-12"}
    records = [batch_record("a", "P1", jane, given={"jane"}),
               batch_record("b", "P2", {"given": "Jane", "family": "Smith"}, given={"jane"})]
    resolved = resolve_with_review(records, Scorer(MODEL), Thresholds(match=0.9))
    assert resolved.clusters == [{"a"}, {"b"}]
    [(i, j, score)] = resolved.review
    assert 0.5 <= score < 0.9
    result = plan(records, resolved.clusters, ids(), resolved.review)
    assert result.possibly_same == [{"a": "P1", "b": "P2", "score": score, "recordKey": None}]


def test_batch_refuses_to_merge_clusters_whose_facts_conflict():
    home = {"family": "Clarke", "birthDate": "2001-05-05", "streetNumber": "12", "street": "rose lane",
            "postcode": "BA11AA"}
    records = [batch_record("a", None, dict(home, given="Emma"), given={"emma"}),
               batch_record("b", None, dict(home, given="Sophie"), given={"sophie"})]
    assert resolve(records, Scorer(MODEL), 0.5) == [{"a"}, {"b"}]


def test_cluster_can_veto_merges_of_whole_clusters():
    pairs = [("a", "b", 0.99), ("b", "c", 0.99), ("a", "c", 0.99)]
    assert cluster("abc", pairs, 0.9) == [{"a", "b", "c"}]
    assert cluster("abc", pairs, 0.9, can_merge=lambda x, y, odds: "c" not in x | y) == [{"a", "b"}, {"c"}]


def test_batch_record_dates_are_facts():
    facts = Facts(birth_dates={dt.date(1980, 3, 4)})
    assert conflict(facts, Facts(birth_dates={dt.date(1980, 4, 3)})) is None
