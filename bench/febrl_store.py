"""idgraph's side of the FEBRL benchmark through the store: a private local server, the FEBRL
rows as API records, ingestion exactly as `POST /v1/records` runs it, and the persons read back.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from bench.private_server import Server
from graph import config
from graph.store import queries
from graph.store.driver import Store

SOURCE = "febrl"
OBSERVED_AT = "2026-01-01T00:00:00Z"   # one observation time: no record is stale against another
MAX_FIXES = 5

PERSONS = """
MATCH (r:SourceRecord {source: $source})-[:DESCRIBES]->(p:Person)
RETURN p.personId AS personId, collect(r.sourceId) AS ids
"""


def clear(server: Server) -> None:
    store = server.connect()
    try:
        queries.clear_all(store)
    finally:
        store.close()


def api_record(rec_id: str, row: dict) -> dict:
    """A FEBRL row as a source system would send it to POST /v1/records."""
    record: dict = {"source": SOURCE, "sourceId": rec_id, "observedAt": OBSERVED_AT}
    name = {k: row[c] for k, c in (("given", "given_name"), ("family", "surname")) if row.get(c)}
    if name:
        record["name"] = name
    born = row.get("date_of_birth") or ""
    if len(born) == 8 and born.isdigit():
        record["birthDate"] = f"{born[:4]}-{born[4:6]}-{born[6:]}"
    address = {k: row[c] for k, c in (("streetNumber", "street_number"), ("line1", "address_1"),
                                      ("line2", "address_2"), ("locality", "suburb"),
                                      ("postcode", "postcode"), ("region", "state")) if row.get(c)}
    if address.get("line1") or address.get("postcode"):
        record["addresses"] = [address | {"country": "AU"}]
    if row.get("soc_sec_id"):
        record["identifiers"] = [{"type": "nationalId", "value": row["soc_sec_id"]}]
    return record


def parse_all(items: list[dict], settings: config.Settings) -> tuple[list, Counter]:
    """Records as the API would accept them. A field the API refuses (an impossible birth date,
    an address without street or postcode) is dropped and the record sent again, as a feed's
    owner would; `fixes` counts the dropped fields (and 'rejected' the records left out)."""
    from service.parsing import parse_record

    records, fixes = [], Counter()
    for n, item in enumerate(items):
        for _ in range(MAX_FIXES):
            record, error = parse_record(n, item, settings)
            if record is not None:   # fields the API kept but set aside count as dropped too
                fixes.update(held.field.split(".")[0].split("[")[0] for held in record.set_aside)
                records.append(record)
                break
            field = next(iter(error["errors"])).split(".")[0].split("[")[0]
            if field not in item or field in ("source", "sourceId"):
                fixes["rejected"] += 1
                break
            fixes[field] += 1
            item = {k: v for k, v in item.items() if k != field}
        else:
            fixes["rejected"] += 1
    return records, fixes


def ingest_all(store: Store, settings: config.Settings, records: list, batch_size: int) -> Counter:
    """Ingest in batches as POST /v1/records does (with the model in use, graph/matching/model_file.py)."""
    from graph.resolution.ingest import ingest

    outcomes: Counter = Counter()
    for start in range(0, len(records), batch_size):
        outcomes.update(o.outcome for o in ingest(store, settings, records[start:start + batch_size]))
    return outcomes


def train(server: Server, items: list[dict]) -> tuple[Path, float]:
    """What an operator does after a first load: ingest, then `idgraph model train` (the same
    sampling and fit), saving the model where ingestion looks for it in the server's data folder.
    Starts from the shipped default each time. Returns the model's path and the training seconds."""
    import time

    from graph.matching import fit, load_default_model
    from graph.matching.model_file import model_path, save_model
    from service.cli.model import read_sample

    settings = server.settings()
    path = model_path(settings)
    path.unlink(missing_ok=True)
    clear(server)
    store = server.connect()
    try:
        records, _ = parse_all(items, settings)
        ingest_all(store, settings, records, 200)
        started = time.perf_counter()
        sample, total = read_sample(store, 50_000, 2000, seed=0)
        model = fit(sample, load_default_model())
        seconds = time.perf_counter() - started
    finally:
        store.close()
    return save_model(model, path, {"records": total, "sampled": len(sample)}), seconds


def forget_model(server: Server) -> None:
    """Back to the shipped default for the next dataset."""
    from graph.matching.model_file import model_path

    model_path(server.settings()).unlink(missing_ok=True)


def read_clusters(store: Store) -> list[list[str]]:
    return [row["ids"] for row in store.query(PERSONS, source=SOURCE)]


