"""The roles a person holds besides employment, from their records, with source and validity. Pure.

A record states its roles as parallel lists (graph/resolution/ingest.py: role_props). Each role keeps
the record, source and observation it came from; a role is current while its validTo has not passed.
"""
from __future__ import annotations

import datetime as dt


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def held_roles(records: list[dict], today: dt.date | None = None) -> list[dict]:
    """Every role the records state, current ones first, then by role and validity."""
    today = today or dt.date.today()
    out = []
    for r in records:
        columns = [r.get(k) or [] for k in ("roleKinds", "roleOrganisations", "roleStances", "roleValidFrom",
                                             "roleValidTo")]
        for kind, organisation, stance, start, end in zip(*columns, strict=True):
            valid_to = _date(end)
            out.append({"role": kind, "organisation": organisation or None, "stance": stance or None,
                        "validFrom": _date(start), "validTo": valid_to,
                        "current": valid_to is None or valid_to >= today,
                        "record": r["recordKey"], "source": r.get("source"), "observedAt": r.get("observedAt")})
    return sorted(out, key=lambda x: (not x["current"], x["role"], str(x["validFrom"] or ""), x["record"]))
