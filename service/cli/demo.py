"""`idgraph demo`: load the hotel-chain demo, show a few who-is-this answers and a ready API key,
then serve the API."""
from __future__ import annotations

import click
from rich.table import Table

from graph import config
from graph.access import apikeys
from graph.errors import NotFound
from graph.reads.views import identifier_key, whois
from graph.store.driver import connect
from service.cli.analytics import run_refresh, run_signals
from service.cli.common import console, local_server_for_command
from service.cli.ingest import load_events, load_records, print_summary
from service.cli.serve import run_api

EXAMPLES = (("social", "twitter:janesmith", "@JaneSmith on twitter"),
            ("loyaltyCard", "PLT-99812", "loyalty card PLT-99812"),
            ("email", "test@test.com", "junk e-mail test@test.com"))
DEMO_KEY_NAME = "demo"   # each `idgraph demo` revokes the previous demo key and issues a new one


def show_examples(store) -> None:
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


def show_lifecycle(store, settings) -> None:
    """Jane's status per line of business from the demo's touchpoints, and her latest few."""
    from graph.events.timeline import timeline
    from graph.lifecycle import definition
    from graph.lifecycle.reads import person_lifecycle
    person = store.read(whois, identifier_key("loyaltyCard", "PLT-99812"))["personId"]
    status = store.read(person_lifecycle, person, definition.load(settings.lifecycle_file))
    table = Table(title=f"who is a customer? Jane Smith ({person}), overall: {status['overall']['status']}")
    for column in ("line of business", "status", "since", "evidence"):
        table.add_column(column)
    for name, line in status["linesOfBusiness"].items():
        table.add_row(name, line["status"], line["since"].date().isoformat(), ", ".join(line["evidence"]))
    console.print(table)
    recent = store.read(timeline, person, "service", (), None, None, 5, "")["events"]
    console.print("latest touchpoints: " + "; ".join(f"{e['at'].date()} {e['kind']} ({e['source']})" for e in recent))


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


@click.command()
@click.option("--seed", default=7, show_default=True, type=int)
@click.option("--people", default=40, show_default=True, type=int, help="Ordinary customers besides the scenarios.")
@click.option("--serve/--no-serve", "serve_after", default=True, show_default=True,
              help="Keep the API running after loading.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def demo(seed: int, people: int, serve_after: bool, host: str, port: int) -> None:
    """Load a generated hotel-chain dataset (five silos), show who-is-this answers, then serve the API."""
    from graph.demo import hotel_chain
    settings = config.load()
    with local_server_for_command(settings):
        data = hotel_chain.generate(seed=seed, extra_people=people)
        store = connect(settings)
        try:
            summary = load_records(store, settings, data.records + data.acquired + data.updates, "demo",
                                   total=len(data.records) + len(data.acquired) + len(data.updates))
            load_relations(store, data)
            run_refresh(store, settings=settings)   # first: the Wilsons' household takes their tablet's visits
            events = load_events(store, settings, data.events + data.acquired_events, "demo touchpoints",
                                 total=len(data.events) + len(data.acquired_events))
            run_signals(store, settings)   # after the touchpoints: the open case, the complaint
            show_examples(store)
            show_lifecycle(store, settings)
            issued = apikeys.issue(store, "admin", DEMO_KEY_NAME, replace=True)
        finally:
            store.close()
        print_summary(summary)
        print_summary(events, events=True)
        show_key(issued, host, port)
        if serve_after:
            run_api(settings, host, port)
