"""The relatives' prior fitted to the data at hand, for ingestion (graph/matching/relatives_share.py).

Each chunk reads the evidence from the chunk, the stored records around it, and a sample of the
stored records that share an address. The sample is kept per store and model in this process and
read again only when the number of stored records has changed by a tenth since (a growing load
re-reads it a few times, one record at a time hardly ever) or the store's first record is another
one (the store was cleared and loaded again).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

from graph.config import Settings
from graph.matching import Model, match_input
from graph.matching.relatives_share import address_odds, fitted_to
from graph.resolution.blocking import BLOCK_DEGREE_CAP
from graph.store import queries_relatives

SCAN_ADDRESSES = 20_000
STALE = 0.1


@dataclass(frozen=True)
class _Sample:
    records: int
    first: str
    odds: tuple[float, ...]


_samples: dict[tuple, _Sample] = {}
_lock = threading.Lock()


def fitted_model(tx, settings: Settings, model: Model, chunk: dict[str, dict], around: list[dict]) -> Model:
    """``model`` with its relatives' prior fitted to the stored sample, the ``chunk``'s records (by
    record key) and the stored records ``around`` them."""
    local = address_odds(model, list(chunk.values()) + around, BLOCK_DEGREE_CAP, new=len(chunk))
    return fitted_to(model, list(_stored_odds(tx, settings, model, sorted(chunk))) + local)


def _stored_odds(tx, settings: Settings, model: Model, chunk_keys: list[str]) -> tuple[float, ...]:
    mark = tx.run(queries_relatives.STORE_MARK).single()
    if mark is None:
        return ()
    records, first = mark["records"], mark["first"]
    key = (settings.uri, settings.database, str(settings.data_dir), model.trained_at, model.prior)
    with _lock:
        sample = _samples.get(key)
    if sample is None or sample.first != first or abs(records - sample.records) > STALE * max(sample.records, 1):
        sample = _Sample(records, first, tuple(_read_odds(tx, model, chunk_keys)))
        with _lock:
            _samples[key] = sample
    return sample.odds


def _read_odds(tx, model: Model, exclude: list[str]) -> list[float]:
    rows = tx.run(queries_relatives.ADDRESS_GROUPS, scan=SCAN_ADDRESSES, cap=BLOCK_DEGREE_CAP, exclude=exclude)
    return [odds for row in rows
            for odds in address_odds(model, [match_input.loads(f) for f in row["fields"]], BLOCK_DEGREE_CAP)]
