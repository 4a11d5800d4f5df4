"""The relatives' prior fitted to the data at hand (graph/matching/relatives_share.py)."""
from __future__ import annotations

from graph.matching.defaults import load_default_model
from graph.matching.relatives_share import address_odds, estimate_share, fitted_to, model_share, relatives_odds

MODEL = load_default_model()


def at(n: int, given: str, family: str, born: str | None = None, **fields) -> dict:
    address = {"streetNumber": str(n), "street": "mill road", "postcode": "LS14AP", "locality": "leeds"}
    return {"given": given, "family": family, **({"birthDate": born} if born else {}), **address, **fields}


def duplicates(count: int) -> list[tuple[dict, dict]]:
    born = [f"1960-01-1{n % 10}" for n in range(count)]
    return [(at(n, "amelia", f"hart{n}", born[n]), at(n, "amelia", f"hart{n}e", born[n])) for n in range(count)]


def relatives(count: int) -> list[tuple[dict, dict]]:
    return [(at(n, "amelia", f"hart{n}", "1960-01-11"), at(n, "oliver", f"hart{n}", "1988-07-02"))
            for n in range(count)]


def odds(pairs) -> list[float]:
    return [relatives_odds(MODEL, a, b) for a, b in pairs]


def test_only_pairs_at_one_exact_address_are_read():
    a = at(1, "amelia", "hart", "1960-01-11")
    assert relatives_odds(MODEL, a, dict(a, streetNumber="2")) is None
    assert relatives_odds(MODEL, a, dict(a, birthDate="1961-01-11")) is not None


def test_duplicates_lower_the_share_relatives_raise_it_never():
    assert estimate_share(MODEL, odds(duplicates(100))) < model_share(MODEL) / 20
    assert estimate_share(MODEL, odds(relatives(100))) > model_share(MODEL)
    assert fitted_to(MODEL, odds(relatives(100))) is MODEL
    assert fitted_to(MODEL, odds(duplicates(100))).relatives.prior < MODEL.relatives.prior / 20


def test_a_pair_or_two_moves_the_share_less_than_many():
    few, many = estimate_share(MODEL, odds(duplicates(2))), estimate_share(MODEL, odds(duplicates(200)))
    assert many < few < model_share(MODEL)
    assert estimate_share(MODEL, []) == model_share(MODEL)


def test_the_share_follows_the_mix_of_duplicates_and_relatives():
    shares = [estimate_share(MODEL, odds(duplicates(100 - r) + relatives(r))) for r in (10, 30, 50)]
    assert shares == sorted(shares)
    assert abs(shares[1] - 0.3) < 0.1


def test_address_odds_pairs_records_by_address_and_counts_only_pairs_with_a_new_record():
    records = [r for pair in duplicates(3) for r in pair]          # three addresses, two records each
    assert len(address_odds(MODEL, records, cap=50)) == 3
    assert len(address_odds(MODEL, records, cap=50, new=2)) == 1   # the first address's pair only
    assert address_odds(MODEL, records, cap=1) == []               # every address a hub


def test_a_duplicate_with_a_mistyped_national_id_matches_once_the_data_shows_no_households():
    a = at(3, "harriet", "belperio", "1936-01-15", nationalId="9280016")
    b = at(3, "harriet", "belperi", nationalId="5056485")
    assert not MODEL.score(a, b).is_match(MODEL.threshold)
    assert fitted_to(MODEL, odds(duplicates(100))).score(a, b).is_match(MODEL.threshold)
