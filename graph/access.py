"""Read the typed graph (graph/schema.py): one accessor per question every module asks of a node or edge.

Analysis, exports and views all ask the same things - what kind a node is, its human name, how important
it is, which community a paper is in, which nodes an edge type leads to - so each answer is written once,
here.

>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_node("paper:p1", kind="paper", title="SlimFlow", community=3, pagerank=0.5)
>>> G.add_node("technique:distillation", kind="technique", label="distillation", df=4)
>>> G.add_edge("paper:p1", "technique:distillation", key="USES_TECHNIQUE", kind="USES_TECHNIQUE")
'USES_TECHNIQUE'
>>> display_name(G, "paper:p1"), node_kind(G, "technique:distillation"), community_of(G.nodes["paper:p1"])
('SlimFlow', 'technique', 3)
>>> targets(G, "paper:p1", "USES_TECHNIQUE"), importance(G, "technique:distillation")
(['technique:distillation'], 4.0)
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

import networkx as nx

from graph import schema
from graph.errors import InputError

__all__ = [
    "communities",
    "community_of",
    "display_name",
    "edges_of",
    "importance",
    "node_kind",
    "nodes_of_kind",
    "targets",
]

#: Node properties that hold a human name, in order of preference (papers, concepts/techniques, authors).
NAME_FIELDS = ("title", "label", "name")


def node_kind(G: nx.Graph, nid: str) -> str:
    """A node's ``kind``, from its attribute or, failing that, its id prefix.

    >>> G = nx.Graph(); G.add_node("concept:flow")
    >>> node_kind(G, "concept:flow")
    'concept'
    """
    kind = G.nodes[nid].get("kind")
    if kind in schema.NODES:
        return kind
    try:
        return schema.split_node_id(str(nid))[0]
    except ValueError:
        raise InputError(
            f"{kind!r} is not one of {sorted(schema.NODES)}", file=f"graph node {nid!r}", field="kind"
        ) from None


def nodes_of_kind(G: nx.Graph, kind: str) -> list[str]:
    """Node ids of one kind, in graph order.

    >>> G = nx.Graph(); G.add_node("paper:a", kind="paper"); G.add_node("concept:b", kind="concept")
    >>> nodes_of_kind(G, "paper")
    ['paper:a']
    """
    return [n for n, k in G.nodes(data="kind") if k == kind]


def display_name(G: nx.Graph, nid: str) -> str:
    """The human name of a node: its title, label or name (whitespace folded), else its key.

    >>> G = nx.Graph(); G.add_node("author:x", name="  Ada   Lovelace "); G.add_node("concept:flow")
    >>> display_name(G, "author:x"), display_name(G, "concept:flow")
    ('Ada Lovelace', 'flow')
    """
    attrs = G.nodes[nid]
    for field in NAME_FIELDS:
        value = attrs.get(field)
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    return str(nid).partition(":")[2] or str(nid)


def community_of(attrs: Mapping[str, Any]) -> int | None:
    """A paper's community id (from its node attributes) as an int, or None when it has none.

    >>> community_of({"community": 2.0}), community_of({"community": float("nan")}), community_of({})
    (2, None, None)
    """
    value = attrs.get("community")
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    return int(value)


def communities(G: nx.Graph) -> dict[int, dict[str, Any]]:
    """Community id -> its record (``label``, ``size``, ...) as the analysis stored it in ``G.graph``
    (papers outside every community have none); {} before analysis.

    >>> communities(nx.Graph(communities=[{"id": 0, "label": "rectified flow", "size": 4}]))
    {0: {'id': 0, 'label': 'rectified flow', 'size': 4}}
    """
    return {int(record["id"]): dict(record) for record in G.graph.get("communities", [])}


def importance(G: nx.Graph, nid: str) -> float:
    """What sizes and ranks a node: PageRank for papers, ``df`` (papers using it) for the others, else
    its degree.

    >>> G = nx.Graph(); G.add_edge("concept:a", "paper:p")
    >>> importance(G, "concept:a")
    1.0
    """
    attrs = G.nodes[nid]
    key = "pagerank" if attrs.get("kind") == schema.PAPER else "df"
    value = attrs.get(key)
    if isinstance(value, (int, float)) and math.isfinite(value):
        return float(value)
    return float(G.degree(nid))


def targets(G: nx.MultiDiGraph, node: str, *kinds: str) -> list[str]:
    """The nodes that ``node``'s outgoing edges of the given relationship types lead to (each once,
    in edge order).

    >>> G = nx.MultiDiGraph(); _ = G.add_edge("paper:a", "paper:b", key="CITES", kind="CITES")
    >>> targets(G, "paper:a", "CITES"), targets(G, "paper:a", "RELATED_TO")
    (['paper:b'], [])
    """
    wanted = set(kinds)
    return list(dict.fromkeys(v for _, v, key in G.out_edges(node, keys=True) if key in wanted))


def edges_of(G: nx.MultiDiGraph, *kinds: str) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """``(source, target, type, data)`` of every edge of the given relationship types.

    >>> G = nx.MultiDiGraph(); _ = G.add_edge("paper:a", "paper:b", key="CITES", kind="CITES", via="mention")
    >>> [(u, v, data["via"]) for u, v, _, data in edges_of(G, "CITES")]
    [('paper:a', 'paper:b', 'mention')]
    """
    wanted = set(kinds)
    return ((u, v, key, data) for u, v, key, data in G.edges(keys=True, data=True) if key in wanted)
