"""Bridges: papers and techniques that connect communities.

A bridge paper has neighbours in several communities of the paper graph; its *participation coefficient*
``1 - sum_c (k_c / k)^2`` (``k_c``: its links into community ``c``) is 0 when all its links stay in one
community and grows as they spread. Bridge papers are ranked by betweenness (how many shortest paths
they carry), among papers with participation > 0. A bridge technique is used by at least
``min_papers`` papers in each of several communities.

>>> import networkx as nx
>>> U = nx.Graph([("a", "b"), ("a", "c"), ("b", "c"), ("c", "d"), ("d", "e"), ("d", "f"), ("e", "f")])
>>> member = {"a": 0, "b": 0, "c": 0, "d": 1, "e": 1, "f": 1}
>>> round(participation(U, member)["c"], 3), participation(U, member)["a"]
(0.444, 0.0)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

import networkx as nx

from graph.analysis.couse import technique_users


@dataclass
class BridgePaper:
    """A paper linking communities: its participation, betweenness and links per community."""

    paper: str
    title: str
    participation: float
    betweenness: float
    communities: dict[int, int]


@dataclass
class BridgeTechnique:
    """A technique used across communities: papers using it per community (only those >= min_papers)."""

    technique: str
    label: str
    communities: dict[int, int]


def participation(U: nx.Graph, member: Mapping[str, int]) -> dict[str, float]:
    """Participation coefficient of every node of the (unweighted) paper graph."""
    result = {}
    for node in U:
        links = Counter(member[v] for v in U[node] if v in member)
        k = sum(links.values())
        result[node] = 1.0 - sum((c / k) ** 2 for c in links.values()) if k else 0.0
    return result


def bridge_papers(
    G: nx.MultiDiGraph,
    U: nx.Graph,
    member: Mapping[str, int],
    betweenness: Mapping[str, float],
    n: int = 10,
) -> list[BridgePaper]:
    """The ``n`` papers with the highest betweenness among those linking several communities."""
    coeff = participation(U, member)
    ranked = sorted((p for p, c in coeff.items() if c > 0), key=lambda p: (-betweenness.get(p, 0.0), p))
    return [
        BridgePaper(
            paper=p,
            title=str(G.nodes[p].get("title", p)),
            participation=round(coeff[p], 4),
            betweenness=betweenness.get(p, 0.0),
            communities=dict(sorted(Counter(member[v] for v in U[p] if v in member).items())),
        )
        for p in ranked[:n]
    ]


def bridge_techniques(
    G: nx.MultiDiGraph, member: Mapping[str, int], n: int = 10, min_papers: int = 2
) -> list[BridgeTechnique]:
    """Techniques used by >= ``min_papers`` papers in each of >= 2 communities, most communities first."""
    per = {t: Counter(member[p] for p in papers if p in member) for t, papers in technique_users(G).items()}
    spread = {t: {c: k for c, k in sorted(cs.items()) if k >= min_papers} for t, cs in per.items()}
    ranked = sorted(
        (t for t, cs in spread.items() if len(cs) >= 2),
        key=lambda t: (-len(spread[t]), -sum(spread[t].values()), t),
    )
    return [BridgeTechnique(t, str(G.nodes[t].get("label", t)), spread[t]) for t in ranked[:n]]
