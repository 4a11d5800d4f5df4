"""`idgraph db start|stop|status`: the local database server (used when IDGRAPH_URI is unset)."""
from __future__ import annotations

import sys

import click

from graph.errors import ServerError
from graph.store.driver import local_server
from graph.store.engines import ENGINES
from service.cli.common import console, settings_for, starting

ENGINE_OPTION = click.option("--engine", type=click.Choice(ENGINES), default=None,
                             help="Local engine (default: IDGRAPH_ENGINE, else arcadedb).")


@click.group()
def db() -> None:
    """Start, stop or inspect the local database server (used when IDGRAPH_URI is unset)."""


@db.command("start")
@ENGINE_OPTION
def db_start(engine: str | None) -> None:
    settings = settings_for(engine)
    try:
        with console.status(starting(settings)):
            info = local_server(settings).start()
    except ServerError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{info.engine} server running: {info.uri} database={info.database} pid={info.pid} "
               f"http=http://127.0.0.1:{info.http_port} data={settings.server_dir}")


@db.command("stop")
@ENGINE_OPTION
def db_stop(engine: str | None) -> None:
    settings = settings_for(engine)
    stopped = local_server(settings).stop()
    click.echo(f"{settings.engine} server stopped" if stopped else f"{settings.engine} server was not running")


@db.command("status")
@ENGINE_OPTION
def db_status(engine: str | None) -> None:
    settings = settings_for(engine)
    if settings.uri:
        click.echo(f"using external server {settings.uri} (IDGRAPH_URI is set)")
        return
    info = local_server(settings).status()
    if not info:
        click.echo(f"{settings.engine} server not running (data in {settings.server_dir}); "
                   "start it with `idgraph db start`")
        sys.exit(3)
    click.echo(f"{info.engine} server running: {info.uri} database={info.database} pid={info.pid}")
