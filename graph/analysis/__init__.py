"""Analysis of the typed graph: centrality, communities with labels, bridges, trends, explanations.

:func:`analyze` writes ``degree``, ``pagerank``, ``betweenness`` and ``community`` onto the nodes of the
graph (the properties :mod:`graph.schema` lists) and returns the rest as an :class:`AnalysisResult`:

- papers: PageRank on the paper graph (CITES citing -> cited, RELATED_TO both ways, weighted);
  betweenness on its undirected form (exact up to ``betweenness_exact_max`` papers, else estimated from
  ``betweenness_samples`` seeded sources); community by seeded Louvain.
- techniques: PageRank and betweenness of the technique co-use graph (two techniques linked by the
  number of papers using both); community where most of their papers are.
- concepts: each paper's PageRank shared out over its concepts; community where most of their papers are.
- every paper, concept and technique: ``degree`` (its edges in the typed graph).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from graph import schema
from graph.analysis.bridges import BridgePaper, BridgeTechnique, bridge_papers, bridge_techniques
from graph.analysis.centrality import (
    betweenness,
    concept_pagerank,
    nodes_of_kind,
    pagerank,
    paper_digraph,
    paper_graph,
    technique_centrality,
    technique_graph,
)
from graph.analysis.communities import Community, describe, detect, item_communities, membership
from graph.analysis.explain import Explanation, Ranked, Similar, explain, resolve_paper, similar, top
from graph.analysis.trends import Trends, trends

__all__ = [
    "AnalysisResult",
    "BridgePaper",
    "BridgeTechnique",
    "Community",
    "Explanation",
    "Ranked",
    "Similar",
    "Trends",
    "analyze",
    "explain",
    "resolve_paper",
    "similar",
    "top",
]

#: Node kinds that get analysis properties.
ANALYSED_KINDS = (schema.PAPER, schema.CONCEPT, schema.TECHNIQUE)


@dataclass
class AnalysisResult:
    """What :func:`analyze` found beyond the node properties it wrote."""

    communities: list[Community] = field(default_factory=list)
    bridge_papers: list[BridgePaper] = field(default_factory=list)
    bridge_techniques: list[BridgeTechnique] = field(default_factory=list)
    trends: Trends = field(default_factory=Trends)
    top: dict[str, list[Ranked]] = field(default_factory=dict)
    betweenness_exact: bool = True

    def community_labels(self) -> dict[int, str]:
        """Community number -> readable label."""
        return {c.id: c.label for c in self.communities}


def _set(G: nx.MultiDiGraph, name: str, values: dict[str, float] | dict[str, int]) -> None:
    for node, value in values.items():
        G.nodes[node][name] = round(value, 8) if isinstance(value, float) else value


def analyze(
    G: nx.MultiDiGraph,
    seed: int = 42,
    betweenness_exact_max: int = 2000,
    betweenness_samples: int = 500,
    top_n: int = 10,
) -> AnalysisResult:
    """Score, cluster and summarise ``G`` in place (see the module docstring); deterministic for a seed."""
    D = paper_digraph(G)
    U = paper_graph(G)
    paper_rank = pagerank(D)
    paper_between = betweenness(U, betweenness_exact_max, betweenness_samples, seed)
    tech_rank, tech_between = technique_centrality(technique_graph(G))
    communities = detect(U, seed)
    member = membership(communities)

    _set(G, "degree", {n: G.degree(n) for n, k in G.nodes(data="kind") if k in ANALYSED_KINDS})
    _set(G, "pagerank", {**paper_rank, **tech_rank, **concept_pagerank(G, paper_rank)})
    _set(G, "betweenness", {**paper_between, **tech_between})
    _set(G, "community", {**member, **item_communities(G, member)})

    return AnalysisResult(
        communities=describe(G, communities, paper_rank),
        bridge_papers=bridge_papers(G, U, member, paper_between),
        bridge_techniques=bridge_techniques(G, member),
        trends=trends(G),
        top={kind: top(G, kind, "pagerank", top_n) for kind in ANALYSED_KINDS if nodes_of_kind(G, kind)},
        betweenness_exact=U.number_of_nodes() <= betweenness_exact_max,
    )
