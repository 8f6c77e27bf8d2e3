"""Rows for Neo4j, read from the typed NetworkX graph: the part the driver loader and the bulk files share.

Only the properties :mod:`graph.schema` declares are exported, each converted to its declared type
(``int``, ``float``, ``string``, ``string[]``); a value that does not convert raises
:class:`~graph.errors.InputError` naming the node or edge and the property.

>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_node("paper:arxiv:1", kind="paper", id="arxiv:1", title="A", year="2024", extra="ignored")
>>> GraphRows.of(G).nodes("paper")
[{'key': 'arxiv:1', 'props': {'id': 'arxiv:1', 'title': 'A', 'year': 2024}}]
>>> list(batched(list(range(5)), 2))
[[0, 1], [2, 3], [4]]
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, TypeVar

import networkx as nx

from graph.errors import InputError
from graph.schema import FLOAT, INT, NODES, RELATIONSHIPS, STRING, STRING_LIST, split_node_id

T = TypeVar("T")

#: The Python type of a value that is already of its schema type (kept as it is by :func:`convert`).
_NATIVE: dict[str, type] = {INT: int, FLOAT: float, STRING: str}


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
    if type(value) is _NATIVE.get(typ) and (typ != FLOAT or math.isfinite(value)):
        return value  # already the schema type: most values, so checked first
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
        prop: convert(value, typ, where, prop) for prop, typ in types.items() if (value := attrs.get(prop)) is not None
    }


@dataclass
class GraphRows:
    """The graph read once for export: node keys and edges grouped by type, kinds checked.

    Build it with :meth:`of`; then :meth:`nodes` / :meth:`relationships` give loader rows and
    :meth:`counts` what the database should hold.
    """

    keys: dict[str, str]
    by_kind: dict[str, list[str]]
    by_type: dict[str, list[tuple[str, str, dict[str, Any]]]]
    attrs: dict[str, dict[str, Any]] = field(repr=False)

    @classmethod
    def of(cls, G: nx.MultiDiGraph) -> GraphRows:
        """Index ``G``; a node or edge kind outside the schema, or an edge between the wrong kinds,
        raises :class:`InputError` naming it."""
        keys: dict[str, str] = {}
        by_kind: dict[str, list[str]] = {kind: [] for kind in NODES}
        attrs: dict[str, dict[str, Any]] = dict(G.nodes(data=True))
        for nid, node_attrs in attrs.items():
            kind = node_attrs.get("kind")
            if kind not in NODES:
                raise InputError(f"unknown node kind {kind!r}; known: {', '.join(NODES)}", file=str(nid), field="kind")
            try:
                id_kind, keys[nid] = split_node_id(str(nid))
            except ValueError as exc:
                raise InputError(str(exc), file=str(nid), field="id") from exc
            if id_kind != kind:
                raise InputError(f"node kind {kind!r} does not match its id", file=str(nid), field="kind")
            by_kind[kind].append(nid)
        by_type: dict[str, list[tuple[str, str, dict[str, Any]]]] = {rel: [] for rel in RELATIONSHIPS}
        for u, v, edge_attrs in G.edges(data=True):
            rel = edge_attrs.get("kind")
            if rel not in RELATIONSHIPS:
                known = ", ".join(RELATIONSHIPS)
                raise InputError(f"unknown relationship type {rel!r}; known: {known}", file=f"{u} -> {v}", field="kind")
            spec = RELATIONSHIPS[rel]
            if attrs[u]["kind"] != spec.start or attrs[v]["kind"] != spec.end:
                raise InputError(f"must link a {spec.start} to a {spec.end}", file=f"{rel} {u} -> {v}", field="kind")
            by_type[rel].append((u, v, edge_attrs))
        for nids in by_kind.values():
            nids.sort()
        for edges in by_type.values():
            edges.sort(key=itemgetter(0, 1))
        return cls(keys, by_kind, by_type, attrs)

    def nodes(self, kind: str) -> list[dict[str, Any]]:
        """Loader rows ``{key, props}`` of every node of ``kind``, sorted by id."""
        types = NODES[kind].properties
        attrs = self.attrs
        return [{"key": self.keys[nid], "props": schema_props(attrs[nid], types, nid)} for nid in self.by_kind[kind]]

    def relationships(self, rel_type: str) -> list[dict[str, Any]]:
        """Loader rows ``{start, end, props}`` (the endpoints' keys) of every edge of ``rel_type``, sorted."""
        types = RELATIONSHIPS[rel_type].properties
        keys = self.keys
        return [
            {"start": keys[u], "end": keys[v], "props": schema_props(attrs, types, f"{rel_type} {u} -> {v}")}
            for u, v, attrs in self.by_type[rel_type]
        ]

    def counts(self) -> tuple[dict[str, int], dict[str, int]]:
        """Nodes per Neo4j label and edges per relationship type."""
        nodes = {NODES[kind].label: len(nids) for kind, nids in self.by_kind.items()}
        return nodes, {rel: len(edges) for rel, edges in self.by_type.items()}


def graph_counts(G: nx.MultiDiGraph) -> tuple[dict[str, int], dict[str, int]]:
    """Nodes per Neo4j label and edges per relationship type, as the database should hold them."""
    return GraphRows.of(G).counts()
