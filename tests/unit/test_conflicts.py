from graph.conflicts import Facts, conflict, national_ids_compatible


def test_national_ids_one_keying_slip_apart_are_compatible():
    assert national_ids_compatible("QQ123456C", "QQ123456C")
    assert national_ids_compatible("QQ123456C", "QQ123465C")     # two digits swapped
    assert national_ids_compatible("QQ123456C", "QQ123457C")     # one mistyped
    assert not national_ids_compatible("QQ123456C", "QQ654321B")
    assert not national_ids_compatible("QQ123456C", "QQ123478C")


def test_clearly_different_national_ids_are_a_conflict_a_typo_is_not():
    assert conflict(Facts(national_ids={"QQ123456C"}), Facts(national_ids={"QQ654321B"})) == "different national ids"
    assert conflict(Facts(national_ids={"QQ123456C"}), Facts(national_ids={"QQ123465C"})) is None
