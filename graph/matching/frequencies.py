"""Value frequencies for term-frequency adjustment.

The model only needs a callable ``(field, key) -> relative frequency | None``; a store
can pass its own (for example a cached count query) instead of this in-memory table.
Keys are folded the same way the comparisons fold them (see ``frequency_key``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping

from graph.matching.comparisons import TF_KEYS, Record

FrequencyLookup = Callable[[str, Hashable], float | None]


def frequency_key(field: str, record: Record) -> Hashable | None:
    """The key a frequency lookup receives for ``field`` of ``record``."""
    return TF_KEYS[field](record) or None


class FrequencyTable:
    """Relative frequency of each folded value among records that have the field."""

    def __init__(self, counts: Mapping[str, Mapping[Hashable, int]]):
        self._counts = {field: Counter(values) for field, values in counts.items()}
        self._totals = {field: sum(values.values()) for field, values in self._counts.items()}

    @classmethod
    def from_records(cls, records: Iterable[Record]) -> FrequencyTable:
        counts: dict[str, Counter] = {field: Counter() for field in TF_KEYS}
        for record in records:
            for field in TF_KEYS:
                key = frequency_key(field, record)
                if key is not None:
                    counts[field][key] += 1
        return cls(counts)

    def __call__(self, field: str, key: Hashable) -> float | None:
        total = self._totals.get(field, 0)
        if not total:
            return None
        # an unseen value is at least as rare as a value seen once
        return max(self._counts[field].get(key, 0), 1) / total
