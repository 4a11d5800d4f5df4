"""Fuzzy who-is-this: what to look up for a partial description, and how to rank who it finds. Pure.

A query is normalised into a probe `Record` exactly as ingestion normalises a source record
(graph.intake.records), so the probe and the stored records' `matchFields` compare like two records.
The store finds candidate persons through the probe's `Routes`; `rank` scores the probe
against each candidate's records, keeps each person's best record, and returns only those
above a floor: a weak resemblance is no answer.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from graph.matching import MatchResult, Model, blocking_keys, match_input
from graph.matching.blocking import rule_of
from graph.model import Record
from graph.reads.explain import comparison

DEFAULT_FLOOR = 0.5
DEFAULT_LIMIT = 10
EXPLAINED_COMPARISONS = 3


@dataclass(frozen=True)
class Routes:
    """How the store finds candidates for a probe."""
    identifier_keys: tuple[str, ...]   # e-mail and phone keys
    family_keys: tuple[str, ...]       # the family name, and the given name (a swap)
    given_keys: tuple[str, ...]
    birth_date: dt.date | None
    address_prefix: str | None         # 'COUNTRY|POSTCODE|' or 'COUNTRY|POSTCODE|NUMBER|'
    blocks: tuple[tuple[str, str], ...] = ()   # (blocking rule, the probe's key under it)


@dataclass(frozen=True)
class Candidate:
    person_id: str
    display_name: str | None
    records: tuple[tuple[str, Mapping], ...]   # (record key, matchFields)


def probe_fields(probe: Record) -> dict:
    return match_input.match_fields(probe)


def routes(probe: Record) -> Routes:
    keys = tuple(sorted(i.key for i in probe.identifiers if i.kind in ("email", "phone")))
    family = tuple(dict.fromkeys(k for k in (probe.family_key, probe.given_key) if k))
    given = tuple(k for k in (probe.given_key,) if k)
    blocks = tuple((rule_of(key), key) for key in blocking_keys(probe_fields(probe)))
    return Routes(keys, family, given, probe.birth_date, _address_prefix(probe), blocks)


def _address_prefix(probe: Record) -> str | None:
    addresses = probe.of_kind("address")
    if not addresses:
        return None
    country, place, number, _street = (addresses[0].value.split("|") + ["", "", "", ""])[:4]
    if not place:
        return None
    return "|".join((country, place, number, "")) if number else f"{country}|{place}|"


def best_match(probe: Mapping, candidate: Candidate, model: Model) -> tuple[str, MatchResult] | None:
    scored = [(key, model.score(probe, fields)) for key, fields in candidate.records]
    return max(scored, key=lambda item: item[1].match_weight, default=None)


def explanation(result: MatchResult) -> str:
    """The strongest few pieces of evidence each way, e.g. 'birthDate exact +9.2, given nickname +4.1'."""
    telling = sorted((c for c in result.contributions if abs(c.weight) >= 0.5), key=lambda c: -abs(c.weight))
    parts = [f"{c.comparison} {c.level} {c.weight:+.1f}" for c in telling[:EXPLAINED_COMPARISONS]]
    return ", ".join(parts) or "no telling evidence either way"


def rank(probe: Mapping, candidates: Sequence[Candidate], model: Model,
         floor: float = DEFAULT_FLOOR, limit: int = DEFAULT_LIMIT) -> list[dict]:
    """Candidates whose best record matches the probe with probability >= floor, best first."""
    found = []
    for candidate in candidates:
        best = best_match(probe, candidate, model)
        if best is None or best[1].probability < floor:
            continue
        key, result = best
        found.append({"personId": candidate.person_id, "name": candidate.display_name,
                      "probability": result.probability, "record": key,
                      "explanation": explanation(result), **_comparisons(result)})
    found.sort(key=lambda c: (-c["matchWeight"], c["personId"]))
    return found[:limit]


def _comparisons(result: MatchResult) -> dict:
    scored = comparison(result)
    return {"matchWeight": scored["matchWeight"], "comparisons": scored["comparisons"]}
