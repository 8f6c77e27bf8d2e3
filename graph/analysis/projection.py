"""The paper graphs the analyses run on: ONE definition for the in-memory analysis and Neo4j GDS.

A projection names a relationship type, an orientation (GDS's words: ``NATURAL`` keeps the stored
direction, ``UNDIRECTED`` reads each edge both ways) and the relationship property used as weight
(``None``: unweighted). Two are used:

- **centrality** (PageRank: "which papers matter"): :data:`CITATIONS` (CITES, citing -> cited, unweighted)
  when the corpus has citations, i.e. at least :data:`MIN_CITATION_SHARE` of its papers cite or are cited
  by another corpus paper; a paper then matters when papers that matter build on it. Otherwise
  :data:`LINKS` (RELATED_TO, undirected, weighted by ``weight``, the summed specificity of the evidence two
  papers share): a paper matters when it shares specific methods and problems with many papers that do.
  Below that share, PageRank on citations would give most papers the same base score and say nothing.
- **communities, betweenness, bridges**: :data:`LINKS` always (co-citation and bibliographic coupling
  are evidence of RELATED_TO where reference lists exist).

:func:`centrality_projection` makes the choice; :func:`to_networkx` builds the projected graph.

>>> G = nx.MultiDiGraph()
>>> for p in ("paper:a", "paper:b", "paper:c"):
...     G.add_node(p, kind="paper")
>>> _ = G.add_edge("paper:a", "paper:b", key="RELATED_TO", kind="RELATED_TO", weight=2.5)
>>> centrality_projection(G).name
'links'
>>> sorted(to_networkx(G, LINKS).edges(data="weight"))
[('paper:a', 'paper:b', 2.5)]
>>> _ = G.add_edge("paper:a", "paper:b", key="CITES", kind="CITES")
>>> _ = G.add_edge("paper:c", "paper:b", key="CITES", kind="CITES")
>>> centrality_projection(G).name, sorted(to_networkx(G, CITATIONS).edges())
('citations', [('paper:a', 'paper:b'), ('paper:c', 'paper:b')])
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import networkx as nx

from graph import schema
from graph.access import edges_of, nodes_of_kind

#: GDS orientations.
NATURAL, UNDIRECTED = "NATURAL", "UNDIRECTED"

#: Share of papers that must take part in a CITES edge for PageRank to run on citations.
MIN_CITATION_SHARE = 0.5


@dataclass(frozen=True)
class Projection:
    """One paper graph: papers, one relationship type read in one orientation, an optional weight."""

    name: str
    relationship: str
    orientation: str
    weight: str | None

    def describe(self) -> str:
        """One line for reports.

        >>> LINKS.describe()
        'RELATED_TO links (undirected, weighted by weight: the summed specificity of shared evidence)'
        """
        if self.relationship == schema.CITES:
            return "citations (CITES, citing → cited, unweighted)"
        return (
            f"{self.relationship} links ({self.orientation.lower()}, weighted by {self.weight}: "
            "the summed specificity of shared evidence)"
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (stored in ``G.graph``)."""
        return asdict(self)


CITATIONS = Projection("citations", schema.CITES, NATURAL, None)
LINKS = Projection("links", schema.RELATED_TO, UNDIRECTED, "weight")


def cited_papers(G: nx.MultiDiGraph) -> int:
    """How many papers cite, or are cited by, another paper of the corpus."""
    return len({n for u, v, _, _ in edges_of(G, schema.CITES) if u != v for n in (u, v)})


def citation_share(G: nx.MultiDiGraph) -> float:
    """Share of the papers that cite, or are cited by, another paper of the corpus."""
    papers = len(nodes_of_kind(G, schema.PAPER))
    return cited_papers(G) / papers if papers else 0.0


def choose_centrality(papers: int, cited: int) -> Projection:
    """The centrality projection of a corpus of ``papers`` of which ``cited`` cite or are cited by another
    (the rule of the module docstring; Neo4j GDS counts these in the database).

    >>> choose_centrality(10, 5).name, choose_centrality(10, 4).name, choose_centrality(0, 0).name
    ('citations', 'links', 'links')
    """
    return CITATIONS if papers and cited / papers >= MIN_CITATION_SHARE else LINKS


def centrality_projection(G: nx.MultiDiGraph) -> Projection:
    """:data:`CITATIONS` where the corpus has citations (:func:`choose_centrality`), else :data:`LINKS`."""
    return choose_centrality(len(nodes_of_kind(G, schema.PAPER)), cited_papers(G))


def to_networkx(G: nx.MultiDiGraph, projection: Projection) -> nx.Graph:
    """Every paper, and the projection's edges (a :class:`~networkx.DiGraph` when ``NATURAL``).

    Edges carry ``weight``: the projected property (missing: 1.0), or 1.0 when unweighted.
    """
    P: nx.Graph = nx.DiGraph() if projection.orientation == NATURAL else nx.Graph()
    P.add_nodes_from(nodes_of_kind(G, schema.PAPER))
    for u, v, key, data in G.edges(keys=True, data=True):
        if key == projection.relationship and u != v:
            weight = float(data.get(projection.weight, 1.0)) if projection.weight else 1.0
            P.add_edge(u, v, weight=weight)
    return P
