"""Batch re-resolution: clusters tied by a shared identifier are judged by the model, and a large
blocking key is compared in a window (graph/resolution/batch.py)."""
from __future__ import annotations

import datetime as dt

from graph.matching import load_default_model
from graph.model import Identifier
from graph.resolution.batch import WINDOW, BatchRecord, candidate_pairs, resolve
from graph.resolution.blocking import block_keys
from graph.resolution.conflicts import Facts
from graph.resolution.linkage import Scorer

MODEL = load_default_model()
HOME = {"family": "Clarke", "birthDate": "2001-05-05", "streetNumber": "12", "street": "rose lane",
        "postcode": "BA11AA", "phone": "+447700900123"}


def record(key: str, fields: dict, *shared: tuple[str, str]) -> BatchRecord:
    holdings = tuple(Identifier(kind, value, f"{kind}:{value}", {}, None, None) for kind, value in shared)
    facts = Facts({fields["given"].lower()}, {dt.date.fromisoformat(fields["birthDate"])}, set(),
                  {fields["family"].lower()})
    return BatchRecord(key, None, "", fields, frozenset(block_keys(fields).values()), facts, holdings)


def test_one_persons_records_a_shared_identifier_ties_join_past_a_mistyped_given_name():
    # 'Egtty' and 'Betty' clash as given names; the same e-mail, phone, birth date and home make the
    # model sure enough to overrule that one clash (it was never asked while an identifier tied them)
    betty = dict(HOME, given="Betty", email="betty.clarke52@example.com")
    shared = (("email", betty["email"]), ("phone", HOME["phone"]))
    records = [record("a", betty, *shared), record("b", dict(betty, given="Egtty"), *shared)]
    assert resolve(records, Scorer(MODEL, remember=False), MODEL.threshold) == [{"a", "b"}]


def test_twins_a_family_phone_ties_stay_apart():
    records = [record(key, dict(HOME, given=given), ("phone", HOME["phone"]))
               for key, given in (("a", "Emma"), ("b", "Sophie"))]
    assert resolve(records, Scorer(MODEL, remember=False), MODEL.threshold) == [{"a"}, {"b"}]


def _holders(count: int) -> list[BatchRecord]:
    # every record under one key ('the Smiths of Bath'), each with its own given name
    return [BatchRecord(f"r{n:03}", None, "", {"given": f"given{n:03}", "family": "smith"}, frozenset({"shared"}),
                        Facts()) for n in range(count)]


def test_a_key_held_by_few_records_pairs_them_all():
    _, pairs = candidate_pairs(_holders(WINDOW))
    assert len(pairs) == WINDOW * (WINDOW - 1) // 2


def test_a_key_held_by_many_records_pairs_each_with_its_neighbours_in_name_order():
    count = 4 * WINDOW
    _, pairs = candidate_pairs(_holders(count))
    assert {(i, i + 1) for i in range(count - 1)} <= pairs
    assert all(j - i <= WINDOW for i, j in pairs)
    assert len(pairs) < count * WINDOW


def test_namesakes_an_email_ties_stay_apart_when_their_national_ids_differ():
    # a lone national-id clash is left to the model at its threshold between records nothing ties;
    # an identifier's tie asks it to be sure (as ingestion: tests/integration/test_resolution.py)
    tom = {"given": "Tom", "family": "Ash", "email": "ash@example.com"}
    records = [BatchRecord(key, None, "", dict(tom, nationalId=nid), frozenset(block_keys(tom).values()),
                           Facts({"tom"}, set(), {nid}, {"ash"}), (Identifier("email", tom["email"], "email:ash", {},
                                                                             None, None),))
               for key, nid in (("a", "QQ123456A"), ("b", "QQ654321B"))]
    assert resolve(records, Scorer(MODEL, remember=False), MODEL.threshold) == [{"a"}, {"b"}]
