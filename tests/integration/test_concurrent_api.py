"""Several clients ingest overlapping records at once through real HTTP (waitress on loopback).

Each of PEOPLE customers is described by one record in each of four silos, and the silos overlap
differently: loyalty knows the e-mail, the call centre the phone, the web shop all three
identifiers (so it bridges the two), the CRM the card and the e-mail. Each client sends one silo
in small batches, twice (a retry after a lost answer must change nothing), all at the same time,
so records of one customer race each other into join and merge decisions. Whatever the order,
the graph must end with exactly one active person per customer and one node per identifier.
"""
from __future__ import annotations

import threading
from collections import Counter

import requests

from tests.integration.helpers import count
from tests.loopback import serve

PEOPLE = 24
BATCH = 6
# Clearly different people (look-alike names could be merged by the probabilistic matcher, which is
# not what this test is about).
GIVEN = ("Alice", "Bruno", "Chloe", "Dmitri", "Elena", "Farid", "Grace", "Hugo", "Ingrid", "Jamal", "Keiko",
         "Lorenzo", "Maya", "Nikolai", "Olivia", "Pedro", "Quentin", "Rosa", "Sanjay", "Tamsin", "Ulrich",
         "Valentina", "Wendell", "Ximena")
FAMILY = ("Abbott", "Brennan", "Castillo", "Dvorak", "Eriksen", "Fitzgerald", "Gonzaga", "Holloway",
          "Ishikawa", "Jablonski", "Kowalczyk", "Lindqvist", "Mbeki", "Novak", "Okonkwo", "Papadopoulos",
          "Quigley", "Rasmussen", "Szabo", "Thorne", "Umarov", "Vasquez", "Whitaker", "Yamamoto")
SILOS = {   # source -> the identifier kinds its records carry
    "loyalty": ("email",),
    "callcentre": ("phone",),
    "webshop": ("email", "phone", "loyaltyCard"),
    "crm": ("loyaltyCard", "email"),
}


def identifier(kind: str, n: int) -> dict:
    value = {"email": f"{GIVEN[n]}.{FAMILY[n]}@example.org".lower(), "phone": f"+44 7700 9{n * 4099 % 100000:05d}",
             "loyaltyCard": f"LC-{n * 7919 % 1000000:06d}"}[kind]
    return {"type": kind, "value": value}


def silo_records(source: str) -> list[dict]:
    return [{"source": source, "sourceId": f"{source}-{n}",
             "name": {"given": GIVEN[n], "family": FAMILY[n]},
             "identifiers": [identifier(kind, n) for kind in SILOS[source]]} for n in range(PEOPLE)]


def send_silo(base: str, key: str, source: str, answers: list, errors: list) -> None:
    records = silo_records(source)
    with requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {key}"
        for attempt in range(2):
            for start in range(0, len(records), BATCH):
                try:
                    response = session.post(f"{base}/v1/records", json={"records": records[start:start + BATCH]},
                                            timeout=120)
                except requests.RequestException as exc:   # reported by the test, not lost in a thread
                    errors.append(f"{source}: {type(exc).__name__}")
                    continue
                answers.append((source, attempt, response.status_code, response.json()))


def test_overlapping_silos_from_four_clients_end_with_one_person_per_customer(app, store, issue_key):
    answers, errors = [], []
    with serve(app) as base:
        clients = [threading.Thread(target=send_silo,
                                    args=(base, issue_key("steward", source), source, answers, errors))
                   for source in SILOS]
        for client in clients:
            client.start()
        for client in clients:
            client.join()

    assert errors == []
    statuses = Counter(status for _, _, status, _ in answers)
    assert statuses == {200: 2 * len(SILOS) * PEOPLE // BATCH}
    retried = Counter(result["outcome"]
                      for _, attempt, _, body in answers if attempt == 1 for result in body["results"])
    assert retried == {"unchanged": len(SILOS) * PEOPLE}

    assert count(store, "SourceRecord") == len(SILOS) * PEOPLE
    assert (count(store, "Email"), count(store, "Phone"), count(store, "LoyaltyCard")) == (PEOPLE, PEOPLE, PEOPLE)
    assert store.query("MATCH (i:Identifier) WITH i.key AS key, count(*) AS n WHERE n > 1 RETURN key") == []
    assert store.query("MATCH (p:Person {status: 'active'}) RETURN count(p) AS n")[0]["n"] == PEOPLE
    assert store.query("MATCH (r:SourceRecord) WHERE COUNT { (r)-[:DESCRIBES]->(:Person) } <> 1 "
                       "RETURN r.recordKey AS key") == []
    persons = store.query("MATCH (r:SourceRecord)-[:DESCRIBES]->(p:Person) "
                          "RETURN p.personId AS person, p.status AS status, collect(r.sourceId) AS records")
    assert {row["status"] for row in persons} == {"active"}
    customers = {frozenset(sid.rsplit("-", 1)[1] for sid in row["records"]) for row in persons}
    assert customers == {frozenset({str(n)}) for n in range(PEOPLE)}
    assert all(len(row["records"]) == len(SILOS) for row in persons)
