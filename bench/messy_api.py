"""idgraph against Splink on messy generated customers, through the API, as a new user onboards a source.

    python -m bench.messy_api [--engine arcadedb|neo4j] [--people 1000] [--seed 1] [--batch 500] [--no-splink]

The done-when of issue 13. Starts a private server of --engine (bench/private_server.py) and the real
app under waitress on a loopback port, then:

1. posts graph.demo.population's ``messy=True`` records (bench/messy.py describes them; each sent as the
   export has it: impossible dates, broken e-mails, town-only addresses included) to ``POST /v1/records``
   in batches, and counts the records refused and the warnings per field (each field set aside);
2. scores the persons incremental ingestion made with the shipped model;
3. runs ``idgraph model train`` then ``idgraph resolve --all`` against that server, as the README says
   to take on a new source (their own reports are printed), and scores the persons again;
4. fits Splink 5 (DuckDB) on the same records in a fresh process (bench/splink_person.py's settings,
   as bench/resolve_all.py gives it), printed with what it learnt.

Prints pairwise precision, recall and F1 of each beside the others, against the generator's truth.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import requests
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))   # run as a script from anywhere
from bench.ingest_whois import _progress, http_api  # noqa: E402
from bench.messy import _in_fresh_process, console, run_splink, show_splink  # noqa: E402
from bench.private_server import Server, add_engine_option, private_server  # noqa: E402
from bench.resolve_all import pairwise, truth_pairs  # noqa: E402
from graph.access import apikeys  # noqa: E402
from graph.demo.population import generate_population  # noqa: E402
from graph.demo.population_records import raw_api_record  # noqa: E402

PERSONS = "MATCH (r:SourceRecord)-[:DESCRIBES]->(p:Person) RETURN r.recordKey AS r, p.personId AS p"


def _field(path: str, item: dict) -> str:
    """A warning's field without its index, an identifier named by its type: 'identifiers[].email'."""
    found = re.match(r"identifiers\[(\d+)\]", path)
    if found:
        return f"identifiers[].{item['identifiers'][int(found.group(1))]['type']}"
    return re.sub(r"\[\d+\]", "[]", path)


def post_records(base: str, headers: dict, items: list[dict], batch: int) -> tuple[Counter, Counter, Counter]:
    """(outcomes, refused fields, warnings per field) of posting every item."""
    outcomes, refused, warnings = Counter(), Counter(), Counter()
    with requests.Session() as session, _progress() as bar:
        task = bar.add_task("POST /v1/records", total=len(items))
        for start in range(0, len(items), batch):
            chunk = items[start:start + batch]
            response = session.post(f"{base}/v1/records", json={"records": chunk}, headers=headers, timeout=600)
            body = response.json()
            if response.status_code not in (200, 207):
                raise SystemExit(f"POST /v1/records answered {response.status_code}: {body}")
            for result in body["results"]:
                outcomes[result["outcome"]] += 1
                for path in result["warnings"]:
                    warnings[_field(path, chunk[result["index"]])] += 1
            for error in body["errors"]:
                refused.update(error["errors"])
            bar.advance(task, len(chunk))
    return outcomes, refused, warnings


def idgraph(server: Server, *args: str) -> None:
    """Run the idgraph CLI against the private server, as a user would; its report goes to the console."""
    env = dict(os.environ, IDGRAPH_URI=server.uri, IDGRAPH_USER=server.user, IDGRAPH_PASSWORD=server.password,
               IDGRAPH_DATABASE=server.database, IDGRAPH_ENGINE=server.engine,
               IDGRAPH_DATA_DIR=str(server.settings().data_dir))
    env.pop("IDGRAPH_MODEL", None)    # the model train writes is the one resolve --all reads
    command = [str(Path(sys.executable).with_name("idgraph")), *args]
    console.print(f"[bold]$ idgraph {' '.join(args)}")
    subprocess.run(command, env=env, check=True)


def scored(store, population, started: float) -> dict:
    groups = {row["r"]: row["p"] for row in store.query(PERSONS)}
    precision, recall, f1 = pairwise(groups, truth_pairs(population))
    return {"precision": precision, "recall": recall, "f1": f1, "seconds": time.perf_counter() - started,
            "persons": len(set(groups.values()))}


def field_table(warnings: Counter, refused: Counter) -> Table:
    table = Table(title="fields set aside (stored, reported as warnings) and records refused")
    for column in ("field", "warnings", "refused"):
        table.add_column(column, justify="left" if column == "field" else "right")
    for field in sorted(set(warnings) | set(refused)):
        table.add_row(field, str(warnings[field]), str(refused[field]))
    return table


def result_table(population, rows: list[tuple[str, dict]]) -> Table:
    people = len({p for _, p in population})
    table = Table(title=f"messy customers through the API: {len(population)} records of {people} people")
    for column in ("system", "persons", "precision", "recall", "F1", "seconds"):
        table.add_column(column, justify="left" if column == "system" else "right")
    for name, o in rows:
        table.add_row(name, str(o.get("persons", "")), f"{o['precision']:.4f}", f"{o['recall']:.4f}",
                      f"{o['f1']:.4f}", f"{o['seconds']:.1f}")
    return table


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_engine_option(parser)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=500, help="records per POST (at most 1,000)")
    parser.add_argument("--no-splink", action="store_true")
    args = parser.parse_args(argv)
    population = generate_population(args.people, args.seed, messy=True)
    items = [raw_api_record(n, fields) for n, (fields, _) in enumerate(population)]
    rows = []
    with private_server(engine=args.engine) as server:
        store = server.connect()
        try:
            headers = {"Authorization": f"Bearer {apikeys.issue(store, 'steward', name='bench').key}"}
            started = time.perf_counter()
            with http_api(server.settings(), store) as (base, _):
                outcomes, refused, warnings = post_records(base, headers, items, args.batch)
            rows.append(("idgraph: POST /v1/records (shipped model)", scored(store, population, started)))
            console.print(field_table(warnings, refused))
            console.print(f"outcomes {dict(outcomes)}; records refused: {sum(refused.values())}")
            started = time.perf_counter()
            idgraph(server, "model", "train")
            idgraph(server, "resolve", "--all")
            rows.append(("idgraph: then model train + resolve --all", scored(store, population, started)))
        finally:
            store.close()
    if not args.no_splink:
        theirs = _in_fresh_process(run_splink, population)
        show_splink(theirs)
        rows.append(("Splink 5 (DuckDB), fitted on the same records", theirs))
    console.print(result_table(population, rows))


if __name__ == "__main__":
    main()
