"""Every error idgraph raises on purpose, under one base, with no web in it.

The API maps these classes to HTTP in one place (service/errors.py) and the CLI to messages; the
domain only says what went wrong. A message may echo input, so logs name the class, never it.
"""
from __future__ import annotations


class IdgraphError(Exception):
    """Something idgraph refuses or cannot do; the message says what."""


class NotFound(IdgraphError, LookupError):
    """No person, record, identifier or key by that name."""


class Gone(NotFound):
    """The person was erased: the id is a tombstone (410), not unknown (404)."""


class Invalid(IdgraphError, ValueError):
    """Input that breaks a rule, by field path: {'records[0].identifiers[1].value': ['...']}."""

    def __init__(self, errors: dict[str, list[str]]):
        first, reasons = next(iter(errors.items()))
        super().__init__(f"{first}: {reasons[0]}")
        self.errors = errors


class InvalidRecord(Invalid):
    """One field of a record (or of a social edge or company) breaks a rule; `field` is its path."""

    def __init__(self, field: str, reason: str):
        super().__init__({field: [reason]})
        self.field, self.reason = field, reason


class Conflict(InvalidRecord):
    """The input is well formed but contradicts what the graph holds (a company made its own ancestor)."""


class StoreUnavailable(IdgraphError, RuntimeError):
    """The graph database cannot be reached or keeps refusing work; try again later."""


class ServerError(IdgraphError, RuntimeError):
    """A local engine could not be installed, started or reached; the message says what to do."""
