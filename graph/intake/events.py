"""Turn one validated touchpoint (API shape) into a normalised domain Event.

An event is something a person did with the brand (a stay, an order, a call, a web visit) as one
silo saw it. It names the identifiers it was seen with; they are normalised exactly as a record's
(graph/intake/records.py), so a malformed one is set aside with the reason and a junk one ignored.
Pure: no database, no web.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field, replace

from graph.config import Settings
from graph.intake.records import build_record, fingerprint
from graph.model import Identifier, SetAside

# What happened. Purchases and stays carry a line of business and usually an amount; cases and
# calls a status and satisfaction; web visits a page category.
EVENT_KINDS = ("purchase", "order", "stay", "visit", "call", "case", "complaint",
               "webVisit", "emailOpen", "emailClick", "login", "death")
# The optional facts an event may state, stored as given under the same names.
DETAILS = ("lineOfBusiness", "amount", "currency", "productCategory", "channel", "pageCategory", "deviceType",
           "caseStatus", "satisfaction", "caseId", "description")


@dataclass(frozen=True)
class Event:
    source: str
    event_id: str
    kind: str
    at: dt.datetime                      # when it happened
    observed_at: dt.datetime             # when the source said so (orders re-sends, like a record's)
    fingerprint: str
    collected_for: str | None = None
    consent: dict = field(default_factory=dict)
    identifiers: tuple[Identifier, ...] = ()
    details: dict = field(default_factory=dict)
    ignored: tuple[str, ...] = ()        # junk values (block list) the event named
    set_aside: tuple[SetAside, ...] = ()
    ship_to: tuple[Identifier, ...] = ()  # who or where a purchase went (graph/events/gifts.py)
    gift: bool | None = None             # the source's own word; None: decided from ship_to

    @property
    def key(self) -> str:
        return f"{self.source}/{self.event_id}"

    def of_address(self) -> list[Identifier]:
        """The ship-to address, if one was given."""
        return [i for i in self.ship_to if i.kind == "address"]

    @property
    def source_id(self) -> str:
        """The event id under the name records give it (suppression screening reads either)."""
        return self.event_id

    @functools.cached_property
    def month(self) -> str:
        """The month bucket it hangs in (graph/store/queries_events.py), in UTC; asked for several
        times per event as it is stored."""
        return self.at.astimezone(dt.UTC).strftime("%Y-%m")


# Half a SHA-256 (128 bits) tells a changed body from a re-send as well as the whole, and 32 hex
# characters are stored inside the event node on Neo4j where 64 take a string record of their own.
FINGERPRINT_LENGTH = 32


def same_body(stored: str | None, fingerprint: str) -> bool:
    """Whether a stored event's fingerprint is this body's; events stored before fingerprints were
    cut carry the whole hash, of which this is the start."""
    return stored is not None and stored[:FINGERPRINT_LENGTH] == fingerprint


def build_event(data: dict, settings: Settings) -> Event:
    """Normalise an event that passed schema validation (it names at least one identifier). A malformed
    identifier is set aside, a junk one ignored: the event is still stored, unattached if nothing is left
    to attach it by. InvalidRecord names the field when the event cannot be stored at all."""
    probe = {"source": data["source"], "sourceId": data["eventId"], "identifiers": data["identifiers"]}
    ids = build_record(probe, settings)
    observed = data.get("observedAt") or data["at"]
    details = {k: data[k] for k in DETAILS if data.get(k) is not None}
    ship_to, ship_ignored, ship_held = _ship_to(data, settings)
    return Event(
        source=data["source"], event_id=data["eventId"], kind=data["kind"], at=data["at"],
        observed_at=observed, fingerprint=fingerprint(data)[:FINGERPRINT_LENGTH],
        collected_for=data.get("collectedFor"),
        consent=dict(data.get("consent") or {}),
        identifiers=ids.identifiers, details=details, ignored=ids.ignored + ship_ignored,
        set_aside=ids.set_aside + ship_held, ship_to=ship_to, gift=data.get("gift"))


def _ship_to(data: dict, settings: Settings) -> tuple[tuple[Identifier, ...], tuple[str, ...], tuple[SetAside, ...]]:
    """The ship-to identifiers and address (identifiers, ignored, set aside), normalised like a
    record's; what is set aside is named under `shipTo.`."""
    given = data.get("shipTo") or {}
    probe = {"source": data["source"], "sourceId": data["eventId"], "identifiers": given.get("identifiers") or [],
             "addresses": [given["address"]] if given.get("address") else []}
    if not probe["identifiers"] and not probe["addresses"]:
        return (), (), ()
    found = build_record(probe, settings)
    held = tuple(replace(s, field="shipTo." + s.field.replace("addresses[0]", "address")) for s in found.set_aside)
    return found.identifiers, found.ignored, held
