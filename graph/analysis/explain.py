"""Questions about the graph: which paper is meant, why two papers are related, what is similar, what is top.

Papers are named by id (``arxiv:2407.12718`` or ``paper:arxiv:2407.12718``), by title (case and
punctuation ignored), by the name a title introduces (``SlimFlow`` for "SlimFlow: Training ..."), by a
unique part of a title, or approximately (difflib). Several matches raise
:class:`~graph.errors.AmbiguousNameError` listing them; none raises :class:`~graph.errors.NotFoundError`.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import networkx as nx

from graph import schema
from graph.analysis.centrality import nodes_of_kind
from graph.errors import AmbiguousNameError, ConfigError, NotFoundError
from loaders.records import normalize_title

#: How close (difflib ratio) an approximate title must be to count as a match.
FUZZY_CUTOFF = 0.75

#: Edge kinds a shortest-path explanation may walk (RELATED_TO is derived from these, so it is left out).
PATH_EDGES = (schema.HAS_CONCEPT, schema.USES_TECHNIQUE, schema.CITES, schema.SUBTYPE_OF, schema.AUTHORED)


def _title(G: nx.MultiDiGraph, node: str) -> str:
    data = G.nodes[node]
    return str(data.get("title") or data.get("label") or data.get("name") or node)


def _candidates(G: nx.MultiDiGraph, nodes: Iterable[str]) -> list[str]:
    return [f"{_title(G, n)} ({schema.split_node_id(n)[1]})" for n in sorted(nodes)]


def _one(G: nx.MultiDiGraph, name: str, found: list[str]) -> str | None:
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise AmbiguousNameError(name, _candidates(G, found))
    return None


def _prefix_name(title: str) -> str:
    head, sep, _ = title.partition(":")
    return head.strip().casefold() if sep and " " not in head.strip() else ""


def resolve_paper(G: nx.MultiDiGraph, name: str) -> str:
    """The paper node id ``name`` refers to (see the module docstring for the rules, tried in order)."""
    name = name.strip()
    for nid in (name, schema.node_id(schema.PAPER, name)):
        if nid in G and G.nodes[nid].get("kind") == schema.PAPER:
            return nid
    papers = nodes_of_kind(G, schema.PAPER)
    wanted = normalize_title(name)
    if not wanted:
        raise NotFoundError(f"no paper named {name!r}")
    titles = {p: normalize_title(_title(G, p)) for p in papers}
    rules = (
        lambda p: titles[p] == wanted,
        lambda p: _prefix_name(_title(G, p)) == name.casefold(),
        lambda p: wanted in titles[p],
    )
    for rule in rules:
        found = _one(G, name, [p for p in papers if rule(p)])
        if found:
            return found
    by_title: dict[str, list[str]] = {}
    for p, t in titles.items():
        by_title.setdefault(t, []).append(p)
    close = difflib.get_close_matches(wanted, sorted(by_title), n=5, cutoff=FUZZY_CUTOFF)
    found = _one(G, name, [p for t in close for p in by_title[t]])
    if found:
        return found
    raise NotFoundError(f"no paper matches {name!r} (try an id, a title or the name before the title's colon)")


def _neighbours(G: nx.MultiDiGraph, paper: str, edge: str) -> set[str]:
    return {v for _, v, k in G.out_edges(paper, keys=True) if k == edge}


def _with_ancestors(G: nx.MultiDiGraph, techniques: set[str]) -> set[str]:
    found = set(techniques)
    todo = list(techniques)
    while todo:
        for _, parent, key in G.out_edges(todo.pop(), keys=True):
            if key == schema.SUBTYPE_OF and parent not in found:
                found.add(parent)
                todo.append(parent)
    return found


def _specific_first(G: nx.MultiDiGraph, nodes: Iterable[str]) -> list[str]:
    """Labels, rarest (most specific) first."""
    ordered = sorted(nodes, key=lambda n: (G.nodes[n].get("df", 0), _title(G, n)))
    return [_title(G, n) for n in ordered]


def _citation_path(G: nx.MultiDiGraph, a: str, b: str) -> list[str]:
    cites = nx.subgraph_view(G, filter_edge=lambda u, v, k: k == schema.CITES)
    try:
        return list(nx.shortest_path(cites, a, b))
    except nx.NetworkXNoPath:
        return []


def _evidence_path(G: nx.MultiDiGraph, a: str, b: str) -> list[str]:
    """Shortest path over evidence edges; passing a concept/technique costs more the commoner it is."""
    view = nx.subgraph_view(G, filter_edge=lambda u, v, k: k in PATH_EDGES).to_undirected(as_view=True)

    def cost(u: str, v: str, _: Any) -> float:
        return 1.0 + math.log1p(float(G.nodes[v].get("df", 0)) + float(G.nodes[u].get("df", 0)))

    try:
        return list(nx.shortest_path(view, a, b, weight=cost))
    except nx.NetworkXNoPath:
        return []


@dataclass
class Explanation:
    """Why two papers are related: shared items, the RELATED_TO link, citations, a path through the graph.

    ``shared_techniques`` lists the techniques both use (most specific first), then those both use through
    a subtype, marked "(family)"; ``shared_concepts`` leaves out concepts used by over half the papers.
    """

    a: str
    b: str
    title_a: str
    title_b: str
    related_weight: float | None = None
    related_shared: list[str] = field(default_factory=list)
    shared_techniques: list[str] = field(default_factory=list)
    shared_concepts: list[str] = field(default_factory=list)
    citations: list[list[str]] = field(default_factory=list)
    path: list[tuple[str, str]] = field(default_factory=list)

    def to_text(self) -> str:
        """The explanation in words."""
        lines = [f'"{self.title_a}" and "{self.title_b}"']
        if self.related_weight is not None:
            through = ", ".join(self.related_shared)
            lines.append(f"- are directly related (weight {self.related_weight:g}) through: {through}")
        else:
            lines.append("- are not directly related (not in each other's top-k)")
        if self.shared_techniques:
            lines.append(f"- share techniques: {', '.join(self.shared_techniques)}")
        if self.shared_concepts:
            lines.append(f"- share concepts: {', '.join(self.shared_concepts)}")
        for path in self.citations:
            lines.append("- citation chain: " + " -> ".join(f'"{t}"' for t in path))
        if not self.citations:
            lines.append("- neither cites the other in this corpus")
        if self.path:
            hops = " — ".join(f"{label} [{kind}]" for label, kind in self.path)
            lines.append(f"- shortest path: {hops}")
        return "\n".join(lines)


def explain(G: nx.MultiDiGraph, a: str, b: str) -> Explanation:
    """Explain how papers ``a`` and ``b`` (ids or names, see :func:`resolve_paper`) are related."""
    pa, pb = resolve_paper(G, a), resolve_paper(G, b)
    if pa == pb:
        raise ConfigError(f"{a!r} and {b!r} are the same paper ({_title(G, pa)})")
    direct_a, direct_b = _neighbours(G, pa, schema.USES_TECHNIQUE), _neighbours(G, pb, schema.USES_TECHNIQUE)
    shared_t = direct_a & direct_b
    via_family = (_with_ancestors(G, direct_a) & _with_ancestors(G, direct_b)) - shared_t
    ubiquitous = len(nodes_of_kind(G, schema.PAPER)) / 2
    shared_c = {
        c
        for c in _neighbours(G, pa, schema.HAS_CONCEPT) & _neighbours(G, pb, schema.HAS_CONCEPT)
        if schema.node_id(schema.TECHNIQUE, G.nodes[c].get("technique", "")) not in shared_t | via_family
        and G.nodes[c].get("df", 0) <= ubiquitous
    }
    u, v = schema.related_pair(pa, pb)
    related = G.get_edge_data(u, v, key=schema.RELATED_TO)
    citations = [p for p in (_citation_path(G, pa, pb), _citation_path(G, pb, pa)) if p]
    path = _evidence_path(G, pa, pb)
    return Explanation(
        a=pa,
        b=pb,
        title_a=_title(G, pa),
        title_b=_title(G, pb),
        related_weight=related["weight"] if related else None,
        related_shared=list(related["shared"]) if related else [],
        shared_techniques=_specific_first(G, shared_t) + [f"{t} (family)" for t in _specific_first(G, via_family)],
        shared_concepts=_specific_first(G, shared_c),
        citations=[[_title(G, n) for n in p] for p in citations],
        path=[(_title(G, n), str(G.nodes[n]["kind"])) for n in path],
    )


class Similar(NamedTuple):
    """A RELATED_TO neighbour: its paper id, title, link weight and shared items."""

    paper_id: str
    title: str
    weight: float
    shared: list[str]


def similar(G: nx.MultiDiGraph, x: str, k: int = 10) -> list[Similar]:
    """The ``k`` papers most strongly RELATED_TO paper ``x`` (strongest first, ties by id)."""
    paper = resolve_paper(G, x)
    found = []
    edges = list(G.out_edges(paper, keys=True, data=True)) + list(G.in_edges(paper, keys=True, data=True))
    for u, v, key, data in edges:
        if key == schema.RELATED_TO:
            other = v if u == paper else u
            found.append(
                Similar(schema.split_node_id(other)[1], _title(G, other), data["weight"], list(data["shared"]))
            )
    return sorted(found, key=lambda s: (-s.weight, s.paper_id))[:k]


class Ranked(NamedTuple):
    """A node in a top list: its id, display label and the value it was ranked by."""

    node: str
    label: str
    value: float


#: What :func:`top` can rank by.
TOP_MEASURES = ("pagerank", "degree", "betweenness", "df")


def top(G: nx.MultiDiGraph, kind: str = schema.PAPER, by: str = "pagerank", n: int = 10) -> list[Ranked]:
    """The ``n`` nodes of ``kind`` with the highest ``by`` (ties by id).

    ``pagerank``/``betweenness`` need an analysed graph (:func:`graph.analysis.analyze`).
    """
    if kind not in schema.NODES:
        raise ConfigError(f"unknown node kind {kind!r}; choose from {', '.join(sorted(schema.NODES))}")
    if by not in TOP_MEASURES:
        raise ConfigError(f"cannot rank by {by!r}; choose from {', '.join(TOP_MEASURES)}")
    nodes = nodes_of_kind(G, kind)
    if nodes and not any(by in G.nodes[v] for v in nodes):
        raise ConfigError(f"no {kind} node has {by!r}: analyse the graph first (paperkg build computes it)")
    ranked = sorted(nodes, key=lambda v: (-float(G.nodes[v].get(by, 0)), v))
    return [Ranked(v, _title(G, v), float(G.nodes[v].get(by, 0))) for v in ranked[:n]]
