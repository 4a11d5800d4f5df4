"""`idgraph keys create|list|revoke`: API keys (the same use cases as /v1/keys)."""
from __future__ import annotations

import click

from graph import config
from graph.access import apikeys
from service.cli.common import console, store_for_command


@click.group()
def keys() -> None:
    """Create, list and revoke API keys (the graph stores only their hashes)."""


@keys.command("create")
@click.option("--role", required=True, type=click.Choice(apikeys.ROLES), help="What the key may do (see README).")
@click.option("--name", default="", help="Who or what the key is for.")
def keys_create(role: str, name: str) -> None:
    """Create a key and print it: this is the only time it is shown."""
    with store_for_command(config.load()) as store:
        issued = apikeys.issue(store, role, name)
    click.echo(issued.key)
    console.print(f"key id {issued.keyId}, role {role}: store the key now, it cannot be shown again")


@keys.command("list")
def keys_list() -> None:
    """Every key: id, role, name, created and revoked times (never the key)."""
    with store_for_command(config.load()) as store:
        rows = apikeys.list_keys(store)
    click.echo(f"{'keyId':<18} {'role':<8} {'created':<20} {'revoked':<20} name")
    for k in rows:
        created, revoked = (f"{k[t]:%Y-%m-%d %H:%M:%S}" if k.get(t) else "-" for t in ("createdAt", "revokedAt"))
        click.echo(f"{k['keyId']:<18} {k['role']:<8} {created:<20} {revoked:<20} {k.get('name') or ''}")


@keys.command("revoke")
@click.argument("key_id")
def keys_revoke(key_id: str) -> None:
    """Revoke a key by its id: requests with it are refused from now on."""
    with store_for_command(config.load()) as store:
        if not apikeys.revoke(store, key_id):
            raise click.ClickException(f"no API key {key_id}")
    click.echo(f"revoked {key_id}")
