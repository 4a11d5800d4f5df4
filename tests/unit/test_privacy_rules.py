"""Pure parts of erasure: keyed hashes, the secret, and the rules re-checked for those left behind."""
from __future__ import annotations

import dataclasses
import hashlib
import hmac

from graph import config
from graph.privacy import suppression
from graph.privacy.rights import still_generic, still_refused


def holder(pid: str, given: str, family: str = "smith") -> dict:
    return {"personId": pid, "givenKey": given, "familyKey": family}


def test_keyed_hash_is_hmac_sha256_of_the_identifier_key_never_the_value():
    digest = suppression.keyed_hash(b"k", "email:jane@example.com")
    assert digest == hmac.new(b"k", b"email:jane@example.com", hashlib.sha256).hexdigest()
    assert digest != hashlib.sha256(b"email:jane@example.com").hexdigest()
    assert "jane" not in digest and suppression.keyed_hash(b"other", "email:jane@example.com") != digest


def test_secret_from_the_environment_wins(tmp_path):
    from_env = config.load({"IDGRAPH_SUPPRESSION_SECRET": "from-env"})
    assert suppression.secret(dataclasses.replace(from_env, data_dir=tmp_path)) == b"from-env"
    assert not (tmp_path / suppression.SECRET_FILE).exists()


def test_secret_file_is_created_once_private_and_reused(tmp_path):
    settings = dataclasses.replace(config.load({}), data_dir=tmp_path / "data")
    assert suppression.secret(settings, create=False) is None        # nothing erased: nothing to check
    first = suppression.secret(settings)
    assert len(first) == 64 and suppression.secret(settings) == first
    assert (tmp_path / "data" / suppression.SECRET_FILE).stat().st_mode & 0o777 == 0o600


def test_addresses_are_never_suppressed():
    assert "address" not in suppression.SUPPRESSIBLE
    assert {"email", "phone", "loyaltyCard", "account", "social", "device", "nationalId"} <= suppression.SUPPRESSIBLE


def test_an_identifier_stays_generic_only_while_more_than_threshold_differently_named_people_hold_it():
    five = [holder(f"P-{n}", given) for n, given in enumerate(["ann", "bob", "cy", "di", "ed"])]
    assert still_generic(five, 3)
    assert not still_generic(five[:3], 3)
    same_name = [holder(f"P-{n}", "ann") for n in range(5)]
    assert not still_generic(same_name, 3)


def test_a_refused_merge_needs_two_persons_left():
    assert still_refused([holder("P-1", "ann"), holder("P-2", "bob")])
    assert not still_refused([holder("P-1", "ann"), holder("P-1", "ann")])
    assert not still_refused([{"personId": None}])
