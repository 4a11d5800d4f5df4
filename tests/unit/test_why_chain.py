"""The who-is-this `why` chains, found by a plain-dict search (graph/reads/views.py), are the ones
networkx's shortest_path finds on the same links: the path shown when several are equally short too."""
from __future__ import annotations

import random

import networkx as nx

from graph.reads import views


def _links(rng: random.Random, records: int, identifiers: int, count: int) -> list[dict]:
    return [{"record": f"r{rng.randrange(records)}", "rel": "HAS",
             "link": {"current": rng.random() > 0.15},
             "node": {"key": f"email:{rng.randrange(identifiers)}", "generic": rng.random() < 0.05}}
            for _ in range(count)]


def _networkx_chain(links: list[dict], asked: str, record: str):
    graph = nx.Graph()
    for row in links:
        key = row["node"].get("key")
        if key and row["link"].get("current") and not row["node"].get("generic"):
            graph.add_edge(("record", row["record"]), ("identifier", key))
    if not (graph.has_node(("identifier", asked)) and graph.has_node(("record", record))):
        return None
    try:
        return nx.shortest_path(graph, ("identifier", asked), ("record", record))
    except nx.NetworkXNoPath:
        return None


def _compared(seed: int) -> int:
    """Compare every (asked, record) chain of one random graph; the count of chains past one hop."""
    rng = random.Random(seed)
    records, identifiers = rng.randint(2, 12), rng.randint(2, 14)
    links = _links(rng, records, identifiers, rng.randint(1, 40))
    graph = views._chain_graph(links)
    longer = 0
    for asked in [f"email:{i}" for i in range(identifiers)] + [None]:
        for record in [f"r{i}" for i in range(records)]:
            expected = _networkx_chain(links, asked, record) if asked else None
            assert views._chain(graph, asked, record) == expected, (seed, asked, record)
            longer += expected is not None and len(expected) > 2
    return longer


def test_every_chain_is_the_one_networkx_finds():
    longer = [_compared(seed) for seed in range(200)]
    assert sum(n > 0 for n in longer) > 50   # the graphs do chain records through shared identifiers


def test_chains_longer_than_one_hop_are_found():
    links = [{"record": r, "link": {"current": True}, "node": {"key": k}}
             for r, k in (("a", "email:1"), ("a", "phone:2"), ("b", "phone:2"), ("b", "card:3"), ("c", "card:3"))]
    assert views.why(links, [{"recordKey": "c"}], "email:1")[0]["chain"] == [
        {"identifier": "email:1"}, {"record": "a"}, {"identifier": "phone:2"}, {"record": "b"},
        {"identifier": "card:3"}, {"record": "c"}]
