"""graph.resolution.blocking: the one table of stored blocking rules, and the Cypher built from it."""
from graph.matching.blocking import CANDIDATE_RULES
from graph.resolution.blocking import BLOCK_PROPERTIES, STORED_RULES
from graph.store import queries_batch, queries_explain, queries_ingest


def test_stored_graphs_keep_their_blocking_properties():
    # graphs written before hold these properties and indexes: a rename would orphan them
    assert BLOCK_PROPERTIES == {"birthDate": "bkBirthDate", "givenInitialPostcode": "bkGivenInitialPostcode",
                                "nameSounds": "bkNameSounds", "familySoundYear": "bkFamilySoundYear",
                                "familySoundTown": "bkFamilySoundTown",
                                "familySoundPostcode": "bkFamilySoundPostcode",
                                "givenSoundTown": "bkGivenSoundTown",
                                "familySoundBirthday": "bkFamilySoundBirthday",
                                "emailLocalPart": "bkEmailLocalPart",
                                "address": "bkAddress"}


def test_rules_named_after_a_stitching_identifier_are_found_through_its_node_not_stored():
    assert {rule.name for rule in CANDIDATE_RULES} - {rule.name for rule in STORED_RULES} == \
        {"email", "phone", "nationalId"}


def test_every_stored_blocking_property_is_indexed_written_probed_and_read_back():
    for rule, prop in BLOCK_PROPERTIES.items():
        assert any(f"ON (r.{prop})" in statement for statement in queries_ingest.SCHEMA)
        assert prop in queries_ingest.RECORD_PROPERTIES
        assert f"{{{prop}: key}}" in queries_ingest.BLOCK_PROBES[rule]
        assert f"{{{prop}: $key}}" in queries_explain.CANDIDATES_BY_BLOCK[rule]
        assert f"r.{prop}" in queries_ingest.PERSON_RECORDS and f"r.{prop}" in queries_batch.RECORDS


def test_a_text_key_names_its_rule_before_the_first_colon():
    from graph.matching.blocking import blocking_keys, rule_of
    keys = blocking_keys({"given": "Jane", "family": "Smith", "birthDate": "1984-07-12", "postcode": "BA1 1AA"})
    assert {rule_of(key) for key in keys} == {"birthDate", "givenInitialPostcode", "nameSounds", "familySoundYear",
                                              "familySoundPostcode", "familySoundBirthday"}
    assert rule_of("address:GB|BA11AA|12") == "address"
