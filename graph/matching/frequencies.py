"""Value frequencies for term-frequency adjustment.

The model only needs a callable ``(field, key) -> relative frequency | None``; a store
can pass its own (for example a cached count query) instead of this in-memory table.
Keys are folded the same way the comparisons fold them (see ``frequency_key``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping

from graph.matching.keys import FREQUENCY_KEYS, Fields

FrequencyLookup = Callable[[str, Hashable], float | None]
MIN_VALUES = 100


def frequency_key(field: str, record: Fields) -> Hashable | None:
    """The key a frequency lookup receives for ``field`` of ``record``."""
    return FREQUENCY_KEYS[field](record) or None


class FrequencyTable:
    """Relative frequency of each folded value among records that have the field."""

    def __init__(self, counts: Mapping[str, Mapping[Hashable, int]]):
        self._counts = {field: Counter(values) for field, values in counts.items()}
        self._totals = {field: sum(values.values()) for field, values in self._counts.items()}

    @classmethod
    def from_records(cls, records: Iterable[Fields]) -> FrequencyTable:
        counts: dict[str, Counter] = {field: Counter() for field in FREQUENCY_KEYS}
        for record in records:
            for field in FREQUENCY_KEYS:
                key = frequency_key(field, record)
                if key is not None:
                    counts[field][key] += 1
        return cls(counts)

    @classmethod
    def from_value_counts(cls, counts: Mapping[str, Mapping[str, int]]) -> FrequencyTable:
        """From raw value counts per field (say, a store's count query); values are
        folded here, and values that fold alike are merged."""
        folded: dict[str, Counter] = {field: Counter() for field in counts}
        for field, values in counts.items():
            for value, count in values.items():
                key = frequency_key(field, {field: value})
                if key is not None:
                    folded[field][key] += count
        return cls(folded)

    def __call__(self, field: str, key: Hashable) -> float | None:
        """Relative frequency, or None (use the average u) for a value never seen or a
        field seen too rarely for its frequencies to mean anything."""
        total = self._totals.get(field, 0)
        count = self._counts[field][key] if field in self._counts else 0   # a Counter: 0 for an unseen key
        return count / total if total >= MIN_VALUES and count else None
