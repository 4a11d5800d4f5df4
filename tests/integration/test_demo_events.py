"""The demo's touchpoints: Jane Smith is a hotel customer with stays and a promotion kept as history, her
order shipped to a friend is a gift linked to her, the Wilsons' shared tablet's visits go to their household,
a relative's call marks Tom Baker deceased, and Aisha Khan's complaint and cancellation visit are hers and
make signals."""
from __future__ import annotations

import datetime as dt

from graph.demo import hotel_chain
from graph.events.ingest import ingest_events
from graph.events.timeline import timeline
from graph.lifecycle import definition
from graph.lifecycle.reads import person_lifecycle
from graph.reads.views import whois
from service.parsing import parse_event
from tests.integration.demo_graph import demo, load_demo

AS_OF = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)


def test_the_demo_makes_jane_a_hotel_customer_with_her_stays_on_her_timeline(store, settings):
    load_demo(store, settings)      # loads the touchpoints too: again here, to read the outcomes (unchanged)
    outcomes = ingest_events(store, [parse_event(n, e, settings)[0] for n, e in enumerate(demo().events)])
    assert {o.outcome for o in outcomes} == {"unchanged"}
    jane = store.read(whois, "loyaltyCard:PLT-99812")["personId"]
    by_id = {o.eventId: o for o in outcomes}
    tablet = {"WV-50002", "WV-50017", "WV-50031"}
    unhappy = {e["eventId"] for e in hotel_chain.unhappy_customer()}      # Aisha's complaint and visit
    assert {o.personId for i, o in by_id.items() if i not in tablet | unhappy | {"BRV-0701"}} == {jane}
    aisha = store.read(whois, "account:webshop:aishak95")["personId"]
    assert {by_id[i].personId for i in unhappy} == {aisha} != {jane}
    assert {by_id[i].personId for i in tablet} == {None}     # the Wilsons' shared tablet: their household's
    status = store.read(person_lifecycle, jane, definition.load(), AS_OF)
    hotel = status["linesOfBusiness"]["hotel"]
    assert (hotel["status"], hotel["since"].date()) == ("customer", dt.date(2025, 4, 11))
    assert hotel["evidence"] == ["pms/ST-3518", "pms/ST-3307", "pms/ST-2876", "pms/ST-2231"]
    assert status["linesOfBusiness"]["retail"]["status"] == "customer"
    assert status["whiteSpace"] == ["cars", "dining"]
    events = store.read(timeline, jane, "service", (), None, None, 50, "")["events"]
    assert [e["eventId"] for e in events][:3] == ["WV-44187", "WV-44120", "ST-3518"]
    assert {e["source"] for e in events} == {"pms", "webshop", "callcentre", "web"}


def test_the_acquired_spa_s_customers_overlap_the_hotel_s(store, settings):
    from graph.lifecycle.reads import source_overlap
    from graph.resolution.ingest import ingest
    from service.parsing import parse_record
    load_demo(store, settings)          # then the acquired spa's file, as `idgraph demo` loads it
    ingest(store, settings, [parse_record(n, r, settings)[0] for n, r in enumerate(demo().acquired)])
    outcomes = ingest_events(store, [parse_event(n, e, settings)[0] for n, e in enumerate(demo().acquired_events)])
    assert outcomes[0].personId == store.read(whois, "loyaltyCard:PLT-99812")["personId"]   # Jane
    body = store.read(source_overlap, "spaco", definition.load(), AS_OF)
    assert body["definition"]["ownDefinition"] is True and body["persons"] == 3
    assert body["customers"] == 3
    assert body["alreadyKnown"] == {"count": 2, "as": {"customer": 1, "former customer": 0, "known prospect": 1,
                                                       "new prospect": 0}}
    assert body["new"] == 1


def test_the_demo_shows_a_promotion_a_gift_a_household_tablet_and_a_death(store, settings):
    from graph.events.household import household_view
    from graph.reads.views import person_view
    load_demo(store, settings)
    jane = store.read(whois, "loyaltyCard:PLT-99812")["personId"]
    jobs = store.read(person_view, jane)["history"]["jobs"]
    assert [(j["title"], j["current"], j["validTo"]) for j in jobs if j["record"] == "crm/C-0107"] == [
        ("Head of Travel", True, None), ("Travel Manager", False, dt.date(2026, 9, 1))]
    emma = store.read(whois, "email:emma.clarke@example.org")["personId"]
    order = next(e for e in store.read(timeline, jane, "service", ("order",), None, None, 5, "")["events"])
    assert (order["gift"], order["recipient"]) == (True, {"personId": emma})
    sarah = store.read(whois, "email:sarah.wilson@example.org")
    [household] = sarah["inferred"]["households"]
    house = store.read(household_view, household["householdId"], "service")
    assert [e["eventId"] for e in house["events"]] == ["WV-50031", "WV-50017", "WV-50002"]
    tom = store.read(whois, "loyaltyCard:BLU-70155", "marketing")
    assert tom["records"] == [] and str(tom["deceased"]["since"]) == "2025-12-02"


def test_the_demo_s_refresh_lists_jane_s_open_case_and_aisha_s_complaint_first_by_value(store, settings):
    from graph.signals.reads import listing
    load_demo(store, settings)          # its analytics refresh writes the signals as of the demo's day
    persons = store.read(listing, "service", (), "value", 10, "")["persons"]
    jane = store.read(whois, "loyaltyCard:PLT-99812")["personId"]
    aisha = store.read(whois, "account:webshop:aishak95")["personId"]
    assert [p["personId"] for p in persons] == [jane, aisha]
    assert [(s["kind"], s["evidence"]) for s in persons[0]["signals"]] == [("openCase", ["callcentre/CASE-0912"])]
    assert {s["kind"] for s in persons[1]["signals"]} == {"complaint", "cancellationVisit"}
