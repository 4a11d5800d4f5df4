import datetime as dt

import pytest

from graph.resolution.conflicts import Facts, conflict, national_ids_compatible


def test_national_ids_one_keying_slip_apart_are_compatible():
    assert national_ids_compatible("QQ123456C", "QQ123456C")
    assert national_ids_compatible("QQ123456C", "QQ123465C")     # two digits swapped
    assert national_ids_compatible("QQ123456C", "QQ123457C")     # one mistyped
    assert not national_ids_compatible("QQ123456C", "QQ654321B")
    assert not national_ids_compatible("QQ123456C", "QQ123478C")


def test_clearly_different_national_ids_are_a_conflict_a_typo_is_not():
    assert conflict(Facts(national_ids={"QQ123456C"}), Facts(national_ids={"QQ654321B"})) == "different national ids"
    assert conflict(Facts(national_ids={"QQ123456C"}), Facts(national_ids={"QQ123465C"})) is None


def test_one_national_id_outweighs_a_given_name_or_birth_date_slip():
    a = Facts(given={"thomas"}, birth_dates={dt.date(1972, 8, 12)}, national_ids={"1451137"})
    renamed = Facts(given={"flynn"}, birth_dates={dt.date(1972, 8, 12)}, national_ids={"1451137"})
    reborn = Facts(given={"thomas"}, birth_dates={dt.date(1930, 5, 21)}, national_ids={"1451137"})
    assert conflict(a, renamed) is None
    assert conflict(a, reborn) is None
    assert conflict(a, Facts(given={"flynn"}, birth_dates={dt.date(1972, 8, 12)})) == "different given names"


def test_given_name_and_birth_date_together_outweigh_a_national_id_slip():
    a = Facts(given={"james"}, birth_dates={dt.date(1905, 7, 16)}, national_ids={"7830672"})
    b = Facts(given={"james"}, birth_dates={dt.date(1905, 7, 16)}, national_ids={"4003660"})
    assert conflict(a, b) is None
    undated = Facts(given={"james"}, national_ids={"4003660"})
    assert conflict(a, undated) == "different national ids"
    stranger = Facts(given={"peter"}, birth_dates={dt.date(1905, 7, 16)}, national_ids={"4003660"})
    assert conflict(a, stranger) == "different national ids"


def test_twins_and_a_junior_still_conflict():
    born = {dt.date(2001, 5, 5)}
    assert conflict(Facts(given={"emma"}, birth_dates=born), Facts(given={"olivia"}, birth_dates=born)) \
        == "different given names"
    assert conflict(Facts(given={"john"}, birth_dates={dt.date(1950, 1, 2)}),
                    Facts(given={"john"}, birth_dates={dt.date(1980, 3, 4)})) == "different birth dates"


@pytest.mark.parametrize(("a", "b"), [("alexander", "alexandra"), ("daniel", "danielle"), ("christopher", "christina"),
                                      ("patrick", "patricia"), ("frederick", "frederica")])
def test_twins_whose_names_share_a_diminutive_conflict(a, b):
    born = {dt.date(2001, 5, 5)}
    assert conflict(Facts(given={a}, birth_dates=born), Facts(given={b}, birth_dates=born)) == "different given names"


@pytest.mark.parametrize(("a", "b"), [("robert", "bob"), ("elizabeth", "liz"), ("j", "jane"), ("jonathan", "jonathon")])
def test_a_nickname_an_initial_or_a_typo_is_no_conflict(a, b):
    born = {dt.date(2001, 5, 5)}
    assert conflict(Facts(given={a}, birth_dates=born), Facts(given={b}, birth_dates=born)) is None


def test_a_sure_model_overrules_one_clash_but_never_two_and_stitching_never():
    emma = Facts(given={"emma"}, birth_dates={dt.date(1990, 1, 2)})
    sophie = Facts(given={"sophie"}, birth_dates={dt.date(1990, 1, 2)})
    assert conflict(emma, sophie) == "different given names"                 # a shared phone alone
    assert conflict(emma, sophie, probability=0.95) == "different given names"
    assert conflict(emma, sophie, probability=0.995) is None
    older = Facts(given={"sophie"}, birth_dates={dt.date(1950, 6, 7)})
    assert conflict(emma, older, probability=0.99999) == "different birth dates"


def test_a_national_id_clash_is_left_to_the_model_when_the_given_name_or_birth_date_agrees():
    a = Facts(given={"harriet"}, birth_dates={dt.date(1936, 1, 15)}, national_ids={"9280016"})
    undated = Facts(given={"harriet"}, national_ids={"5056485"})
    unnamed = Facts(birth_dates={dt.date(1936, 1, 15)}, national_ids={"5056485"})
    unknown = Facts(national_ids={"5056485"})
    for other in (undated, unnamed):
        assert conflict(a, other) == "different national ids"           # stitching alone: blocked
        assert conflict(a, other, probability=0.95) is None             # the model's verdict decides
    assert conflict(a, unknown, probability=0.95) == "different national ids"   # nothing else agrees
    assert conflict(a, unknown, probability=0.995) is None
    junior = Facts(given={"harriet"}, birth_dates={dt.date(1966, 4, 2)}, national_ids={"5056485"})
    assert conflict(a, junior, probability=0.999) == "different national ids"    # two clashes
