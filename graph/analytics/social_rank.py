"""PageRank over the social graph (handles following and mentioning handles), one component at a time.

A FOLLOWS edge a -> b says a listens to b; a MENTIONS edge is a weaker endorsement. PageRank is
computed per weakly connected component with networkx and scaled by the component's share of all
handles, so scores from different pieces add up as one global ranking (exact when a component has
no handle without outgoing edges; close otherwise, since networkx spreads a dangling handle's rank
over its own component, not over the whole graph).
"""
from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

# The relationship types between handles, with what each is worth to PageRank: the one table of them.
WEIGHTS = {"FOLLOWS": 1.0, "MENTIONS": 0.5}
SOCIAL_EDGE_TYPES = tuple(WEIGHTS)
ALPHA = 0.85


@dataclass(frozen=True)
class Edge:
    source: str   # handle key, 'social:twitter:janesmith'
    target: str
    type: str     # FOLLOWS | MENTIONS


def component_graph(edges: list[Edge]) -> nx.DiGraph[str]:
    graph: nx.DiGraph[str] = nx.DiGraph()
    for edge in edges:
        if edge.source == edge.target:
            continue
        weight = WEIGHTS.get(edge.type, 0.0)
        if graph.has_edge(edge.source, edge.target):
            graph[edge.source][edge.target]["weight"] += weight
        else:
            graph.add_edge(edge.source, edge.target, weight=weight)
    return graph


def pagerank(graph: nx.DiGraph, total_nodes: int) -> dict[str, float]:
    """Rank of each handle of one component, scaled to a graph of `total_nodes` handles."""
    if graph.number_of_nodes() == 0:
        return {}
    ranks = nx.pagerank(graph, alpha=ALPHA, weight="weight")
    share = graph.number_of_nodes() / max(total_nodes, graph.number_of_nodes())
    return {node: rank * share for node, rank in ranks.items()}


def relative(rank: float | None, total_nodes: int) -> float:
    """Rank as a multiple of the average handle's (1.0 = average; 0 when unknown)."""
    return round((rank or 0.0) * total_nodes, 3) if total_nodes else 0.0
