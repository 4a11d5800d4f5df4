"""What `idgraph demo` prints after loading: a few who-is-this answers."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table

from graph.views import NotFound, identifier_key, whois

EXAMPLES = (("social", "twitter:janesmith", "@JaneSmith on twitter"),
            ("loyaltyCard", "PLT-99812", "loyalty card PLT-99812"),
            ("email", "test@test.com", "junk e-mail test@test.com"))


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
