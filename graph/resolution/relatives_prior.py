"""The relatives' prior fitted to the data at hand, for ingestion (graph/matching/relatives_share.py).

Each chunk reads the evidence from the chunk, the stored records around it, and a sample of the
stored records that share an address. The sample is read again only when the number of stored
records has changed by a tenth since it was read (a growing load re-reads it a few times, one
record at a time never), and is kept per store and model in this process.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

from graph.config import Settings
from graph.matching import Model, match_input
from graph.matching.relatives_share import address_odds, fitted_to
from graph.resolution.blocking import BLOCK_DEGREE_CAP
from graph.store import queries_ingest, queries_relatives

SCAN_ADDRESSES = 20_000
STALE = 0.1


@dataclass(frozen=True)
class _Sample:
    records: int
    odds: tuple[float, ...]


_samples: dict[tuple, _Sample] = {}
_lock = threading.Lock()


def fitted_model(tx, settings: Settings, model: Model, chunk: list[dict], around: list[dict]) -> Model:
    """``model`` with its relatives' prior fitted to the stored sample, the chunk's records (first)
    and the stored records ``around`` them."""
    local = address_odds(model, chunk + around, BLOCK_DEGREE_CAP, new=len(chunk))
    return fitted_to(model, list(_stored_odds(tx, settings, model)) + local)


def _stored_odds(tx, settings: Settings, model: Model) -> tuple[float, ...]:
    records = tx.run(queries_ingest.RECORD_COUNT).single()["n"]
    key = (settings.uri, settings.database, str(settings.data_dir), model.trained_at, model.prior)
    with _lock:
        sample = _samples.get(key)
    if sample is None or abs(records - sample.records) > STALE * max(sample.records, 1):
        sample = _Sample(records, tuple(_read_odds(tx, model)))
        with _lock:
            _samples[key] = sample
    return sample.odds


def _read_odds(tx, model: Model) -> list[float]:
    rows = tx.run(queries_relatives.ADDRESS_GROUPS, scan=SCAN_ADDRESSES, cap=BLOCK_DEGREE_CAP)
    return [odds for row in rows
            for odds in address_odds(model, [match_input.loads(f) for f in row["fields"]], BLOCK_DEGREE_CAP)]
