"""Blocking: cheap keys that bring together records worth comparing in full.

Each rule turns a record into zero or more keys; two records are candidates when they
share a key under any rule. The rules are deliberately varied so that a typo, a moved
house or a changed family name still leaves at least one rule that pairs a duplicate.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

from graph.matching.comparisons import (
    Record,
    birth_date_key,
    email_keys,
    national_id_key,
    phone_keys,
    postcode_key,
)
from graph.matching.text import fold, phonetic

Pair = tuple[int, int]


@dataclass(frozen=True)
class BlockingRule:
    name: str
    keys: Callable[[Record], tuple[Hashable, ...]]
    # comparisons whose agreement the rule selects for, so EM must not estimate them
    uses: frozenset[str]


def _given(record: Record) -> str:
    return fold(record.get("given"))


def _family(record: Record) -> str:
    return fold(record.get("family"))


def _all(*parts: Hashable) -> tuple[Hashable, ...]:
    return (parts,) if all(parts) else ()


def _birth_date(record: Record) -> tuple[Hashable, ...]:
    key = birth_date_key(record)
    return (key,) if len(key) == 8 else ()


def _family_sound_and_year(record: Record) -> tuple[Hashable, ...]:
    return _all(phonetic(_family(record)), birth_date_key(record)[:4])


def _given_initial_and_postcode(record: Record) -> tuple[Hashable, ...]:
    return _all(_given(record)[:1], postcode_key(record))


def _name_sounds(record: Record) -> tuple[Hashable, ...]:
    # sorted so that a given/family swap lands in the same block
    sounds = sorted((phonetic(_given(record)), phonetic(_family(record))))
    return _all(*sounds)


def _national_id(record: Record) -> tuple[Hashable, ...]:
    key = national_id_key(record)
    return (key,) if key else ()


BIRTH_DATE = BlockingRule("birthDate", _birth_date, frozenset({"birthDate"}))
GIVEN_INITIAL_POSTCODE = BlockingRule(
    "givenInitialPostcode", _given_initial_and_postcode, frozenset({"given", "address"})
)
CANDIDATE_RULES: tuple[BlockingRule, ...] = (
    BIRTH_DATE,
    GIVEN_INITIAL_POSTCODE,
    BlockingRule("familySoundYear", _family_sound_and_year, frozenset({"family", "birthDate"})),
    BlockingRule("nameSounds", _name_sounds, frozenset({"given", "family"})),
    BlockingRule("email", email_keys, frozenset({"email"})),
    BlockingRule("phone", phone_keys, frozenset({"phone"})),
    BlockingRule("nationalId", _national_id, frozenset({"nationalId"})),
)
EM_RULES: tuple[BlockingRule, ...] = (BIRTH_DATE, GIVEN_INITIAL_POSTCODE)

MAX_BLOCK_SIZE = 200


def blocking_keys(record: Record, rules: Sequence[BlockingRule] = CANDIDATE_RULES) -> list[tuple]:
    """Every (rule name, key) of a record; a store can index these to find candidates."""
    return [(rule.name, key) for rule in rules for key in rule.keys(record)]


def rule_pairs(records: Sequence[Record], rule: BlockingRule, max_block_size: int = MAX_BLOCK_SIZE) -> set[Pair]:
    """Index pairs (i < j) sharing a key; oversized blocks are skipped because a key
    shared by hundreds of records (a switchboard number) says nothing about identity."""
    blocks: dict[Hashable, list[int]] = defaultdict(list)
    for index, record in enumerate(records):
        for key in rule.keys(record):
            blocks[key].append(index)
    pairs: set[Pair] = set()
    for members in blocks.values():
        if 1 < len(members) <= max_block_size:
            pairs.update((a, b) for i, a in enumerate(members) for b in members[i + 1 :])
    return pairs


def candidate_pairs(records: Sequence[Record], rules: Sequence[BlockingRule] = CANDIDATE_RULES) -> list[Pair]:
    """Sorted union of the pairs of every rule."""
    pairs: set[Pair] = set()
    for rule in rules:
        pairs |= rule_pairs(records, rule)
    return sorted(pairs)
