"""The blocking keys resolution stores on records: which rules, under which property, and the hub cap.

The one place a stored blocking rule is defined. graph.matching.blocking says what a rule's keys are;
this module says which of them ingestion keeps as indexed SourceRecord properties. The store's Cypher
(index, probes, the `blocks` list it reads back) is built from BLOCK_PROPERTIES, so adding a rule to
graph.matching.blocking.CANDIDATE_RULES is the whole change. Pure: no store, no web.
"""
from __future__ import annotations

from collections.abc import Mapping

from graph.matching import blocking_keys
from graph.matching.blocking import CANDIDATE_RULES
from graph.model import KINDS


def _found_through_identifier(rule_name: str) -> bool:
    # A rule named after a stitching identifier kind (email, phone, nationalId) pairs records that
    # share that identifier: ingestion finds those through the Identifier node, so it is not stored.
    return rule_name in KINDS and KINDS[rule_name].stitches


STORED_RULES = tuple(rule for rule in CANDIDATE_RULES if not _found_through_identifier(rule.name))
# Rule name -> the indexed SourceRecord property holding the record's key under it ('bkBirthDate').
BLOCK_PROPERTIES = {rule.name: "bk" + rule.name[0].upper() + rule.name[1:] for rule in STORED_RULES}
# A blocking key held by more records than this is a hub (a common name in a birth year, a
# block of flats): it is skipped, not scanned.
BLOCK_DEGREE_CAP = 50


def is_hub(holders: int) -> bool:
    """Whether a key (blocking key or identifier) with this many holders is too common to compare on."""
    return holders > BLOCK_DEGREE_CAP


def block_keys(fields: Mapping) -> dict[str, str]:
    """Rule name -> the record's key under that rule ('rule:part|part'), for the stored rules."""
    keys = {}
    for rule in STORED_RULES:
        found = blocking_keys(fields, (rule,))
        if found:
            keys[rule.name] = found[0]
    return keys


def block_props(fields: Mapping) -> dict[str, str | None]:
    """The stored blocking properties of a record with these match fields (None removes one)."""
    keys = block_keys(fields)
    return {prop: keys.get(rule) for rule, prop in BLOCK_PROPERTIES.items()}
