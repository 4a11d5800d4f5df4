"""The `idgraph` command: one module per command group, shared helpers in service/cli/common.py."""
from __future__ import annotations

import logging

import click

from service.cli import analytics, db, demo, ingest, keys, model, resolve, serve, twins


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log debug output.")
def main(verbose: bool) -> None:
    """idgraph: a graph of customer identities. Configure with IDGRAPH_* environment variables."""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING)


for command in (db.db, serve.serve, demo.demo, ingest.ingest_command, keys.keys, analytics.analytics,
                model.model, resolve.resolve, twins.twins):
    main.add_command(command)
