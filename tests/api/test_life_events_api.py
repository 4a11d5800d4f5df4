"""Life events and what must not pollute a profile (issue 14 items 5 and 6), through the API on the real
graph: a deceased person is refused for marketing and still served for service; a purchase shipped to
someone else is a gift linked to its recipient and not the buyer's interest; a household tablet's
visits land on the household, in the household's answer and in each member's timeline."""
from __future__ import annotations

import pytest

from tests.api.test_events_api import email, event, post_events, post_records, rec

HOME = {"use": "home", "streetNumber": "7", "line1": "Clifton Vale", "locality": "Bristol",
        "postcode": "BS8 4PX", "country": "GB"}
TABLET = {"type": "device", "value": "tab-8c41e7"}
LANDLINE = {"type": "phone", "value": "0117 496 0321"}


def get(client, path: str, status: int = 200, **params) -> dict:
    response = client.get(path, query_string=params)
    assert response.status_code == status, response.get_json()
    return response.get_json()


# --- deceased ------------------------------------------------------------------------------------

def test_a_person_a_record_says_died_is_refused_for_marketing_and_served_for_service(client, store):
    [ada] = post_records(client, rec("C-1", email("ada@example.com"), consent={"marketing": True}),
                         rec("C-2", email("ada@example.com"), source="care", deceasedOn="2026-01-15"))[:1]
    marketing = get(client, f"/v1/persons/{ada}", purpose="marketing")
    assert marketing["records"] == [] and marketing["name"] == {}
    assert {w["reason"] for w in marketing["withheld"]} == {
        "the person is deceased since 2026-01-15 (per care/C-2): no marketing after death"}
    assert marketing["deceased"]["since"] == "2026-01-15"
    whois = get(client, "/v1/whois", type="email", value="ada@example.com", purpose="marketing")
    assert whois["records"] == [] and len(whois["withheld"]) == 2
    service = get(client, f"/v1/persons/{ada}", purpose="service")
    assert len(service["records"]) == 2 and service["withheld"] == []
    assert service["deceased"]["evidence"][0] == {"record": "care/C-2", "source": "care", "by": "record",
                                                  "on": "2026-01-15"}


def test_a_death_event_marks_the_person_deceased_from_its_day(client, store):
    [ada] = post_records(client, rec("C-1", email("ada@example.com"), consent={"marketing": True}))
    post_events(client, event("S-1", kind="stay", at="2025-12-01T10:00:00Z", consent={"marketing": True}))
    assert get(client, f"/v1/persons/{ada}/timeline", purpose="marketing")["events"]
    post_events(client, event("D-1", kind="death", source="registry", at="2026-02-03T00:00:00Z"))
    refused = get(client, f"/v1/persons/{ada}/timeline", purpose="marketing")
    assert refused["events"] == [] and refused["refused"]["deceasedSince"] == "2026-02-03"
    assert "deceased since 2026-02-03" in refused["refused"]["reason"]
    served = get(client, f"/v1/persons/{ada}/timeline", purpose="service")
    assert [e["eventKey"] for e in served["events"]] == ["registry/D-1", "pms/S-1"]
    assert served["lifeEvents"][0] == {"kind": "death", "change": "died", "on": "2026-02-03", "record": "crm/C-1"}
    assert get(client, f"/v1/persons/{ada}", purpose="marketing")["records"] == []


def test_a_deceased_flag_without_a_day_dates_from_the_observation(client, store):
    [ada] = post_records(client, rec("C-1", email("ada@example.com"), deceased=True, observedAt="2026-03-04T08:00:00Z"))
    assert get(client, f"/v1/persons/{ada}")["deceased"]["since"] == "2026-03-04"
    bad = client.post("/v1/records", json={"records": [rec("C-2", email("x@example.com"), deceasedOn="soon")]})
    assert "records[0].deceasedOn" in bad.get_json()["errors"]


# --- gifts ---------------------------------------------------------------------------------------

def order(event_id: str, ship_to: dict | None = None, **fields) -> dict:
    return event(event_id, email("ada@example.com"), kind="order", source="shop", lineOfBusiness="retail",
                 productCategory="toys", amount=40.0, currency="GBP", shipTo=ship_to, **fields)


def test_an_order_shipped_to_another_known_person_is_a_gift_linked_to_them(client, store):
    ada, grace = post_records(client, rec("C-1", email("ada@example.com")),
                              rec("C-2", email("grace@example.net"), given="Grace", birthDate="1906-12-09"))
    post_events(client, order("O-1", {"identifiers": [email("grace@example.net")]}), order("O-2"))
    events = {e["eventKey"]: e for e in get(client, f"/v1/persons/{ada}/timeline")["events"]}
    assert (events["shop/O-1"]["gift"], events["shop/O-1"]["giftReason"]) == (True, "shipped to another person")
    assert events["shop/O-1"]["recipient"] == {"personId": grace}
    assert "shipToKeys" not in events["shop/O-1"] and "gift" not in events["shop/O-2"]
    # still a purchase: Ada is a retail customer
    lines = get(client, f"/v1/persons/{ada}/lifecycle")["linesOfBusiness"]
    assert lines["retail"]["status"] == "customer"
    # the buyer's export names the recipient by person id, never by the recipient's own identifiers
    exported = {e["eventKey"]: e for e in get(client, f"/v1/persons/{ada}/export")["events"]}
    assert exported["shop/O-1"]["recipient"] == {"personId": grace} and "shipToKeys" not in exported["shop/O-1"]
    # re-sending the same order changes nothing
    again = post_events(client, order("O-1", {"identifiers": [email("grace@example.net")]}))
    assert again["results"][0]["outcome"] == "unchanged"


def test_an_order_shipped_to_the_buyers_own_address_is_not_a_gift_and_to_another_is(client, store):
    post_records(client, rec("C-1", email("ada@example.com"), addresses=[HOME]))
    elsewhere = dict(HOME, streetNumber="90", line1="High Street", postcode="BS1 2AA")
    post_events(client, order("O-1", {"address": HOME}), order("O-2", {"address": elsewhere}),
                order("O-3", {"address": elsewhere}, gift=False))
    rows = {r["k"]: (r["gift"], r["reason"]) for r in store.query(
        "MATCH (e:Event) RETURN e.eventKey AS k, e.gift AS gift, e.giftReason AS reason")}
    assert rows == {"shop/O-1": (False, "shipped to an address the buyer holds"),
                    "shop/O-2": (True, "shipped to an address the buyer does not hold"),
                    "shop/O-3": (False, "the source says so")}


# --- household devices ---------------------------------------------------------------------------

@pytest.fixture
def wilsons(client, store):
    """A couple at one address sharing a landline and a tablet (a household after the analytics refresh)."""
    from graph.relationships.refresh import refresh
    ids = post_records(client,
                       rec("C-1", email("mary@example.com"), LANDLINE, TABLET, given="Mary", birthDate="1961-04-02",
                           addresses=[HOME]),
                       rec("C-2", email("tom@example.com"), LANDLINE, TABLET, given="Tom", birthDate="1958-09-30",
                           addresses=[HOME]))
    assert ids[0] != ids[1]
    refresh(store)
    household = store.query("MATCH (h:Household) RETURN h.householdId AS id")
    return {"mary": ids[0], "tom": ids[1], "household": household[0]["id"]}


def visit(event_id: str, at: str, **fields) -> dict:
    return event(event_id, TABLET, kind="webVisit", source="web", at=at, pageCategory="garden", **fields)


def test_a_household_tablets_visits_land_on_the_household(client, store, wilsons):
    body = post_events(client, visit("W-1", "2026-04-01T19:00:00Z"), visit("W-2", "2026-04-02T19:00:00Z"))
    assert [(r["personId"], r["attachReason"]) for r in body["results"]] == \
        [(None, f"a household device: its events go to household {wilsons['household']}")] * 2
    house = get(client, f"/v1/households/{wilsons['household']}")
    assert [e["eventKey"] for e in house["events"]] == ["web/W-2", "web/W-1"]
    assert sorted(m["personId"] for m in house["members"]) == sorted([wilsons["mary"], wilsons["tom"]])
    assert [(d["visitorKey"], d["status"]) for d in house["devices"]] == [("device:tab-8c41e7", "household")]
    for member in ("mary", "tom"):
        shown = get(client, f"/v1/persons/{wilsons[member]}/timeline")["events"]
        assert [(e["eventKey"], e.get("household"), e["householdId"]) for e in shown] == [
            ("web/W-2", True, wilsons["household"]), ("web/W-1", True, wilsons["household"])]
    audit = store.query("MATCH (a:AuditEvent {action: 'household.view'}) RETURN count(a) AS n")
    assert audit == [{"n": 2}]


def test_household_events_follow_their_own_consent_and_a_signed_in_visit_stays_personal(client, store, wilsons):
    post_events(client, visit("W-1", "2026-04-01T19:00:00Z", consent={"marketing": True}),
                visit("W-2", "2026-04-02T19:00:00Z"),
                event("L-1", TABLET, email("mary@example.com"), kind="login", source="web", at="2026-04-03T08:00:00Z"))
    marketing = get(client, f"/v1/households/{wilsons['household']}", purpose="marketing")
    assert [e["eventKey"] for e in marketing["events"]] == ["web/W-1"] and marketing["withheldCount"] == 1
    mary = get(client, f"/v1/persons/{wilsons['mary']}/timeline")["events"]
    assert [(e["eventKey"], bool(e.get("household"))) for e in mary] == [
        ("web/L-1", False), ("web/W-2", True), ("web/W-1", True)]
    tom = get(client, f"/v1/persons/{wilsons['tom']}/timeline")["events"]
    assert [e["eventKey"] for e in tom] == ["web/W-2", "web/W-1"]


def test_an_unknown_household_answers_404(client, store):
    assert "analytics refresh" in get(client, "/v1/households/H-nope", status=404)["message"]


def test_the_person_list_withholds_the_deceased_from_marketing_only(client, store):
    ada, grace = post_records(client, rec("C-1", email("ada@example.com"), deceasedOn="2026-01-15"),
                              rec("C-2", email("grace@example.net"), given="Grace", birthDate="1906-12-09"))
    marketing = get(client, "/v1/persons", purpose="marketing")
    assert [p["personId"] for p in marketing["persons"]] == [grace]
    assert marketing["withheld"] == [{"personId": ada, "reason": "the person is deceased since 2026-01-15 "
                                                                 "(per crm/C-1): no marketing after death"}]
    assert {p["personId"] for p in get(client, "/v1/persons", purpose="service")["persons"]} == {ada, grace}


def test_erasing_a_gifts_recipient_leaves_no_trace_of_them_on_the_buyers_order(client, store, issue_key):
    from tests.conftest import keyed_client
    ada, grace = post_records(client, rec("C-1", email("ada@example.com")),
                              rec("C-2", email("grace@example.net"), given="Grace", birthDate="1906-12-09"))
    post_events(client, order("O-1", {"identifiers": [email("grace@example.net")]}))
    assert keyed_client(client.application, issue_key("privacy")).delete(f"/v1/persons/{grace}").status_code == 200
    [row] = store.query("MATCH (e:Event) RETURN e.gift AS gift, e.recipientRecordKey AS r, e.shipToKeys AS k")
    assert row == {"gift": True, "r": None, "k": None}
    assert "recipient" not in get(client, f"/v1/persons/{ada}/timeline")["events"][0]


def test_why_withholds_a_deceased_persons_records_from_marketing(client, store):
    [ada] = post_records(client, rec("C-1", email("ada@example.com"), consent={"marketing": True}),
                         rec("C-2", email("ada@example.com"), source="care", deceasedOn="2026-01-15"))[:1]
    why = get(client, f"/v1/persons/{ada}/why", record="crm/C-1", purpose="marketing")
    assert why["summary"].startswith("the record is withheld for marketing")
    assert {w["basis"] for w in why["withheld"]} == {"deceased"}
    assert "withheld" not in get(client, f"/v1/persons/{ada}/why", record="crm/C-1", purpose="service")
