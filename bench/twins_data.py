"""Generated customers with behaviour as files idgraph ingests: the README's twins walkthrough.

    python -m bench.twins_data [--people 600] [--seed 7] [--out twins-data]

Writes `records.ndjson` (one record per customer: name, birth date, lifetime spend, an e-mail,
analytics consent), `events.ndjson` (their touchpoints, with planted signal and noise:
graph/demo/behaviour.py) and `visitor.ndjson`: the touchpoints of one more customer, held out, seen
only with a cookie (`ck-7f3a`) up to their next purchase, and `login.ndjson`: that cookie's login with the
customer's e-mail.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from graph.demo.behaviour import Customer, behaviour_population
from graph.demo.population import FAMILY, FEMALE, MALE
from graph.twins.labels import intention_split

COOKIE = "ck-7f3a"
BIRTH_YEARS = {"18-34": 1998, "35-54": 1980, "55+": 1956}
SPEND = {"low": 150.0, "mid": 1200.0, "high": 8000.0}


def record(n: int, customer: Customer) -> dict:
    given = (MALE + FEMALE)[n % (len(MALE) + len(FEMALE))]
    return {"source": "shop", "sourceId": customer.key, "observedAt": "2026-01-01T00:00:00Z",
            "name": {"given": given.title(), "family": FAMILY[n * 7 % len(FAMILY)].title()},
            "birthDate": f"{BIRTH_YEARS[customer.segments['ageBand']]}-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
            "identifiers": [{"type": "email", "value": f"{customer.key.lower()}@example.com"}],
            "metrics": {"lifetimeSpend": SPEND[customer.segments["valueBand"]]}, "consent": {"analytics": True}}


def events(key: str, happened: list[dict], identifiers: list[dict], consent: dict | None = None) -> list[dict]:
    return [{k: v for k, v in e.items() if k != "at"} | {
        "source": "web", "eventId": f"{key}-{n}", "at": e["at"].isoformat(), "identifiers": identifiers,
        "consent": consent or {}} for n, e in enumerate(happened)]


def write(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=600)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path("twins-data"))
    args = parser.parse_args()
    *known, visitor = behaviour_population(args.people + 1, seed=args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    write(args.out / "records.ndjson", [record(n, c) for n, c in enumerate(known)] + [record(len(known), visitor)])
    write(args.out / "events.ndjson", [e for c in known for e in events(c.key, c.events, [
        {"type": "email", "value": f"{c.key.lower()}@example.com"}])])
    history, _ = intention_split(visitor.events)
    write(args.out / "visitor.ndjson", events(f"visit-{visitor.key}", history, [{"type": "device", "value": COOKIE}],
                                              {"analytics": True}))
    login = {"source": "web", "eventId": "login-1", "kind": "login", "at": "2026-12-01T09:00:00Z",
             "identifiers": [{"type": "device", "value": COOKIE},
                             {"type": "email", "value": f"{visitor.key.lower()}@example.com"}]}
    write(args.out / "login.ndjson", [login])
    print(f"{len(known)} customers, visitor {visitor.key} ({visitor.segments}) -> {args.out}/")


if __name__ == "__main__":
    main()
