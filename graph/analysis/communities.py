"""Communities of the paper graph (seeded Louvain) and their readable labels (class-based TF-IDF).

Communities are numbered by size (largest first), ties by their smallest paper id, so the same graph and
seed always give the same numbers. A concept or technique belongs to the community holding most of its
papers (ties: the smaller number).

A community's label joins its most *distinctive* terms: a term's score is the share of the community's
papers that use it times ``log(N / df)`` (how rare it is in the whole corpus), so "rectified flow" beats
"diffusion" in a rectified-flow community even though more of its papers say "diffusion".
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import networkx as nx

from graph import schema
from graph.analysis.centrality import nodes_of_kind

#: Separator of the terms of a community label.
LABEL_SEPARATOR = " · "


@dataclass
class Community:
    """One community: its number, readable label, size and the items that characterise it."""

    id: int
    label: str
    size: int
    top_papers: list[str] = field(default_factory=list)
    top_techniques: list[str] = field(default_factory=list)
    top_concepts: list[str] = field(default_factory=list)


def detect(U: nx.Graph, seed: int) -> list[list[str]]:
    """Louvain communities of the undirected paper graph, each sorted, numbered by (size desc, first id)."""
    if U.number_of_nodes() == 0:
        return []
    found = nx.community.louvain_communities(U, weight="weight", seed=seed)
    return sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))


def membership(communities: Sequence[Sequence[str]]) -> dict[str, int]:
    """Paper node id -> community number."""
    return {paper: i for i, members in enumerate(communities) for paper in members}


def paper_terms(G: nx.MultiDiGraph, paper: str) -> set[str]:
    """The techniques and concepts of a paper, a concept tied to a technique counting as the technique."""
    terms = set()
    for _, item, key in G.out_edges(paper, keys=True):
        if key == schema.USES_TECHNIQUE:
            terms.add(item)
        elif key == schema.HAS_CONCEPT:
            tied = G.nodes[item].get("technique")
            terms.add(schema.node_id(schema.TECHNIQUE, tied) if tied else item)
    return terms


def item_communities(G: nx.MultiDiGraph, member: Mapping[str, int]) -> dict[str, int]:
    """Concept/technique node id -> the community holding most of its papers."""
    counts: dict[str, Counter[int]] = defaultdict(Counter)
    for paper, community in member.items():
        for _, item, key in G.out_edges(paper, keys=True):
            if key in (schema.USES_TECHNIQUE, schema.HAS_CONCEPT):
                counts[item][community] += 1
    return {item: min(c, key=lambda x: (-c[x], x)) for item, c in counts.items()}


def _label_of(G: nx.MultiDiGraph, item: str) -> str:
    return str(G.nodes[item].get("label", item))


def _distinct(labels: Sequence[str], n: int) -> list[str]:
    """The first ``n`` labels, skipping one contained in (or containing) a label already chosen."""
    chosen: list[str] = []
    for label in labels:
        low = label.lower()
        if not any(low in c.lower() or c.lower() in low for c in chosen):
            chosen.append(label)
        if len(chosen) == n:
            break
    return chosen


def describe(
    G: nx.MultiDiGraph,
    communities: Sequence[Sequence[str]],
    paper_rank: Mapping[str, float],
    n_terms: int = 3,
    n_top: int = 5,
) -> list[Community]:
    """Labelled :class:`Community` records (label terms by class-based TF-IDF, see module docstring)."""
    terms_of = {p: paper_terms(G, p) for p in nodes_of_kind(G, schema.PAPER)}
    df = Counter(t for terms in terms_of.values() for t in terms)
    n_papers = max(len(terms_of), 1)
    result = []
    for number, members in enumerate(communities):
        counts = Counter(t for p in members for t in terms_of.get(p, ()))
        floor = 2 if len(members) >= 2 else 1
        score = {
            t: (c / len(members)) * math.log(n_papers / df[t])
            for t, c in counts.items()
            if c >= floor and df[t] < n_papers
        }
        ranked = sorted(score, key=lambda t: (-score[t], _label_of(G, t), t))
        label_terms = _distinct([_label_of(G, t) for t in ranked], n_terms)
        techniques = sorted(
            (t for t in counts if t.startswith(schema.TECHNIQUE + ":")),
            key=lambda t: (-counts[t], _label_of(G, t)),
        )
        concepts = [t for t in ranked if t.startswith(schema.CONCEPT + ":")]
        papers = sorted(members, key=lambda p: (-paper_rank.get(p, 0.0), p))
        result.append(
            Community(
                id=number,
                label=LABEL_SEPARATOR.join(label_terms) or f"community {number}",
                size=len(members),
                top_papers=papers[:n_top],
                top_techniques=[_label_of(G, t) for t in techniques[:n_top]],
                top_concepts=[_label_of(G, t) for t in concepts[:n_top]],
            )
        )
    return result
