"""What the `idgraph` commands share: the console, the local server for the length of a command,
the store, progress bars and tables of figures."""
from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Iterator

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from graph import config
from graph.errors import ServerError, StoreUnavailable
from graph.store.driver import Store, connect, local_server

console = Console(stderr=True)   # stdout is for what a script may read: keys, the demo's curl line


def settings_for(engine: str | None) -> config.Settings:
    return config.load(engine=engine)


def starting(settings: config.Settings) -> str:
    first = settings.engine == "neo4j" and not any(settings.cache_dir.glob("neo4j-*/lib"))
    return (f"starting the local {settings.engine} server"
            + (" (first start: Maven fetches Neo4j's jars, about 140 MB)..." if first else "..."))


@contextlib.contextmanager
def local_server_for_command(settings: config.Settings, keep_running: bool = False) -> Iterator[None]:
    """Start the local server if this command needs it, and stop it after unless it was running."""
    server = None if settings.uri else local_server(settings)
    started_here = server is not None and server.status() is None
    # A plain `kill` should clean up like Ctrl-C does, stopping the server this command started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        if started_here:
            with console.status(starting(settings)):
                server.start()
        yield
    except ServerError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        if started_here and not keep_running:
            server.stop()


@contextlib.contextmanager
def open_store(settings: config.Settings) -> Iterator[Store]:
    """A store on the configured server; the local one is started if needed and left running."""
    with local_server_for_command(settings, keep_running=True):
        store = connect(settings)
        try:
            yield store
        finally:
            store.close()


@contextlib.contextmanager
def store_for_command(settings: config.Settings) -> Iterator[Store]:
    """open_store with the schema applied; an unreachable database is the command's error."""
    from graph.store import schema
    with open_store(settings) as store:
        try:
            schema.ensure(store)
            yield store
        except StoreUnavailable as exc:
            raise click.ClickException(f"cannot reach the graph database: {exc}") from exc


def became_unreachable(exc: StoreUnavailable, advice: str = "Re-run the command.") -> click.ClickException:
    return click.ClickException(f"the graph database became unreachable: {exc}. {advice}")


def progress(label: str = "[bold]{task.description}") -> Progress:
    """A progress bar per task on the console: label, bar, done of total, time taken."""
    return Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console)


def figures_table(title: str, figures: dict) -> Table:
    table = Table(title=title)
    table.add_column("figure")
    table.add_column("value", justify="right")
    for key, value in figures.items():
        table.add_row(key, str(value))
    return table
