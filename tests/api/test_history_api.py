"""History that is never overwritten (issue 14 item 5): a re-sent record's new job title, name or
address use closes the old value instead of replacing it; the person view, the export and the
timeline show the history; re-sending the same record changes nothing."""
from __future__ import annotations

from tests.api.test_events_api import email, post_records, rec

HOME = {"use": "home", "streetNumber": "12", "line1": "Acacia Avenue", "locality": "Bristol",
        "postcode": "BS1 4DJ", "country": "GB"}


def job(title: str, **fields) -> dict:
    return {"company": "Initech Ltd", "title": title, **fields}


def test_a_re_sent_record_with_a_new_job_title_keeps_the_old_one_as_history(client, store):
    [ada] = post_records(client, rec("C-1", email("ada@example.com"), employment=[job("Analyst")],
                                     observedAt="2024-03-01T09:00:00Z"))
    post_records(client, rec("C-1", email("ada@example.com"), employment=[job("Head of Sales")],
                             observedAt="2026-02-01T09:00:00Z"))
    jobs = client.get(f"/v1/persons/{ada}").get_json()["history"]["jobs"]
    assert [(j["title"], j["current"], j["validFrom"], j["validTo"]) for j in jobs] == [
        ("Head of Sales", True, "2026-02-01", None),
        ("Analyst", False, "2024-03-01", "2026-02-01")]
    assert jobs[1]["closedBecause"] == "a new title was stated"
    exported = client.get(f"/v1/persons/{ada}/export").get_json()["history"]["jobs"]
    assert [j["title"] for j in exported] == ["Head of Sales", "Analyst"]


def test_re_sending_the_same_record_changes_no_history(client, store):
    first = rec("C-1", email("ada@example.com"), employment=[job("Analyst")], addresses=[HOME],
                observedAt="2024-03-01T09:00:00Z")
    [ada] = post_records(client, first)
    before = client.get(f"/v1/persons/{ada}").get_json()["history"]
    post_records(client, first)
    assert client.get(f"/v1/persons/{ada}").get_json()["history"] == before
    assert store.query("MATCH (:SourceRecord)-[l:WORKS_AT|HAS_ADDRESS]->() RETURN count(l) AS n") == [{"n": 2}]


def test_an_explicit_start_closes_the_old_title_on_that_day(client, store):
    [ada] = post_records(client, rec("C-1", email("ada@example.com"), employment=[job("Analyst")],
                                     observedAt="2024-03-01T09:00:00Z"))
    post_records(client, rec("C-1", email("ada@example.com"),
                             employment=[job("Manager", validFrom="2025-06-01")], observedAt="2026-02-01T09:00:00Z"))
    jobs = client.get(f"/v1/persons/{ada}").get_json()["history"]["jobs"]
    assert [(j["title"], j["validFrom"], j["validTo"]) for j in jobs] == [
        ("Manager", "2025-06-01", None), ("Analyst", "2024-03-01", "2025-06-01")]


def test_an_address_keeps_its_use_and_a_new_use_or_a_move_closes_the_old(client, store):
    [ada] = post_records(client, rec("C-1", email("ada@example.com"), addresses=[HOME],
                                     observedAt="2024-01-10T09:00:00Z"))
    post_records(client, rec("C-1", email("ada@example.com"), addresses=[dict(HOME, use="billing")],
                             observedAt="2025-01-10T09:00:00Z"))
    new_home = dict(HOME, streetNumber="3", line1="Mill Lane")
    post_records(client, rec("C-1", email("ada@example.com"), addresses=[new_home],
                             observedAt="2026-01-10T09:00:00Z"))
    addresses = client.get(f"/v1/persons/{ada}").get_json()["history"]["addresses"]
    seen = [(a["use"], a["current"], a["validFrom"], a["validTo"], "mill" in a["value"].lower()) for a in addresses]
    assert seen == [
        ("home", True, "2026-01-10", None, True),
        ("billing", False, "2025-01-10", "2026-01-10", False),
        ("home", False, "2024-01-10", "2025-01-10", False)]
    # the use is the record's, not the shared address's
    assert store.query("MATCH (a:Address) WHERE a.use IS NOT NULL RETURN count(a) AS n") == [{"n": 0}]


def test_a_new_name_keeps_the_old_one_and_the_timeline_shows_the_changes_as_life_events(client, store):
    [ada] = post_records(client, rec("C-1", email("ada@example.com"), employment=[job("Analyst")],
                                     observedAt="2024-03-01T09:00:00Z"))
    post_records(client, rec("C-1", email("ada@example.com"), given="Augusta", employment=[job("Head of Sales")],
                             observedAt="2026-02-01T09:00:00Z"))
    names = client.get(f"/v1/persons/{ada}").get_json()["history"]["names"]
    assert [(n["value"], n["current"], n["validTo"]) for n in names] == [
        ("Augusta Lovelace", True, None), ("Ada Lovelace", False, "2026-02-01")]
    life = client.get(f"/v1/persons/{ada}/timeline").get_json()["lifeEvents"]
    assert {(e["kind"], e["change"], e["on"], e.get("title") or e.get("value")) for e in life} >= {
        ("job", "started", "2026-02-01", "Head of Sales"), ("job", "ended", "2026-02-01", "Analyst"),
        ("name", "ended", "2026-02-01", "Ada Lovelace"), ("name", "started", "2026-02-01", "Augusta Lovelace")}


def test_history_from_a_record_withheld_for_the_purpose_is_withheld_too(client, store):
    [ada] = post_records(client, rec("C-1", email("ada@example.com"), employment=[job("Analyst")],
                                     consent={"marketing": False}))
    history = client.get(f"/v1/persons/{ada}?purpose=marketing").get_json()["history"]
    assert history == {"names": [], "jobs": [], "addresses": []}
