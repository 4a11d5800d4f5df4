"""The `idgraph` command: local database, API server, demo, and file ingestion."""
from __future__ import annotations

import contextlib
import csv
import json
import logging
import os
import signal
import sys
from collections import Counter
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from graph import config
from graph.access import apikeys
from graph.store.driver import StoreUnavailable, connect, local_server
from graph.store.engines import ENGINES, ServerError
from service import model_cli, resolve_cli

console = Console(stderr=True)


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log debug output.")
def main(verbose: bool) -> None:
    """idgraph: a graph of customer identities. Configure with IDGRAPH_* environment variables."""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING)


@main.group()
def db() -> None:
    """Start, stop or inspect the local database server (used when IDGRAPH_URI is unset)."""


ENGINE_OPTION = click.option("--engine", type=click.Choice(ENGINES), default=None,
                             help="Local engine (default: IDGRAPH_ENGINE, else arcadedb).")


def _settings_for(engine: str | None) -> config.Settings:
    return config.load({**os.environ, "IDGRAPH_ENGINE": engine} if engine else None)


@db.command("start")
@ENGINE_OPTION
def db_start(engine: str | None) -> None:
    settings = _settings_for(engine)
    try:
        with console.status(_starting(settings)):
            info = local_server(settings).start()
    except ServerError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"{info.engine} server running: {info.uri} database={info.database} pid={info.pid} "
               f"http=http://127.0.0.1:{info.http_port} data={settings.server_dir}")


@db.command("stop")
@ENGINE_OPTION
def db_stop(engine: str | None) -> None:
    settings = _settings_for(engine)
    stopped = local_server(settings).stop()
    click.echo(f"{settings.engine} server stopped" if stopped else f"{settings.engine} server was not running")


@db.command("status")
@ENGINE_OPTION
def db_status(engine: str | None) -> None:
    settings = _settings_for(engine)
    if settings.uri:
        click.echo(f"using external server {settings.uri} (IDGRAPH_URI is set)")
        return
    info = local_server(settings).status()
    if not info:
        click.echo(f"{settings.engine} server not running (data in {settings.server_dir}); "
                   "start it with `idgraph db start`")
        sys.exit(3)
    click.echo(f"{info.engine} server running: {info.uri} database={info.database} pid={info.pid}")


def _starting(settings: config.Settings) -> str:
    first = settings.engine == "neo4j" and not any(settings.cache_dir.glob("neo4j-*/lib"))
    return (f"starting the local {settings.engine} server"
            + (" (first start: Maven fetches Neo4j's jars, about 140 MB)..." if first else "..."))


@contextlib.contextmanager
def _local_server_for_command(settings: config.Settings, keep_running: bool = False):
    """Start the local server if this command needs it, and stop it after unless it was running."""
    server = None if settings.uri else local_server(settings)
    started_here = server is not None and server.status() is None
    # A plain `kill` should clean up like Ctrl-C does, stopping the server this command started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        if started_here:
            with console.status(_starting(settings)):
                server.start()
        yield
    except ServerError as exc:
        raise click.ClickException(str(exc))
    finally:
        if started_here and not keep_running:
            server.stop()


@contextlib.contextmanager
def _store_for_command(settings: config.Settings):
    """A store with the schema applied, on the local server (left running) unless IDGRAPH_URI is set."""
    from graph.store import schema
    with _local_server_for_command(settings, keep_running=True):
        store = connect(settings)
        try:
            schema.ensure(store)
            yield store
        except StoreUnavailable as exc:
            raise click.ClickException(f"cannot reach the graph database: {exc}")
        finally:
            store.close()


def _serve(settings: config.Settings, host: str, port: int) -> None:
    from waitress import serve as waitress_serve

    from service import create_app
    try:
        app = create_app(settings)
    except StoreUnavailable as exc:
        raise click.ClickException(f"cannot reach the graph database: {exc}. Check IDGRAPH_URI and "
                                   "credentials, or unset IDGRAPH_URI to use the local server.")
    console.print(f"[bold green]idgraph API[/] on http://{host}:{port}  (docs: /docs, spec: /openapi.json)")
    if _install_console_assets():
        console.print(f"[bold green]agent console[/] on http://{host}:{port}/console  (paste an API key)")
    waitress_serve(app, host=host, port=port, threads=8, ident="idgraph")


def _install_console_assets() -> bool:
    """The npm libraries of /console and /docs, installed the first time; without npm only those two
    pages are unavailable."""
    from service.console import assets
    try:
        if not assets.installed():
            with console.status("installing the JavaScript libraries of /console and /docs (npm ci)..."):
                assets.ensure()
        return True
    except assets.AssetsUnavailable as exc:
        console.print(f"[yellow]agent console and API docs unavailable:[/] {exc}")
        return False


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Run the REST API (starts the local server when IDGRAPH_URI is unset)."""
    settings = config.load()
    with _local_server_for_command(settings):
        _serve(settings, host, port)


@main.command()
@click.option("--seed", default=7, show_default=True, type=int)
@click.option("--people", default=40, show_default=True, type=int, help="Ordinary customers besides the scenarios.")
@click.option("--serve/--no-serve", "serve_after", default=True, show_default=True,
              help="Keep the API running after loading.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def demo(seed: int, people: int, serve_after: bool, host: str, port: int) -> None:
    """Load a generated hotel-chain dataset (five silos), show who-is-this answers, then serve the API."""
    from graph.demo import hotel_chain
    from service.analytics_cli import run_refresh
    from service.demo import DEMO_KEY_NAME, load_relations, show_examples, show_key
    settings = config.load()
    with _local_server_for_command(settings):
        data = hotel_chain.generate(seed=seed, extra_people=people)
        store = connect(settings)
        try:
            summary = _load(store, settings, data.records, "demo", total=len(data.records))
            load_relations(store, data)
            run_refresh(store, console)
            show_examples(store, settings, console)
            issued = apikeys.issue(store, "admin", DEMO_KEY_NAME, replace=True)
        finally:
            store.close()
        _print_summary(summary)
        show_key(issued, host, port)
        if serve_after:
            _serve(settings, host, port)


def _read_rows(path: Path, source: str | None, fmt: str):
    from graph.intake.tabular import row_to_record
    with path.open(newline="", encoding="utf-8") as handle:
        if fmt == "csv":
            for n, row in enumerate(csv.DictReader(handle), start=2):
                try:
                    yield row_to_record(row, source)
                except ValueError as exc:
                    yield {"_error": f"line {n}: {exc}"}
        else:
            for n, line in enumerate(handle, start=1):
                if line.strip():
                    try:
                        item = json.loads(line)
                    except json.JSONDecodeError as exc:
                        yield {"_error": f"line {n}: not JSON ({exc.msg})"}
                        continue
                    if source and isinstance(item, dict):
                        item.setdefault("source", source)
                    yield item


def _parse_line(n: int, item, settings):
    """parse_record, or the reader's complaint about a line that was not a record at all."""
    from service.parsing import parse_record
    if isinstance(item, dict) and "_error" in item:
        return None, {"index": n, "errors": {"line": [item["_error"]]}}
    return parse_record(n, item, settings)


# From this many records on, parsing gets a process of its own: it starts in about a second and
# then takes ~0.3 ms a record off the ingest stream (service/loading.py).
PARSE_PROCESS_FROM = 5_000


def _load(store, settings, items, label: str, total: int | None = None, batch_size: int = 200) -> Counter:
    from graph.store import schema
    from service.loading import ingest_batches, parser_process
    schema.ensure(store)
    summary: Counter = Counter()
    columns = (TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    big = total is not None and total >= PARSE_PROCESS_FROM
    with Progress(*columns, console=console) as progress, \
            (parser_process() if big else contextlib.nullcontext()) as parser:
        task = progress.add_task(label, total=total)
        for batch in ingest_batches(store, settings, items, batch_size, parse=_parse_line, parser=parser):
            for error in batch.errors:
                summary["rejected"] += 1
                console.print(f"[yellow]record {error['index']} rejected:[/] {error['errors']}")
            summary.update(o.outcome for o in batch.outcomes)
            progress.advance(task, batch.size)
    return summary


def _print_summary(summary: Counter) -> None:
    table = Table(title="ingest summary")
    table.add_column("outcome")
    table.add_column("records", justify="right")
    for outcome in ("created", "joined", "merged", "updated", "unchanged", "rejected"):
        table.add_row(outcome, str(summary.get(outcome, 0)))
    console.print(table)


@main.command("ingest")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source", help="Source system name (required for CSV; default for NDJSON records).")
@click.option("--format", "fmt", type=click.Choice(["auto", "csv", "ndjson"]), default="auto", show_default=True)
@click.option("--batch-size", default=200, show_default=True, type=click.IntRange(1, 1000))
def ingest_command(path: Path, source: str | None, fmt: str, batch_size: int) -> None:
    """Load a CSV (see README for the columns) or NDJSON file of source records."""
    if fmt == "auto":
        fmt = "csv" if path.suffix.lower() == ".csv" else "ndjson"
    if fmt == "csv" and not source:
        raise click.UsageError("CSV files need --source NAME (the system the rows come from)")
    settings = config.load()
    total = sum(1 for line in path.open(encoding="utf-8") if line.strip()) - (1 if fmt == "csv" else 0)
    with _local_server_for_command(settings, keep_running=True):
        store = connect(settings)
        try:
            summary = _load(store, settings, _read_rows(path, source, fmt), path.name, total, batch_size)
        except StoreUnavailable as exc:
            raise click.ClickException(f"the graph database became unreachable: {exc}. Re-run the same "
                                       "command: ingestion is idempotent.")
        finally:
            store.close()
    _print_summary(summary)
    if summary.get("rejected"):
        sys.exit(1)


@main.group()
def keys() -> None:
    """Create, list and revoke API keys (the graph stores only their hashes)."""


@keys.command("create")
@click.option("--role", required=True, type=click.Choice(apikeys.ROLES), help="What the key may do (see README).")
@click.option("--name", default="", help="Who or what the key is for.")
def keys_create(role: str, name: str) -> None:
    """Create a key and print it: this is the only time it is shown."""
    with _store_for_command(config.load()) as store:
        issued = apikeys.issue(store, role, name)
    click.echo(issued.key)
    console.print(f"key id {issued.keyId}, role {role}: store the key now, it cannot be shown again")


@keys.command("list")
def keys_list() -> None:
    """Every key: id, role, name, created and revoked times (never the key)."""
    with _store_for_command(config.load()) as store:
        rows = apikeys.list_keys(store)
    click.echo(f"{'keyId':<18} {'role':<8} {'created':<20} {'revoked':<20} name")
    for k in rows:
        created, revoked = (f"{k[t]:%Y-%m-%d %H:%M:%S}" if k.get(t) else "-" for t in ("createdAt", "revokedAt"))
        click.echo(f"{k['keyId']:<18} {k['role']:<8} {created:<20} {revoked:<20} {k.get('name') or ''}")


@keys.command("revoke")
@click.argument("key_id")
def keys_revoke(key_id: str) -> None:
    """Revoke a key by its id: requests with it are refused from now on."""
    with _store_for_command(config.load()) as store:
        if not apikeys.revoke(store, key_id):
            raise click.ClickException(f"no API key {key_id}")
    click.echo(f"revoked {key_id}")


@main.group()
def analytics() -> None:
    """Derived facts and scores analysts query in Cypher (households, PageRank, value, reach, priority)."""


@analytics.command("refresh")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(10, 20000),
              help="Persons, addresses, companies or seed handles per piece.")
def analytics_refresh(batch_size: int) -> None:
    """Recompute households, PageRank and scores in pieces and write them to the graph."""
    from service.analytics_cli import run_refresh
    settings = config.load()
    with _local_server_for_command(settings, keep_running=True):
        store = connect(settings)
        try:
            run_refresh(store, console, batch_size)
        except StoreUnavailable as exc:
            raise click.ClickException(f"the graph database became unreachable: {exc}. Re-run the command.")
        finally:
            store.close()


main.add_command(model_cli.model)
main.add_command(resolve_cli.resolve)
