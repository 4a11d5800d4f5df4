"""Deterministic demo data: source records from a hotel chain's five silos.

Pure: no flask, no neo4j. ``generate()`` returns a ``DemoData`` holding the records (plain,
JSON-ready dicts in ingest order) and the named ``Scenario`` ground truths. Phone numbers come
from Ofcom's drama ranges, e-mail domains are the reserved example.* ones and national ids use
the never-issued ``QQ`` prefix, so no real person is described.
"""
from __future__ import annotations

import json
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

RecordKey = tuple[str, str]  # (source, sourceId)

REFERENCE_DATE = date(2026, 11, 1)
SOURCES = ("loyalty", "crm", "webshop", "callcentre", "social")
IDENTIFIER_TYPES = ("email", "phone", "loyaltyCard", "account", "social", "device", "nationalId")
COLLECTED_FOR = {
    "loyalty": "Running the loyalty programme: points, tiers and member benefits.",
    "crm": "Managing corporate accounts and sales contacts.",
    "webshop": "Taking and fulfilling online bookings and orders.",
    "callcentre": "Handling customer service calls, complaints and case follow-up.",
    "social": "Engaging with the brand's social media audience.",
}
SCENARIOS: dict[str, str] = {
    "jane": "Jane Smith, platinum member PLT-99812, seen in all five silos: one person.",
    "influencer": "A social-only traveller with 20,000 followers and no purchases: own person.",
    "junk_email": "Strangers typing test@test.com, none@none.com or 0000000000: must not merge.",
    "generic_value": "Six Northwind colleagues behind one switchboard number: must not merge.",
    "spouses": "A couple sharing a landline, a tablet and a home: two persons, one household.",
    "national_id_conflict": "Father and son share an e-mail, not a national id: must not merge.",
    "recycled_number": "A mobile held by A until 2018 and by B from 2020: must not merge.",
    "previous_resident": "A left an address in 2019 and B moved in in 2020: must not merge.",
    "bridge": "One customer split by e-mail and phone until a later CRM record has both: merge.",
    "nickname": "'Bob Smyth' and 'Robert Smith' sharing a loyalty card: one person.",
    "name_change": "A married name, same given name, e-mail and birth date: one person.",
}


@dataclass(frozen=True)
class Scenario:
    """Ground truth for one named situation: how its records should group into persons."""

    name: str
    description: str
    expected_persons: tuple[tuple[RecordKey, ...], ...]
    same_household: bool = False
    survivor: RecordKey | None = None  # the record whose person id must survive a merge

    @property
    def record_keys(self) -> tuple[RecordKey, ...]:
        return tuple(key for person in self.expected_persons for key in person)

    @property
    def expected_same_person(self) -> bool:
        return len(self.expected_persons) == 1


@dataclass(frozen=True)
class DemoData:
    records: list[dict[str, Any]]
    scenarios: dict[str, Scenario]
    truth: dict[str, tuple[RecordKey, ...]]  # every record, grouped by the person it describes
    edges: list[dict[str, Any]] = field(default_factory=list)      # POST /v1/social/edges items
    companies: list[dict[str, Any]] = field(default_factory=list)  # POST /v1/companies items
    events: list[dict[str, Any]] = field(default_factory=list)     # POST /v1/events items (touchpoints)
    acquired: list[dict[str, Any]] = field(default_factory=list)   # an acquired brand's customer file (records)
    acquired_events: list[dict[str, Any]] = field(default_factory=list)   # and its customers' visits
    updates: list[dict[str, Any]] = field(default_factory=list)    # records re-sent later: life changes

    def records_for(self, scenario: str) -> list[dict[str, Any]]:
        keys = set(self.scenarios[scenario].record_keys)
        return [r for r in self.records if record_key(r) in keys]


def record_key(record: dict[str, Any]) -> RecordKey:
    return (record["source"], record["sourceId"])


def write_ndjson(records: Iterable[dict[str, Any]], path: str | Path) -> int:
    """Write one JSON object per line (UTF-8); return the number written."""
    count = 0
    with Path(path).open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


# --- record building blocks -------------------------------------------------------------------

def _name(given: str | None = None, family: str | None = None, full: str | None = None) -> dict:
    name = {"given": given, "family": family, "full": full or f"{given} {family}"}
    return {k: v for k, v in name.items() if v}


def _email(value: str) -> dict:
    return {"type": "email", "value": value}


def _phone(value: str, valid_from: str | None = None, valid_to: str | None = None) -> dict:
    ident: dict[str, Any] = {"type": "phone", "value": value}
    if valid_from:
        ident.update(validFrom=valid_from, validTo=valid_to)
    return ident


def _card(value: str) -> dict:
    return {"type": "loyaltyCard", "value": value}


def _account(system: str, value: str) -> dict:
    return {"type": "account", "system": system, "value": value}


def _social(platform: str, handle: str, followers: int) -> dict:
    return {"type": "social", "platform": platform, "value": handle, "followers": followers}


def _device(value: str) -> dict:
    return {"type": "device", "value": value}


def _nid(value: str) -> dict:
    return {"type": "nationalId", "value": value}


def _address(number: str, street: str, locality: str, postcode: str, valid_from: str | None = None,
             valid_to: str | None = None, use: str = "home") -> dict:
    return {"use": use, "streetNumber": number, "line1": street, "line2": "", "locality": locality,
            "postcode": postcode, "region": "", "country": "GB",
            "validFrom": valid_from, "validTo": valid_to}


def _job(company: str, title: str, decision_maker: bool = False) -> dict:
    return {"company": company, "title": title, "decisionMaker": decision_maker}


def _record(source: str, source_id: str, observed_at: str, name: dict | None = None, *,
            marketing: bool = True, analytics: bool = True, **fields: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "source": source, "sourceId": source_id, "observedAt": observed_at,
        "collectedFor": COLLECTED_FOR[source],
        "consent": {"marketing": marketing, "analytics": analytics},
    }
    if name:
        record["name"] = name
    key_map = {"birth_date": "birthDate"}
    for key in ("birth_date", "gender", "identifiers", "addresses", "employment", "metrics", "roles"):
        if fields.get(key):
            record[key_map.get(key, key)] = fields[key]
    return record


class _Builder:
    """Collects records in ingest order together with the person each one describes."""

    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []
        self.truth: dict[str, list[RecordKey]] = {}

    def add(self, person: str, record: dict[str, Any]) -> None:
        self.records.append(record)
        self.truth.setdefault(person, []).append(record_key(record))

    def persons(self, *labels: str) -> tuple[tuple[RecordKey, ...], ...]:
        return tuple(tuple(self.truth[label]) for label in labels)


# --- the named scenarios ----------------------------------------------------------------------

def _jane(b: _Builder) -> Scenario:
    jane: dict[str, Any] = {"birth_date": "1984-07-12", "gender": "F"}
    phone = _phone("+44 20 7946 0958", "2015-01-01")
    b.add("jane", _record(
        "loyalty", "L-0042", "2026-03-01T10:00:00Z", _name("Jane", "Smith"), **jane,
        analytics=False,
        identifiers=[_email("jane.smith@example.com"), phone, _card("PLT-99812")],
        addresses=[_address("12", "Rose Lane", "Bath", "BA1 1AA", "2019-05-01")],
        employment=[_job("ACME Travel Ltd", "Travel manager", True)],
        metrics={"lifetimeSpend": 48200.0, "nightsLastYear": 140, "tier": "platinum",
                 "lastActivity": "2026-02-26"}))
    b.add("jane", _record(
        "crm", "C-0107", "2025-11-14T09:30:00Z", _name("Jane", "Smith"), **jane,
        identifiers=[_email("Jane.Smith@Example.com")],
        employment=[_job("Acme Travel Limited", "Travel Manager", True)],
        roles=[{"role": "buyingTeamMember", "organisation": "ACME Travel Ltd", "stance": "champion",
                "validFrom": "2024-01-01"},
               {"role": "partner", "organisation": "ACME Travel Ltd", "validFrom": "2019-03-01",
                "validTo": "2023-12-31"}]))
    b.add("jane", _record(
        "webshop", "W-0233", "2026-06-20T18:45:12Z", _name("Jane", "Smith"),
        identifiers=[_account("webshop", "jsmith84"), _phone("020 7946 0958"),
                     _device("ck-5f2a91")],
        metrics={"lifetimeSpend": 3150.0, "lastActivity": "2026-06-20"}))
    b.add("jane", _record(
        "callcentre", "CC-0311", "2026-08-02T14:05:00Z", _name(full="Mrs Jane Smith"),
        marketing=False, identifiers=[_card("PLT-99812")]))
    b.add("jane", _record(
        "social", "S-0017", "2026-09-09T20:11:00Z", _name(full="Jane Smith"),
        identifiers=[_social("twitter", "@JaneSmith", 75), _email("jane.smith@example.com")]))
    return Scenario("jane", SCENARIOS["jane"], b.persons("jane"))


def _influencer(b: _Builder) -> Scenario:
    b.add("influencer", _record(
        "social", "S-0020", "2026-07-30T12:00:00Z", _name(full="Priya Kaur"),
        identifiers=[_social("instagram", "@priya.wanders", 20000),
                     _email("hello@priyawanders.example.org")]))
    return Scenario("influencer", SCENARIOS["influencer"], b.persons("influencer"))


def _junk_email(b: _Builder) -> Scenario:
    b.add("junk:kevin", _record(
        "webshop", "W-0301", "2025-02-11T08:12:00Z", _name("Kevin", "Morris"),
        identifiers=[_email("test@test.com"), _phone("0000000000"),
                     _account("webshop", "kmorris")]))
    b.add("junk:fatima", _record(
        "callcentre", "CC-0302", "2025-05-03T16:40:00Z", _name("Fatima", "Ali"), marketing=False,
        identifiers=[_phone("0000000000")]))
    b.add("junk:peter", _record(
        "crm", "C-0303", "2024-10-21T11:00:00Z", _name("Peter", "Walsh"),
        identifiers=[_email("none@none.com"), _phone("0000000000")]))
    b.add("junk:helen", _record(
        "loyalty", "L-0304", "2023-12-01T09:00:00Z", _name("Helen", "Ward"),
        birth_date="1961-02-17", identifiers=[_email("test@test.com"), _card("BLU-30417")],
        metrics={"lifetimeSpend": 410.0, "nightsLastYear": 2, "tier": "blue",
                 "lastActivity": "2025-08-14"}))
    b.add("junk:sam", _record(
        "webshop", "W-0305", "2026-01-19T22:03:00Z", _name("Samuel", "Reid"), marketing=False,
        identifiers=[_email("NONE@NONE.COM"), _account("webshop", "sreid_77")]))
    labels = ("junk:kevin", "junk:fatima", "junk:peter", "junk:helen", "junk:sam")
    return Scenario("junk_email", SCENARIOS["junk_email"], b.persons(*labels))


_NORTHWIND = (("Rachel", "Owen", "r.owen@northwind.example.com"),
              ("Tariq", "Hussain", "t.hussain@northwind.example.com"),
              ("Megan", "Price", "m.price@northwind.example.com"),
              ("Colin", "Firth-Jones", "c.firthjones@northwind.example.com"),
              ("Nia", "Roberts", None), ("Declan", "Murphy", None))


def _generic_value(b: _Builder) -> Scenario:
    switchboard = _phone("+44 20 7946 0100")
    labels = []
    for n, (given, family, email) in enumerate(_NORTHWIND):
        label = f"northwind:{given.lower()}"
        idents = [switchboard] + ([_email(email)] if email else [])
        b.add(label, _record(
            "crm", f"C-04{n:02d}", f"2025-0{n + 1}-15T10:00:00Z", _name(given, family),
            identifiers=idents,
            employment=[_job("Northwind Consulting Ltd", "Consultant", n == 0)]))
        labels.append(label)
    b.add("northwind:rachel", _record(
        "loyalty", "L-0410", "2026-02-02T07:30:00Z", _name("Rachel", "Owen"),
        birth_date="1979-04-30",
        identifiers=[_email("R.Owen@northwind.example.com"), _card("GLD-41022")],
        metrics={"lifetimeSpend": 9800.0, "nightsLastYear": 31, "tier": "gold",
                 "lastActivity": "2026-09-30"}))
    return Scenario("generic_value", SCENARIOS["generic_value"], b.persons(*labels))


def _spouses(b: _Builder) -> Scenario:
    home = [_address("7", "Clifton Vale", "Bristol", "BS8 4PX", "2008-06-01")]
    landline, tablet = _phone("+44 117 496 0321"), _device("tab-8c41e7")
    b.add("spouses:david", _record(
        "loyalty", "L-0501", "2026-04-11T09:00:00Z", _name("David", "Wilson"),
        birth_date="1970-03-14", gender="M", addresses=home,
        identifiers=[_email("david.wilson@example.net"), landline, _card("SLV-50118")],
        metrics={"lifetimeSpend": 5400.0, "nightsLastYear": 18, "tier": "silver",
                 "lastActivity": "2026-04-11"}))
    b.add("spouses:sarah", _record(
        "crm", "C-0502", "2025-09-23T13:20:00Z", _name("Sarah", "Wilson"),
        birth_date="1972-09-02", gender="F", addresses=home,
        identifiers=[_email("sarah.wilson@example.org"), _phone("0117 496 0321")]))
    b.add("spouses:sarah", _record(
        "webshop", "W-0503", "2026-05-01T21:14:00Z", _name("Sarah", "Wilson"), marketing=False,
        identifiers=[_email("Sarah.Wilson@example.org"), _account("webshop", "sarahw72"), tablet]))
    b.add("spouses:david", _record(
        "webshop", "W-0504", "2026-05-03T20:02:00Z", _name("David", "Wilson"),
        identifiers=[_account("webshop", "dave_wilson"), tablet,
                     _email("david.wilson@example.net")]))
    return Scenario("spouses", SCENARIOS["spouses"], b.persons("spouses:david", "spouses:sarah"),
                    same_household=True)


def _national_id_conflict(b: _Builder) -> Scenario:
    shared = "jonesfamily@example.com"
    b.add("nid:senior", _record(
        "loyalty", "L-0601", "2024-03-09T10:00:00Z", _name("Michael", "Jones"),
        birth_date="1958-11-02", gender="M", identifiers=[_email(shared), _nid("QQ 12 34 56 A"),
                                                          _card("SLV-60140")],
        metrics={"lifetimeSpend": 2200.0, "nightsLastYear": 9, "tier": "silver",
                 "lastActivity": "2026-02-01"}))
    b.add("nid:junior", _record(
        "crm", "C-0602", "2025-07-17T15:45:00Z", _name("Michael", "Jones"),
        birth_date="1989-05-21", gender="M", identifiers=[_email(shared), _nid("QQ654321B")]))
    return Scenario("national_id_conflict", SCENARIOS["national_id_conflict"],
                    b.persons("nid:senior", "nid:junior"))


def _recycled_number(b: _Builder) -> Scenario:
    b.add("recycled:tom", _record(
        "loyalty", "L-0701", "2017-10-01T09:00:00Z", _name("Tom", "Baker"),
        birth_date="1966-01-20",
        identifiers=[_phone("+44 7700 900555", "2012-03-01", "2018-06-30"),
                     _email("tom.baker@example.com"), _card("BLU-70155")],
        metrics={"lifetimeSpend": 950.0, "nightsLastYear": 0, "tier": "blue",
                 "lastActivity": "2018-04-02"}))
    b.add("recycled:aisha", _record(
        "webshop", "W-0702", "2026-03-12T19:30:00Z", _name("Aisha", "Khan"),
        birth_date="1995-08-08",
        identifiers=[_phone("07700 900555", "2020-02-01"), _account("webshop", "aishak95")]))
    return Scenario("recycled_number", SCENARIOS["recycled_number"],
                    b.persons("recycled:tom", "recycled:aisha"))


def _previous_resident(b: _Builder) -> Scenario:
    b.add("resident:emma", _record(
        "loyalty", "L-0801", "2026-01-05T11:00:00Z", _name("Emma", "Clarke"),
        birth_date="1982-12-03",
        identifiers=[_email("emma.clarke@example.org"), _card("GLD-80177")],
        addresses=[_address("4", "Mill Street", "Bristol", "BS1 4RW", "2012-09-01", "2019-08-31"),
                   _address("88", "Harbour Road", "Plymouth", "PL1 2QD", "2019-09-01")],
        metrics={"lifetimeSpend": 12500.0, "nightsLastYear": 44, "tier": "gold",
                 "lastActivity": "2026-07-19"}))
    b.add("resident:liam", _record(
        "crm", "C-0802", "2025-04-22T14:10:00Z", _name("Liam", "O'Connor"),
        birth_date="1990-06-15", identifiers=[_email("liam.oconnor@example.net")],
        addresses=[_address("4", "Mill St", "Bristol", "BS1 4RW", "2020-03-01")]))
    return Scenario("previous_resident", SCENARIOS["previous_resident"],
                    b.persons("resident:emma", "resident:liam"))


def _bridge_start(b: _Builder) -> None:
    b.add("bridge", _record(
        "loyalty", "L-0901", "2024-05-05T10:00:00Z", _name("Oliver", "Bennett"),
        identifiers=[_email("oliver.bennett@example.com")]))
    b.add("bridge", _record(
        "webshop", "W-0902", "2025-01-30T17:25:00Z", _name("Oliver", "Bennett"),
        identifiers=[_phone("+44 7700 900901")]))


def _bridge_finish(b: _Builder) -> Scenario:
    b.add("bridge", _record(
        "crm", "C-0903", "2026-10-15T09:00:00Z", _name("Oliver", "Bennett"),
        identifiers=[_email("Oliver.Bennett@example.com"), _phone("07700900901")]))
    return Scenario("bridge", SCENARIOS["bridge"], b.persons("bridge"),
                    survivor=("loyalty", "L-0901"))


def _nickname(b: _Builder) -> Scenario:
    b.add("nickname", _record(
        "loyalty", "L-1001", "2025-12-12T08:00:00Z", _name("Robert", "Smith"),
        birth_date="1975-10-10", gender="M",
        identifiers=[_card("GLD-10042"), _email("robert.smith@example.net")],
        metrics={"lifetimeSpend": 15800.0, "nightsLastYear": 52, "tier": "gold",
                 "lastActivity": "2026-10-02"}))
    b.add("nickname", _record(
        "callcentre", "CC-1002", "2026-10-03T10:30:00Z", _name("Bob", "Smyth"), marketing=False,
        identifiers=[_card("GLD-10042")]))
    return Scenario("nickname", SCENARIOS["nickname"], b.persons("nickname"))


def _name_change(b: _Builder) -> Scenario:
    b.add("name_change", _record(
        "loyalty", "L-1101", "2016-04-18T12:00:00Z", _name("Laura", "Hughes"),
        birth_date="1988-02-29", gender="F",
        identifiers=[_email("laura.h88@example.com"), _card("SLV-11088")],
        metrics={"lifetimeSpend": 4300.0, "nightsLastYear": 12, "tier": "silver",
                 "lastActivity": "2026-05-05"}))
    b.add("name_change", _record(
        "crm", "C-1102", "2026-06-01T09:15:00Z", _name("Laura", "Evans"),
        birth_date="1988-02-29", gender="F", identifiers=[_email("Laura.H88@example.com")]))
    return Scenario("name_change", SCENARIOS["name_change"], b.persons("name_change"))


# --- ordinary customers -----------------------------------------------------------------------

_GIVEN = {"F": ("Amelia", "Olivia", "Isla", "Sophie", "Chloe", "Hannah", "Lucy", "Zara", "Grace",
                "Ruth", "Anita", "Mei", "Niamh", "Eleanor", "Yasmin", "Joanna", "Kate", "Maria"),
          "M": ("James", "Harry", "George", "Noah", "Arjun", "Ethan", "Callum", "Mohammed", "Owen",
                "Rhys", "Simon", "Andrew", "Kwame", "Stuart", "Patrick", "Hamish",
                "Daniel", "Luca")}
_FAMILY = ("Taylor", "Brown", "Davies", "Evans", "Walker", "Wright", "Robinson", "Thompson",
           "White",
           "Hall", "Green", "Wood", "Harris", "Martin", "Jackson", "Clarke", "Lewis", "Patel",
           "Begum", "Campbell", "Stewart", "MacDonald", "Kowalski", "Nowak", "Okafor", "Mensah",
           "Fraser", "Lloyd", "Morgan", "Chen", "Singh", "Barker", "Fletcher", "Doyle",
           "Gallagher")
_TOWNS = (("Leeds", "LS", ("Briggate", "Park Row", "Otley Road", "Kirkstall Lane")),
          ("Manchester", "M", ("Deansgate", "Oxford Road", "Wilmslow Road", "Princess Street")),
          ("Birmingham", "B", ("Broad Street", "Hagley Road", "Moseley Road", "Bull Street")),
          ("Edinburgh", "EH", ("Leith Walk", "Morningside Road", "Dalry Road", "George Street")),
          ("York", "YO", ("Bootham", "Tadcaster Road", "Heslington Lane", "Gillygate")),
          ("Cardiff", "CF", ("Cathedral Road", "City Road", "Whitchurch Road", "Albany Road")))
_POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_PHONE_RANGES = ("+44 7700 900{:03d}", "+44 7700 900{:03d}", "+44 113 496 0{:03d}",
                 "+44 161 496 0{:03d}", "+44 121 496 0{:03d}", "+44 131 496 0{:03d}",
                 "+44 20 7946 0{:03d}", "+44 29 2018 0{:03d}")
_COMPANIES = ("Globex Logistics plc", "Initech UK Ltd", "Hooli Europe Ltd",
              "Stark Engineering Ltd", "Wayne Property Group", "ACME Travel Ltd")
_TITLES = ("Office manager", "Finance director", "Sales executive", "Engineer", "Head of travel",
           "Executive assistant", "Procurement lead")
_TIERS = (("blue", 45, (0, 8), "BLU"), ("silver", 30, (6, 25), "SLV"),
          ("gold", 18, (20, 60), "GLD"), ("platinum", 7, (60, 160), "PLT"))
_SILO_WEIGHTS = {"loyalty": 3, "crm": 2, "webshop": 3, "callcentre": 2, "social": 1.5}
_ID_START = 2000  # scenario records use ids below this


def _value_key(ident: dict) -> str:
    """A crude canonical form, only to keep the extras' identifiers apart from everyone else's."""
    value = "".join(ch for ch in str(ident["value"]).lower() if ch.isalnum() or ch in "@._")
    if ident["type"] == "phone":
        digits = "".join(ch for ch in value if ch.isdigit())
        value = "44" + digits[1:] if digits.startswith("0") else digits
    return f"{ident['type']}:{value}"


class _Extras:
    def __init__(self, rng: random.Random, taken: list[dict[str, Any]]) -> None:
        self.rng = rng
        self.used = {_value_key(i) for r in taken for i in r.get("identifiers", [])}
        self.names = {r["name"].get("full", "").lower() for r in taken if "name" in r}
        self.addresses: set[tuple[str, str]] = set()
        self.next_id = dict.fromkeys(SOURCES, _ID_START)

    def unique(self, ident_type: str, make) -> str | None:
        for _ in range(60):
            value = make()
            if (key := _value_key({"type": ident_type, "value": value})) not in self.used:
                self.used.add(key)
                return value
        return None

    def source_id(self, source: str) -> str:
        self.next_id[source] += 1
        prefix = {"loyalty": "L", "crm": "C", "webshop": "W", "callcentre": "CC", "social": "S"}
        return f"{prefix[source]}-{self.next_id[source]:04d}"

    def day(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randint(0, (end - start).days))

    def timestamp(self) -> str:
        day = self.day(date(2018, 1, 1), REFERENCE_DATE - timedelta(days=1))
        moment = datetime.combine(day, datetime.min.time())
        moment += timedelta(seconds=self.rng.randint(0, 86399))
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

    def name(self, gender: str) -> tuple[str, str]:
        for _ in range(40):
            given, family = self.rng.choice(_GIVEN[gender]), self.rng.choice(_FAMILY)
            if f"{given} {family}".lower() not in self.names:
                break
        self.names.add(f"{given} {family}".lower())
        return given, family

    def address(self) -> dict:
        while True:
            locality, area, streets = self.rng.choice(_TOWNS)
            letters = "".join(self.rng.choices(_POSTCODE_LETTERS, k=2))
            postcode = f"{area}{self.rng.randint(1, 19)} {self.rng.randint(1, 9)}{letters}"
            number, street = str(self.rng.randint(1, 140)), self.rng.choice(streets)
            if (number + street, postcode) not in self.addresses:
                self.addresses.add((number + street, postcode))
                since = self.day(date(2004, 1, 1), date(2025, 12, 31)).isoformat()
                return _address(number, street, locality, postcode, since)


def _phone_style(rng: random.Random, phone: str) -> str:
    national = "0" + phone[4:]
    return rng.choice((phone, national, national.replace(" ", ""), phone.replace(" ", "")))


def _pick_silos(rng: random.Random, employed: bool) -> list[str]:
    pool, silos = dict(_SILO_WEIGHTS), []
    for _ in range(rng.choices((1, 2, 3), (4, 4, 2))[0]):
        silos.append(rng.choices(list(pool), list(pool.values()))[0])
        del pool[silos[-1]]
    if employed and not {"crm", "loyalty"} & set(silos):
        silos.append("crm")
    return sorted(silos, key=SOURCES.index)


def _profile(x: _Extras, n: int) -> dict[str, Any]:
    rng = x.rng
    gender = rng.choice("FM")
    given, family = x.name(gender)
    local = rng.choice((f"{given}.{family}", f"{given[0]}{family}", f"{given}{family}"))
    local = local.lower().replace("'", "").replace("-", "")
    domain = rng.choice(("example.com", "example.org", "example.net"))

    def suffix() -> str:
        return rng.choice(("", str(rng.randint(1, 999))))

    tier = rng.choices(_TIERS, [t[1] for t in _TIERS])[0]
    employed = n % 3 == 0
    return {
        "given": given, "family": family, "gender": gender,
        "birth": x.day(date(1950, 1, 1), date(2004, 12, 31)).isoformat(),
        "email": x.unique("email", lambda: f"{local}{suffix()}@{domain}"),
        "phone": x.unique("phone", lambda: rng.choice(_PHONE_RANGES).format(rng.randint(0, 999)))
        if rng.random() < 0.8 else None,
        "tier": tier,
        "card": x.unique("loyaltyCard", lambda: f"{tier[3]}-{rng.randint(10000, 99999)}"),
        "username": x.unique("account", lambda: f"{given[0]}{family}{suffix()}".lower()),
        "device": x.unique("device", lambda: f"ck-{rng.getrandbits(24):06x}"),
        "address": x.address(),
        "job": _job(_COMPANIES[(n // 3) % len(_COMPANIES)], rng.choice(_TITLES),
                    rng.random() < 0.3) if employed else None,
        "silos": _pick_silos(rng, employed),
    }


def _followers(rng: random.Random) -> int:
    band = rng.choices(((5, 1500), (1500, 9000), (10000, 60000)), (80, 15, 5))[0]
    return rng.randint(*band)


def _extra_identifiers(x: _Extras, p: dict[str, Any], source: str) -> list[dict]:
    rng, email = x.rng, _email(p["email"])
    phone = p["phone"] and _phone(_phone_style(rng, p["phone"]))
    if source == "loyalty":
        return [email] + ([phone] if phone else []) + [_card(p["card"])]
    if source == "crm":
        local, _, domain = p["email"].partition("@")
        styled = _email(f"{local.title()}@{domain}" if rng.random() < 0.3 else p["email"])
        return [styled] + ([phone] if phone else [])
    if source == "webshop":
        extra = [phone] if phone and rng.random() < 0.4 else []
        return [email, _account("webshop", p["username"]), _device(p["device"])] + extra
    if source == "callcentre":
        if phone and {"loyalty", "crm"} & set(p["silos"]):
            return [phone]
        return [_card(p["card"])] if "loyalty" in p["silos"] else [email]
    platform = rng.choice(("twitter", "instagram", "tiktok"))
    base = f"@{p['given']}{p['family']}".replace("'", "")
    handle = x.unique("social", lambda: f"{base}{rng.randint(1, 99)}")
    return [_social(platform, handle or f"@{p['username']}", _followers(rng)), email]


def _extra_record(x: _Extras, p: dict[str, Any], source: str) -> dict[str, Any]:
    rng, observed = x.rng, x.timestamp()
    if source in ("callcentre", "social"):
        name = _name(full=f"{p['given']} {p['family']}")
    else:
        name = _name(p["given"], p["family"])
    fields: dict[str, Any] = {"identifiers": _extra_identifiers(x, p, source)}
    if source in ("loyalty", "crm"):
        fields.update(birth_date=p["birth"], gender=p["gender"], addresses=[p["address"]],
                      employment=[p["job"]] if p["job"] else None)
    if source == "loyalty":
        tier, _, (low, high), _ = p["tier"]
        nights = rng.randint(low, high)
        spend = round(rng.uniform(60, 900) + nights * rng.uniform(90, 240) * rng.uniform(2, 6), 2)
        fields["metrics"] = {"lifetimeSpend": spend, "nightsLastYear": nights, "tier": tier,
                             "lastActivity": observed[:10]}
    if source == "webshop":
        fields["metrics"] = {"lifetimeSpend": round(rng.uniform(40, 4000), 2),
                             "lastActivity": observed[:10]}
    return _record(source, "", observed, name, marketing=rng.random() < 0.75,
                   analytics=rng.random() < 0.6, **fields)


def _add_extras(b: _Builder, rng: random.Random, count: int) -> None:
    x = _Extras(rng, b.records)
    labelled = []
    for n in range(count):
        profile = _profile(x, n)
        labelled += [(f"extra:{n:03d}", _extra_record(x, profile, s)) for s in profile["silos"]]
    for label, record in sorted(labelled, key=lambda pair: pair[1]["observedAt"]):
        record["sourceId"] = x.source_id(record["source"])  # ids grow with time, as in a real silo
        b.add(label, record)


def generate(seed: int = 7, extra_people: int = 40) -> DemoData:
    """Build the demo data set; the same seed always gives the same records in the same order."""
    b = _Builder()
    scenarios = [_jane(b), _influencer(b), _junk_email(b), _generic_value(b), _spouses(b),
                 _national_id_conflict(b), _recycled_number(b), _previous_resident(b)]
    _bridge_start(b)
    scenarios += [_nickname(b), _name_change(b)]
    _add_extras(b, random.Random(seed), extra_people)
    scenarios.append(_bridge_finish(b))  # the bridging record is ingested last of all
    by_name = {s.name: s for s in scenarios}
    return DemoData(records=b.records, scenarios={name: by_name[name] for name in SCENARIOS},
                    truth={label: tuple(keys) for label, keys in b.truth.items()},
                    edges=social_edges(b.records, random.Random(seed + 1)), companies=list(COMPANIES),
                    events=touchpoints(), acquired=acquired_customers(), acquired_events=acquired_visits(),
                    updates=life_changes())


def life_changes() -> list[dict[str, Any]]:
    """Records re-sent later with new values, which close the old ones (graph/history): Jane's CRM record
    with her promotion to Head of Travel; the old title stays as history."""
    return [_record("crm", "C-0107", "2026-10-01T09:00:00Z", _name("Jane", "Smith"),
                    birth_date="1984-07-12", gender="F", identifiers=[_email("Jane.Smith@Example.com")],
                    employment=[dict(_job("Acme Travel Limited", "Head of Travel", True), validFrom="2026-09-01")],
                    roles=[{"role": "buyingTeamMember", "organisation": "ACME Travel Ltd", "stance": "champion",
                            "validFrom": "2024-01-01"},
                           {"role": "partner", "organisation": "ACME Travel Ltd", "validFrom": "2019-03-01",
                            "validTo": "2023-12-31"}])]


# --- an acquired brand: a spa chain's customer file, judged by its own definition ---------------

ACQUIRED = "spaco"     # graph/data/lifecycle.json gives it its own definition: spa visits, 36 months
ACQUIRED_COLLECTED_FOR = "Spa bookings at Serenity Spas, acquired by the hotel chain in 2026."
ACQUIRED_PEOPLE = (("SP-001", "Jane", "Smith", "jane.smith@example.com", "2025-09-12T11:00:00Z"),
                   ("SP-002", "Sarah", "Wilson", "sarah.wilson@example.org", "2024-02-03T11:00:00Z"),
                   ("SP-003", "Imogen", "Hartley", "imogen.hartley@example.net", "2026-07-19T11:00:00Z"))


def acquired_customers() -> list[dict[str, Any]]:
    return [{"source": ACQUIRED, "sourceId": sid, "observedAt": "2026-10-15T00:00:00Z",
             "collectedFor": ACQUIRED_COLLECTED_FOR, "name": {"given": given, "family": family},
             "identifiers": [_email(mail)]} for sid, given, family, mail, _ in ACQUIRED_PEOPLE]


def acquired_visits() -> list[dict[str, Any]]:
    return [_event(ACQUIRED, f"V-{sid}", "visit", at, _email(mail), lineOfBusiness="spa", amount=95.0,
                   currency="GBP") for sid, _, _, mail, at in ACQUIRED_PEOPLE]


# --- touchpoints: what people did with the brand ----------------------------------------------

def _event(source: str, event_id: str, kind: str, at: str, *identifiers: dict, **details: Any) -> dict[str, Any]:
    return {"source": source, "eventId": event_id, "kind": kind, "at": at, "identifiers": list(identifiers),
            **details}


def touchpoints() -> list[dict[str, Any]]:
    """Jane's stays (a hotel customer), a webshop order (a gift shipped to her friend Emma Clarke), a call
    that opened a case and web visits on her cookie; visits on the Wilsons' shared tablet, which both
    spouses hold, so they go to their household (once the analytics refresh has found it); and a
    relative's call reporting that Tom Baker has died."""
    card, cookie, account = _card("PLT-99812"), _device("ck-5f2a91"), _account("webshop", "jsmith84")
    stays = [("ST-2231", "2025-04-11T15:00:00Z", 610.0), ("ST-2876", "2025-11-20T15:00:00Z", 890.0),
             ("ST-3307", "2026-05-02T15:00:00Z", 1240.0), ("ST-3518", "2026-10-14T15:00:00Z", 455.0)]
    events = [_event("pms", sid, "stay", at, card, lineOfBusiness="hotel", amount=amount, currency="GBP",
                     productCategory="room") for sid, at, amount in stays]
    events += [
        _event("webshop", "O-7781", "order", "2026-06-20T18:45:12Z", account, cookie, lineOfBusiness="retail",
               amount=86.5, currency="GBP", productCategory="spa gift set",
               shipTo={"identifiers": [_email("emma.clarke@example.org")]}),
        _event("callcentre", "CALL-5521", "call", "2026-08-02T14:05:00Z", card, channel="phone",
               description="asked about a late checkout charge"),
        _event("callcentre", "CASE-0912", "case", "2026-08-02T14:20:00Z", card, caseId="CASE-0912",
               caseStatus="opened", description="disputed late checkout charge"),
        _event("web", "WV-44120", "webVisit", "2026-10-30T08:12:00Z", cookie, pageCategory="rooms", channel="web"),
        _event("web", "WV-44187", "webVisit", "2026-10-31T21:40:00Z", cookie, pageCategory="offers", channel="web"),
        _event("web", "WV-50002", "webVisit", "2026-10-29T19:05:00Z", _device("tab-8c41e7"),
               pageCategory="family breaks", channel="web"),
        _event("web", "WV-50017", "webVisit", "2026-10-30T20:41:00Z", _device("tab-8c41e7"),
               pageCategory="spa breaks", channel="web"),
        _event("web", "WV-50031", "webVisit", "2026-10-31T09:12:00Z", _device("tab-8c41e7"),
               pageCategory="family breaks", channel="web"),
        _event("callcentre", "BRV-0701", "death", "2025-12-02T00:00:00Z", _card("BLU-70155"), channel="phone",
               description="a relative reported the death"),
    ]
    return events + unhappy_customer()


def unhappy_customer() -> list[dict[str, Any]]:
    """Aisha complains about her room, then looks at how to cancel her next booking: two signals of
    dissatisfaction (Jane's case, open since August, is the third)."""
    aisha = _account("webshop", "aishak95")
    return [_event("callcentre", "CMP-1207", "complaint", "2026-11-12T09:30:00Z", aisha, channel="phone",
                   description="room not ready at check-in"),
            _event("web", "WV-61003", "webVisit", "2026-11-15T22:10:00Z", aisha, pageCategory="cancellation",
                   channel="web")]


# --- relationships: who follows whom, which company owns which --------------------------------

COMPANIES = ({"name": "ACME Travel Ltd", "parent": "ACME Group plc", "source": "crm"},
             {"name": "Initech UK Ltd", "parent": "Initech Inc", "source": "crm"},
             {"name": "Hooli Europe Ltd", "parent": "Hooli Inc", "source": "crm"})
# Handles nobody in the silos owns: travel media the customers follow.
OUTSIDE_HANDLES = (("twitter", "@HotelReviewsUK"), ("instagram", "@WanderlustDaily"), ("tiktok", "@TravelWithTom"))
EDGES_OBSERVED = "2026-10-01T12:00:00Z"


def _edge(platform: str, source: str, target: str, kind: str = "follows") -> dict[str, Any]:
    return {"platform": platform, "from": source, "to": target, "type": kind,
            "observedAt": EDGES_OBSERVED, "source": "social"}


def social_edges(records: list[dict[str, Any]], rng: random.Random) -> list[dict[str, Any]]:
    """Follows and mentions between the records' handles and a few outside ones, per platform.

    Everyone on Instagram follows @priya.wanders (the influencer); a few Twitter users follow
    @JaneSmith, who mentions @HotelReviewsUK. Deterministic for one seed.
    """
    handles: dict[str, list[str]] = {}
    for r in records:
        for ident in r.get("identifiers", []):
            if ident["type"] == "social" and ident["value"] not in handles.setdefault(ident["platform"], []):
                handles[ident["platform"]].append(ident["value"])
    for platform, handle in OUTSIDE_HANDLES:
        handles.setdefault(platform, []).append(handle)
    edges = []
    for platform, names in sorted(handles.items()):
        for name in names:
            others = [n for n in names if n != name]
            for target in rng.sample(others, min(len(others), rng.randint(1, 3))):
                edges.append(_edge(platform, name, target))
    edges += [_edge("instagram", n, "@priya.wanders") for n in handles.get("instagram", []) if n != "@priya.wanders"]
    edges += [_edge("twitter", n, "@JaneSmith") for n in handles.get("twitter", [])[1:4] if n != "@JaneSmith"]
    edges += [_edge("twitter", "@JaneSmith", "@HotelReviewsUK", "mentions"),
              _edge("instagram", "@priya.wanders", "@WanderlustDaily", "mentions")]
    unique = {(e["platform"], e["from"].lower(), e["to"].lower(), e["type"]): e for e in edges}
    return list(unique.values())
