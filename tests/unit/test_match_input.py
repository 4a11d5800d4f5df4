import datetime as dt

from graph import config
from graph.intake.records import build_record
from graph.matching import match_input

SETTINGS = config.load({})


def _record(**extra):
    data = {"source": "crm", "sourceId": "1", "name": {"given": "Robert", "family": "Smith"}}
    return build_record(dict(data, **extra), SETTINGS)


def test_fields_carry_names_contacts_and_current_home_address():
    record = _record(birthDate=dt.date(1984, 7, 12), gender="M",
                     identifiers=[{"type": "email", "value": "Bob@Example.com"},
                                  {"type": "phone", "value": "+44 20 7946 0958"}],
                     addresses=[{"use": "home", "line1": "3 Old Road", "postcode": "BA2 2BB",
                                 "validTo": dt.date(2019, 1, 1)},
                                {"use": "work", "line1": "1 Office Park", "postcode": "BS1 1AA"},
                                {"use": "home", "streetNumber": "12", "line1": "Rose Lane", "postcode": "ba1 1aa",
                                 "locality": "Bath"}])
    fields = match_input.match_fields(record)
    assert fields["given"] == "Robert" and fields["family"] == "Smith"
    assert fields["birthDate"] == "1984-07-12"
    assert fields["email"] == ["bob@example.com"] and fields["phone"] == ["+442079460958"]
    assert (fields["streetNumber"], fields["postcode"], fields["locality"]) == ("12", "BA1 1AA", "Bath")


def test_missing_facts_are_left_out_and_round_trip():
    fields = match_input.match_fields(_record())
    assert set(fields) == {"given", "family"}
    assert match_input.loads(match_input.dumps(fields)) == fields
    assert match_input.loads(None) == {}
