"""`idgraph serve`: the REST API on waitress (the demo serves through run_api too)."""
from __future__ import annotations

import click

from graph import config
from graph.errors import StoreUnavailable
from service.cli.common import console, local_server_for_command


def run_api(settings: config.Settings, host: str, port: int) -> None:
    from waitress import serve as waitress_serve

    from service import create_app
    try:
        app = create_app(settings)
    except StoreUnavailable as exc:
        raise click.ClickException(f"cannot reach the graph database: {exc}. Check IDGRAPH_URI and "
                                   "credentials, or unset IDGRAPH_URI to use the local server.") from exc
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


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Run the REST API (starts the local server when IDGRAPH_URI is unset)."""
    settings = config.load()
    with local_server_for_command(settings):
        run_api(settings, host, port)
