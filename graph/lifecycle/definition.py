"""Who counts as a customer: a versioned definition read from a JSON file, never from code. Pure.

The shipped default is graph/data/lifecycle.json; IDGRAPH_LIFECYCLE points at a brand's own. Per line
of business: which event kinds are a purchase and for how many months a purchase keeps someone a
customer (24 for hotel stays, 120 for cars); `recentDays` says how long a never-buying person is a
*new* prospect. `sources` may give a source its own lines of business, which then judge that source's
events (an acquired company's customer base keeps its own definition after the acquisition).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from graph import json_file
from graph.errors import InvalidRecord

FORMAT = 1
DEFAULT_FILE = Path(__file__).resolve().parents[1] / "data" / "lifecycle.json"


@dataclass(frozen=True)
class Line:
    purchase_kinds: frozenset[str]
    customer_months: int


@dataclass(frozen=True)
class Definition:
    name: str
    version: str
    recent_days: int
    lines: dict[str, Line]
    sources: dict[str, dict[str, Line]] = field(default_factory=dict)

    def line_for(self, source: str, line_of_business: str | None) -> Line | None:
        """The rule an event of `source` in `line_of_business` is judged by (the source's own first)."""
        if not line_of_business:
            return None
        own = self.sources.get(source, {})
        return own.get(line_of_business) or (None if own else self.lines.get(line_of_business))

    @property
    def purchase_kinds(self) -> list[str]:
        lines = list(self.lines.values()) + [line for own in self.sources.values() for line in own.values()]
        return sorted({k for line in lines for k in line.purchase_kinds})

    def lines_of(self, source: str | None = None) -> list[str]:
        return sorted(self.sources[source]) if source in self.sources else sorted(self.lines)

    def describe(self) -> dict:
        return {"name": self.name, "version": self.version}


def _lines(data: object, where: str) -> dict[str, Line]:
    if not isinstance(data, dict) or not data:
        raise InvalidRecord(where, "must map each line of business to {purchaseKinds, customerMonths}")
    out = {}
    for name, rule in data.items():
        kinds, months = (rule or {}).get("purchaseKinds"), (rule or {}).get("customerMonths")
        if not isinstance(kinds, list) or not kinds or not all(isinstance(k, str) for k in kinds):
            raise InvalidRecord(f"{where}.{name}.purchaseKinds", "must be a non-empty list of event kinds")
        if not isinstance(months, int) or isinstance(months, bool) or months < 1:
            raise InvalidRecord(f"{where}.{name}.customerMonths", "must be a whole number of months, 1 or more")
        out[name] = Line(frozenset(kinds), months)
    return out


def parse(data: dict) -> Definition:
    """A definition from its JSON form; InvalidRecord names the field that breaks the format."""
    if data.get("format") != FORMAT:
        raise InvalidRecord("format", f"must be {FORMAT} (this idgraph reads lifecycle format {FORMAT})")
    for name in ("name", "version"):
        if not isinstance(data.get(name), str) or not data[name]:
            raise InvalidRecord(name, "must be a non-empty text")
    recent = data.get("recentDays")
    if not isinstance(recent, int) or isinstance(recent, bool) or recent < 1:
        raise InvalidRecord("recentDays", "must be a whole number of days, 1 or more")
    sources = {source: _lines((rule or {}).get("linesOfBusiness"), f"sources.{source}.linesOfBusiness")
               for source, rule in (data.get("sources") or {}).items()}
    return Definition(data["name"], data["version"], recent, _lines(data.get("linesOfBusiness"), "linesOfBusiness"),
                      sources)


def load(path: Path | None = None) -> Definition:
    """The definition in `path`, else the shipped default."""
    file = path or DEFAULT_FILE
    return parse(json_file.read(file, "lifecycle", "lifecycle definition"))
