import json
import math

import pytest

from graph.matching import (
    DEFAULT_MODEL_PATH,
    FrequencyTable,
    Model,
    ModelFormatError,
    load_default_model,
)


@pytest.fixture(scope="module")
def model():
    return load_default_model()


ROBERT = {
    "given": "Robert", "family": "Smith", "birthDate": "1980-03-14", "streetNumber": "12",
    "street": "High Street", "locality": "Ashford", "postcode": "1234", "gender": "m",
}
ALICE = {
    "given": "Alice", "family": "Jones", "birthDate": "1985-07-02", "streetNumber": "4",
    "street": "Mill Lane", "locality": "Kenton", "postcode": "2345", "gender": "f",
    "email": "alice.jones@example.com",
}
EMMA = {
    "given": "Emma", "family": "Clark", "birthDate": "2010-05-05", "streetNumber": "7",
    "street": "Elm Close", "locality": "Selby", "postcode": "4567", "gender": "f",
    "phone": "+447700900555",
}


def test_the_shipped_model_has_every_comparison_and_a_threshold(model):
    assert set(model.parameters) == {"given", "family", "birthDate", "address", "phone",
                                     "email", "nationalId", "gender"}
    assert 0 < model.prior < 0.01 and 0 < model.threshold < 1


def test_identical_records_match_and_strangers_do_not(model):
    assert model.score(ROBERT, dict(ROBERT)).probability > 0.999
    assert model.score(ROBERT, ALICE).probability < 1e-6


def test_a_nickname_still_matches(model):
    result = model.score(ROBERT, ROBERT | {"given": "Bob"})
    assert result.is_match(model.threshold)
    assert ("given", "nickname") in {(c.comparison, c.level) for c in result.contributions}


def test_transposed_birth_date_and_typos_still_match(model):
    assert model.score(ROBERT, ROBERT | {"birthDate": "1980-14-03"}).is_match(model.threshold)
    typos = ROBERT | {"given": "Robret", "family": "Smiht", "street": "Hihg Street"}
    assert model.score(ROBERT, typos).is_match(model.threshold)


def test_a_name_change_after_marriage_with_the_same_email_is_a_match(model):
    married = ALICE | {"family": "Brown", "streetNumber": "9", "street": "Oak Road",
                       "locality": "Upton", "postcode": "3456"}
    result = model.score(ALICE, married)
    assert result.is_match(model.threshold)
    weights = {c.comparison: c.weight for c in result.contributions}
    assert weights["family"] < 0 < weights["email"]


def test_twins_sharing_home_and_birth_date_but_not_given_name_stay_apart(model):
    twin = EMMA | {"given": "Olivia"}
    assert not model.score(EMMA, twin).is_match(model.threshold)
    without_gender = {k: v for k, v in EMMA.items() if k != "gender"}
    assert not model.score(without_gender, without_gender | {"given": "Olivia"}).is_match(
        model.threshold
    )


def test_a_shared_family_phone_alone_does_not_reach_the_threshold(model):
    parent = {"given": "John", "family": "Clark", "phone": "+447700900555"}
    child = {"given": "Mary", "family": "Clark", "phone": "+447700900555"}
    assert model.score(parent, child).probability < 0.5


def test_agreement_explained_by_a_household_costs_weight(model):
    twin = EMMA | {"given": "Olivia"}
    household = [c for c in model.score(EMMA, twin).contributions if c.comparison == "household"]
    assert household and household[0].weight < 0


def test_missing_fields_are_neutral_not_disagreement(model):
    result = model.score(ROBERT, {"given": "Robert", "family": "Smith"})
    weights = {c.comparison: c.weight for c in result.contributions}
    assert weights["birthDate"] == weights["phone"] == 0.0
    assert {c.level for c in result.contributions if c.comparison == "address"} == {"null"}


def test_contributions_add_up_to_the_match_weight(model):
    result = model.score(EMMA, EMMA | {"given": "Olivia", "birthDate": "2010-05-06"})
    total = result.prior_weight + sum(c.weight for c in result.contributions)
    assert total == pytest.approx(result.match_weight)
    assert result.probability == pytest.approx(1 / (1 + 2 ** -result.match_weight))


def test_a_rare_family_name_counts_more_than_a_common_one(model):
    frequencies = FrequencyTable.from_value_counts(
        {"family": {"Smith": 900, "Zabrowski": 1, "Jones": 99}}
    )
    with_frequencies = model.with_frequencies(frequencies)

    def family_weight(name: str) -> float:
        pair = with_frequencies.score({"family": name}, {"family": name})
        return next(c.weight for c in pair.contributions if c.comparison == "family")

    assert family_weight("zabrowski") > family_weight("Jones") > family_weight("SMITH")
    assert family_weight("smith") == pytest.approx(math.log2(
        model.parameters["family"]["exact"].m / 0.9))


def test_an_unknown_frequency_falls_back_to_the_average_u(model):
    a = {"family": "Smith"}
    average = model.score(a, a).match_weight
    assert model.with_frequencies(lambda field, key: None).score(a, a).match_weight == average
    few_values = FrequencyTable.from_value_counts({"family": {"Smith": 5, "Jones": 3}})
    assert few_values("family", "smith") is None
    assert model.with_frequencies(few_values).score(a, a).match_weight == average
    many_values = FrequencyTable.from_value_counts({"family": {"Jones": 300}})
    assert many_values("family", "smith") is None and many_values("family", "jones") == 1.0


def test_save_and_load_round_trip(model, tmp_path):
    path = tmp_path / "model.json"
    model.save(path)
    loaded = Model.load(path)
    assert loaded == model
    assert loaded.score(ROBERT, ALICE) == model.score(ROBERT, ALICE)
    saved = json.loads(path.read_text())
    assert saved["version"] == 1 and {"trainedAt", "prior", "comparisons"} <= set(saved)


def test_the_shipped_file_is_the_loaded_default():
    saved = json.loads(DEFAULT_MODEL_PATH.read_text())
    assert Model.from_dict(saved) == load_default_model()


def test_an_unknown_version_or_a_malformed_file_is_refused(model):
    data = model.to_dict()
    with pytest.raises(ModelFormatError, match="version"):
        Model.from_dict(data | {"version": 2})
    with pytest.raises(ModelFormatError):
        Model.from_dict({k: v for k, v in data.items() if k != "prior"})


def test_twins_are_never_given_one_name_so_a_keyed_wrong_national_id_still_matches(model):
    keyed_wrong = ROBERT | {"nationalId": "7830672"}
    assert model.score(keyed_wrong, ROBERT | {"nationalId": "4003660"}).is_match(model.threshold)


def test_the_priors_fall_in_proportion_to_records_beyond_those_the_model_was_fitted_over(model):
    assert model.records and model.to_dict()["records"] == model.records
    tenfold = model.at_scale(10 * model.records)
    assert tenfold.prior == pytest.approx(model.prior / 10)
    assert tenfold.relatives.prior == pytest.approx(model.relatives.prior / 10)
    assert model.at_scale(model.records // 10) is model          # a small store never raises them
    assert Model.from_dict(model.to_dict() | {"records": None}).at_scale(10 * model.records).prior == model.prior


def test_namesakes_born_on_one_day_are_a_match_in_a_small_store_but_not_among_many_records(model):
    # the same given name and birth date, another family name (a marriage, or chance): with many
    # records chance explains it better
    namesake = {"given": "John", "family": "Harris", "birthDate": "1983-08-21", "gender": "m"}
    other = {"given": "John", "family": "Williams", "birthDate": "1983-08-21", "gender": "m"}
    assert model.score(namesake, other).is_match(model.threshold)
    assert not model.at_scale(50 * model.records).score(namesake, other).is_match(model.threshold)
