"""Splink set up for person records with e-mail, phone and address, as its own documentation does it.

bench/resolve_all.py's records carry what idgraph matches on: given and family name, birth date,
e-mail, phone, national id, street number, street, town and postcode. Splink gets the same fields,
with the comparisons of its comparison library meant for them and the recipe of its quickstart
(the fake_1000 deduplication example: names, dob, city, email): term-frequency adjusted city, the
e-mail comparison, a DOB comparison, name comparisons, u by random sampling, EM on two blocking
rules that between them leave no comparison untrained. Blocking adds the rules its blocking
tutorial recommends for such data: exact e-mail and phone (each near-unique), name + birth date,
postcode + family name, so that a typo in any one field still meets its twin through another.
"""
from __future__ import annotations

import logging

BLOCKING = (("email",), ("phone",), ("given_name", "date_of_birth"), ("surname", "date_of_birth"),
            ("postcode", "surname"), ("soc_sec_id",))


def frame_row(fields: dict) -> dict:
    """One generated record (graph.demo.population) as the columns Splink is given."""
    return {"given_name": _lower(fields.get("given")), "surname": _lower(fields.get("family")),
            "date_of_birth": fields.get("birthDate") or None, "email": _lower(fields.get("email")),
            "phone": fields.get("phone") or None, "soc_sec_id": fields.get("nationalId") or None,
            "address": _address(fields), "city": _lower(fields.get("locality")),
            "postcode": fields.get("postcode") or None}


def _address(fields: dict) -> str | None:
    """Street number, street and postcode as one value: compared as separate fields, one shared
    home counts four times over (Splink assumes its comparisons independent), and family members
    at one address came out as one person (precision 0.21 at 5,000 records)."""
    parts = [fields.get("streetNumber"), _lower(fields.get("street")), fields.get("postcode")]
    return " ".join(p for p in parts if p) or None


def _lower(value: str | None) -> str | None:
    """Case folded as Splink's examples' data is; idgraph folds case in its own normalisation too."""
    return value.strip().lower() if value else None


def settings():
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[block_on(*columns) for columns in BLOCKING],
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y-%m-%d"),
            cl.EmailComparison("email"),
            cl.ExactMatch("phone").configure(term_frequency_adjustments=True),   # landlines are shared
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
            cl.JaroWinklerAtThresholds("address", [0.9]),
            # the town as the quickstart compares its city; no PostcodeComparison: it compares UK
            # postcodes' sector, district and area, these are four-digit, and the address holds it
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
        ],
    )


def train(linker) -> None:
    from splink import block_on

    training = linker.training
    training.estimate_probability_two_random_records_match(
        [block_on("email"), block_on("given_name", "surname", "date_of_birth")], recall=0.7)
    training.estimate_u_using_random_sampling(max_pairs=1e7, seed=1)
    training.estimate_parameters_using_expectation_maximisation(block_on("given_name", "surname"))
    training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))


def describe() -> dict:
    """The settings as Splink reads them (blocking SQL, each comparison's levels), for the report."""
    from splink import DuckDBAPI

    made = settings().get_settings(DuckDBAPI().sql_dialect.sql_dialect_str)
    return {"blockingRules": [rule.blocking_rule_sql for rule in made._blocking_rules_to_generate_predictions],
            "comparisons": {c.output_column_name: [level.label_for_charts for level in c.comparison_levels]
                            for c in made.comparisons}}


def clusters(frame, threshold: float = 0.9):
    """Splink fitted on `frame`, its pairs clustered at `threshold`: rec_id and cluster_id."""
    from splink import DuckDBAPI, Linker

    linker = Linker(DuckDBAPI().register(frame), settings(), log_level=logging.ERROR)
    train(linker)
    predictions = linker.inference.predict(threshold_match_probability=0.2)
    return linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold).as_pandas_dataframe()
