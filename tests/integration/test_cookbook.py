"""Every analyst query in cypher/ runs against the embedded server with the demo data loaded,
with the parameters its own `:param` lines give, and returns the rows the demo data implies."""
from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import networkx as nx
import pytest

from graph.demo import hotel_chain
from graph.events.ingest import ingest_events
from graph.lifecycle import definition
from graph.lifecycle.reads import customers_summary, source_overlap
from graph.matching.model_file import active_model
from graph.relationships.influence import ranking
from graph.resolution.decision import Thresholds
from graph.resolution.ingest import ingest
from graph.signals.reads import listing
from graph.stewardship import feedback, review
from graph.stewardship.decisions import Steward
from graph.store import queries_events
from service.parsing import parse_event, parse_record
from tests.integration.demo_graph import TODAY, demo, load_demo
from tests.integration.helpers import load

COOKBOOK = Path(__file__).resolve().parents[2] / "cypher"
FILES = sorted(COOKBOOK.glob("*.cypher"))
NORTHWIND = {"Rachel Owen", "Tariq Hussain", "Megan Price", "Colin Firth-Jones", "Nia Roberts", "Declan Murphy"}


def params_of(text: str) -> dict:
    """The `// :param name => value` lines (the Neo4j Browser command analysts copy)."""
    return {m[1]: None if m[2].strip() == "null" else ast.literal_eval(m[2].strip())
            for m in re.finditer(r"^// :param (\w+) => (.+)$", text, re.M)}


def statement_of(text: str) -> str:
    return "\n".join(ln for ln in text.splitlines() if not ln.startswith("//")).strip().rstrip(";")


@pytest.fixture(scope="module")
def demo_store(session_store, settings):
    load_demo(session_store, settings)
    return session_store


def run(store, name: str) -> list[dict]:
    text = (COOKBOOK / name).read_text(encoding="utf-8")
    return store.query(statement_of(text), **params_of(text))


def names_of(label_prefix: str) -> set[str]:
    data = demo()
    keys = {k for label, ks in data.truth.items() if label.startswith(label_prefix) for k in ks}
    return {r["name"].get("full") for r in data.records if (r["source"], r["sourceId"]) in keys}


def record_keys(label: str) -> set[str]:
    return {f"{s}/{i}" for s, i in demo().truth[label]}


def persons_employed_at(*companies: str, decision_makers: bool = False) -> set[str]:
    data = demo()
    labels = {label for label, keys in data.truth.items() for r in data.records
              if (r["source"], r["sourceId"]) in keys for job in r.get("employment", [])
              if job["company"] in companies and (job["decisionMaker"] or not decision_makers)}
    return labels


def test_cookbook_has_at_least_twelve_documented_parameterised_queries():
    assert len(FILES) >= 12
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        comments = [ln for ln in text.splitlines() if ln.startswith("//") and ":param" not in ln]
        used = set(re.findall(r"\$(\w+)", statement_of(text)))
        assert len(comments) >= 2, f"{path.name} needs a description"
        assert used, f"{path.name} takes no $params"
        assert used == set(params_of(text)), f"{path.name}: every $param needs a `// :param` line"
        assert "apoc." not in text and "gds." not in text


def test_every_cookbook_file_is_checked():
    assert {p.name for p in FILES} == set(EXPECTED)


def check_who_is_this(rows):
    [row] = rows
    assert row["name"] == "Jane Smith" and not row["genericIdentifier"]
    assert set(row["records"]) == record_keys("jane")
    assert set(row["sources"]) == {"loyalty", "crm", "webshop", "callcentre", "social"}


def check_person_360(rows):
    [row] = rows
    assert set(row["records"]) == record_keys("jane")
    assert {"loyaltyCard:PLT-99812", "social:twitter:janesmith", "device:ck-5f2a91",
            "account:webshop:jsmith84", "phone:+442079460958"} <= set(row["identifiers"])
    assert row["companies"] == ["ACME Travel Ltd"] and row["households"] == []
    assert row["tier"] == "platinum" and row["priority"] == "high" and row["lifetimeSpend"] == 51350.0


def check_household_members(rows):
    assert [r["name"] for r in rows] == ["Sarah Wilson"]
    assert set(rows[0]["evidence"]) == {"familyName:wilson", "landline:+441174960321", "device:tab-8c41e7"}
    assert rows[0]["address"] == "7 Clifton Vale, Bristol, BS8 4PX"


def check_decision_makers(rows):
    expected = {n for label in persons_employed_at("ACME Travel Ltd", "Acme Travel Limited", decision_makers=True)
                for n in names_of(label)} - {"Mrs Jane Smith"}
    assert {r["name"] for r in rows} == expected and "Jane Smith" in expected
    assert len(rows) == len(expected)
    jane = next(r for r in rows if r["name"] == "Jane Smith")
    # her CRM record's promotion (the demo's re-send) closed "Travel Manager": current titles only
    assert set(jane["titles"]) == {"Travel manager", "Head of Travel"} and jane["company"] == "ACME Travel Ltd"


def check_valuable_low_reach(rows, store):
    names = {r["name"] for r in rows}
    assert "Jane Smith" in names and "Priya Kaur" not in names
    assert all(r["valueScore"] >= 70 and r["followers"] < 500 for r in rows)
    flagged = store.read(ranking, "value", 500)["flagged"]["highValueLowReach"]
    assert {r["personId"] for r in rows} == set(flagged)


def check_high_reach_non_customers(rows):
    assert [(r["name"], r["followers"], r["handles"]) for r in rows] == [
        ("Priya Kaur", 20000, ["social:instagram:priya.wanders"])]


def check_shared_identifiers(rows):
    assert {r["identifier"]: r["persons"] for r in rows} == {
        "phone:+442079460100": 6, "device:tab-8c41e7": 2, "phone:+441174960321": 2,
        "email:jonesfamily@example.com": 2}
    assert next(r for r in rows if r["persons"] == 6)["generic"] is True
    assert {r["mergeRefused"] for r in rows if r["persons"] == 2} == {"conflicting facts"}


def check_merge_history(rows):
    [row] = rows
    assert row["byRecord"] == "crm/C-0903" and row["rule"] == "record bridges persons"
    assert row["mergedInto"] == row["survivor"] != row["mergedPerson"]


def check_no_marketing_consent(rows):
    expected = {f"{r['source']}/{r['sourceId']}" for r in demo().records
                if not (r.get("consent") or {}).get("marketing")}
    assert {r["record"] for r in rows} == expected
    assert all(r["refused"] for r in rows)   # the demo asks everyone


def check_recycled_numbers(rows):
    assert [(r["phone"], r["heldBy"], r["thenHeldBy"]) for r in rows] == [
        ("phone:+447700900555", "Tom Baker", "Aisha Khan")]


def check_colleagues(rows):
    by_name = {r["name"]: set(r["evidence"]) for r in rows}
    assert set(by_name) == NORTHWIND - {"Rachel Owen"}
    assert by_name["Tariq Hussain"] == {"same employer: Northwind Consulting Ltd",
                                        "corporate e-mail domain: northwind.example.com"}
    assert by_name["Nia Roberts"] == {"same employer: Northwind Consulting Ltd"}   # no e-mail on file


def check_social_neighbourhood(rows):
    graph = nx.Graph()
    for e in demo().edges:
        if e["platform"] == "twitter":
            graph.add_edge(e["from"].lstrip("@").lower(), e["to"].lstrip("@").lower())
    hops = nx.single_source_shortest_path_length(graph, "janesmith", cutoff=2)
    expected = {f"social:twitter:{h}": n for h, n in hops.items() if n}
    assert {r["handle"]: r["hops"] for r in rows} == expected
    assert next(r for r in rows if r["handle"] == "social:twitter:hotelreviewsuk")["owners"] == []


def check_residents(rows):
    assert [(r["name"], r["livesThere"]) for r in rows] == [("Emma Clarke", False), ("Liam O'Connor", True)]


def check_ranking(rows, store):
    assert rows[0]["name"] == "Jane Smith" and len(rows) == 10
    assert [r["priorityScore"] for r in rows] == sorted((r["priorityScore"] for r in rows), reverse=True)
    assert [r["personId"] for r in rows] == [p["personId"] for p in store.read(ranking, "priority", 10)["persons"]]


def check_households(rows):
    [row] = rows
    assert row["address"] == "7 Clifton Vale, Bristol, BS8 4PX" and row["currentMembers"] == 2
    assert {m["name"] for m in row["members"]} == {"David Wilson", "Sarah Wilson"}


def check_company_group(rows):
    acme = len(persons_employed_at("ACME Travel Ltd", "Acme Travel Limited"))
    assert [(r["company"], r["parent"], r["knownEmployees"]) for r in rows] == [
        ("ACME Group plc", None, 0), ("ACME Travel Ltd", "ACME Group plc", acme)]
    assert rows[1]["knownSpend"] > 51350.0 - 1 and rows[1]["decisionMakerRecords"] >= 2


# --- stewardship: the demo has no review pairs, decisions or disputes, so each check makes its own
# (the files run in name order, after every check of the untouched demo)

STEWARD = Steward("k-cookbook", "steward")
REVIEW_PAIRS = (("RV-1", "Robert", "Stone", 900.0), ("RV-2", "Edith", "Marsh", 100.0))


def _review_pairs(store, settings):
    for source_id, given, family, spend in REVIEW_PAIRS:
        name = {"given": given, "family": family}
        load(store, settings, {"source": "crm", "sourceId": source_id, "name": name,
                               "metrics": {"lifetimeSpend": spend}},
             {"source": "web", "sourceId": source_id, "name": name})


def _queue(store, settings) -> list[dict]:
    model = active_model(settings).model
    return store.read(review.queue, "value", 20, "", model, Thresholds.of(model))["pairs"]


def _answer_pairs(store, settings):
    first, second = _queue(store, settings)
    store.write(review.answer, first["pairId"], "same", "one customer", STEWARD)
    store.write(review.answer, second["pairId"], "different", "two customers", STEWARD)


def _dispute_card(store, settings):
    [row] = store.query("MATCH (:Identifier {key: 'loyaltyCard:PLT-99812'})<-[]-(:SourceRecord)-[:DESCRIBES]->"
                        "(p:Person) RETURN DISTINCT p.personId AS p")
    store.write(feedback.give, row["p"], "disputed fact", "loyaltyCard:PLT-99812", None, "not my card",
                True, STEWARD)


def _acquired_brand(store, settings):
    """The acquired spa chain's customer file and visits (`idgraph demo` loads them; load_demo does not)."""
    data = demo()
    ingest(store, settings, [parse_record(n, r, settings)[0] for n, r in enumerate(data.acquired)])
    ingest_events(store, [parse_event(n, e, settings)[0] for n, e in enumerate(data.acquired_events)])


SETUP = {"17_review_backlog.cypher": _review_pairs, "18_steward_decisions.cypher": _answer_pairs,
         "19_disputed_facts.cypher": _dispute_card, "34_acquired_source_overlap.cypher": _acquired_brand}


def check_review_backlog(rows, store, settings):
    assert [(r["pairId"], r["value"]) for r in rows] == [(p["pairId"], p["value"]) for p in _queue(store, settings)]
    assert [(r["nameA"], r["value"]) for r in rows] == [("Robert Stone", 900.0), ("Edith Marsh", 100.0)]


def check_steward_decisions(rows):
    assert [(r["action"], r["constraint"], r["label"], r["reason"]) for r in rows] == [
        ("review same", "together", "same", "one customer"),
        ("review different", "apart", "different", "two customers")]
    assert all(r["byKey"] == "k-cookbook" and r["status"] == "active" for r in rows)


def check_disputed_facts(rows, store):
    holders = store.query("MATCH (:Identifier {key: 'loyaltyCard:PLT-99812'})<-[l]-(r:SourceRecord) "
                          "WHERE l.current = true RETURN r.recordKey AS key ORDER BY key")
    assert [r["record"] for r in rows] == [h["key"] for h in holders]
    assert {(r["identifier"], r["name"], r["action"], r["reason"], r["stillLinked"]) for r in rows} == {
        ("loyaltyCard:PLT-99812", "Jane Smith", "dispute", "not my card", True)}


# --- touchpoints, lifecycle and signals: checked against the API's own use cases

DEMO_NOW = dt.datetime.combine(TODAY, dt.time(23, 59, 59), dt.UTC)


def _summary(store) -> dict:
    return customers_summary(store, definition.load(), DEMO_NOW)


def check_status_by_line(rows, store):
    got = {(r["lineOfBusiness"], r["status"]): r["persons"] for r in rows}
    summary = _summary(store)["linesOfBusiness"]
    assert got == {(line, status): counts[status] for line, counts in summary.items()
                   for status in ("customer", "former customer") if counts[status]}
    assert "Jane Smith" in next(r["names"] for r in rows if (r["lineOfBusiness"], r["status"]) == ("hotel", "customer"))


def check_white_space(rows, store):
    overall = _summary(store)["overall"]
    assert len(rows) == overall["customer"] + overall["former customer"]
    jane = next(r for r in rows if r["name"] == "Jane Smith")
    assert (sorted(jane["bought"]), jane["whiteSpace"]) == (["hotel", "retail"], ["dining", "cars"])
    assert all(sorted(r["bought"] + r["whiteSpace"]) == ["cars", "dining", "hotel", "retail"] for r in rows)


def check_timeline(rows, store):
    [jane] = store.query("MATCH (:Identifier {key: 'account:webshop:jsmith84'})<--(:SourceRecord)-[:DESCRIBES]->"
                         "(p:Person) RETURN DISTINCT p.personId AS p")
    expected = [e["event"]["eventKey"] for e in store.query(queries_events.PERSON_ALL_EVENTS, personId=jane["p"])]
    assert [r["event"] for r in rows] == expected[:20] and "callcentre/CASE-0912" in expected
    assert [r["at"] for r in rows] == sorted((r["at"] for r in rows), reverse=True)


def check_household_devices(rows):
    assert [(r["household"], r["device"], sorted(r["members"]), r["householdEvents"], r["events"]) for r in rows] == [
        ("7 Clifton Vale, Bristol, BS8 4PX", "device:tab-8c41e7", ["David Wilson", "Sarah Wilson"], 3,
         ["web/WV-50002", "web/WV-50017", "web/WV-50031"])]


def check_acquired_overlap(rows, store):
    overlap = store.read(source_overlap, hotel_chain.ACQUIRED, definition.load(), DEMO_NOW)
    assert sum(r["alreadyKnown"] for r in rows) == overlap["alreadyKnown"]["count"]
    assert sum(not r["alreadyKnown"] for r in rows) == overlap["new"] and len(rows) == overlap["persons"]
    assert {r["name"]: r["alreadyKnown"] for r in rows} == {
        "Jane Smith": True, "Sarah Wilson": True, "Imogen Hartley": False}


def check_open_signals(rows, store):
    listed = store.read(listing, "service", (), "value", 100, "")["persons"]
    assert [r["personId"] for r in rows] == [p["personId"] for p in listed]
    by_name = {r["name"]: r for r in rows}
    assert by_name["Jane Smith"]["signals"] == ["openCase"]
    assert by_name["Jane Smith"]["evidence"] == ["callcentre/CASE-0912"]
    assert sorted(by_name["Aisha Khan"]["signals"]) == ["cancellationVisit", "complaint"]


EXPECTED = {
    "01_who_is_this.cypher": check_who_is_this,
    "02_person_360.cypher": check_person_360,
    "03_household_members.cypher": check_household_members,
    "04_decision_makers_at_company.cypher": check_decision_makers,
    "05_valuable_low_reach.cypher": check_valuable_low_reach,
    "06_high_reach_non_customers.cypher": check_high_reach_non_customers,
    "07_shared_identifiers.cypher": check_shared_identifiers,
    "08_merge_history.cypher": check_merge_history,
    "09_records_without_marketing_consent.cypher": check_no_marketing_consent,
    "10_recycled_numbers.cypher": check_recycled_numbers,
    "11_colleagues.cypher": check_colleagues,
    "12_social_neighbourhood.cypher": check_social_neighbourhood,
    "13_residents_of_an_address.cypher": check_residents,
    "14_influence_ranking.cypher": check_ranking,
    "15_households.cypher": check_households,
    "16_company_group.cypher": check_company_group,
    "17_review_backlog.cypher": check_review_backlog,
    "18_steward_decisions.cypher": check_steward_decisions,
    "19_disputed_facts.cypher": check_disputed_facts,
    "30_status_by_line_of_business.cypher": check_status_by_line,
    "31_white_space.cypher": check_white_space,
    "32_timeline.cypher": check_timeline,
    "33_household_devices.cypher": check_household_devices,
    "34_acquired_source_overlap.cypher": check_acquired_overlap,
    "35_open_signals.cypher": check_open_signals,
}
NEEDS_STORE = {check_valuable_low_reach, check_ranking, check_disputed_facts, check_status_by_line,
               check_white_space, check_timeline, check_acquired_overlap, check_open_signals}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_cookbook_query_returns_the_demo_rows(demo_store, settings, name):
    if name in SETUP:
        SETUP[name](demo_store, settings)
    rows = run(demo_store, name)
    check = EXPECTED[name]
    if check is check_review_backlog:
        check(rows, demo_store, settings)
    else:
        check(rows, demo_store) if check in NEEDS_STORE else check(rows)
