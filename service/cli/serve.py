"""`idgraph serve`: the REST API on waitress, or granian workers (the demo serves through run_api too)."""
from __future__ import annotations

import os

import click

from graph import config
from graph.errors import StoreUnavailable
from service import workers_app
from service.cli.common import console, local_server_for_command

WAITRESS_THREADS = 8


def run_api(settings: config.Settings, host: str, port: int, workers: int = 1, threads: int | None = None) -> None:
    """One process with `threads` waitress threads, or `workers` granian processes of `threads` each."""
    if workers > 1:
        _say_where(host, port)
        workers_app.serve(settings, host, port, workers, threads or worker_threads())
        return
    from waitress import serve as waitress_serve

    from service import create_app
    try:
        app = create_app(settings)
    except StoreUnavailable as exc:
        raise click.ClickException(f"cannot reach the graph database: {exc}. Check IDGRAPH_URI and "
                                   "credentials, or unset IDGRAPH_URI to use the local server.") from exc
    _say_where(host, port)
    waitress_serve(app, host=host, port=port, threads=threads or WAITRESS_THREADS, ident="idgraph")


def worker_threads() -> int:
    """Threads per granian worker: 2 per core and 1, at most 8. A request holds the GIL for most of
    its time, so more only queue inside the process (granian warns above this)."""
    return min(8, 2 * (os.cpu_count() or 1) + 1)


def _say_where(host: str, port: int) -> None:
    console.print(f"[bold green]idgraph API[/] on http://{host}:{port}  (docs: /docs, spec: /openapi.json)")
    if _install_console_assets():
        console.print(f"[bold green]agent console[/] on http://{host}:{port}/console  (paste an API key)")


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


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="API processes; more than 1 serves through granian, rate limits shared between them")
@click.option("--threads", type=click.IntRange(1, 256),
              help=f"request threads per process  [default: {WAITRESS_THREADS}; with --workers: 2 per core and 1, "
                   "at most 8]")
def serve(host: str, port: int, workers: int, threads: int) -> None:
    """Run the REST API (starts the local server when IDGRAPH_URI is unset)."""
    settings = config.load()
    with local_server_for_command(settings):
        run_api(settings, host, port, workers, threads)
