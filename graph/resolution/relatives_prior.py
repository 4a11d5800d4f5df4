"""The relatives' prior fitted to the data at hand, and both priors scaled to the store, for ingestion
(graph/matching/relatives_share.py, Model.at_scale).

Each chunk reads the evidence from the chunk, the stored records around it, and a sample of the
stored records that share an address. The sample is kept per store and model in this process and
read again only when this process has ingested a tenth as many records as the store held when it
was read (a growing load re-reads it a few times, one record at a time hardly ever) or the store's
first record is another one (the store was cleared and loaded again). A chunk adds one one-row
read; the records are counted only when the sample is read again.
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
    first: str
    odds: tuple[float, ...]


_samples: dict[tuple, _Sample] = {}
_ingested: dict[tuple, int] = {}      # records this process ingested since its sample was read
_lock = threading.Lock()


def fitted_model(tx, settings: Settings, model: Model, chunk: dict[str, dict], around: list[dict]) -> Model:
    """``model`` at the store's scale (``Model.at_scale``, as resolve --all applies it), with its
    relatives' prior fitted to the stored sample, the ``chunk``'s records (by record key) and the
    stored records ``around`` them. The pairs' odds leave the priors out, so the sample holds
    whatever the scale."""
    sample = _stored_sample(tx, settings, model, sorted(chunk))
    model = model.at_scale((sample.records if sample else 0) + len(chunk))
    local = address_odds(model, list(chunk.values()) + around, BLOCK_DEGREE_CAP, new=len(chunk))
    return fitted_to(model, list(sample.odds if sample else ()) + local)


def stored_model(tx, settings: Settings, model: Model) -> Model:
    """``model`` as ingestion weighs a record against this store: at the store's scale, with its
    relatives' prior fitted to the stored sample. Explanations score with it, so the probabilities
    they show are the ones decisions were made with, not the higher ones of the model as trained."""
    sample = _stored_sample(tx, settings, model, [])
    return fitted_to(model.at_scale(sample.records), sample.odds) if sample else model


def _stored_sample(tx, settings: Settings, model: Model, chunk_keys: list[str]) -> _Sample | None:
    mark = tx.run(queries_relatives.STORE_MARK).single()
    if mark is None:
        return None
    key = (settings.uri, settings.database, str(settings.data_dir), model.trained_at, model.prior)
    with _lock:
        sample = _samples.get(key)
        _ingested[key] = _ingested.get(key, 0) + len(chunk_keys)
        stale = sample is None or sample.first != mark["first"] or \
            _ingested[key] > STALE * max(sample.records, 1)
    if sample is None or stale:   # counted only here: a label count is a scan on some engines
        records = tx.run(queries_ingest.RECORD_COUNT).single()["n"]
        sample = _Sample(records, mark["first"], tuple(_read_odds(tx, model, chunk_keys)))
        with _lock:
            _samples[key], _ingested[key] = sample, 0
    return sample


def _read_odds(tx, model: Model, exclude: list[str]) -> list[float]:
    rows = tx.run(queries_relatives.ADDRESS_GROUPS, scan=SCAN_ADDRESSES, cap=BLOCK_DEGREE_CAP, exclude=exclude)
    return [odds for row in rows
            for odds in address_odds(model, [match_input.loads(f) for f in row["fields"]], BLOCK_DEGREE_CAP)]
