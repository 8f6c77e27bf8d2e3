"""Analysis of the typed graph: centrality, communities with labels, bridges, trends, explanations.

:func:`analyze` writes ``degree``, ``pagerank``, ``betweenness`` and ``community`` onto the nodes of the
graph (the properties :mod:`graph.schema` lists), stores its graph-level results in ``G.graph`` (written
to ``graph.json`` with the graph) and returns them, with bridges, trends and top lists, as an
:class:`AnalysisResult`:

- papers: PageRank on the centrality projection (:mod:`graph.analysis.projection`: citations where the
  corpus has them, else the specificity-weighted RELATED_TO links); betweenness on the undirected links
  (exact up to ``betweenness_exact_max`` papers, else estimated from ``betweenness_samples`` seeded
  sources); communities (:mod:`graph.analysis.communities`), unclustered papers getting ``-1``.
- techniques: PageRank and betweenness of the technique co-use graph (:mod:`graph.analysis.couse`);
  community where most of their papers are.
- concepts: each paper's PageRank shared out over its concepts; community where most of their papers are.
- every paper, concept and technique: ``degree`` (its edges in the typed graph).

``G.graph["communities"]``: one record per community (id, label, size, about, top papers, techniques,
concepts). ``G.graph["analysis"]``: the seed, the centrality projection and why, how the communities were
found (resolution tries, attached and unclustered papers), whether betweenness is exact.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from graph import schema
from graph.access import nodes_of_kind
from graph.analysis.bridges import BridgePaper, BridgeTechnique, bridge_papers, bridge_techniques
from graph.analysis.centrality import betweenness, concept_pagerank, pagerank, technique_centrality
from graph.analysis.communities import (
    UNCLUSTERED,
    Community,
    Partition,
    community_labels,
    community_records,
    describe,
    item_communities,
    partition,
    specificities,
)
from graph.analysis.couse import technique_graph
from graph.analysis.projection import LINKS, centrality_projection, citation_share, to_networkx
from graph.analysis.trends import Trends, trends
from graph.defaults import SEED
from graph.questions import Explanation, Ranked, Similar, explain, resolve_paper, similar, top
from graph.relatedness import evidence_from_graph

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
    "community_labels",
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
    unclustered: int = 0

    def community_labels(self) -> dict[int, str]:
        """Community number -> readable label (``-1``: "unclustered", when some paper is)."""
        labels = {c.id: c.label for c in self.communities}
        return {**labels, UNCLUSTERED: "unclustered"} if self.unclustered else labels


def _set(G: nx.MultiDiGraph, name: str, values: dict[str, float] | dict[str, int]) -> None:
    for node, value in values.items():
        G.nodes[node][name] = round(value, 8) if isinstance(value, float) else value


def _partition_of(G: nx.MultiDiGraph, U: nx.Graph, seed: int) -> tuple[Partition, dict[str, set[str]]]:
    """The communities, and each paper's items (the relatedness rule's: :func:`evidence_from_graph`)."""
    evidence = evidence_from_graph(G)
    terms_of = {p: set(items) for p, items in evidence.items_of.items()}
    return partition(U, seed, terms_of, specificities(G, terms_of), evidence.texts), terms_of


def analyze(
    G: nx.MultiDiGraph,
    seed: int = SEED,
    betweenness_exact_max: int = 2000,
    betweenness_samples: int = 500,
    top_n: int = 10,
) -> AnalysisResult:
    """Score, cluster and summarise ``G`` in place (see the module docstring); deterministic for a seed."""
    projection = centrality_projection(G)
    U = to_networkx(G, LINKS)
    paper_rank = pagerank(to_networkx(G, projection))
    paper_between = betweenness(U, betweenness_exact_max, betweenness_samples, seed)
    tech_rank, tech_between = technique_centrality(technique_graph(G))
    found, terms_of = _partition_of(G, U, seed)
    member = found.membership()
    clustered = {p: c for p, c in member.items() if c != UNCLUSTERED}

    _set(G, "degree", {n: G.degree(n) for n, k in G.nodes(data="kind") if k in ANALYSED_KINDS})
    _set(G, "pagerank", {**paper_rank, **tech_rank, **concept_pagerank(G, paper_rank)})
    _set(G, "betweenness", {**paper_between, **tech_between})
    _set(G, "community", {**member, **item_communities(G, member)})

    communities = describe(G, found, paper_rank, terms_of)
    exact = U.number_of_nodes() <= betweenness_exact_max
    G.graph["communities"] = community_records(communities)
    G.graph["analysis"] = {
        "seed": seed,
        "centrality": {**projection.as_dict(), "citation_share": round(citation_share(G), 4)},
        "communities": {"projection": LINKS.as_dict(), **found.summary()},
        "betweenness": {"projection": LINKS.as_dict(), "exact": exact},
    }
    return AnalysisResult(
        communities=communities,
        bridge_papers=bridge_papers(G, U, clustered, paper_between),
        bridge_techniques=bridge_techniques(G, clustered),
        trends=trends(G),
        top={kind: top(G, kind, "pagerank", top_n) for kind in ANALYSED_KINDS if nodes_of_kind(G, kind)},
        betweenness_exact=exact,
        unclustered=len(found.unclustered),
    )
