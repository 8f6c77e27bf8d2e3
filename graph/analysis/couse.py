"""Technique co-use: which papers use a technique, and which pairs of techniques the same papers use.

The ONE rule, read by technique centrality, item communities, bridge techniques and the technique-map
view: a paper uses a technique when it has a USES_TECHNIQUE edge whose ``role`` is ``uses`` (an edge
without a role counts as a use); baselines and negations (``compares``, ``mentions``) do not count.

>>> G = nx.MultiDiGraph()
>>> for t in ("technique:a", "technique:b"):
...     G.add_node(t, kind="technique")
>>> for p in ("paper:1", "paper:2"):
...     G.add_node(p, kind="paper")
...     _ = G.add_edge(p, "technique:a", key="USES_TECHNIQUE", kind="USES_TECHNIQUE", role="uses")
>>> _ = G.add_edge("paper:1", "technique:b", key="USES_TECHNIQUE", kind="USES_TECHNIQUE")
>>> _ = G.add_edge("paper:2", "technique:b", key="USES_TECHNIQUE", kind="USES_TECHNIQUE", role="compares")
>>> technique_users(G)["technique:b"], co_use(G)
(['paper:1'], {('technique:a', 'technique:b'): ['paper:1']})
>>> sorted(technique_graph(G).edges(data="weight"))
[('technique:a', 'technique:b', 1)]
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

import networkx as nx

from graph import schema
from graph.access import nodes_of_kind

#: The USES_TECHNIQUE role that counts as using a technique (also assumed when an edge has no role).
USES = "uses"


def uses_of(G: nx.MultiDiGraph, paper: str) -> list[str]:
    """The techniques ``paper`` uses (role ``uses``), sorted."""
    return sorted(
        v
        for _, v, key, role in G.out_edges(paper, keys=True, data="role", default=USES)
        if key == schema.USES_TECHNIQUE and role == USES
    )


def technique_users(G: nx.MultiDiGraph) -> dict[str, list[str]]:
    """Technique node id -> the papers using it (in graph order); every technique is a key."""
    users: dict[str, list[str]] = {t: [] for t in nodes_of_kind(G, schema.TECHNIQUE)}
    for paper in nodes_of_kind(G, schema.PAPER):
        for technique in uses_of(G, paper):
            users.setdefault(technique, []).append(paper)
    return users


def co_use(G: nx.MultiDiGraph) -> dict[tuple[str, str], list[str]]:
    """(technique a, technique b), a < b -> the papers using both (in graph order)."""
    pairs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for paper in nodes_of_kind(G, schema.PAPER):
        for pair in combinations(uses_of(G, paper), 2):
            pairs[pair].append(paper)
    return dict(sorted(pairs.items()))


def technique_graph(G: nx.MultiDiGraph) -> nx.Graph:
    """Techniques linked by the number of papers using both (``weight``); every technique is a node."""
    T = nx.Graph()
    T.add_nodes_from(nodes_of_kind(G, schema.TECHNIQUE))
    T.add_weighted_edges_from((a, b, len(papers)) for (a, b), papers in co_use(G).items())
    return T
