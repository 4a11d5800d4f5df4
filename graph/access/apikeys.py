"""API keys: issued once, stored as a SHA-256 hash, looked up by their public id, revocable.

A key reads `idg_<keyId>_<secret>`: the key id is public (it names the key in lists, logs and the
audit log); the secret is 256 random bits, so an unsalted fast hash is enough to store it.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
from dataclasses import dataclass

from graph.store import queries_access
from graph.store.values import plain

ROLES = ("agent", "analyst", "steward", "privacy", "admin")
PREFIX = "idg"
_KEY_ID = re.compile(r"[0-9a-f]{16}")
# A key verified against the graph is trusted for this long without asking again: one read fewer
# per request (a who-is-this is a few milliseconds). Revoking a key forgets it in this process at
# once; another API process stops accepting it within this many seconds.
VERIFIED_FOR_S = 1.0


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's id and role, never the key."""
    key_id: str
    role: str


@dataclass(frozen=True)
class IssuedKey:
    keyId: str
    key: str
    role: str
    name: str


def key_id_of(key: str) -> str | None:
    """The public id inside a key, or None when the key is not shaped like one of ours."""
    prefix, _, rest = key.partition("_")
    key_id, _, secret = rest.partition("_")
    return key_id if prefix == PREFIX and _KEY_ID.fullmatch(key_id) and secret else None


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def issue(store, role: str, name: str = "", replace: bool = False) -> IssuedKey:
    """A new key for `role`; with `replace`, the other live keys of the same name are revoked."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    key_id = secrets.token_hex(8)
    key = f"{PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"
    row = {"keyId": key_id, "hash": digest(key), "role": role, "name": name}
    store.write(_create, row, replace)
    if replace:
        verified.forget()   # the revoked keys' ids are not known here
    return IssuedKey(key_id, key, role, name)


def _create(tx, row: dict, replace: bool) -> None:
    if replace:
        tx.run(queries_access.REVOKE_API_KEYS_NAMED, name=row["name"]).consume()
    tx.run(queries_access.CREATE_API_KEY, row).consume()


class _Verified:
    """Keys recently found valid, by their hash: (principal, when verified). Only valid keys are
    kept, so a wrong or revoked key is always checked against the graph."""

    def __init__(self, clock=time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self._keys: dict[str, tuple[Principal, float]] = {}

    def get(self, hashed: str) -> Principal | None:
        found = self._keys.get(hashed)
        if found is None or self._clock() - found[1] > VERIFIED_FOR_S:
            return None
        return found[0]

    def put(self, hashed: str, principal: Principal) -> None:
        with self._lock:
            if len(self._keys) > 10_000:   # keys come and go; never grow without bound
                self._keys.clear()
            self._keys[hashed] = (principal, self._clock())

    def forget(self, key_id: str | None = None) -> None:
        """Forget one key id's entries, or every entry (None)."""
        with self._lock:
            self._keys = {h: v for h, v in self._keys.items() if key_id is not None and v[0].key_id != key_id}


verified = _Verified()


def authenticate(store, key: str) -> Principal | None:
    """The caller a presented key belongs to; None for a malformed, unknown, wrong or revoked key."""
    key_id = key_id_of(key)
    if key_id is None:
        return None
    hashed = digest(key)
    if principal := verified.get(hashed):
        return principal
    row = store.read(_stored, key_id)
    if row is None or row["revoked"] or not hmac.compare_digest(hashed, row["hash"] or ""):
        return None
    principal = Principal(key_id, row["role"])
    verified.put(hashed, principal)
    return principal


def _stored(tx, key_id: str) -> dict | None:
    row = tx.run(queries_access.API_KEY, keyId=key_id).single()
    return dict(row) if row else None


def list_keys(store) -> list[dict]:
    """Every key ever issued, oldest first, without its hash."""
    return store.read(lambda tx: [plain(r["key"]) for r in tx.run(queries_access.API_KEYS)])


def revoke(store, key_id: str) -> bool:
    """Revoke a key (idempotent); False when there is no such key."""
    found = store.write(lambda tx: tx.run(queries_access.REVOKE_API_KEY, keyId=key_id).single() is not None)
    verified.forget(key_id)
    return found
