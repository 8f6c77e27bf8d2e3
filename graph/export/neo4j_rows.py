"""Rows for Neo4j, read from the typed NetworkX graph: the part the driver loader and the bulk files share.

Only the properties :mod:`graph.schema` declares are exported, each converted to its declared type
(``int``, ``float``, ``string``, ``string[]``); a value that does not convert raises
:class:`~graph.errors.InputError` naming the node or edge and the property.

>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_node("paper:arxiv:1", kind="paper", id="arxiv:1", title="A", year="2024", extra="ignored")
>>> node_rows(G, "paper")
[{'key': 'arxiv:1', 'props': {'id': 'arxiv:1', 'title': 'A', 'year': 2024}}]
>>> list(batched(list(range(5)), 2))
[[0, 1], [2, 3], [4]]
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TypeVar

import networkx as nx

from graph.errors import InputError
from graph.schema import FLOAT, INT, NODES, RELATIONSHIPS, STRING, STRING_LIST, split_node_id

T = TypeVar("T")


def batched(items: Sequence[T], size: int) -> Iterator[list[T]]:
    """Consecutive slices of ``items`` of at most ``size`` elements (``size`` >= 1)."""
    if size < 1:
        raise ValueError(f"batch size must be >= 1, not {size}")
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def convert(value: Any, typ: str, where: str, prop: str) -> Any:
    """``value`` as the schema type ``typ``; ``None`` stays ``None``.

    >>> convert(3.0, "int", "paper:x", "year"), convert("0.5", "float", "paper:x", "pagerank")
    (3, 0.5)
    >>> convert(("a", 1), "string[]", "concept:x", "aliases")
    ['a', '1']
    """
    if value is None:
        return None
    try:
        if typ == INT:
            return _to_int(value)
        if typ == FLOAT:
            number = float(value)
            if not math.isfinite(number):
                raise ValueError("not a finite number")
            return number
        if typ == STRING:
            return str(value)
        if typ == STRING_LIST:
            if isinstance(value, str):
                return [value]
            return [str(item) for item in value]
    except (TypeError, ValueError) as exc:
        raise InputError(f"{value!r} is not a valid {typ} ({exc})", file=where, field=prop) from exc
    raise InputError(f"unknown property type {typ!r} in the schema", file=where, field=prop)


def _to_int(value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    number = float(value)
    if not number.is_integer():
        raise ValueError("not a whole number")
    return int(number)


def schema_props(attrs: Mapping[str, Any], types: Mapping[str, str], where: str) -> dict[str, Any]:
    """The schema-declared properties present in ``attrs`` (not ``None``), converted, in schema order."""
    return {
        prop: convert(attrs[prop], typ, where, prop)
        for prop, typ in types.items()
        if attrs.get(prop) is not None
    }


def node_key(G: nx.MultiDiGraph, nid: str) -> str:
    """The key of node ``nid``: its id without the ``<kind>:`` prefix."""
    kind, key = split_node_id(nid)
    if G.nodes[nid].get("kind") != kind:
        raise InputError(f"node kind {G.nodes[nid].get('kind')!r} does not match its id", file=nid, field="kind")
    return key


def nodes_of(G: nx.MultiDiGraph, kind: str) -> list[str]:
    """Ids of the nodes of one kind, sorted."""
    return sorted(nid for nid, k in G.nodes(data="kind") if k == kind)


def node_rows(G: nx.MultiDiGraph, kind: str) -> list[dict[str, Any]]:
    """Loader rows ``{key, props}`` of every node of ``kind``, sorted by id."""
    types = NODES[kind].properties
    return [
        {"key": node_key(G, nid), "props": schema_props(G.nodes[nid], types, nid)} for nid in nodes_of(G, kind)
    ]


def edges_of(G: nx.MultiDiGraph, rel_type: str) -> list[tuple[str, str, dict[str, Any]]]:
    """``(start, end, attrs)`` of the edges of one relationship type, sorted, endpoints' kinds checked."""
    spec = RELATIONSHIPS[rel_type]
    found = []
    for u, v, attrs in G.edges(data=True):
        if attrs.get("kind") != rel_type:
            continue
        where = f"{rel_type} {u} -> {v}"
        if G.nodes[u].get("kind") != spec.start or G.nodes[v].get("kind") != spec.end:
            raise InputError(f"must link a {spec.start} to a {spec.end}", file=where, field="kind")
        found.append((u, v, attrs))
    return sorted(found, key=lambda edge: (edge[0], edge[1]))


def relationship_rows(G: nx.MultiDiGraph, rel_type: str) -> list[dict[str, Any]]:
    """Loader rows ``{start, end, props}`` (endpoint keys) of every edge of ``rel_type``, sorted."""
    types = RELATIONSHIPS[rel_type].properties
    return [
        {
            "start": node_key(G, u),
            "end": node_key(G, v),
            "props": schema_props(attrs, types, f"{rel_type} {u} -> {v}"),
        }
        for u, v, attrs in edges_of(G, rel_type)
    ]


def check_kinds(G: nx.MultiDiGraph) -> None:
    """Raise :class:`InputError` for a node or edge whose ``kind`` the schema does not define."""
    for nid, kind in G.nodes(data="kind"):
        if kind not in NODES:
            raise InputError(f"unknown node kind {kind!r}; known: {', '.join(NODES)}", file=str(nid), field="kind")
    for u, v, kind in G.edges(data="kind"):
        if kind not in RELATIONSHIPS:
            known = ", ".join(RELATIONSHIPS)
            raise InputError(f"unknown relationship type {kind!r}; known: {known}", file=f"{u} -> {v}", field="kind")


def graph_counts(G: nx.MultiDiGraph) -> tuple[dict[str, int], dict[str, int]]:
    """Nodes per Neo4j label and edges per relationship type, as the database should hold them."""
    nodes = {spec.label: len(nodes_of(G, kind)) for kind, spec in NODES.items()}
    edges = dict.fromkeys(RELATIONSHIPS, 0)
    for _, _, rel in G.edges(data="kind"):
        if rel in edges:
            edges[rel] += 1
    return nodes, edges
