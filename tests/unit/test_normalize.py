import ast
import datetime as dt
from pathlib import Path

import pytest

from graph.intake.normalize import (
    NormalAddress,
    NormalizationError,
    PersonName,
    company_key,
    name_key,
    normalize_address,
    normalize_code,
    normalize_email,
    normalize_handle,
    normalize_name,
    normalize_phone,
    normalize_token,
    parse_date,
    parse_datetime,
    phone_digits,
)

SINGLE_VALUE_FUNCTIONS = [
    normalize_email, normalize_phone, phone_digits, normalize_code, normalize_token,
    name_key, company_key, parse_date, parse_datetime,
]


def _field_of(call):
    with pytest.raises(NormalizationError) as info:
        call()
    assert info.value.reason
    return info.value.field


# --- shared input checks -------------------------------------------------------------

@pytest.mark.parametrize("func", SINGLE_VALUE_FUNCTIONS)
@pytest.mark.parametrize("raw", [None, "", "   ", "\t\n", "ab\x00cd", "ab\x1bcd", "a\nb", 42])
def test_every_function_rejects_missing_blank_non_text_and_control_characters(func, raw):
    with pytest.raises(NormalizationError) as info:
        func(raw)
    assert info.value.field in ("value", "name")
    assert str(info.value).startswith(info.value.field + ": ")


def test_error_is_a_value_error_carrying_field_and_reason():
    error = NormalizationError("postcode", "is empty; expected a value")
    assert isinstance(error, ValueError)
    assert (error.field, error.reason) == ("postcode", "is empty; expected a value")
    assert str(error) == "postcode: is empty; expected a value"


@pytest.mark.parametrize("func", [f for f in SINGLE_VALUE_FUNCTIONS if f is not normalize_email])
def test_values_over_200_characters_are_rejected_with_the_limit_in_the_reason(func):
    with pytest.raises(NormalizationError, match="limit is 200"):
        func("1" * 201)


def test_emails_may_be_longer_than_other_values_but_not_over_320():
    with pytest.raises(NormalizationError, match="limit is 320"):
        normalize_email("a" * 64 + "@" + "b" * 252 + ".com")
    with pytest.raises(NormalizationError) as info:  # under the cap: reaches the validator
        normalize_email("a" * 250 + "@example.com")
    assert "limit" not in info.value.reason


def test_reasons_do_not_repeat_the_personal_data_they_reject():
    with pytest.raises(NormalizationError) as info:
        normalize_email("jane.secret@@example.com")
    assert "jane.secret" not in str(info.value)


def test_module_is_pure_and_imports_neither_flask_nor_neo4j():
    source = Path(__file__).parents[2] / "graph" / "intake" / "normalize.py"
    tree = ast.parse(source.read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}
    assert not imported & {"flask", "neo4j", "graph", "service"}


# --- email ---------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("jane.smith@example.com", "jane.smith@example.com"),
    ("  Jane.Smith@Example.COM \n", "jane.smith@example.com"),
    ("JANE@EXAMPLE.CO.UK", "jane@example.co.uk"),
    ("jane+news@example.com", "jane+news@example.com"),
    ("José@Exämple.com", "josé@exämple.com"),
])
def test_email_is_syntax_checked_and_lower_cased_whole(raw, expected):
    assert normalize_email(raw) == expected


@pytest.mark.parametrize("raw", [
    "jane", "jane@", "@example.com", "jane@@example.com", "jane smith@example.com",
    "jane@localhost", "jane@example", "jane@example.invalid", "jane@[127.0.0.1]",
    "jane..smith@example.com",
])
def test_bad_email_syntax_is_rejected_on_the_value_field(raw):
    with pytest.raises(NormalizationError, match="not a valid email address") as info:
        normalize_email(raw)
    assert info.value.field == "value"


# --- phone ---------------------------------------------------------------------------

@pytest.mark.parametrize("raw, region, expected", [
    ("020 7946 0958", "GB", "+442079460958"),
    ("+44 (0)20 7946 0958", "GB", "+442079460958"),
    ("+44 20 7946 0958", "GB", "+442079460958"),
    ("0044 20 7946 0958", "GB", "+442079460958"),
    ("00 1 212 555 0123", "GB", "+12125550123"),
    ("07700 900123", "GB", "+447700900123"),
    ("tel:+44-20-7946-0958", "GB", "+442079460958"),
    ("+1 (212) 555-0123", "GB", "+12125550123"),
    ("(212) 555-0123", "US", "+12125550123"),
    ("(212) 555-0123", "us", "+12125550123"),
    ("0044 20 7946 0958", "US", "+442079460958"),
    ("+44 20 7946 0958 ext. 12", "GB", "+442079460958"),
    ("٠٢٠ ٧٩٤٦ ٠٩٥٨", "GB", "+442079460958"),
])
def test_phone_becomes_e164(raw, region, expected):
    assert normalize_phone(raw, region) == expected


def test_phone_defaults_to_great_britain():
    assert normalize_phone("020 7946 0958") == "+442079460958"


@pytest.mark.parametrize("raw", ["123", "12345678901234567890", "call me", "+", "+999 1234"])
def test_impossible_phone_numbers_are_rejected(raw):
    with pytest.raises(NormalizationError, match="not a possible phone number"):
        normalize_phone(raw)


@pytest.mark.parametrize("region", ["XX", "", "Britain", None])
def test_phone_rejects_unknown_default_region(region):
    assert _field_of(lambda: normalize_phone("020 7946 0958", region)) == "default_region"


@pytest.mark.parametrize("raw, expected", [
    ("+44 (0)20 7946-0958", "4402079460958"),
    ("000 000 0000", "0000000000"),
    ("٠١٢٣", "0123"),
    ("tel: 1234", "1234"),
])
def test_phone_digits_keeps_only_digits_for_the_block_list(raw, expected):
    assert phone_digits(raw) == expected


def test_phone_digits_of_text_without_digits_is_empty_so_parsing_reports_the_problem():
    assert phone_digits("n/a") == ""
    with pytest.raises(NormalizationError, match="not a possible phone number"):
        normalize_phone("n/a")


# --- codes, tokens, handles ----------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("plt-99812 ", "PLT-99812"),
    ("QQ 12 34 56 C", "QQ123456C"),
    ("ab\u00a012", "AB12"),
    ("  4929-1234-5678  ", "4929-1234-5678"),
])
def test_code_is_upper_cased_without_whitespace_keeping_dashes(raw, expected):
    assert normalize_code(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("  dev-AbC123  ", "dev-AbC123"),
    ("Cookie:XyZ", "Cookie:XyZ"),
    ("acct 42", "acct 42"),
])
def test_token_is_only_stripped_and_keeps_its_case(raw, expected):
    assert normalize_token(raw) == expected


@pytest.mark.parametrize("platform, raw, expected", [
    ("Twitter", "@JaneSmith", ("twitter", "janesmith")),
    (" Instagram ", "jane_smith", ("instagram", "jane_smith")),
    ("twitter", "https://twitter.com/JaneSmith", ("twitter", "janesmith")),
    ("X", "x.com/janesmith", ("x", "janesmith")),
    ("x", "https://x.com/JaneSmith/?ref=abc#top", ("x", "janesmith")),
    ("tiktok", "https://www.tiktok.com/@Jane.Smith", ("tiktok", "jane.smith")),
    ("linkedin", "https://www.linkedin.com/in/jane-smith/", ("linkedin", "jane-smith")),
    ("mastodon", "@Jane@Mastodon.Social", ("mastodon", "jane@mastodon.social")),
])
def test_handle_is_lower_cased_without_at_sign_or_profile_url(platform, raw, expected):
    assert normalize_handle(platform, raw) == expected


@pytest.mark.parametrize("platform, raw, field", [
    ("", "@jane", "platform"),
    (None, "@jane", "platform"),
    ("twitter", "", "value"),
    ("twitter", "@", "value"),
    ("twitter", "https://twitter.com/", "value"),
    ("twitter", "jane smith", "value"),
    ("twitter", "[broken/url", "value"),
])
def test_handle_rejects_empty_or_unusable_values(platform, raw, field):
    assert _field_of(lambda: normalize_handle(platform, raw)) == field


# --- names ---------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("José", "jose"),
    ("O'Brien", "obrien"),
    ("O’Brien", "obrien"),
    ("  SMITH ", "smith"),
    ("Smith-Jones", "smith jones"),
    ("van  der Berg", "van der berg"),
    ("Strauß", "strauss"),
    ("Zoë", "zoe"),
])
def test_name_key_is_lower_ascii_without_punctuation(raw, expected):
    assert name_key(raw) == expected


def test_name_key_rejects_a_value_without_letters():
    with pytest.raises(NormalizationError, match="no letters or digits"):
        name_key("!!!")


@pytest.mark.parametrize("kwargs, expected", [
    ({"given": "JANE", "family": "smith"}, PersonName("Jane", None, "Smith", "Jane Smith")),
    ({"full": "JANE smith"}, PersonName("Jane", None, "Smith", "Jane Smith")),
    ({"full": "Smith, Jane"}, PersonName("Jane", None, "Smith", "Jane Smith")),
    ({"full": "Dr. Jane A. Smith"}, PersonName("Jane", "A", "Smith", "Dr. Jane A. Smith")),
    ({"full": "mary mcdonald"}, PersonName("Mary", None, "McDonald", "Mary McDonald")),
    ({"full": "SEAN O'BRIEN"}, PersonName("Sean", None, "O'Brien", "Sean O'Brien")),
    ({"given": "josé", "family": "GARCÍA-LÓPEZ"},
     PersonName("José", None, "García-López", "José García-López")),
    ({"full": "de la cruz, maria"}, PersonName("Maria", None, "de la Cruz", "Maria de la Cruz")),
    ({"given": "Madonna"}, PersonName("Madonna", None, None, "Madonna")),
    ({"family": "smith"}, PersonName(None, None, "Smith", "Smith")),
    ({"given": "  ", "family": "Smith", "full": "Jane Smith"},
     PersonName("Jane", None, "Smith", "Jane Smith")),
])
def test_name_is_split_and_properly_cased(kwargs, expected):
    assert normalize_name(**kwargs) == expected


def test_given_and_family_win_over_the_parsed_full_name():
    name = normalize_name(given="Janet", family="Jones", full="Jane Q. Smith")
    assert (name.given, name.middle, name.family) == ("Janet", "Q", "Jones")
    assert name.full == "Jane Q. Smith"


def test_a_missing_part_is_taken_from_the_full_name():
    assert normalize_name(given="Jane", full="J. Smith").family == "Smith"


def test_full_name_is_rebuilt_from_parts_when_it_parses_to_no_name():
    assert normalize_name(given="jane", family="SMITH", full="Dr.").full == "Jane Smith"


@pytest.mark.parametrize("kwargs, key_pair", [
    ({"full": "José O'Brien"}, ("jose", "obrien")),
    ({"given": "ZOË", "family": "Smith-Jones"}, ("zoe", "smith jones")),
    ({"given": "Jane"}, ("jane", None)),
])
def test_name_keys_are_folded_for_matching(kwargs, key_pair):
    name = normalize_name(**kwargs)
    assert (name.given_key, name.family_key) == key_pair


@pytest.mark.parametrize("kwargs, field", [
    ({}, "full"),
    ({"given": None, "family": "", "full": "   "}, "full"),
    ({"full": "Dr."}, "full"),
    ({"full": ", ,"}, "full"),
    ({"given": "!!!", "family": "Smith"}, "given"),
    ({"given": "Jane", "family": "🙂"}, "family"),
    ({"given": "Ja\x00ne"}, "given"),
    ({"family": "x" * 201}, "family"),
])
def test_unusable_names_are_rejected_naming_the_field(kwargs, field):
    assert _field_of(lambda: normalize_name(**kwargs)) == field


# --- addresses -----------------------------------------------------------------------

@pytest.mark.parametrize("line1", [
    "12 Rose Lane", "12 Rose Ln", "12, Rose Lane", "12 ROSE LANE", "12 Rose Ln.", " 12  rose lane ",
])
def test_street_spellings_share_one_key(line1):
    address = normalize_address(line1=line1, postcode="ba1 1aa")
    assert address.key == "GB|BA11AA|12|rose lane"


@pytest.mark.parametrize("street, key_street", [
    ("Station Rd", "station road"), ("High St", "high street"), ("Park Ave", "park avenue"),
    ("Elm Dr", "elm drive"), ("Kings Ct", "kings court"), ("Mill Cl", "mill close"),
    ("Albion Tce", "albion terrace"), ("Russell Sq", "russell square"),
    ("St John's Rd", "st johns road"), ("Rue de l'Église", "rue de leglise"),
])
def test_only_the_final_street_type_is_expanded(street, key_street):
    assert normalize_address(street_number="1", line1=street, postcode="X1").key.endswith(
        "|1|" + key_street)


def test_street_number_is_taken_from_line1_and_display_forms_are_kept():
    address = normalize_address(line1="12a  Rose Lane", line2="Flat 3", locality=" Bath ",
                                postcode="ba1 1aa", region="Somerset", country="gb")
    assert address == NormalAddress("12A", "Rose Lane", "Flat 3", "Bath", "BA1 1AA",
                                    "Somerset", "GB")


@pytest.mark.parametrize("street_number, line1, expected", [
    (None, "12-14 Rose Lane", ("12-14", "Rose Lane")),
    ("12", "12 Rose Lane", ("12", "Rose Lane")),
    ("12", "Rose Lane", ("12", "Rose Lane")),
    ("7", "12 Rose Lane", ("7", "12 Rose Lane")),
    (None, "1st Avenue", (None, "1st Avenue")),
    (None, "Rose Cottage", (None, "Rose Cottage")),
    ("12 - 14", None, ("12-14", None)),
])
def test_street_number_extraction(street_number, line1, expected):
    address = normalize_address(street_number=street_number, line1=line1, postcode="BA1 1AA")
    assert (address.street_number, address.street) == expected


def test_locality_stands_in_for_a_missing_postcode():
    address = normalize_address(line1="12 Rose Lane", locality="Bradford-on-Avon")
    assert address.key == "GB|bradford on avon|12|rose lane"


@pytest.mark.parametrize("country, expected", [
    (None, "GB"), ("", "GB"), ("gb", "GB"), ("UK", "GB"), (" fr ", "FR"), ("US", "US"),
])
def test_country_is_iso2_upper_defaulting_to_gb(country, expected):
    address = normalize_address(line1="1 Main Street", postcode="X1", country=country)
    assert address.country == expected
    assert address.key.startswith(expected + "|")


def test_postcode_alone_is_enough_to_key_on():
    assert normalize_address(postcode="BA1 1AA").key == "GB|BA11AA||"


@pytest.mark.parametrize("kwargs, field", [
    ({}, "line1"),
    ({"locality": "Bath", "country": "GB"}, "line1"),
    ({"street_number": "12", "locality": "Bath"}, "line1"),
    ({"line1": "12 Rose Lane", "country": "Britain"}, "country"),
    ({"line1": "12 Rose Lane", "country": "XX"}, "country"),
    ({"line1": "12 Rose Lane", "postcode": "--"}, "postcode"),
    ({"line1": "12 Rose\x00Lane"}, "line1"),
    ({"line1": "12 Rose Lane", "locality": "B" * 201}, "locality"),
])
def test_unusable_addresses_are_rejected_naming_the_field(kwargs, field):
    assert _field_of(lambda: normalize_address(**kwargs)) == field


# --- companies -----------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("ACME Travel Ltd", "acme travel"),
    ("Acme Travel Limited", "acme travel"),
    ("ACME TRAVEL LTD.", "acme travel"),
    ("Acme Travel Co. Ltd", "acme travel"),
    ("The Acme Travel Company", "acme travel"),
    ("Acme Travel, Inc.", "acme travel"),
    ("Acme Travel L.L.C.", "acme travel"),
    ("Acme Reisen GmbH", "acme reisen"),
    ("Acme Viajes S.A.", "acme viajes"),
    ("Acme Holdings PLC", "acme holdings"),
    ("Smith & Co", "smith"),
    ("Marks & Spencer", "marks and spencer"),
    ("Marks and Spencer plc", "marks and spencer"),
    ("Sainsbury's", "sainsburys"),
    ("Nestlé", "nestle"),
    ("Limited", "limited"),
])
def test_company_key_drops_legal_suffixes_case_and_punctuation(raw, expected):
    assert company_key(raw) == expected


def test_company_key_rejects_a_name_without_letters():
    assert _field_of(lambda: company_key("!!! ...")) == "name"


# --- dates ---------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("2024-05-01", dt.date(2024, 5, 1)),
    (" 1999-12-31 ", dt.date(1999, 12, 31)),
    ("2024-02-29", dt.date(2024, 2, 29)),
])
def test_date_is_iso_year_month_day(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw", [
    "01/05/2024", "2024/05/01", "20240501", "2024-W18-3", "2024-5-1", "2024-05-01T00:00",
    "2023-02-29", "2024-13-01", "0000-01-01", "२०२४-०५-०१",
])
def test_anything_but_a_real_iso_date_is_rejected(raw):
    with pytest.raises(NormalizationError, match="date"):
        parse_date(raw)


UTC = dt.UTC


@pytest.mark.parametrize("raw, expected", [
    ("2024-05-01T09:30:00Z", dt.datetime(2024, 5, 1, 9, 30, tzinfo=UTC)),
    ("2024-05-01T09:30:00+00:00", dt.datetime(2024, 5, 1, 9, 30, tzinfo=UTC)),
    ("2024-05-01T10:30:00+01:00", dt.datetime(2024, 5, 1, 9, 30, tzinfo=UTC)),
    ("2024-05-01T04:30:00-05:00", dt.datetime(2024, 5, 1, 9, 30, tzinfo=UTC)),
    ("2024-05-01T09:30:00", dt.datetime(2024, 5, 1, 9, 30, tzinfo=UTC)),
    ("2024-05-01 09:30:00.250", dt.datetime(2024, 5, 1, 9, 30, 0, 250000, tzinfo=UTC)),
    ("2024-05-01", dt.datetime(2024, 5, 1, tzinfo=UTC)),
])
def test_datetime_is_returned_as_aware_utc(raw, expected):
    parsed = parse_datetime(raw)
    assert parsed == expected
    assert parsed.utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize("raw", [
    "yesterday", "01/05/2024 09:30", "2024-05-01T25:00:00", "2024-05-01T09:30:00+25:00",
    "0001-01-01T00:00:00+01:00",
])
def test_anything_but_iso_8601_datetime_is_rejected(raw):
    with pytest.raises(NormalizationError, match="ISO 8601"):
        parse_datetime(raw)
