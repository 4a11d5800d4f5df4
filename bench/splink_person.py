"""Splink set up for person records with e-mail, phone and address, as its own documentation does it.

bench/resolve_all.py's records carry what idgraph matches on: given and family name, birth date,
e-mail, phone, national id, street number, street, town and postcode. Splink gets the same fields,
with the comparisons of its comparison library meant for them and the recipe of its examples (the
fake_1000 quickstart: names, dob, city, email; the 50k synthetic deduplication):

- NameComparison on given and family name with term-frequency adjustments, DateOfBirthComparison,
  EmailComparison, national id within two edits;
- address, town and phone as one comparison (`_home`): Splink's README asks for columns that are not
  highly correlated, and a home's address, town and landline are one fact;
- blocking as its blocking tutorial recommends: each near-unique field alone (e-mail, phone, national
  id) and name + birth date, family name + birth date, postcode + family name, so a typo in any one
  field still meets its twin through another;
- training: lambda from deterministic rules (recall 0.7), u by random sampling, m by EM on blocking
  rules that block on each field in turn; clustered at 0.95, as its 50k example does. No labels are
  used for training or threshold.
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


def _home():
    """Address, town and phone as one comparison: a shared home and its landline are one fact, not three.

    Splink's model adds its comparisons' weights as if independent, and its README asks for columns
    that are not highly correlated. Compared apart, a family at one address with one landline got
    +10.7 bits for the address, +11.4 for the phone and +3.7 for the town, and members of one
    household became one person (F1 0.48 at 10,000 records). One comparison with ordered levels
    lets EM learn how much the two agreeing together are worth."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(output_column_name="home", comparison_levels=[
        cll.And(cll.NullLevel("address"), cll.NullLevel("city"), cll.NullLevel("phone")),
        cll.And(cll.ExactMatchLevel("address"), cll.ExactMatchLevel("phone")),
        cll.ExactMatchLevel("phone").configure(tf_adjustment_column="phone", tf_adjustment_weight=1.0),
        cll.ExactMatchLevel("address"),
        cll.JaroWinklerLevel("address", 0.9),
        cll.ExactMatchLevel("city").configure(tf_adjustment_column="city", tf_adjustment_weight=1.0),
        cll.ElseLevel()])


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
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
            # no PostcodeComparison: it compares UK postcodes' sector, district and area, these are
            # four-digit, and the address holds it
            _home(),
        ],
    )


# EM blocks on each field in turn (Splink's training guide): a session cannot estimate the
# comparisons it blocks on, so between them every comparison is trained at least twice
EM_BLOCKS = (("given_name", "surname"), ("date_of_birth",), ("email",), ("soc_sec_id",))


def train(linker) -> None:
    from splink import block_on

    training = linker.training
    training.estimate_probability_two_random_records_match(
        [block_on("email"), block_on("given_name", "surname", "date_of_birth")], recall=0.7)
    training.estimate_u_using_random_sampling(max_pairs=1e7, seed=1)
    for columns in EM_BLOCKS:
        training.estimate_parameters_using_expectation_maximisation(
            block_on(*columns), estimate_without_term_frequencies=True)


def describe() -> dict:
    """The settings as Splink reads them (blocking SQL, each comparison's levels), for the report."""
    from splink import DuckDBAPI

    made = settings().get_settings(DuckDBAPI().sql_dialect.sql_dialect_str)
    return {"blockingRules": [rule.blocking_rule_sql for rule in made._blocking_rules_to_generate_predictions],
            "comparisons": {c.output_column_name: [level.label_for_charts for level in c.comparison_levels]
                            for c in made.comparisons}}


# Splink's own examples (the 50k synthetic deduplication) cluster at 0.95; no labels are used to pick it
THRESHOLD = 0.95


def fitted(frame):
    """A Splink linker over `frame`, trained as `train` says (no labels)."""
    from splink import DuckDBAPI, Linker

    linker = Linker(DuckDBAPI().register(frame), settings(), log_level=logging.ERROR)
    train(linker)
    return linker


def weights(linker) -> dict:
    """What training learnt: per comparison level its m, u and match weight in bits; and lambda."""
    import math

    model = linker.misc.save_model_to_json()
    learnt = {"lambda": model["probability_two_random_records_match"]}
    for comparison in model["comparisons"]:
        learnt[comparison["output_column_name"]] = [
            {"level": level["label_for_charts"], "m": round(level["m_probability"], 4),
             "u": round(level["u_probability"], 6),
             "bits": round(math.log2(level["m_probability"] / level["u_probability"]), 1)}
            for level in comparison["comparison_levels"]
            if level.get("m_probability") and level.get("u_probability")]
    return learnt


def clusters(frame, threshold: float = THRESHOLD):
    """(rec_id and cluster_id of Splink fitted on `frame`, its pairs clustered at `threshold`; `weights`)."""
    linker = fitted(frame)
    predictions = linker.inference.predict(threshold_match_probability=0.2)
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold).as_pandas_dataframe()
    return clustered, weights(linker)
