"""Issue 13: a record keyed with given and family name swapped, and one of them mistyped, is still
its person's record (FEBRL2's rec-2633 is one), on ingestion and on `resolve --all`; twins whose
formal names look alike are never taken for a swap."""
from __future__ import annotations

from graph.resolution.resolve_all import resolve_all
from tests.integration.helpers import load, person_of, record

HOME = {"streetNumber": "4", "line1": "Vaughan Gardens", "locality": "Hahndorf", "postcode": "2372", "country": "AU"}


def sophie() -> list[dict]:
    born, nid = "1923-11-14", {"type": "nationalId", "value": "8638391"}
    spelt = [("Sophie", "Snell"), ("Soph ie", "Snell"), ("Sophie", "Snekl"), ("Sophie", "Sndl")]
    items = [record("crm", f"s{n}", name={"given": given, "family": family}, birthDate=born,
                    addresses=[HOME], identifiers=[nid]) for n, (given, family) in enumerate(spelt)]
    # swapped, the street number and national id mistyped, no birth date
    moved = HOME | {"streetNumber": "47"}
    return items + [record("shop", "swapped", name={"given": "Snell", "family": "Sophie"},
                           addresses=[moved], identifiers=[{"type": "nationalId", "value": "8368391"}])]


def sophies(store) -> set[str | None]:
    return {person_of(store, source, key) for source, key in
            [("crm", "s0"), ("crm", "s1"), ("crm", "s2"), ("crm", "s3"), ("shop", "swapped")]}


def test_a_swapped_and_mistyped_record_joins_its_person(store, settings):
    load(store, settings, *sophie())
    assert len(sophies(store)) == 1
    resolve_all(store, settings)
    assert len(sophies(store)) == 1


def test_twins_whose_names_look_alike_are_not_a_swap(store, settings):
    twins = [record("crm", "daniel", name={"given": "Daniel", "family": "Wright"}, birthDate="2003-08-23",
                    addresses=[HOME]),
             record("shop", "danielle", name={"given": "Wright", "family": "Danielle"}, birthDate="2003-08-23",
                    addresses=[HOME])]
    load(store, settings, *twins)
    assert person_of(store, "crm", "daniel") != person_of(store, "shop", "danielle")
    resolve_all(store, settings)
    assert person_of(store, "crm", "daniel") != person_of(store, "shop", "danielle")
