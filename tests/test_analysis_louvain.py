"""graph.analysis.louvain: the communities networkx's Louvain finds, step for step (issue 14: analysis speed)."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from graph.analysis.louvain import adjacency, louvain_communities, modularity


def _random_graph(seed: int) -> nx.Graph:
    """A graph as the analysis builds its link graph: weighted edges added in order, some self-loops, some
    edges without a weight (networkx counts 1), a few isolated nodes."""
    rng = random.Random(seed)
    n = rng.randint(1, 150)
    G = nx.Graph()
    G.add_nodes_from(f"paper:{rng.randrange(n)}" for _ in range(3))
    for _ in range(rng.randint(0, 4 * n)):
        u, v = f"paper:{rng.randrange(n)}", f"paper:{rng.randrange(n)}"
        if rng.random() < 0.9:
            G.add_edge(u, v, weight=round(rng.random() * 3, 3))
        else:
            G.add_edge(u, v)
    return G


def _weights(G: nx.Graph) -> dict:
    return {u: {v: data.get("weight", 1) for v, data in nbrs.items()} for u, nbrs in G.adj.items()}


@pytest.mark.parametrize("resolution", [1.0, 1.5, 3.0])
def test_communities_and_their_order_are_networkx_louvain_s(resolution):
    for seed in range(120):
        G = _random_graph(seed)
        expected = nx.community.louvain_communities(G, weight="weight", resolution=resolution, seed=seed)
        assert louvain_communities(_weights(G), resolution=resolution, seed=seed) == expected, seed


def test_modularity_is_networkx_s_to_the_last_bit():
    for seed in range(120):
        G = _random_graph(seed)
        if not G.number_of_edges():
            continue
        found = nx.community.louvain_communities(G, seed=seed)
        for resolution in (1.0, 2.0):
            expected = nx.community.modularity(G, found, resolution=resolution)
            assert modularity(_weights(G), found, resolution) == expected


def test_the_adjacency_of_an_edge_list_is_the_graph_networkx_builds_from_it():
    edges = [("b", "a", 2.0), ("c", "b", None), ("a", "a", 0.5), ("a", "b", 3.0)]
    G = nx.Graph()
    G.add_weighted_edges_from((u, v, 1 if w is None else w) for u, v, w in edges)
    assert adjacency(edges) == _weights(G)
    assert [list(nbrs) for nbrs in adjacency(edges).values()] == [list(nbrs) for nbrs in G.adj.values()]


def test_a_graph_without_edges_is_all_singletons():
    assert louvain_communities({"a": {}, "b": {}}, seed=1) == [{"a"}, {"b"}]
