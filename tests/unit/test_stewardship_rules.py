"""Steward constraints, their check on one record's decision, disputes and learning from labels."""
from __future__ import annotations

from graph.matching import Model
from graph.matching.defaults import load_default_model
from graph.resolution.batch import BatchRecord, resolve_with_review
from graph.resolution.conflicts import Facts
from graph.resolution.decision import Decision, Thresholds
from graph.resolution.linkage import Scorer
from graph.stewardship import disputes
from graph.stewardship.constraints import APART, TOGETHER, Constraints, Rule
from graph.stewardship.enforce import enforce
from graph.stewardship.learning import LabelledPair, quality, with_labels

MODEL: Model = load_default_model()
SPLIT = Rule("D-1", APART, frozenset({"a"}), frozenset({"b"}), "split")
MERGE = Rule("D-2", TOGETHER, frozenset({"c"}), frozenset({"d"}), "merge")


def test_apart_and_together_follow_the_records_wherever_they_are():
    rules = Constraints([SPLIT, MERGE])
    assert rules.apart({"a", "x"}, {"b", "y"}) == SPLIT
    assert rules.apart({"b"}, {"a"}) == SPLIT
    assert rules.apart({"a"}, {"x"}) is None
    assert rules.together({"d", "z"}, {"c"}) == MERGE
    assert rules.cannot_link(["a", "b", "c"]) == [("a", "b")]
    assert rules.must_pairs(["c", "d"]) == [("c", "d", 1.0)]


def test_can_merge_puts_the_stewards_word_before_the_conflict_test():
    rules = Constraints([SPLIT, MERGE])
    never = rules.can_merge(lambda a, b, odds: False)
    always = rules.can_merge(lambda a, b, odds: True)
    assert never({"c"}, {"d"}, -10.0) is True
    assert always({"a"}, {"b"}, 10.0) is False
    assert always({"x"}, {"y"}, 0.0) is True and never({"x"}, {"y"}, 0.0) is False


def test_join_makes_together_records_one_cluster_unless_apart():
    rules = Constraints([MERGE, Rule("D-3", APART, frozenset({"c"}), frozenset({"e"}), "split"),
                         Rule("D-4", TOGETHER, frozenset({"d"}), frozenset({"e"}), "merge")])
    joined = rules.join([{"c"}, {"d"}, {"e"}, {"f"}])
    assert sorted(map(sorted, joined)) == [["c", "d"], ["e"], ["f"]]


def test_enforce_drops_a_bridged_person_the_split_keeps_apart():
    members = {"P1": {"a"}, "P2": {"b"}}
    created = {"P1": "1", "P2": "2"}
    bridged = Decision("P1", merge=["P2"], evidence={"P1": ["email:x"], "P2": ["email:x"]})
    kept = enforce(bridged, "new", None, Constraints([SPLIT]), members.__getitem__, created.__getitem__)
    assert kept.person_id == "P1" and kept.merge == []
    assert kept.refused[-1] == {"personId": "P2", "rule": "steward decision", "decisionId": "D-1",
                                "detail": "kept apart by the steward's split D-1"}


def test_enforce_keeps_the_record_in_its_current_person_and_the_oldest_survivor():
    members = {"P1": {"a"}, "P2": {"b", "r"}}
    created = {"P1": "1", "P2": "2"}
    decision = Decision("P1", merge=["P2"], evidence={"P1": ["email:x"], "P2": []})
    kept = enforce(decision, "r", "P2", Constraints([SPLIT]), members.__getitem__, created.__getitem__)
    assert kept.person_id == "P2" and kept.merge == []
    untouched = enforce(decision, "r", "P2", Constraints(), members.__getitem__, created.__getitem__)
    assert untouched is decision


def _batch(key, fields):
    return BatchRecord(key, None, "", fields, frozenset({"family:smith"}), Facts())


def test_resolve_all_keeps_a_split_apart_and_a_merge_together():
    same = {"given": "jane", "family": "smith", "birthDate": "1984-07-12", "email": ["jane@example.com"]}
    other = {"given": "mark", "family": "smith", "birthDate": "1950-01-01"}
    records = [_batch("a", same), _batch("b", same), _batch("c", other)]
    plain = resolve_with_review(records, Scorer(MODEL), Thresholds(match=0.9)).clusters
    assert sorted(map(sorted, plain)) == [["a", "b"], ["c"]]
    rules = Constraints([SPLIT, Rule("D-5", TOGETHER, frozenset({"b"}), frozenset({"c"}), "merge")])
    decided = resolve_with_review(records, Scorer(MODEL), Thresholds(match=0.9), constraints=rules).clusters
    assert sorted(map(sorted, decided)) == [["a"], ["b", "c"]]


def test_a_disputed_value_leaves_the_comparable_facts():
    fields = {"given": "ann", "email": ["a@x.com", "b@x.com"], "phone": ["+441"], "streetNumber": "12",
              "street": "rose lane", "postcode": "BA1 1AA", "locality": "bath"}
    assert disputes.strip(fields, ["email:a@x.com", "phone:+441"]) == {
        "given": "ann", "email": ["b@x.com"], "streetNumber": "12", "street": "rose lane", "postcode": "BA1 1AA",
        "locality": "bath"}
    assert disputes.strip(fields, ["address:GB|BA11AA|12|rose lane"]) == {
        "given": "ann", "email": ["a@x.com", "b@x.com"], "phone": ["+441"]}
    assert disputes.strip(fields, ["address:GB|BA11AA|14|rose lane"]) == fields


def _pair(given_a, given_b, same, family="smith", birth="1984-07-12"):
    return LabelledPair({"given": given_a, "family": family, "birthDate": birth},
                        {"given": given_b, "family": family, "birthDate": birth}, same, "D")


def test_labels_move_the_model_towards_what_stewards_said():
    # stewards said: one birth date and family name with different given names is two people (twins)
    # and the model in use must say so too after training; the threshold stays a decision threshold
    pairs = [_pair("jane", f"x{n}", False) for n in range(10)] + [_pair("jane", "jane", True) for _ in range(10)]
    before, new = quality(MODEL, pairs), with_labels(MODEL, pairs)
    after = quality(new, pairs)
    assert after.f1 is not None and after.f1 >= (before.f1 or 0.0)
    assert 0.5 <= new.threshold <= 0.99
    assert with_labels(MODEL, []) is MODEL


def test_labels_that_contradict_the_model_raise_its_f1_on_them():
    # stewards found birth dates keyed wrongly: same names, different birth dates, one person;
    # and twins: one birth date, different given names, two people
    typos = [_pair("jane", "jane", True, family=f"f{n}") for n in range(8)]
    for pair in typos:
        pair.b["birthDate"] = "1948-03-21"
    twins = [_pair("jane", f"mary{n}", False, family=f"g{n}") for n in range(8)]
    pairs = typos + twins
    before = quality(MODEL, pairs)
    new = with_labels(MODEL, pairs)
    after = quality(new, pairs)
    assert before.recall == 0.0 and after.f1 is not None and after.f1 > 0.9, (before, after)
    assert new.threshold <= 0.99
