"""The third class: two different people who share a household.

Plain Fellegi-Sunter weighs "same person" against "two random people". Relatives who
live together are neither: they share a family name, an address and often a landline
(twins even a birth date), so against random people they look like one person. The
model therefore treats non-matches as a mixture of strangers and co-resident relatives,
and a pair is a match only if it beats both explanations. A given name that differs
while the household facts agree now reads as "siblings", not as "one person with a typo".

For relatives, each comparison's level follows m when they truly share the value (the
same value recorded twice, with the same typos and moves as one person's records) and u
otherwise, so P(level | relatives) = s * m + (1 - s) * u, where s is how often such
relatives share that field. Relatives come in kinds because across kinds the fields are
far from independent: twins share a birth date but never a given name; a junior may
share his father's given name but never his birth date. Where a kind *avoids* a value
(parents do not give twins one name), agreeing on it is rarer than between strangers:
its top level gets ``AVOIDED`` times u, and only a clerk's mix-up explains it. The
sharing rates are domain knowledge, not trained; the relatives' prior is trained.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

AVOIDED = 0.02


@dataclass(frozen=True)
class RelativeKind:
    name: str
    share: float  # of all co-resident relative pairs
    sharing: Mapping[str, float]  # comparison -> how often both hold the same value
    avoids: frozenset[str] = field(default_factory=frozenset)  # comparisons never given one value

    def probability(self, comparison: str, m: float, u: float, top_level: bool = False) -> float:
        if top_level and comparison in self.avoids:
            return AVOIDED * u
        shared = self.sharing.get(comparison, 0.0)
        return shared * m + (1.0 - shared) * u

    def to_dict(self) -> dict:
        data = {"name": self.name, "share": self.share, "sharing": dict(self.sharing)}
        return data | ({"avoids": sorted(self.avoids)} if self.avoids else {})

    @classmethod
    def from_dict(cls, data: Mapping) -> RelativeKind:
        sharing = {name: float(rate) for name, rate in data["sharing"].items()}
        return cls(data["name"], float(data["share"]), sharing, frozenset(data.get("avoids", ())))


@dataclass(frozen=True)
class Relatives:
    prior: float  # P(two random records belong to co-resident relatives)
    kinds: tuple[RelativeKind, ...]

    def to_dict(self) -> dict:
        return {"prior": self.prior, "kinds": [kind.to_dict() for kind in self.kinds]}

    @classmethod
    def from_dict(cls, data: Mapping) -> Relatives:
        return cls(float(data["prior"]), tuple(RelativeKind.from_dict(k) for k in data["kinds"]))


_HOME = {"address": 0.95, "phone": 0.5, "email": 0.03}
HOUSEHOLD_KINDS = (
    # parents, children, siblings and spouses; 'given': a junior named after a parent
    RelativeKind("family", 0.97, _HOME | {"family": 0.85, "given": 0.02}),
    # 'gender': a third of twins are identical
    RelativeKind("twins", 0.03, _HOME | {"family": 0.98, "birthDate": 0.99, "gender": 0.33},
                 frozenset({"given"})),
)


def log2_sum(*values: float) -> float:
    """log2(2**a + 2**b + ...) without overflow."""
    top = max(values)
    if top == -math.inf:
        return top
    return top + math.log2(sum(2.0 ** (v - top) for v in values))
