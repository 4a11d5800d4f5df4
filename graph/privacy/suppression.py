"""The suppression list: keyed hashes of identifiers erased at a customer's request.

An erased identifier that no one else held is kept only as HMAC-SHA256(secret, identifier key),
never as its value, so the list cannot be read back into e-mails or phones, yet a later record
carrying the same (normalised) identifier is recognised and refused. The secret comes from
IDGRAPH_SUPPRESSION_SECRET or, failing that, a file in the data folder created on first use; every
API and ingest process of one graph must share it.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from graph.config import Settings
from graph.errors import InvalidRecord
from graph.intake.records import build_record
from graph.model import IDENTIFIER_TYPES, Record
from graph.store import queries_privacy

SECRET_FILE = "suppression.key"
# Addresses are erased but never suppressed: a home is later someone else's.
SUPPRESSIBLE = frozenset(IDENTIFIER_TYPES)
REASON = "was erased at the customer's request and may not be stored again (suppression list)"


def secret(settings: Settings, create: bool = True) -> bytes | None:
    """The HMAC key: IDGRAPH_SUPPRESSION_SECRET, or the data folder's (created 0600 by the first erasure).

    Without `create`, None when there is none yet: then nothing was ever suppressed with it.
    """
    if settings.suppression_secret:
        return settings.suppression_secret.encode()
    path = Path(settings.data_dir) / SECRET_FILE
    if not path.exists():
        if not create:
            return None
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


def keyed_hash(key: bytes, identifier_key: str) -> str:
    return hmac.new(key, identifier_key.encode(), hashlib.sha256).hexdigest()


def suppressed(store, settings: Settings, identifier_keys) -> set[str]:
    """Which of `identifier_keys` are on the suppression list: one query for the whole batch."""
    key = secret(settings, create=False)
    by_hash = {keyed_hash(key, k): k for k in set(identifier_keys)} if key else {}
    if not by_hash:
        return set()
    rows = store.query(queries_privacy.SUPPRESSED_HASHES, hashes=sorted(by_hash))
    return {by_hash[r["hash"]] for r in rows}


def _field_of(item: dict, identifier_key: str, settings: Settings) -> str:
    """The field path ('identifiers[2]') of the input identifier that normalises to `identifier_key`."""
    for n, ident in enumerate(item.get("identifiers") or []):
        probe = {"source": "probe", "sourceId": "probe", "identifiers": [ident]}
        try:
            built = build_record(probe, settings)
        except InvalidRecord:
            continue
        if any(i.key == identifier_key for i in built.identifiers):
            return f"identifiers[{n}]"
    return "identifiers"


def screen(store, settings: Settings, batch: list[tuple[int, dict, Record]]):
    """Split a parsed batch (index, input item, record) into records to ingest and per-record errors.

    A record carrying a suppressed identifier is refused whole, naming the field that carries it.
    """
    keys = {i.key for _, _, r in batch for i in r.identifiers if i.kind in SUPPRESSIBLE}
    hits = suppressed(store, settings, keys) if keys else set()
    good, errors = [], []
    for index, item, record in batch:
        found = sorted(i.key for i in record.identifiers if i.key in hits)
        if not found:
            good.append((index, record))
            continue
        fields = {f"{_field_of(item, k, settings)}": [f"this {k.split(':', 1)[0]} {REASON}"] for k in found}
        errors.append({"index": index, "source": record.source, "sourceId": record.source_id, "errors": fields})
    return good, errors
