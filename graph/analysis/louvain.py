"""Louvain communities exactly as ``nx.community.louvain_communities`` finds them, computed on dicts of weights.

networkx reads its graphs through views (weighted degrees, edge data, node attributes) and builds a networkx
graph for every level; this module takes the same steps on plain dicts: the same seeded node order, the same
moves, the same sums in the same order, so the same communities in the same order
(``tests/test_analysis_louvain.py`` compares them with networkx's), in less time. Louvain was half of the
analysis stage at 10,000 papers. Undirected graphs only (the paper link graph is).

>>> import networkx as nx
>>> G = nx.Graph()
>>> G.add_weighted_edges_from([("a", "b", 1.0), ("b", "c", 1.0), ("a", "c", 1.0), ("c", "d", 0.1), ("d", "e", 1.0)])
>>> found = louvain_communities(adjacency(G.edges(data="weight")), seed=1)
>>> [sorted(c) for c in found]
[['a', 'b', 'c'], ['d', 'e']]
>>> found == nx.community.louvain_communities(nx.Graph(G.edges(data=True)), seed=1)
True
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence

__all__ = ["Adjacency", "adjacency", "louvain_communities", "modularity"]

#: Node -> neighbour -> edge weight (both directions of an undirected edge), in networkx's insertion order.
Adjacency = dict[Hashable, dict[Hashable, float]]

#: networkx's default: a level that gains less modularity than this ends the search.
THRESHOLD = 0.0000001


def adjacency(edges: Iterable[tuple[Hashable, Hashable, float | None]], nodes: Iterable[Hashable] = ()) -> Adjacency:
    """The adjacency of an :class:`nx.Graph` given ``nodes`` and then ``edges`` (``add_edges_from``: the first
    end, then the second, each edge in both directions; a weight of None counts 1, as networkx's default).

    >>> adjacency([("a", "b", 2.0), ("c", "a", None)])
    {'a': {'b': 2.0, 'c': 1}, 'b': {'a': 2.0}, 'c': {'a': 1}}
    """
    adj: Adjacency = {n: {} for n in nodes}
    for u, v, w in edges:
        weight = 1 if w is None else w
        adj.setdefault(u, {})[v] = weight
        adj.setdefault(v, {})[u] = weight
    return adj


def _edges(adj: Adjacency, nodes: Iterable[Hashable] | None = None) -> Iterator[tuple[Hashable, Hashable, float]]:
    """Each edge once in networkx's order (``G.edges(nodes)``): by node, then neighbour, skipping nodes seen."""
    seen: set[Hashable] = set()
    for n in adj if nodes is None else nodes:
        if n not in adj:
            continue
        for nbr, w in adj[n].items():
            if nbr not in seen:
                yield n, nbr, w
        seen.add(n)


def _degrees(adj: Adjacency) -> dict[Hashable, float]:
    """Weighted degrees as ``G.degree(weight=...)`` sums them (a self-loop twice)."""
    return {n: sum(nbrs.values()) + (n in nbrs and nbrs[n]) for n, nbrs in adj.items()}


def modularity(adj: Adjacency, communities: Sequence[set[Hashable]], resolution: float = 1) -> float:
    """``nx.community.modularity`` of a partition of an undirected graph (its sums, in its order).

    >>> import networkx as nx
    >>> G = nx.barbell_graph(4, 0)
    >>> parts = [set(range(4)), set(range(4, 8))]
    >>> modularity(adjacency(G.edges(data="weight")), parts) == nx.community.modularity(G, parts)
    True
    """
    degree = _degrees(adj)
    deg_sum = sum(degree.values())
    m = deg_sum / 2
    norm = 1 / deg_sum**2

    def contribution(community: set[Hashable]) -> float:
        comm = set(community)
        inside = sum(w for _, v, w in _edges(adj, comm) if v in comm)
        total = sum(degree[u] for u in comm)
        return inside / m - resolution * total * total * norm

    return sum(map(contribution, communities))


def _neighbor_weights(nbrs: Mapping[Hashable, float], node2com: Mapping[Hashable, int]) -> dict[int, float]:
    weights: defaultdict[int, float] = defaultdict(float)
    for nbr, wt in nbrs.items():
        weights[node2com[nbr]] += wt
    return weights


def _one_level(
    adj: Adjacency,
    members: Mapping[Hashable, set[Hashable]],
    m: float,
    partition: list[set[Hashable]],
    resolution: float,
    rng: random.Random,
) -> tuple[list[set[Hashable]], list[set[Hashable]], bool]:
    """One pass of moves (networkx's ``_one_level``, undirected): (partition, inner partition, improved)."""
    node2com = {u: i for i, u in enumerate(adj)}
    inner_partition = [{u} for u in adj]
    degrees = _degrees(adj)
    stot = list(degrees.values())
    nbrs = {u: {v: w for v, w in adj[u].items() if v != u} for u in adj}
    rand_nodes = list(adj)
    rng.shuffle(rand_nodes)
    nb_moves = 1
    improvement = False
    while nb_moves > 0:
        nb_moves = 0
        for u in rand_nodes:
            best_mod = 0
            best_com = node2com[u]
            weights2com = _neighbor_weights(nbrs[u], node2com)
            degree = degrees[u]
            stot[best_com] -= degree
            remove_cost = -weights2com[best_com] / m + resolution * (stot[best_com] * degree) / (2 * m**2)
            for nbr_com, wt in weights2com.items():
                gain = remove_cost + wt / m - resolution * (stot[nbr_com] * degree) / (2 * m**2)
                if gain > best_mod:
                    best_mod = gain
                    best_com = nbr_com
            stot[best_com] += degree
            if best_com != node2com[u]:
                com = members.get(u, {u})
                partition[node2com[u]].difference_update(com)
                inner_partition[node2com[u]].remove(u)
                partition[best_com].update(com)
                inner_partition[best_com].add(u)
                improvement = True
                nb_moves += 1
                node2com[u] = best_com
    return list(filter(len, partition)), list(filter(len, inner_partition)), improvement


def _gen_graph(
    adj: Adjacency, members: Mapping[Hashable, set[Hashable]], partition: Sequence[set[Hashable]]
) -> tuple[Adjacency, dict[Hashable, set[Hashable]]]:
    """The graph of the communities (networkx's ``_gen_graph``) and the original nodes of each."""
    node2com: dict[Hashable, int] = {}
    new_adj: Adjacency = {}
    new_members: dict[Hashable, set[Hashable]] = {}
    for i, part in enumerate(partition):
        nodes: set[Hashable] = set()
        for node in part:
            node2com[node] = i
            nodes.update(members.get(node, {node}))
        new_adj[i] = {}
        new_members[i] = nodes
    for node1, node2, wt in _edges(adj):
        com1, com2 = node2com[node1], node2com[node2]
        weight = wt + new_adj[com1].get(com2, 0)
        new_adj[com1][com2] = weight
        new_adj[com2][com1] = weight
    return new_adj, new_members


def louvain_communities(
    adj: Adjacency, resolution: float = 1, threshold: float = THRESHOLD, seed: int | None = None
) -> list[set[Hashable]]:
    """The communities ``nx.community.louvain_communities(G, weight, resolution, threshold, seed)`` returns for
    the undirected graph whose :func:`adjacency` is ``adj`` (an int or None ``seed``)."""
    rng = random.Random(seed)
    partition = [{u} for u in adj]
    if not any(adj.values()):
        return partition
    mod = modularity(adj, partition, resolution)
    graph = adjacency(_edges(adj), adj)
    m = sum(_degrees(graph).values()) / 2
    members: dict[Hashable, set[Hashable]] = {}
    partition, inner_partition, improvement = _one_level(graph, members, m, partition, resolution, rng)
    while True:
        found = [s.copy() for s in partition]
        new_mod = modularity(graph, inner_partition, resolution)
        if new_mod - mod <= threshold:
            return found
        mod = new_mod
        graph, members = _gen_graph(graph, members, inner_partition)
        partition, inner_partition, improvement = _one_level(graph, members, m, partition, resolution, rng)
        if not improvement:
            return found
