"""What `idgraph demo` prints after loading: a few who-is-this answers and a ready API key."""
from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from graph.errors import NotFound
from graph.reads.views import identifier_key, whois

EXAMPLES = (("social", "twitter:janesmith", "@JaneSmith on twitter"),
            ("loyaltyCard", "PLT-99812", "loyalty card PLT-99812"),
            ("email", "test@test.com", "junk e-mail test@test.com"))
DEMO_KEY_NAME = "demo"   # each `idgraph demo` revokes the previous demo key and issues a new one


def show_examples(store, settings, console: Console) -> None:
    table = Table(title="who is this?")
    for column in ("asked", "person", "name", "tier", "spend", "records", "roles"):
        table.add_column(column)
    for kind, value, label in EXAMPLES:
        try:
            view = store.read(whois, identifier_key(kind, value))
        except NotFound:
            table.add_row(label, "-", "(nobody: never stitched)", "", "", "", "")
            continue
        roles = ", ".join(f"{', '.join(r['titles'])} @ {r['company']}" for r in view["roles"])
        table.add_row(label, view["personId"], view["name"].get("full", ""), str(view["metrics"]["tier"]),
                      str(view["metrics"]["lifetimeSpend"]), str(len(view["records"])), roles)
    console.print(table)


def show_key(issued, host: str, port: int) -> None:
    """The demo's admin key and a request that uses it, on stdout and unwrapped, ready to copy."""
    click.echo(f"\ndemo admin key (id {issued.keyId}; replaced on every `idgraph demo`):\n  {issued.key}\ntry:")
    click.echo(f"  curl -H 'Authorization: Bearer {issued.key}' "
               f"'http://{host}:{port}/v1/whois?type=loyaltyCard&value=PLT-99812'\n")


def load_relations(store, data) -> dict:
    """The demo's social edges and company parents, through the API's own validation and use cases."""
    from graph.relationships.edges import build_companies, build_edges, store_companies, store_edges
    from service.relation_schemas import CompaniesSchema, SocialEdgesSchema
    edges = SocialEdgesSchema().load({"edges": data.edges})["edges"]
    companies = build_companies(CompaniesSchema().load({"companies": data.companies})["companies"])
    return {"edges": store.write(store_edges, build_edges(edges)),
            "companies": store.write(store_companies, companies)}
