"""Domain model: what a source record says once normalised, and the identifier kinds it may hold."""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Kind:
    name: str        # the API's identifier type
    label: str       # node label besides :Identifier
    rel: str         # relationship type from SourceRecord
    stitches: bool   # sharing it is evidence of being the same person


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("email", "Email", "HAS_EMAIL", True),
    Kind("phone", "Phone", "HAS_PHONE", True),
    Kind("loyaltyCard", "LoyaltyCard", "HAS_LOYALTY_CARD", True),
    Kind("account", "Account", "HAS_ACCOUNT", True),
    Kind("social", "SocialHandle", "HAS_SOCIAL_HANDLE", True),
    Kind("device", "Device", "USED_DEVICE", True),
    Kind("nationalId", "NationalId", "HAS_NATIONAL_ID", True),
    Kind("address", "Address", "HAS_ADDRESS", False),
)}
IDENTIFIER_TYPES = tuple(k for k in KINDS if k != "address")

# Why a caller reads a person. Every read declares one (default "service") and the audit log keeps it;
# a record's consent is given or refused per purpose.
PURPOSES = ("service", "marketing", "analytics", "fraud", "support")
DEFAULT_PURPOSE = "service"


@dataclass(frozen=True)
class Identifier:
    kind: str
    value: str                      # normalised; with platform/system folded into key
    key: str                        # globally unique: "<kind>:<qualifier:>value"
    props: dict = field(default_factory=dict, hash=False, compare=False)
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    def overlaps(self, other: Identifier) -> bool:
        """Whether two holdings of this identifier can have been at the same time."""
        start = max(self.valid_from or dt.date.min, other.valid_from or dt.date.min)
        end = min(self.valid_to or dt.date.max, other.valid_to or dt.date.max)
        return start <= end


@dataclass(frozen=True)
class Employment:
    company_key: str
    company_name: str
    title: str | None = None
    decision_maker: bool = False
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


# Roles a person holds besides working somewhere (issue 14): several at once and over time, each from
# a record, with validity dates; a buying-team member may have a stance.
ROLE_KINDS = ("customer", "employee", "caregiver", "patient", "partner", "supplierContact", "buyingTeamMember")
STANCES = ("decisionMaker", "champion", "influencer", "naysayer")


@dataclass(frozen=True)
class Role:
    kind: str
    organisation: str | None = None
    stance: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


@dataclass(frozen=True)
class SetAside:
    """A field kept as given but not trusted: malformed or implausible. It never becomes an
    identifier; `evidence` holds what it still says to the matcher (graph.matching's field names)."""
    field: str                      # the record's field path, e.g. 'identifiers[1].value'
    value: str                      # as the source gave it
    reason: str                     # why it was set aside; never repeats the value
    evidence: dict = dataclasses.field(default_factory=dict, hash=False, compare=False)   # `field` is taken


@dataclass(frozen=True)
class Record:
    source: str
    source_id: str
    observed_at: dt.datetime
    fingerprint: str
    collected_for: str | None = None
    consent: dict = field(default_factory=dict)
    given: str | None = None
    middle: str | None = None
    family: str | None = None
    full_name: str | None = None
    given_key: str | None = None
    family_key: str | None = None
    birth_date: dt.date | None = None
    gender: str | None = None
    identifiers: tuple[Identifier, ...] = ()
    employment: tuple[Employment, ...] = ()
    metrics: dict = field(default_factory=dict)
    ignored: tuple[str, ...] = ()   # values the block list refused, kept for provenance
    set_aside: tuple[SetAside, ...] = ()
    roles: tuple[Role, ...] = ()
    deceased: bool = False          # the source says the person has died (deceased_on: when, if known)
    deceased_on: dt.date | None = None

    @property
    def key(self) -> str:
        return f"{self.source}/{self.source_id}"

    def of_kind(self, kind: str) -> list[Identifier]:
        return [i for i in self.identifiers if i.kind == kind]
