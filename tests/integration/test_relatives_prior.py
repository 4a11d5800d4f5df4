"""Issue 13: the relatives' prior fitted to the data at hand (graph/matching/relatives_share.py).

One pair of records, the same woman twice with a national id mistyped beyond recognition and her
birth date missing on one side, reads as one person in a register of individuals (every shared
address there holds duplicates) and as mother and daughter in household-dense data (every shared
address there holds two relatives), on ingestion and on `resolve --all`."""
from __future__ import annotations

from graph.resolution.resolve_all import resolve_all
from tests.integration.helpers import load, person_of, record

GIVEN = ("Amelia", "Oliver", "Isla", "George", "Ava", "Noah", "Mia", "Jack", "Ella", "Leo")
FAMILY = ("Hart", "Quinn", "Lowe", "Marsh", "Bryce", "Cole", "Dunn", "Frost", "Gale", "Hale")


def address(n: int) -> dict:
    return {"streetNumber": str(n + 1), "line1": "Mill Road", "locality": "Leeds", "postcode": "LS1 4AP",
            "country": "GB"}


def nid(value: str) -> dict:
    return {"type": "nationalId", "value": value}


def register(count: int) -> list[dict]:
    """Each person twice at their own address, the second time with a typo in the family name."""
    items = []
    for n in range(count):
        given, family = GIVEN[n % 10], FAMILY[n // 10]
        born = f"19{50 + n}-0{1 + n % 9}-1{n % 10}"
        items += [record("crm", f"r{n}", name={"given": given, "family": family}, birthDate=born,
                         addresses=[address(n)]),
                  record("shop", f"r{n}", name={"given": given, "family": family + "e"}, birthDate=born,
                         addresses=[address(n)])]
    return items


def households(count: int) -> list[dict]:
    """Two relatives at each address: one family name, two given names, a generation apart."""
    items = []
    for n in range(count):
        family = FAMILY[n // 10]
        items += [record("crm", f"h{n}", name={"given": GIVEN[n % 10], "family": family},
                         birthDate=f"19{50 + n % 10}-03-0{1 + n % 9}", addresses=[address(n)]),
                  record("shop", f"h{n}", name={"given": GIVEN[(n + 3) % 10], "family": family},
                         birthDate=f"19{80 + n % 10}-07-1{n % 10}", addresses=[address(n)])]
    return items


def harriet() -> list[dict]:
    home = {"streetNumber": "3", "line1": "Hawker Place", "locality": "York", "postcode": "YO1 7HH", "country": "GB"}
    return [record("crm", "harriet", name={"given": "Harriet", "family": "Belperio"}, birthDate="1936-01-15",
                   addresses=[home], identifiers=[nid("QQ928001A")]),
            record("shop", "harriet", name={"given": "Harriet", "family": "Belperi"}, addresses=[home],
                   identifiers=[nid("ZX505648D")])]


def harriets(store) -> set[str | None]:
    return {person_of(store, "crm", "harriet"), person_of(store, "shop", "harriet")}


def test_a_mistyped_national_id_joins_where_shared_addresses_hold_duplicates(store, settings):
    load(store, settings, *register(40), *harriet())
    assert len(harriets(store)) == 1
    resolve_all(store, settings)
    assert len(harriets(store)) == 1


def test_the_same_pair_stays_two_people_where_shared_addresses_hold_relatives(store, settings):
    load(store, settings, *households(40), *harriet())
    assert len(harriets(store)) == 2
    resolve_all(store, settings)
    assert len(harriets(store)) == 2
