"""Centrality: PageRank on a paper projection (:mod:`graph.analysis.projection`), betweenness, technique
and concept importance.

Betweenness is exact up to a size and estimated above it from a seeded sample of sources, both with a
vectorised Brandes (:func:`sampled_betweenness`, tested equal to networkx's): one sparse matrix product
per BFS level for a batch of sources at once, so 100k papers take seconds instead of the hours pure-Python
BFS would.

>>> g = nx.path_graph(5)
>>> b = sampled_betweenness(g, list(g))
>>> [round(b[v], 3) for v in g] == [round(x, 3) for x in nx.betweenness_centrality(g).values()]
True
"""

from __future__ import annotations

import random
from collections.abc import Hashable, Sequence

import networkx as nx
import numpy as np

from graph import schema
from graph.access import nodes_of_kind, targets
from graph.analysis.couse import technique_graph

__all__ = [
    "betweenness",
    "concept_pagerank",
    "nodes_of_kind",
    "pagerank",
    "sampled_betweenness",
    "technique_centrality",
    "technique_graph",
]


def pagerank(P: nx.Graph) -> dict[str, float]:
    """Weighted PageRank of a projected paper graph (an undirected edge counts both ways; empty -> {})."""
    return nx.pagerank(P, weight="weight") if P.number_of_nodes() else {}


def _brandes_batch(A: object, sources: np.ndarray, n: int) -> np.ndarray:
    """Sum over ``sources`` of Brandes' dependencies, for an unweighted symmetric CSR adjacency ``A``."""
    b = len(sources)
    cols = np.arange(b)
    dist = np.full((n, b), -1, dtype=np.int32)
    sigma = np.zeros((n, b))
    dist[sources, cols] = 0
    sigma[sources, cols] = 1.0
    frontier = sigma.copy()
    depth = 0
    while True:
        reached = A @ frontier
        new = (reached > 0) & (dist < 0)
        if not new.any():
            break
        depth += 1
        dist[new] = depth
        sigma[new] = reached[new]
        frontier = np.where(new, reached, 0.0)
    delta = np.zeros((n, b))
    safe_sigma = np.where(sigma > 0, sigma, 1.0)
    for level in range(depth, 0, -1):
        coef = np.where(dist == level, (1.0 + delta) / safe_sigma, 0.0)
        delta += np.where(dist == level - 1, sigma * (A @ coef), 0.0)
    delta[sources, cols] = 0.0
    return delta.sum(axis=1)


def sampled_betweenness(U: nx.Graph, sources: Sequence[Hashable], batch: int = 32) -> dict[Hashable, float]:
    """Normalised (unweighted) betweenness of an undirected graph estimated from ``sources``.

    With every node as a source it equals ``nx.betweenness_centrality(U)``; with a sample it is the
    unbiased estimate scaled by ``n / len(sources)``.
    """
    nodes = list(U)
    n = len(nodes)
    if n <= 2 or not sources:
        return dict.fromkeys(nodes, 0.0)
    index = {v: i for i, v in enumerate(nodes)}
    A = nx.to_scipy_sparse_array(U, nodelist=nodes, weight=None, format="csr").astype(np.float64)
    A.data[:] = 1.0
    src = np.array([index[s] for s in sources], dtype=np.int64)
    total = np.zeros(n)
    for start in range(0, len(src), batch):
        total += _brandes_batch(A, src[start : start + batch], n)
    scale = (n / len(src)) / ((n - 1) * (n - 2))
    return {v: float(total[i] * scale) for i, v in enumerate(nodes)}


def betweenness(U: nx.Graph, exact_max: int, samples: int, seed: int) -> dict[Hashable, float]:
    """Exact betweenness up to ``exact_max`` nodes, else estimated from ``samples`` seeded sources."""
    if U.number_of_nodes() <= exact_max:
        return sampled_betweenness(U, list(U))
    sources = random.Random(seed).sample(list(U), min(samples, U.number_of_nodes()))
    return sampled_betweenness(U, sources)


def technique_centrality(T: nx.Graph) -> tuple[dict[str, float], dict[str, float]]:
    """PageRank (weighted by co-use) and betweenness of the technique co-use graph."""
    if T.number_of_nodes() == 0:
        return {}, {}
    return nx.pagerank(T, weight="weight"), nx.betweenness_centrality(T)


def concept_pagerank(G: nx.MultiDiGraph, paper_rank: dict[str, float]) -> dict[str, float]:
    """Each paper's PageRank shared out equally over its concepts: a concept's importance (sums to 1)."""
    score: dict[str, float] = dict.fromkeys(nodes_of_kind(G, schema.CONCEPT), 0.0)
    for paper, rank in paper_rank.items():
        concepts = targets(G, paper, schema.HAS_CONCEPT)
        for concept in concepts:
            score[concept] += rank / len(concepts)
    return score
