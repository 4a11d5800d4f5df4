"""Blocking: cheap keys that bring together records worth comparing in full.

Each rule turns a record into zero or more keys; two records are candidates when they
share a key under any rule. The rules are deliberately varied so that a typo, a move or
a changed family name still leaves at least one rule that pairs a duplicate.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

from graph.matching.keys import (
    Fields,
    address_key,
    address_parts,
    birth_date_key,
    email_keys,
    name_field_key,
    national_id_key,
    phone_keys,
    postcode_key,
)
from graph.matching.text import phonetic

Pair = tuple[int, int]
MAX_BLOCK_SIZE = 200


@dataclass(frozen=True)
class BlockingRule:
    name: str
    keys: Callable[[Fields], tuple[Hashable, ...]]
    # comparisons whose agreement the rule selects for, so EM must not estimate them
    uses: frozenset[str]


def _when_all(*parts: Hashable) -> tuple[Hashable, ...]:
    return (parts,) if all(parts) else ()


def _birth_date(record: Fields) -> tuple[Hashable, ...]:
    key = birth_date_key(record)
    return (key,) if len(key) == 8 else ()


def _given_initial_and_postcode(record: Fields) -> tuple[Hashable, ...]:
    return _when_all(name_field_key(record, "given")[:1], postcode_key(record))


def _name_sounds(record: Fields) -> tuple[Hashable, ...]:
    # sorted, so that a given/family swap lands in the same block
    sounds = sorted(phonetic(name_field_key(record, field)) for field in ("given", "family"))
    return _when_all(*sounds)


def _family_sound_and_year(record: Fields) -> tuple[Hashable, ...]:
    return _when_all(phonetic(name_field_key(record, "family")), birth_date_key(record)[:4])


def _family_sound_and_town(record: Fields) -> tuple[Hashable, ...]:
    # a town-only address is evidence too: with the family name's sound it pairs a customer's
    # records that have no street, postcode or birth date in common
    return _when_all(phonetic(name_field_key(record, "family")), address_parts(record)[3])


def _family_sound_and_postcode(record: Fields) -> tuple[Hashable, ...]:
    # a postcode-only address, or a street keyed differently, with the family name's sound
    return _when_all(phonetic(name_field_key(record, "family")), postcode_key(record))


def _given_sound_and_town(record: Fields) -> tuple[Hashable, ...]:
    # the family name mistyped past its sound, or changed by marriage, in the same town
    return _when_all(phonetic(name_field_key(record, "given")), address_parts(record)[3])


def _family_sound_and_birthday(record: Fields) -> tuple[Hashable, ...]:
    # the year of birth keyed wrong ('1976' for '1986') while day and month stay
    return _when_all(phonetic(name_field_key(record, "family")), birth_date_key(record)[4:8])


def _email_local_part(record: Fields) -> tuple[Hashable, ...]:
    # the domain mistyped ('gmial.com'): the same mailbox name still pairs the records
    return tuple(sorted({key.split("@")[0] for key in email_keys(record)} - {""}))


def _address(record: Fields) -> tuple[Hashable, ...]:
    return _when_all(address_key(record))


def _national_id(record: Fields) -> tuple[Hashable, ...]:
    return _when_all(national_id_key(record))


BIRTH_DATE = BlockingRule("birthDate", _birth_date, frozenset({"birthDate"}))
GIVEN_INITIAL_POSTCODE = BlockingRule(
    "givenInitialPostcode", _given_initial_and_postcode, frozenset({"given", "address"})
)
NAME_SOUNDS = BlockingRule("nameSounds", _name_sounds, frozenset({"given", "family"}))

CANDIDATE_RULES: tuple[BlockingRule, ...] = (
    BIRTH_DATE,
    GIVEN_INITIAL_POSTCODE,
    NAME_SOUNDS,
    BlockingRule("familySoundYear", _family_sound_and_year, frozenset({"family", "birthDate"})),
    BlockingRule("familySoundTown", _family_sound_and_town, frozenset({"family", "address"})),
    BlockingRule("familySoundPostcode", _family_sound_and_postcode, frozenset({"family", "address"})),
    BlockingRule("givenSoundTown", _given_sound_and_town, frozenset({"given", "address"})),
    BlockingRule("familySoundBirthday", _family_sound_and_birthday, frozenset({"family", "birthDate"})),
    BlockingRule("emailLocalPart", _email_local_part, frozenset({"email"})),
    BlockingRule("address", _address, frozenset({"address"})),
    BlockingRule("email", email_keys, frozenset({"email"})),
    BlockingRule("phone", phone_keys, frozenset({"phone"})),
    BlockingRule("nationalId", _national_id, frozenset({"nationalId"})),
)
# each comparison is left out by at least one of these, so every m gets estimated
EM_RULES: tuple[BlockingRule, ...] = (BIRTH_DATE, GIVEN_INITIAL_POSTCODE, NAME_SOUNDS)


def blocking_keys(record: Fields, rules: Sequence[BlockingRule] = CANDIDATE_RULES) -> list[str]:
    """Every blocking key of a record as text, 'rule:part|part', sorted. A store can index
    these: records sharing any key are the candidates ``candidate_pairs`` would give."""
    return sorted({f"{rule.name}:{_text(key)}" for rule in rules for key in rule.keys(record)})


def rule_of(key: str) -> str:
    """The rule a text key from ``blocking_keys`` belongs to: 'nameSounds:S530|J500' -> 'nameSounds'."""
    return key.split(":", 1)[0]


def _text(key: Hashable) -> str:
    if isinstance(key, tuple):
        return "|".join(_text(part) for part in key)
    return str(key)


def rule_pairs(
    records: Sequence[Fields], rule: BlockingRule, max_block_size: int = MAX_BLOCK_SIZE
) -> set[Pair]:
    """Index pairs (i < j) sharing a key. Oversized blocks are skipped: a key shared by
    hundreds of records (a switchboard number) says nothing about identity."""
    blocks: dict[Hashable, list[int]] = defaultdict(list)
    for index, record in enumerate(records):
        for key in rule.keys(record):
            blocks[key].append(index)
    pairs: set[Pair] = set()
    for members in blocks.values():
        if 1 < len(members) <= max_block_size:
            pairs.update((a, b) for i, a in enumerate(members) for b in members[i + 1 :])
    return pairs


def candidate_pairs(
    records: Sequence[Fields], rules: Sequence[BlockingRule] = CANDIDATE_RULES
) -> list[Pair]:
    """Sorted union of the pairs of every rule."""
    pairs: set[Pair] = set()
    for rule in rules:
        pairs |= rule_pairs(records, rule)
    return sorted(pairs)
