"""Roles besides employment (issue 14): several at once and over time, with source and validity, in the
person view, the relationships answer and filtered by purpose like every other fact."""
from __future__ import annotations

from tests.api.test_events_api import email, post_records, rec

CHAMPION = {"role": "buyingTeamMember", "organisation": "Initech", "stance": "champion", "validFrom": "2024-01-01"}
CAREGIVER = {"role": "caregiver", "validFrom": "2018-05-01", "validTo": "2020-01-31"}


def test_a_person_holds_several_roles_each_with_its_source_and_validity(client, store):
    [ada] = post_records(client, rec("C-1", email("ada@example.com"), roles=[CHAMPION]),
                         rec("H-1", email("ada@example.com"), source="care", roles=[CAREGIVER]))[:1]
    roles = client.get(f"/v1/persons/{ada}").get_json()["heldRoles"]
    assert [(r["role"], r["stance"], r["organisation"], r["current"], r["source"], r["record"]) for r in roles] == [
        ("buyingTeamMember", "champion", "Initech", True, "crm", "crm/C-1"),
        ("caregiver", None, None, False, "care", "care/H-1")]
    assert (roles[1]["validFrom"], roles[1]["validTo"]) == ("2018-05-01", "2020-01-31")
    related = client.get(f"/v1/persons/{ada}/relationships").get_json()
    assert [r["role"] for r in related["roles"]] == ["buyingTeamMember", "caregiver"]


def test_a_role_from_a_record_without_consent_for_the_purpose_is_withheld(client, store):
    [ada] = post_records(client, rec("C-1", email("ada@example.com"), roles=[CHAMPION],
                                     consent={"marketing": True}),
                         rec("H-1", email("ada@example.com"), source="care", roles=[CAREGIVER]))[:1]
    roles = client.get(f"/v1/persons/{ada}?purpose=marketing").get_json()["heldRoles"]
    assert [r["role"] for r in roles] == ["buyingTeamMember"]


def test_a_bad_role_is_refused_naming_the_field_and_a_re_send_replaces_the_roles(client, store):
    body = client.post("/v1/records", json={"records": [rec("C-1", email("ada@example.com"),
                                                            roles=[{"role": "king"}])]}).get_json()
    assert "records[0].roles[0].role" in body["errors"]
    bad_period = client.post("/v1/records", json={"records": [rec("C-1", email("ada@example.com"), roles=[
        {"role": "patient", "validFrom": "2020-01-01", "validTo": "2019-01-01"}])]}).get_json()
    assert "records[0].roles[0].validTo" in bad_period["errors"]
    [ada] = post_records(client, rec("C-1", email("ada@example.com"), roles=[CHAMPION]))
    post_records(client, rec("C-1", email("ada@example.com"), roles=[dict(CHAMPION, stance="naysayer")]))
    assert [r["stance"] for r in client.get(f"/v1/persons/{ada}").get_json()["heldRoles"]] == ["naysayer"]
