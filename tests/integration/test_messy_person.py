"""Issue 13 item 5: nine corrupted records of one customer become one person, on ingestion one record
at a time and on `resolve --all`, while her family (a husband and twins whose formal names share a
diminutive, all on the family landline and at one address) stay three other people."""
from __future__ import annotations

from graph.resolution.resolve_all import resolve_all
from tests.integration.helpers import load, record

ROSE = {"streetNumber": "12", "line1": "Rose Lane", "locality": "Bath", "postcode": "BA1 1AA", "country": "GB"}
OAK = {"streetNumber": "40", "line1": "Oak Road", "locality": "Bristol", "postcode": "BS1 5TT", "country": "GB"}
LANDLINE = {"type": "phone", "value": "01225 960 777"}
MOBILE = {"type": "phone", "value": "07700 900 123"}


def email(value: str) -> dict:
    return {"type": "email", "value": value}


def katherine() -> list[dict]:
    """One woman as nine careless records: nicknames, an initial, typos in names, e-mails and street,
    a town-only, a postcode-only and a numberless address, a date one digit off, a broken e-mail, and
    a move to another town with a new e-mail and mobile."""
    def mine(n: int, given: str, family: str = "Clarke", gender: str | None = "F", **fields) -> dict:
        sex = {"gender": gender} if gender else {}
        return record("crm", f"k{n}", name={"given": given, "family": family}, **sex, **fields)
    return [
        mine(1, "Katherine", birthDate="1970-03-14", addresses=[ROSE],
             identifiers=[email("katherine.clarke@gmail.com"), LANDLINE]),
        mine(2, "Kate", addresses=[{"locality": "Bath", "country": "GB"}],
             identifiers=[email("katherine.clarke@gmail.com")]),
        mine(3, "Katherine", "Clakre", birthDate="1970-03-14", addresses=[{"postcode": "BA1 1AA", "country": "GB"}],
             identifiers=[email("katherine.clarke@gmial.com")]),
        mine(4, "Kathy", birthDate="1970-03-14", addresses=[dict(ROSE, streetNumber=None)], identifiers=[LANDLINE]),
        mine(5, "K", birthDate="1970-03-14", addresses=[ROSE], identifiers=[email("katherine.clark@gmail.com")]),
        mine(6, "Katherine", "Clark", birthDate="1971-03-14", addresses=[{"locality": "Bath", "country": "GB"}],
             identifiers=[MOBILE]),
        mine(7, "Katharine", birthDate="1970-03-14", addresses=[ROSE], identifiers=[MOBILE]),
        mine(8, "Katherine", addresses=[dict(ROSE, line1="Rose Lnae")],
             identifiers=[email("katherine..clarke@gmail.com")]),
        mine(9, "Kath", gender=None, birthDate="1970-03-14", addresses=[OAK],
             identifiers=[email("kclarke70@outlook.com"), {"type": "phone", "value": "07911 123 456"}]),
    ]


def family() -> list[dict]:
    def relative(n: int, given: str, gender: str, born: str) -> dict:
        return record("crm", f"f{n}", name={"given": given, "family": "Clarke"}, gender=gender, birthDate=born,
                      addresses=[ROSE], identifiers=[LANDLINE])
    return [relative(1, "David", "M", "1968-09-01"), relative(2, "Alexander", "M", "2001-05-05"),
            relative(3, "Alexandra", "F", "2001-05-05")]


def people(store) -> dict[str, str]:
    rows = store.query("MATCH (r:SourceRecord)-[:DESCRIBES]->(p:Person) RETURN r.recordKey AS r, p.personId AS p")
    return {row["r"]: row["p"] for row in rows}


def partition(assignment: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for key, person in assignment.items():
        groups.setdefault(person, set()).add(key)
    return {frozenset(members) for members in groups.values()}


EXPECTED = {frozenset(f"crm/k{n}" for n in range(1, 10)), frozenset({"crm/f1"}), frozenset({"crm/f2"}),
            frozenset({"crm/f3"})}


def test_nine_corrupted_records_of_one_customer_become_one_person_and_her_family_stays_apart(store, settings):
    for item in family() + katherine():       # one at a time, as ingestion meets them
        load(store, settings, item)
    assert partition(people(store)) == EXPECTED


def test_resolve_all_agrees_with_ingestion_on_the_corrupted_customer_and_her_family(store, settings):
    load(store, settings, *katherine(), *family())
    ingested = partition(people(store))
    resolve_all(store, settings)
    assert partition(people(store)) == ingested == EXPECTED
