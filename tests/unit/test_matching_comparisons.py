import pytest

from graph.matching import birth_dates_compatible, compare, given_names_compatible
from graph.matching.comparisons import (
    compare_addresses,
    compare_birth_dates,
    compare_emails,
    compare_family,
    compare_genders,
    compare_given,
    compare_national_ids,
    compare_phones,
)
from graph.matching.levels import (
    AddressLevel,
    ContactLevel,
    DateLevel,
    GenderLevel,
    IdentifierLevel,
    NameLevel,
    level_key,
)

ROBERT = {"given": "Robert", "family": "Smith"}


@pytest.mark.parametrize(
    ("other", "level"),
    [
        ({"given": "  ROBERT "}, NameLevel.EXACT),
        ({"given": "Bob"}, NameLevel.NICKNAME),
        ({"given": "Robbert"}, NameLevel.CLOSE),
        ({"given": "Hobert"}, NameLevel.SIMILAR),
        ({"given": "Rupert"}, NameLevel.NICKNAME),
        ({"given": "R."}, NameLevel.INITIAL),
        ({"given": "Smith", "family": "Robert"}, NameLevel.SWAPPED),
        ({"given": "Alice"}, NameLevel.DIFFERENT),
        ({"family": "Smith"}, NameLevel.NULL),
    ],
)
def test_given_name_levels(other, level):
    assert compare_given(ROBERT, {"family": "Smith"} | other) == level


def test_given_names_that_only_sound_alike_reach_the_phonetic_level():
    assert compare_given({"given": "Catherine"}, {"given": "Kathryn"}) == NameLevel.PHONETIC


def test_accents_and_punctuation_are_folded_away():
    assert compare_family({"family": "O'Brién"}, {"family": "obrien"}) == NameLevel.EXACT


def test_family_names_have_no_nicknames_and_count_a_swap_on_the_given_name_only():
    swapped = {"given": "Smith", "family": "Robert"}
    assert compare_family({"family": "Robert"}, {"family": "Bob"}) == NameLevel.DIFFERENT
    assert compare_family(ROBERT, swapped) == NameLevel.SWAPPED
    assert compare_family({"family": "Smith"}, {"family": "Smyth"}) == NameLevel.SIMILAR


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("1980-03-14", "1980-03-14", DateLevel.EXACT),
        ("1980-03-11", "1980-11-03", DateLevel.TRANSPOSED),
        ("1980-03-14", "1980-03-15", DateLevel.ONE_EDIT),
        ("1980-03-14", "1908-03-14", DateLevel.ONE_EDIT),  # adjacent digits swapped
        ("1980-03-14", "1980-11-02", DateLevel.SAME_YEAR),
        ("1980-03-14", "1975-06-30", DateLevel.DIFFERENT),
        ("1980-03-14", None, DateLevel.NULL),
    ],
)
def test_birth_date_levels(a, b, level):
    assert compare_birth_dates({"birthDate": a}, {"birthDate": b}) == level


HOME = {"streetNumber": "12", "street": "High Street", "postcode": "AB1 2CD", "locality": "Ashford"}


@pytest.mark.parametrize(
    ("other", "level"),
    [
        ({"street": "high street", "postcode": "ab12cd"}, AddressLevel.EXACT),
        ({"street": "Hihg Street", "postcode": "ZZ9 9ZZ"}, AddressLevel.STREET),
        ({"street": "Hihg Street"}, AddressLevel.STREET_POSTCODE),
        ({"streetNumber": None}, AddressLevel.STREET_POSTCODE),
        ({"streetNumber": "14"}, AddressLevel.POSTCODE),
        ({"streetNumber": "40", "street": "Mill Lane"}, AddressLevel.POSTCODE),
        ({"streetNumber": "40", "street": "Mill Lane", "postcode": "XY1"}, AddressLevel.LOCALITY),
        ({"streetNumber": "1", "street": "Oak Road", "postcode": "XY1", "locality": "Upton"},
         AddressLevel.DIFFERENT),
    ],
)
def test_address_levels(other, level):
    assert compare_addresses(HOME, HOME | other) == level


def test_an_address_with_nothing_comparable_is_null():
    assert compare_addresses({"postcode": "AB1"}, {"locality": "Ashford"}) == AddressLevel.NULL


def test_phones_match_whatever_prefix_and_spacing_and_in_lists():
    def level(a, b):
        return compare_phones({"phone": a}, {"phone": b})

    assert level("+44 7700 900123", "07700-900123") == ContactLevel.EXACT
    assert level(["01632 960000", "07700900123"], "+447700900123") == ContactLevel.EXACT
    assert level("07700900123", "07700900999") == ContactLevel.DIFFERENT
    assert level("07700900123", None) == ContactLevel.NULL


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("Rob.Smith@Example.com", "rob.smith@example.com", ContactLevel.EXACT),
        ("rob.smith@example.com", "rob.smyth@other.org", ContactLevel.SIMILAR),
        ("rob.smith@example.com", "alice@example.com", ContactLevel.DIFFERENT),
        ("rob.smith@example.com", "not an email", ContactLevel.NULL),
        # namesakes' mailboxes: the numbers tell them apart, not a typo
        ("willie.davis74@outlook.com", "willie.davis87@gmail.com", ContactLevel.DIFFERENT),
        ("scott.lewis20@yahoo.com", "scott.lewis6@gmail.com", ContactLevel.DIFFERENT),
        # a typo in the letters, or in the number (one keystroke), is still the mailbox
        ("maria.foster81@outlook.com", "mraia.foster81@outlook.com", ContactLevel.SIMILAR),
        ("maria.foster81@outlook.com", "maria.foster18@gmail.com", ContactLevel.SIMILAR),
        ("maria.foster81@outlook.com", "maria.foster1@gmail.com", ContactLevel.SIMILAR),
    ],
)
def test_email_levels(a, b, level):
    assert compare_emails({"email": a}, {"email": b}) == level


def test_national_id_and_gender_levels():
    assert compare_national_ids({"nationalId": "AB 123456"}, {"nationalId": "ab123456"}) \
        == IdentifierLevel.EXACT
    assert compare_national_ids({"nationalId": "123456"}, {"nationalId": "123465"}) \
        == IdentifierLevel.ONE_EDIT
    assert compare_national_ids({"nationalId": "123456"}, {"nationalId": "654321"}) \
        == IdentifierLevel.DIFFERENT
    assert compare_genders({"gender": "Female"}, {"gender": "f"}) == GenderLevel.EQUAL
    assert compare_genders({"gender": "male"}, {"gender": "F"}) == GenderLevel.DIFFERENT


def test_compare_gives_every_comparison_and_missing_fields_are_null():
    levels = compare(ROBERT, {"given": "Bob"})
    assert set(levels) == {"given", "family", "birthDate", "address", "phone", "email",
                           "nationalId", "gender"}
    assert levels["given"] == NameLevel.NICKNAME
    assert all(level == -1 for name, level in levels.items() if name != "given")


def test_level_keys_are_camel_case():
    assert level_key(DateLevel.ONE_EDIT) == "oneEdit"
    assert level_key(NameLevel.EXACT) == "exact"


@pytest.mark.parametrize(
    ("a", "b", "compatible"),
    [
        ("Robert", "Bob", True),
        ("Robert", "R", True),
        ("Jonathan", "Jonathon", True),
        ("Robert", None, True),
        ("Emma", "Olivia", False),
        ("Catherine", "Kathryn", False),  # sounds alike, but too far apart to vouch for
    ],
)
def test_given_names_compatible(a, b, compatible):
    assert given_names_compatible(a, b) is compatible


@pytest.mark.parametrize(
    ("a", "b", "compatible"),
    [
        ("1980-03-14", "1980-03-14", True),
        ("1980-03-11", "1980-11-03", True),
        ("1980-03-14", "1980-03-19", True),
        (None, "1980-03-14", True),
        ("1980-03-14", "1980-05-02", False),
        ("1980-03-14", "1982-03-14", True),  # one digit off, even in the year
        ("1980-03-14", "1981-04-14", False),
    ],
)
def test_birth_dates_compatible(a, b, compatible):
    assert birth_dates_compatible(a, b) is compatible


# Two formal names that share a diminutive (or look as alike) are two names: twins' names often do.
FORMAL_NAMES_APART = [("Alexander", "Alexandra"), ("Daniel", "Danielle"), ("Christopher", "Christina"),
                      ("Patrick", "Patricia"), ("Frederick", "Frederica")]


@pytest.mark.parametrize(("a", "b"), FORMAL_NAMES_APART)
def test_two_formal_names_sharing_a_diminutive_stay_apart(a, b):
    assert compare_given({"given": a}, {"given": b}) == NameLevel.DIFFERENT
    assert compare_given({"given": b}, {"given": a}) == NameLevel.DIFFERENT
    assert not given_names_compatible(a, b)


@pytest.mark.parametrize(("formal", "diminutive"),
                         [("Robert", "Bob"), ("Elizabeth", "Liz"), ("Alexander", "Alex"), ("Alexandra", "Alex"),
                          ("Patricia", "Pat"), ("Frederick", "Fred"), ("Charles", "Charlie"), ("Susan", "Susie"),
                          ("Daniel", "Danny"), ("Christina", "Chris")])
def test_a_formal_name_and_its_diminutive_are_nicknames(formal, diminutive):
    assert compare_given({"given": formal}, {"given": diminutive}) == NameLevel.NICKNAME
    assert given_names_compatible(diminutive, formal)


def test_two_diminutives_of_one_name_are_not_a_formal_name_and_its_diminutive():
    assert compare_given({"given": "Bill"}, {"given": "Bob"}) == NameLevel.DIFFERENT


@pytest.mark.parametrize(("a", "b"), [("Isabel", "Isabelle"), ("Christina", "Christine"), ("Michael", "Micheal"),
                                      ("Matthew", "Mathew")])
def test_one_name_spelt_two_ways_keeps_its_similarity_level(a, b):
    assert compare_given({"given": a}, {"given": b}) in (NameLevel.CLOSE, NameLevel.SIMILAR)
    assert given_names_compatible(a, b)


@pytest.mark.parametrize(("a", "b"), [("J", "John"), ("J.", "Jane"), ("A", "Al"), ("E", "Ed")])
def test_an_initial_has_its_own_level_however_short_the_name(a, b):
    assert compare_given({"given": a}, {"given": b}) == NameLevel.INITIAL


@pytest.mark.parametrize(("a", "b"), [
    ({"given": "Alexandra", "family": "Novak"}, {"given": "Novak", "family": "Alexandra"}),
    ({"given": "Jonathan", "family": "Smith"}, {"given": "Smith", "family": "Jonathon"})])
def test_given_and_family_names_swapped_have_their_own_level(a, b):
    assert compare_given(a, b) == NameLevel.SWAPPED
    assert compare_family(a, b) == NameLevel.SWAPPED


@pytest.mark.parametrize("b", [{"given": "Sophie", "family": "Snekl"}, {"given": "Sophie", "family": "Sndl"}])
def test_a_swap_keeps_its_level_when_the_other_name_has_a_typo(b):
    swapped = {"given": "Snell", "family": "Sophie"}   # FEBRL2's rec-2633: swapped, then mistyped
    assert compare_given(swapped, b) == NameLevel.SWAPPED


@pytest.mark.parametrize(("a", "b"), [
    ({"given": "Daniel", "family": "Wright"}, {"given": "Wright", "family": "Danielle"}),  # twins
    ({"given": "Snell", "family": "Sophie"}, {"given": "Sophie", "family": "Spall"}),     # too far for a typo
    ({"given": "Snell", "family": "Sophie"}, {"given": "Sophia", "family": "Snekl"})])    # no name the same
def test_a_swap_with_a_typo_needs_one_name_the_same_and_never_two_formal_names(a, b):
    assert compare_given(a, b) != NameLevel.SWAPPED


# --- towns and postcodes on their own (issue 13 item 2) -------------------------------------------

@pytest.mark.parametrize(("a", "b", "level"), [
    ({"postcode": "2372", "locality": "hahndorf"}, {"postcode": "2373", "locality": "hahndorf"},
     AddressLevel.POSTCODE_SIMILAR),                                  # a postcode typo, the town agrees
    ({"postcode": "2372"}, {"postcode": "2373"}, AddressLevel.POSTCODE_SIMILAR),
    ({"postcode": "2372", "locality": "hahndorf"}, {"postcode": "2373", "locality": "selby"},
     AddressLevel.DIFFERENT),                                         # two towns: neighbouring postcodes
    ({"locality": "hahndorf"}, {"locality": "hahndorff"}, AddressLevel.LOCALITY_SIMILAR),
    ({"locality": "hahndorf", "postcode": "1"}, {"locality": "hahndorff", "postcode": "9"},
     AddressLevel.DIFFERENT),                                         # a town typo, postcodes differ
    ({"locality": "Bath"}, {"street": "Rose Lane", "locality": "bath"}, AddressLevel.LOCALITY),
    ({"postcode": "BA1 1AA"}, {"postcode": "ba11aa", "locality": "Bath"}, AddressLevel.POSTCODE),
    ({"street": "Rose Lane", "postcode": "BA1 1AA"}, {"streetNumber": "12", "street": "Rose Lane",
                                                      "postcode": "BA1 1AA"}, AddressLevel.STREET_POSTCODE),
    ({"streetNumber": "37", "postcode": "3102", "locality": "ivanhoe"},          # the street left out
     {"streetNumber": "37", "street": "port jackson circuit", "postcode": "3102"}, AddressLevel.STREET_POSTCODE),
    ({"streetNumber": "37", "postcode": "3102"}, {"streetNumber": "38", "street": "port jackson circuit",
                                                  "postcode": "3102"}, AddressLevel.POSTCODE),
])
def test_town_only_postcode_only_and_numberless_addresses_are_evidence(a, b, level):
    assert compare_addresses(a, b) == level == compare_addresses(b, a)


def test_a_model_trained_before_a_level_existed_still_trains():
    from graph.matching import fit
    from graph.matching.defaults import load_default_model
    from graph.matching.model import Model

    data = load_default_model().to_dict()
    del data["comparisons"]["address"]["postcodeSimilar"]
    records = [{"given": "Ann", "family": "Lee", "postcode": f"{1000 + n % 7}",
                "birthDate": f"19{50 + n % 40}-01-0{1 + n % 9}"} for n in range(60)]
    fitted = fit(records, Model.from_dict(data))
    assert "postcodeSimilar" in fitted.parameters["address"]
