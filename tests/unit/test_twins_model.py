"""graph.twins.model and model_file: twins predict with a probability, abstain on noise, explain
themselves, never touch a special category, honour feedback, and save like the match model."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import random

import pytest

from bench.twins import evaluate
from graph import config
from graph.twins.features import profile
from graph.twins.model import (
    MODEL_NAME,
    Example,
    TwinModel,
    TwinSettings,
    UnknownTargetError,
    subject_key,
    wilson_low,
)
from graph.twins.model_file import MODEL_FILE, active_twins_model, save_twins_model
from graph.twins.special import SpecialCategoryError, special_category

NOW = dt.datetime(2026, 6, 10, 12, tzinfo=dt.UTC)


def shopper(rng: random.Random, taste: str, views: int = 6) -> list[dict]:
    """Views mostly of `taste`, one of another category, at random times."""
    other = rng.choice(["books", "garden", "sports"])
    return [{"kind": "webVisit", "at": NOW - dt.timedelta(days=rng.uniform(1, 90)),
             "pageCategory": taste if i else other} for i in range(views)]


def families_and_singles(n: int = 150, seed: int = 1, **labels) -> list[Example]:
    rng = random.Random(seed)
    return [Example(profile(shopper(rng, "toys"), NOW), {"lifeStage": "youngFamily"} | labels) for _ in range(n)] + \
           [Example(profile(shopper(rng, "fashion"), NOW), {"lifeStage": "single"} | labels) for _ in range(n)]


@pytest.fixture(scope="module")
def model() -> TwinModel:
    return TwinModel.fit(families_and_singles(), TwinSettings(k=40, min_cohort=20), trained_at="2026-06-10T12:00:00")


def test_a_visitor_who_behaves_like_young_families_is_predicted_one_and_told_why(model):
    visitor = profile(shopper(random.Random(9), "toys"), NOW)
    [outcome] = model.predict(visitor, ["lifeStage"])
    assert outcome.answered and outcome.value == "youngFamily"
    assert outcome.probability >= 0.9 and outcome.share >= 0.9 and outcome.prior == 0.5
    assert outcome.cohort_size == 40 and outcome.agreeing >= 36
    assert outcome.drivers[0].feature in ("viewed:toys", "recent:toys") and outcome.drivers[0].direction == "more"
    assert outcome.drivers[0].twins > outcome.drivers[0].typical


def test_below_the_configured_confidence_there_is_no_answer(model):
    visitor = profile(shopper(random.Random(9), "toys"), NOW)
    [outcome] = model.predict(visitor, ["lifeStage"], confidence=1.01)
    assert not outcome.answered and "below the confidence" in outcome.reason and outcome.drivers == ()


def test_a_share_that_only_matches_the_base_rate_abstains_even_above_the_confidence():
    rng = random.Random(3)
    examples = [Example(profile(shopper(rng, rng.choice(["toys", "fashion"])), NOW),
                        {"area": "urban" if rng.random() < 0.85 else "rural"}) for _ in range(400)]
    model = TwinModel.fit(examples, TwinSettings(k=100))
    outcomes = [model.predict(profile(shopper(rng, "toys"), NOW), ["area"])[0] for _ in range(30)]
    assert all(o.value == "urban" and o.share >= 0.6 for o in outcomes)      # the majority leads everywhere...
    assert not any(o.answered for o in outcomes)                            # ...and is never an answer
    assert "base rate" in outcomes[0].reason


def test_too_few_labelled_twins_abstain_and_no_behaviour_abstains(model):
    assert not model.predict({}, ["lifeStage"])[0].answered
    sparse = TwinModel.fit([Example(e.profile, {"lifeStage": e.labels["lifeStage"]} if i % 10 == 0 else {})
                            for i, e in enumerate(families_and_singles())], TwinSettings(k=40, min_cohort=20))
    [outcome] = sparse.predict(profile(shopper(random.Random(9), "toys"), NOW), ["lifeStage"])
    assert not outcome.answered and "twins have this label" in outcome.reason


def test_generated_signal_beats_the_majority_and_no_signal_abstains():
    with_signal = evaluate(people=2000, seed=3, noise=0.25, holdout=0.25, signal=True)["results"]
    for target, result in with_signal.items():
        assert result["at"][0.2] > result["baseline"] + 0.15, target
    without = evaluate(people=2000, seed=3, noise=0.25, holdout=0.25, signal=False)["results"]
    assert all(r["coverage"] <= 0.02 for r in without.values()), {t: r["coverage"] for t, r in without.items()}


@pytest.mark.parametrize("target", ["religion", "politicalViews", "ethnicity", "healthCondition",
                                    "sexualOrientation"])
def test_a_special_category_target_is_refused_at_training_and_prediction(model, target):
    with pytest.raises(SpecialCategoryError):
        TwinModel.fit([Example({"x": 1.0}, {target: "a"}), Example({"x": 2.0}, {target: "b"})])
    with pytest.raises(SpecialCategoryError):
        model.predict({"viewed:toys": 1.0}, [target])


def test_only_listed_targets_may_be_predicted(model):
    with pytest.raises(UnknownTargetError):
        model.predict({"viewed:toys": 1.0}, ["income"])


def test_a_special_category_label_is_never_learned_so_never_produced():
    examples = [Example(e.profile, {"intention": "pharmacy" if e.labels["lifeStage"] == "youngFamily" else "shoes"})
                for e in families_and_singles()]
    model = TwinModel.fit(examples, TwinSettings(k=40, min_cohort=20))
    assert "pharmacy" not in model.priors["intention"] and special_category("pharmacy") == "health"
    [outcome] = model.predict(profile(shopper(random.Random(9), "toys"), NOW), ["intention"])
    assert outcome.value != "pharmacy" and not outcome.answered


def test_a_value_marked_wrong_is_left_out_of_training():
    examples = families_and_singles()
    rejected = [dataclasses.replace(e, rejected={"lifeStage": frozenset({"youngFamily"})}) for e in examples]
    model = TwinModel.fit(rejected, TwinSettings(k=40, min_cohort=20))
    assert set(model.priors["lifeStage"]) == {"single"}
    [outcome] = model.predict(profile(shopper(random.Random(9), "toys"), NOW), ["lifeStage"])
    assert outcome.value != "youngFamily"


def test_wilson_low_is_below_the_share_and_tightens_with_more_twins():
    assert wilson_low(60, 100, 2.58) < 0.6
    assert wilson_low(60, 100, 2.58) < wilson_low(600, 1000, 2.58) < 0.6


def settings(tmp_path):
    return dataclasses.replace(config.load({}), data_dir=tmp_path)


def test_the_saved_model_reads_back_the_same_and_a_new_file_is_picked_up(tmp_path, model):
    assert active_twins_model(settings(tmp_path)) is None      # no shipped default: no predictions
    path = save_twins_model(model, tmp_path / MODEL_FILE, {"persons": 300})
    data = json.loads(path.read_text())
    assert data["name"] == MODEL_NAME and data["modelVersion"] == model.version and data["training"]["persons"] == 300
    loaded = active_twins_model(settings(tmp_path))
    assert loaded is not None and loaded.version == model.version
    visitor = profile(shopper(random.Random(9), "toys"), NOW)
    assert loaded.predict(visitor) == model.predict(visitor)
    other = TwinModel.fit(families_and_singles(seed=2), TwinSettings(k=40, min_cohort=20))
    save_twins_model(other, path)
    os.utime(path, ns=(1, 1))
    assert active_twins_model(settings(tmp_path)).version == other.version != model.version
    assert [p.name for p in tmp_path.iterdir()] == [MODEL_FILE]


def test_an_edited_or_foreign_model_file_gives_no_predictions(tmp_path, model, caplog):
    path = save_twins_model(model, tmp_path / MODEL_FILE)
    data = json.loads(path.read_text())
    data["labels"]["lifeStage"][0] = "single" if data["labels"]["lifeStage"][0] != "single" else "youngFamily"
    path.write_text(json.dumps(data))
    assert active_twins_model(settings(tmp_path)) is None and "unreadable" in caplog.text
    path.write_text(json.dumps(data | {"version": 99}))
    os.utime(path, ns=(2, 2))
    assert active_twins_model(settings(tmp_path)) is None


def test_a_known_customers_own_training_row_is_never_among_their_twins():
    rng = random.Random(4)
    others = [Example(profile(shopper(rng, rng.choice(["toys", "fashion"])), NOW), {"intention": "books"},
                      subject=subject_key(f"P-{n}")) for n in range(120)]
    ada = profile(shopper(random.Random(9), "cameras"), NOW)
    model = TwinModel.fit([*others, Example(ada, {"intention": "cameras"}, subject=subject_key("P-ada"))],
                          TwinSettings(k=1, min_cohort=1))
    [as_anyone] = model.predict(ada, ["intention"])
    [as_herself] = model.predict(ada, ["intention"], subjects={subject_key("P-ada")})
    assert as_anyone.value == "cameras" and as_herself.value == "books"     # her nearest row is her own
    [merged] = model.predict_many([ada], ["intention"], subjects=[{subject_key("P-old"), subject_key("P-ada")}])[0]
    assert merged.value == "books"
    assert TwinModel.from_dict(json.loads(json.dumps(model.to_dict()))).subjects == model.subjects
    assert "P-ada" not in json.dumps(model.to_dict())                      # an opaque key, not the id
