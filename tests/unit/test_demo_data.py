import json
from collections import Counter, defaultdict

import phonenumbers
import pytest

from graph.demo import hotel_chain
from graph.demo.hotel_chain import IDENTIFIER_TYPES, REFERENCE_DATE, SCENARIOS, SOURCES, generate, record_key

JUNK = {"test@test.com", "none@none.com", "0000000000"}


@pytest.fixture(scope="module")
def data():
    return generate()


def by_key(data):
    return {record_key(r): r for r in data.records}


def identifier_key(ident):
    """A test-side canonical form: enough to see which records share an identifier."""
    value = ident["value"]
    if ident["type"] == "email":
        return ("email", value.lower())
    if ident["type"] == "phone":
        number = phonenumbers.parse(value, "GB")
        return ("phone", phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    if ident["type"] in ("account", "social"):
        return (ident["type"], ident.get("system") or ident["platform"], value.lower())
    return (ident["type"], value.upper())


def shared_keys(records):
    keys = [{identifier_key(i) for i in r.get("identifiers", [])} for r in records]
    return set.intersection(*keys)


def test_same_seed_gives_identical_records(data):
    assert generate(7).records == data.records
    assert generate(7).scenarios == data.scenarios


def test_different_seed_changes_only_the_extras(data):
    other = generate(8)
    scenario_keys = {k for s in data.scenarios.values() for k in s.record_keys}
    ours = [r for r in data.records if record_key(r) in scenario_keys]
    theirs = [r for r in other.records if record_key(r) in scenario_keys]
    assert ours == theirs
    assert data.records != other.records


def test_extra_people_zero_leaves_only_the_scenarios():
    small = generate(extra_people=0)
    scenario_keys = {k for s in small.scenarios.values() for k in s.record_keys}
    assert {record_key(r) for r in small.records} == scenario_keys


def test_records_are_json_ready_and_carry_provenance(data):
    assert json.loads(json.dumps(data.records)) == data.records
    for record in data.records:
        assert record["source"] in SOURCES and record["sourceId"]
        assert record.get("name") or record.get("identifiers")
        assert record["observedAt"].endswith("Z") and record["collectedFor"]
        assert set(record["consent"]) == {"marketing", "analytics"}


def test_source_ids_are_unique_within_each_source(data):
    keys = [record_key(r) for r in data.records]
    assert len(keys) == len(set(keys))


def test_identifiers_have_known_types_and_required_fields(data):
    for record in data.records:
        for ident in record.get("identifiers", []):
            assert ident["type"] in IDENTIFIER_TYPES and ident["value"]
            if ident["type"] == "account":
                assert ident["system"]
            if ident["type"] == "social":
                assert ident["platform"] and ident["followers"] >= 0


def test_every_silo_has_records(data):
    counts = Counter(r["source"] for r in data.records)
    assert all(counts[source] > 0 for source in SOURCES)


def test_phones_are_possible_uk_numbers_apart_from_junk(data):
    phones = [i["value"] for r in data.records for i in r.get("identifiers", [])
              if i["type"] == "phone" and i["value"] not in JUNK]
    assert phones
    for phone in phones:
        number = phonenumbers.parse(phone, "GB")
        assert number.country_code == 44 and phonenumbers.is_possible_number(number), phone


def test_no_date_passes_the_reference_date(data):
    limit = REFERENCE_DATE.isoformat()
    for record in data.records:
        assert record["observedAt"][:10] < limit
        assert record.get("metrics", {}).get("lastActivity", "") <= limit


def test_consent_varies(data):
    marketing = {r["consent"]["marketing"] for r in data.records}
    assert marketing == {True, False}


def test_every_scenario_is_present_with_its_records(data):
    assert list(data.scenarios) == list(SCENARIOS)
    records = by_key(data)
    for name, scenario in data.scenarios.items():
        assert scenario.name == name and scenario.description == SCENARIOS[name]
        assert scenario.record_keys and all(k in records for k in scenario.record_keys)
        assert len(data.records_for(name)) == len(scenario.record_keys)


def test_truth_covers_every_record_once(data):
    keys = [k for person in data.truth.values() for k in person]
    assert sorted(keys) == sorted(record_key(r) for r in data.records)
    truth_groups = {frozenset(p) for p in data.truth.values()}
    for scenario in data.scenarios.values():
        assert all(frozenset(p) in truth_groups for p in scenario.expected_persons)


def test_records_of_one_person_are_linked_by_shared_identifiers(data):
    records = by_key(data)
    for label, keys in data.truth.items():
        linked, rest = {keys[0]}, set(keys[1:])
        while rest:
            seen = {identifier_key(i) for k in linked for i in records[k].get("identifiers", [])}
            joining = {k for k in rest if seen & {identifier_key(i) for i in records[k]["identifiers"]}}
            assert joining, f"{label}: {rest} share nothing with {linked}"
            linked, rest = linked | joining, rest - joining


def test_ordinary_customers_share_no_identifier_with_anyone_else(data):
    records, owners = by_key(data), defaultdict(set)
    for label, keys in data.truth.items():
        for key in keys:
            for ident in records[key].get("identifiers", []):
                owners[identifier_key(ident)].add(label)
    for ident, labels in owners.items():
        if any(label.startswith("extra:") for label in labels):
            assert len(labels) == 1, (ident, labels)


def test_ordinary_customers_have_colleagues_and_social_reach(data):
    records, staff = by_key(data), defaultdict(set)
    for label, keys in data.truth.items():
        for key in keys:
            for job in records[key].get("employment", []):
                staff[job["company"]].add(label)
    extras_staff = [c for c, labels in staff.items() if sum(x.startswith("extra:") for x in labels) >= 2]
    assert len(extras_staff) >= 2
    followers = [i["followers"] for r in data.records for i in r.get("identifiers", [])
                 if i["type"] == "social"]
    assert len(set(followers)) > 3
    tiers = {r["metrics"]["tier"] for r in data.records if "tier" in r.get("metrics", {})}
    assert tiers >= {"blue", "silver", "gold", "platinum"}


def test_jane_is_one_person_across_all_five_silos(data):
    jane = data.scenarios["jane"]
    assert jane.expected_same_person
    records = data.records_for("jane")
    assert {r["source"] for r in records} == set(SOURCES)
    loyalty = next(r for r in records if r["source"] == "loyalty")
    assert loyalty["metrics"]["tier"] == "platinum" and loyalty["metrics"]["nightsLastYear"] >= 100
    emails = {i["value"] for r in records for i in r["identifiers"] if i["type"] == "email"}
    assert len(emails) == 2 and len({e.lower() for e in emails}) == 1
    social = [i for r in records for i in r["identifiers"] if i["type"] == "social"]
    assert social == [{"type": "social", "platform": "twitter", "value": "@JaneSmith", "followers": 75}]
    companies = {j["company"] for r in records for j in r.get("employment", [])}
    assert companies == {"ACME Travel Ltd", "Acme Travel Limited"}


def test_influencer_is_social_only_with_a_large_audience(data):
    [record] = data.records_for("influencer")
    assert record["source"] == "social" and "metrics" not in record
    assert any(i.get("followers") == 20000 for i in record["identifiers"])


@pytest.mark.parametrize("name", ["junk_email", "generic_value", "spouses", "national_id_conflict",
                                  "recycled_number", "previous_resident"])
def test_look_alike_scenarios_expect_separate_persons(data, name):
    scenario = data.scenarios[name]
    assert not scenario.expected_same_person
    records = by_key(data)
    held = [{identifier_key(i) for k in p for i in records[k].get("identifiers", [])}
            for p in scenario.expected_persons]
    for n, mine in enumerate(held):  # every person looks like someone else in the scenario
        others = set().union(*(h for m, h in enumerate(held) if m != n))
        assert mine & others or name == "previous_resident"


def test_junk_and_generic_values_span_many_different_names(data):
    junk = data.records_for("junk_email")
    assert len({r["name"]["full"] for r in junk}) == len(junk) >= 3
    generic = data.scenarios["generic_value"]
    firsts = [by_key(data)[p[0]] for p in generic.expected_persons]
    assert len(firsts) >= 5 and len({r["name"]["full"] for r in firsts}) == len(firsts)


def test_spouses_share_a_household_but_not_names_or_birth_dates(data):
    scenario = data.scenarios["spouses"]
    david, sarah = ([by_key(data)[k] for k in p] for p in scenario.expected_persons)
    assert scenario.same_household
    assert {k[0] for k in shared_keys([david[0], sarah[0]])} == {"phone"}
    assert {k[0] for k in shared_keys([david[1], sarah[1]])} == {"device"}
    assert david[0]["addresses"] == sarah[0]["addresses"]
    assert david[0]["name"]["family"] == sarah[0]["name"]["family"]
    assert david[0]["name"]["given"] != sarah[0]["name"]["given"]
    assert david[0]["birthDate"] != sarah[0]["birthDate"]


def test_national_id_conflict_shares_email_but_not_national_id(data):
    a, b = data.records_for("national_id_conflict")
    ids = [{i["value"] for i in r["identifiers"] if i["type"] == "nationalId"} for r in (a, b)]
    assert all(ids) and not ids[0] & ids[1]


def test_recycled_number_has_non_overlapping_validity(data):
    a, b = ([i for i in r["identifiers"] if i["type"] == "phone"][0]
            for r in data.records_for("recycled_number"))
    assert a["validFrom"] < a["validTo"] < b["validFrom"] and b["validTo"] is None


def test_previous_resident_left_before_the_next_moved_in(data):
    emma, liam = data.records_for("previous_resident")
    old, current = emma["addresses"]
    assert old["postcode"] == liam["addresses"][0]["postcode"] and current["postcode"] != old["postcode"]
    assert old["validTo"] < liam["addresses"][0]["validFrom"] and current["validTo"] is None


def test_bridge_record_comes_last_and_links_the_two_halves(data):
    scenario = data.scenarios["bridge"]
    loyalty, webshop, crm = data.records_for("bridge")
    assert record_key(data.records[-1]) == record_key(crm)
    assert scenario.expected_same_person and scenario.survivor == record_key(loyalty)
    assert not shared_keys([loyalty, webshop])
    assert shared_keys([loyalty, crm]) and shared_keys([webshop, crm])


def test_nickname_and_name_change_are_one_person_each(data):
    bob_or_robert = data.records_for("nickname")
    assert {r["name"]["given"] for r in bob_or_robert} == {"Robert", "Bob"}
    assert {k[0] for k in shared_keys(bob_or_robert)} == {"loyaltyCard"}
    laura = data.records_for("name_change")
    assert len({r["name"]["family"] for r in laura}) == 2
    assert len({r["birthDate"] for r in laura}) == 1 and shared_keys(laura)
    assert data.scenarios["nickname"].expected_same_person
    assert data.scenarios["name_change"].expected_same_person


def test_write_ndjson_writes_one_record_per_line(data, tmp_path):
    path = tmp_path / "demo.ndjson"
    assert hotel_chain.write_ndjson(data.records, path) == len(data.records)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == data.records
