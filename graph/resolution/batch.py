"""Re-resolve every record at once (`idgraph resolve --all`). Pure: no store, no web.

Candidate pairs are the records sharing a blocking key that is no hub, or a strong identifier
(not generic, holding periods overlapping); identifier pairs count as certain, the others get the
model's probability. graph.matching.cluster then groups them by its join rule (no chaining),
the rule incremental ingestion applies one record at a time, and refuses to merge two clusters
whose exclusive facts conflict, as ingestion refuses a record or a Person. Each cluster keeps
the id of the old Person most of whose records it holds. Millions of pairs are scored in bulk
(graph.matching.bulk_scoring) and clustered as arrays of record indexes
(graph.resolution.batch_clustering), to the scores, clusters and review band one pair at a time gives.

Where batch differs from ingestion (issue 17): a key held by more than WINDOW records is compared
in a window, not in full. As in ingestion, the model's priors are scaled to the number of records
(Model.at_scale), and a clash between clusters a shared identifier ties is left to the model's odds
over the tying pairs.
"""
from __future__ import annotations

import gc
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np

from graph.matching.bulk_scoring import BulkScorer
from graph.matching.clustering import join_odds
from graph.matching.keys import birth_date_key, name_field_key
from graph.matching.model import probability as from_log2_odds
from graph.model import Identifier
from graph.resolution.batch_clustering import ScoredArrays, cluster_arrays, review_band
from graph.resolution.blocking import is_hub
from graph.resolution.conflicts import Facts, conflict, tied_conflict
from graph.resolution.decision import TIME_BOUND, Thresholds
from graph.resolution.linkage import Scorer
from graph.stewardship.constraints import Constraints


@dataclass(frozen=True)
class BatchRecord:
    key: str
    person_id: str | None
    created: str                                   # its Person's creation stamp (oldest id wins ties)
    fields: dict
    blocks: frozenset[str]
    facts: Facts
    holdings: tuple[Identifier, ...] = ()          # current links to strong, non-generic identifiers


@dataclass
class BatchPlan:
    clusters: list[set[str]]
    person_of: dict[str, str]                      # record key -> person id after the re-resolve
    new_persons: list[str] = field(default_factory=list)
    attach: list[dict] = field(default_factory=list)
    retire: list[dict] = field(default_factory=list)
    splits: list[dict] = field(default_factory=list)
    refresh: list[str] = field(default_factory=list)
    possibly_same: list[dict] = field(default_factory=list)


def _identifiers(records: list[BatchRecord]) -> dict[str, list[int]]:
    """Identifier key -> records holding it, ascending."""
    idents: dict[str, list[int]] = defaultdict(list)
    for n, record in enumerate(records):
        for ident in record.holdings:
            idents[ident.key].append(n)
    return idents


def _identifier_pairs(records: list[BatchRecord], idents: dict[str, list[int]]) -> set[tuple[int, int]]:
    by_ident: set[tuple[int, int]] = set()
    for key, members in idents.items():
        if len(members) > 1 and not is_hub(len(members)):
            by_ident.update((i, j) for i, j in combinations(members, 2) if _overlap(records[i], records[j], key))
    return by_ident


# A block held by more records than this (a common family name's sound in a town, a postcode) is
# compared in a window: each record against the WINDOW records either side of it in name order,
# so that the pairs per record stay bounded as the records grow (a town's residents grow with the
# population; the pairs in one block grow as its square). Smaller blocks are compared in full.
WINDOW = 5


def name_order(record: BatchRecord) -> tuple[str, str, str]:
    # duplicates sit side by side: a block already agrees on part of the name or the place
    fields = record.fields
    return name_field_key(fields, "family"), name_field_key(fields, "given"), birth_date_key(fields)


def _block_pairs(records: list[BatchRecord], by_ident: set[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """Pairs i < j sharing a blocking key that is no hub (in full, or within a large block's
    window) and no identifier pair, in ascending order, as arrays of record indexes.

    Each block's holders are put in name order and each is paired with the WINDOW after it: the
    whole of a block of WINDOW or fewer, the window of a larger one."""
    numbers: dict[str, int] = {}
    block = np.fromiter((numbers.setdefault(key, len(numbers)) for r in records for key in r.blocks), np.int64)
    holder = np.repeat(np.arange(len(records), dtype=np.int64), [len(r.blocks) for r in records])
    sizes = np.bincount(block, minlength=len(numbers))
    hub = np.zeros(int(sizes.max(initial=0)) + 1, bool)
    hub[[size for size in set(sizes.tolist()) if is_hub(size)]] = True
    kept = ((sizes > 1) & ~hub[sizes])[block]
    block, holder = block[kept], holder[kept]
    rank = np.empty(len(records), np.int64)      # each record's place in (name order, index)
    rank[sorted(range(len(records)), key=lambda n: (name_order(records[n]), n))] = np.arange(len(records))
    order = np.lexsort((rank[holder], block))
    block, holder = block[order], holder[order]
    size = max(len(records), 1)
    steps = []
    for step in range(1, WINDOW + 1):
        same = block[:-step] == block[step:]
        a, b = holder[:-step][same], holder[step:][same]
        steps.append(np.minimum(a, b) * size + np.maximum(a, b))
    pairs = _sorted_distinct(np.concatenate(steps)) if steps else np.zeros(0, np.int64)
    tied = np.array([i * size + j for i, j in by_ident], np.int64)
    at = np.searchsorted(pairs, tied)           # pairs are sorted and distinct
    at = at[at < len(pairs)]
    pairs = np.delete(pairs, at[np.isin(pairs[at], tied)])
    return pairs // size, pairs % size


def _sorted_distinct(values: np.ndarray) -> np.ndarray:
    """np.unique by a sort: numpy's hashed unique took a second for 3 million pairs."""
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]] if len(values) else values


def candidate_pairs(records: list[BatchRecord]) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    """(identifier pairs, blocking pairs) as index pairs i < j; hubs skipped in both."""
    by_ident = _identifier_pairs(records, _identifiers(records))
    left, right = _block_pairs(records, by_ident)
    return by_ident, set(zip(left.tolist(), right.tolist(), strict=True))


def _overlap(a: BatchRecord, b: BatchRecord, key: str) -> bool:
    ia = next(i for i in a.holdings if i.key == key)
    ib = next(i for i in b.holdings if i.key == key)
    return ia.kind not in TIME_BOUND or ia.overlaps(ib)


Ties = dict[str, dict[str, float]]      # record key -> record keys it shares an identifier with -> model log2-odds


# pairs scored at a time: bounds the working arrays and paces the progress bar
CHUNK = 200_000


def scored_pairs(records: list[BatchRecord], scorer: Scorer,
                 progress: Callable[[int], None] | None = None) -> tuple[ScoredArrays, Ties]:
    """(scored pairs, ties): identifier pairs count as certain in the scored pairs; the model's
    own log2-odds of each identifier pair is kept in the ties, for no_conflict. Scored in bulk
    (graph.matching.bulk_scoring), to the same scores as ``scorer`` gives one pair at a time."""
    by_ident = _identifier_pairs(records, _identifiers(records))
    bulk = BulkScorer(scorer.model, [r.fields for r in records])
    tied = np.array(sorted(by_ident), np.int64).reshape(-1, 2)
    ties: Ties = defaultdict(dict)
    for i, j, odds in zip(tied[:, 0].tolist(), tied[:, 1].tolist(), bulk.log2_odds(tied[:, 0], tied[:, 1]).tolist(),
                          strict=True):
        ties[records[i].key][records[j].key] = ties[records[j].key][records[i].key] = odds
    left, right = _block_pairs(records, by_ident)
    odds = np.empty(len(left), np.float64)
    for start in range(0, len(left), CHUNK):
        odds[start:start + CHUNK] = bulk.log2_odds(left[start:start + CHUNK], right[start:start + CHUNK])
        if progress:
            progress(len(odds[start:start + CHUNK]))
    certain = np.r_[np.ones(len(tied), bool), np.zeros(len(left), bool)]
    return ScoredArrays.of(np.r_[tied[:, 0], left], np.r_[tied[:, 1], right], np.r_[np.zeros(len(tied)), odds],
                           certain), ties


def no_conflict(records: list[BatchRecord], ties: Ties) -> Callable[[set, set, float], bool]:
    """Two clusters may merge unless their facts, each cluster's taken together, conflict: the
    test ingestion applies between a record (or a Person) and a Person. The model may overrule
    one clash (graph.resolution.conflicts). Between clusters a shared identifier ties, the
    model's verdict is its own over the tying pairs, not the identifier's certainty: a family
    phone shared by twins never outweighs their clash (the model, with its relatives class, puts
    them apart), while one person's records with a mistyped given name and the same e-mail,
    phone and birth date do join (issue 17: those were most of the batch's misses)."""
    facts = {r.key: r.facts for r in records}

    def union(keys: set) -> Facts:
        combined = Facts()
        for key in keys:
            combined.absorb(facts[key])
        return combined

    def can_merge(a: set, b: set, log2_odds: float) -> bool:
        tying = [odds for key in a for other, odds in ties.get(key, {}).items() if other in b]
        if tying:
            return tied_conflict(union(a), union(b), from_log2_odds(join_odds(tying))) is None
        return conflict(union(a), union(b), from_log2_odds(log2_odds)) is None

    return can_merge


@dataclass
class Resolved:
    clusters: list[set[str]]
    review: list[tuple[int, int, float]] = field(default_factory=list)   # cluster i < j, probability


def resolve(records: list[BatchRecord], scorer: Scorer, threshold: float, progress=None) -> list[set[str]]:
    return resolve_with_review(records, scorer, Thresholds(match=threshold), progress).clusters


def resolve_with_review(records: list[BatchRecord], scorer: Scorer, thresholds: Thresholds,
                        progress=None, constraints: Constraints | None = None) -> Resolved:
    """Clusters, and the pairs of clusters in the review band (POSSIBLY_SAME, as ingestion leaves).
    The steward's `constraints` keep their records apart or together whatever the scores say."""
    with _heap_frozen():
        return _resolve(records, scorer, thresholds, progress, constraints or Constraints())


@contextmanager
def _heap_frozen() -> Iterator[None]:
    """The objects alive now (the records, their fields) left out of the garbage collector's full
    passes while batch runs: batch makes millions of small objects, each full pass walked every
    record again, a fifth of the in-memory time at 30,000 records."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _resolve(records: list[BatchRecord], scorer: Scorer, thresholds: Thresholds, progress,
             steward: Constraints) -> Resolved:
    keys = [r.key for r in records]
    index = {key: n for n, key in enumerate(keys)}
    scored, ties = scored_pairs(records, scorer, progress)
    must = np.array([(index[a], index[b]) for a, b, _ in steward.must_pairs(keys)], np.int64).reshape(-1, 2)
    scored = ScoredArrays(np.r_[scored.left, must[:, 0]], np.r_[scored.right, must[:, 1]],
                          np.r_[scored.probability, np.ones(len(must))])
    can_merge = steward.can_merge(no_conflict(records, ties))
    forbidden = {frozenset(pair) for pair in steward.cannot_link(keys)}
    clusters = steward.join(cluster_arrays(keys, scored, thresholds.match, forbidden, can_merge))
    return Resolved(clusters, review_band(clusters, index, scored, thresholds, can_merge))


def plan(records: list[BatchRecord], clusters: list[set[str]], new_id: Callable[[], str],
         review: Sequence[tuple[int, int, float]] = ()) -> BatchPlan:
    """Person ids for the clusters: a cluster keeps an old id when it holds at least half of that
    Person's records (the largest share first); old Persons left without a cluster are retired
    into the cluster holding most of their records, and new clusters cut from an old Person
    record SPLIT_FROM it."""
    by_key = {r.key: r for r in records}
    old_members: dict[str, set[str]] = defaultdict(set)
    for r in records:
        if r.person_id:
            old_members[r.person_id].add(r.key)
    shares = [(count, by_key[next(iter(old_members[pid]))].created, pid, n)
              for n, members in enumerate(clusters)
              for pid, count in _old_persons(members, by_key).items()]
    ids: dict[int, str] = {}
    used: set[str] = set()
    for count, _, pid, n in sorted(shares, key=lambda s: (-s[0], s[1], s[2], s[3])):
        if n not in ids and pid not in used and 2 * count >= len(old_members[pid]):
            ids[n] = pid
            used.add(pid)
    result = BatchPlan(clusters, {})
    for n, members in enumerate(clusters):
        if n not in ids:
            ids[n] = new_id()
            result.new_persons.append(ids[n])
            origin = _main_origin(members, by_key)
            if origin:
                result.splits.append({"personId": ids[n], "from": origin, "recordKey": None,
                                      "records": sorted(members)})
        for key in members:
            result.person_of[key] = ids[n]
    _changes(records, result, old_members, used)
    for i, j, score in review:
        a, b = sorted((ids[i], ids[j]))
        result.possibly_same.append({"a": a, "b": b, "score": score, "recordKey": None})
    return result


def _old_persons(members: set[str], by_key: dict[str, BatchRecord]) -> Counter[str]:
    """How many of a cluster's records each old Person held."""
    return Counter(pid for k in members if (pid := by_key[k].person_id))


def _main_origin(members: set[str], by_key: dict[str, BatchRecord]) -> str | None:
    counts = _old_persons(members, by_key)
    return min(counts, key=lambda pid: (-counts[pid], pid)) if counts else None


def _changes(records: list[BatchRecord], result: BatchPlan, old_members, kept: set[str]) -> None:
    touched: set[str] = set()
    for r in records:
        pid = result.person_of[r.key]
        if pid != r.person_id:
            result.attach.append({"key": r.key, "personId": pid, "rule": "batch re-resolve",
                                  "evidence": None, "score": None})
            touched |= {pid} | ({r.person_id} & kept if r.person_id else set())
    for old, members in sorted(old_members.items()):
        if old not in kept:
            survivor = Counter(result.person_of[k] for k in members).most_common(1)[0][0]
            result.retire.append({"loser": old, "survivor": survivor, "rule": "batch re-resolve"})
    result.splits = [s for s in result.splits if s["from"] in kept]
    result.refresh = sorted(touched)
