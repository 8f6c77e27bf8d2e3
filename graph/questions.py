"""Questions about the graph: which paper is meant, why two papers are related, what is similar, what is top.

One set of rules answers them from either of two sources of facts: the graph in memory (:class:`GraphSource`,
read from ``graph.json``) or the reader index a build writes beside it (:mod:`graph.readindex`, read without
loading the graph: ``paperkg similar`` at 100k papers). A :class:`Source` says what the graph holds (titles,
edges, analysis values, the inputs of the relatedness rule); the functions here decide, so both sources give
the same answers (``tests/test_readindex.py`` compares them on builds).

Papers (and, for views, any node) are named by id (``arxiv:2407.12718`` or ``paper:arxiv:2407.12718``), by
title (case and punctuation ignored), by the name a title introduces (``SlimFlow`` for "SlimFlow: Training
..."), by a unique part of a title, or approximately (difflib): :func:`resolve_node`. Several matches raise
:class:`~graph.errors.AmbiguousNameError` listing them; none raises :class:`~graph.errors.NotFoundError`.

>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_node("paper:a", kind="paper", title="SlimFlow: Smaller one-step models", pagerank=0.5)
>>> G.add_node("paper:b", kind="paper", title="Rectified flow", pagerank=0.7)
>>> resolve_paper(G, "slimflow"), [r.node for r in top(G, "paper", "pagerank", 2)]
('paper:a', ['paper:b', 'paper:a'])
"""

from __future__ import annotations

import difflib
import heapq
import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING, Any, NamedTuple

from graph import schema
from graph.errors import AmbiguousNameError, ConfigError, NotFoundError
from loaders.records import normalize_title

if TYPE_CHECKING:
    import networkx as nx

    from graph.relatedness import Evidence, Link

__all__ = [
    "FUZZY_CUTOFF",
    "PATH_EDGES",
    "TOP_MEASURES",
    "Explanation",
    "GraphSource",
    "NameEntry",
    "Ranked",
    "Similar",
    "Source",
    "explain",
    "name_entry",
    "resolve_node",
    "resolve_paper",
    "similar",
    "top",
]

#: How close (difflib ratio) an approximate title must be to count as a match.
FUZZY_CUTOFF = 0.75

#: Edge kinds a shortest-path explanation may walk (RELATED_TO is derived from these, so it is left out).
PATH_EDGES = (schema.HAS_CONCEPT, schema.USES_TECHNIQUE, schema.CITES, schema.SUBTYPE_OF, schema.AUTHORED)

#: What :func:`top` can rank by.
TOP_MEASURES = ("pagerank", "degree", "betweenness", "df")


class NameEntry(NamedTuple):
    """What name resolution reads of a node: its id, kind, display title, normalised keys (title, id without
    prefix), the name before a paper title's colon, the names a paper introduces (case-folded) and its
    importance (orders the candidates of an ambiguous name)."""

    node: str
    kind: str
    title: str
    keys: tuple[str, str]
    prefix: str
    methods: tuple[str, ...]
    importance: float


def _prefix_name(title: str) -> str:
    head, sep, _ = title.partition(":")
    return head.strip().casefold() if sep and " " not in head.strip() else ""


def _method_names(G: nx.MultiDiGraph, paper: str) -> list[str]:
    """The names a paper introduces (its ``method`` concepts), case-folded, sorted."""
    return sorted({
        str(G.nodes[c].get("label", "")).casefold()
        for c, keyed in G.succ[paper].items()
        if schema.HAS_CONCEPT in keyed and G.nodes[c].get("method")
    })  # fmt: skip


def name_entry(G: nx.MultiDiGraph, node: str) -> NameEntry:
    """The :class:`NameEntry` of ``node`` in ``G`` (the reader index stores these, computed here).

    >>> import networkx as nx
    >>> G = nx.MultiDiGraph(); G.add_node("paper:arxiv:1", kind="paper", title="SlimFlow: Training Smaller")
    >>> name_entry(G, "paper:arxiv:1")[1:6]
    ('paper', 'SlimFlow: Training Smaller', ('slimflow training smaller', 'arxiv 1'), 'slimflow', ())
    """
    from graph import access

    kind, title = access.node_kind(G, node), access.display_name(G, node)
    paper = kind == schema.PAPER
    return NameEntry(
        node,
        kind,
        title,
        (normalize_title(title), normalize_title(str(node).partition(":")[2])),
        _prefix_name(title) if paper else "",
        tuple(_method_names(G, node)) if paper else (),
        access.importance(G, node),
    )


class Source(ABC):
    """The facts the questions read, from the graph (:class:`GraphSource`) or the reader index
    (:class:`graph.readindex.ReaderIndex`). Use it in a ``with`` block (an index closes its file)."""

    def __enter__(self) -> Source:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    @abstractmethod
    def close(self) -> None:
        """Release what the source holds (an open index file)."""

    @abstractmethod
    def kind_of(self, node: str) -> str | None:
        """The kind of ``node``, or None when the graph has no such node."""

    @abstractmethod
    def names(self, kinds: Sequence[str]) -> Iterable[NameEntry]:
        """The name entries of every node of ``kinds``."""

    @abstractmethod
    def title(self, node: str) -> str:
        """The display name of ``node`` (:func:`graph.access.display_name`)."""

    @abstractmethod
    def n_papers(self) -> int:
        """How many papers the graph has."""

    @abstractmethod
    def targets(self, node: str, relation: str) -> set[str]:
        """The nodes ``node``'s edges of type ``relation`` lead to."""

    @abstractmethod
    def sources(self, node: str, relation: str) -> set[str]:
        """The nodes whose edges of type ``relation`` lead to ``node``."""

    @abstractmethod
    def neighbours(self, node: str) -> set[str]:
        """The nodes one :data:`PATH_EDGES` edge away from ``node``, either direction."""

    @abstractmethod
    def value(self, node: str, name: str) -> Any:
        """Node property ``name`` of ``node`` (``df``, ``technique``), None when it has none."""

    @abstractmethod
    def related(self, a: str, b: str) -> tuple[float, list[str]] | None:
        """Weight and shared labels of the RELATED_TO link of papers ``a`` and ``b``, None without one."""

    @abstractmethod
    def measures(self, kind: str, by: str) -> list[tuple[str, float | None]]:
        """``(node, value of by)`` of every node of ``kind`` (None when the node has no such value)."""

    @abstractmethod
    def pair(self, a: str, b: str) -> Link:
        """The shared evidence of papers ``a`` and ``b`` (:func:`graph.relatedness.score_pair`)."""

    @abstractmethod
    def scored(self, paper: str) -> list[tuple[str, Link]]:
        """Every paper scored against ``paper``, best first (:func:`graph.relatedness.score_one`)."""


class GraphSource(Source):
    """The facts of a graph in memory (a typed :class:`networkx.MultiDiGraph`, as ``graph.json`` holds it)."""

    def __init__(self, G: nx.MultiDiGraph) -> None:
        self.G = G

    def close(self) -> None:
        """A graph in memory holds no file."""

    def kind_of(self, node: str) -> str | None:
        from graph import access

        return access.node_kind(self.G, node) if node in self.G else None

    def names(self, kinds: Sequence[str]) -> list[NameEntry]:
        from graph import access

        return [name_entry(self.G, n) for n in self.G.nodes if access.node_kind(self.G, n) in kinds]

    def title(self, node: str) -> str:
        from graph import access

        return access.display_name(self.G, node)

    def n_papers(self) -> int:
        from graph import access

        return len(access.nodes_of_kind(self.G, schema.PAPER))

    def targets(self, node: str, relation: str) -> set[str]:
        from graph import access

        return set(access.targets(self.G, node, relation))

    def sources(self, node: str, relation: str) -> set[str]:
        return {u for u, _, key in self.G.in_edges(node, keys=True) if key == relation}

    def neighbours(self, node: str) -> set[str]:
        out = {v for _, v, key in self.G.out_edges(node, keys=True) if key in PATH_EDGES}
        return out | {u for u, _, key in self.G.in_edges(node, keys=True) if key in PATH_EDGES}

    def value(self, node: str, name: str) -> Any:
        return self.G.nodes[node].get(name)

    def related(self, a: str, b: str) -> tuple[float, list[str]] | None:
        u, v = schema.related_pair(a, b)
        data = self.G.get_edge_data(u, v, key=schema.RELATED_TO)
        return (data["weight"], list(data["shared"])) if data else None

    def measures(self, kind: str, by: str) -> list[tuple[str, float | None]]:
        from graph import access

        nodes = self.G.nodes
        return [(v, float(nodes[v][by]) if by in nodes[v] else None) for v in access.nodes_of_kind(self.G, kind)]

    @cached_property
    def _evidence(self) -> tuple[Evidence, Any]:
        from graph.relatedness import ItemCut, evidence_from_graph

        evidence = evidence_from_graph(self.G)
        return evidence, ItemCut.of_graph(self.G).for_corpus(len(evidence.items_of))

    def pair(self, a: str, b: str) -> Link:
        from graph.relatedness import score_pair

        return score_pair(*self._evidence, a, b)

    def scored(self, paper: str) -> list[tuple[str, Link]]:
        from graph.relatedness import score_one

        return score_one(*self._evidence, paper)


def as_source(graph: nx.MultiDiGraph | Source) -> Source:
    """``graph`` as a :class:`Source` (a graph in memory becomes a :class:`GraphSource`)."""
    return graph if isinstance(graph, Source) else GraphSource(graph)


def _candidates(entries: Iterable[NameEntry]) -> list[str]:
    """Candidate lines for an ambiguity error, most important first (ties by id)."""
    ordered = sorted(entries, key=lambda e: (-e.importance, e.node))
    return [f"{e.title} ({e.node if e.kind != schema.PAPER else schema.split_node_id(e.node)[1]})" for e in ordered]


def _one(name: str, found: list[NameEntry]) -> str | None:
    if len(found) == 1:
        return found[0].node
    if len(found) > 1:
        raise AmbiguousNameError(name, _candidates(found))
    return None


def resolve_node(graph: nx.MultiDiGraph | Source, name: str, kinds: Sequence[str] = ()) -> str:
    """The node id ``name`` refers to, among nodes of ``kinds`` (all kinds when empty). The one name
    resolver of paperkg (``explain``, ``similar``, ``view --focus``); rules, tried in order:

    a node id (``technique:lora``, ``paper:arxiv:1``) or a paper id without prefix (``arxiv:1``);
    ``kind:`` + a name restricts the kinds; the exact title/label/key (case and punctuation ignored);
    the name before a paper title's colon (``SlimFlow``) or another name the paper introduces (``DMD2``,
    its ``method`` concept); a unique part of a title or label;
    an approximate title or label (difflib ratio >= :data:`FUZZY_CUTOFF`). (A unique part of a title is
    any substring of it, case and punctuation ignored.)

    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("paper:arxiv:1", kind="paper", title="SlimFlow: Training Smaller One-Step Models")
    >>> G.add_node("technique:lora", kind="technique", label="LoRA")
    >>> [resolve_node(G, n) for n in ("arxiv:1", "slimflow", "technique:LoRA", "Training Smaller",
    ...                                   "Slimflow: Training Smaler One-Step Model")]
    ['paper:arxiv:1', 'paper:arxiv:1', 'technique:lora', 'paper:arxiv:1', 'paper:arxiv:1']
    """
    source = as_source(graph)
    text = name.strip()
    kinds = tuple(kinds) or tuple(schema.NODES)
    kind, sep, rest = text.partition(":")
    if sep and kind in schema.NODES:
        kinds, text = (kind,), rest.strip()
    for nid in (name.strip(), f"{kinds[0]}:{text}" if len(kinds) == 1 else "", schema.node_id(schema.PAPER, text)):
        if nid and source.kind_of(nid) in kinds:
            return nid
    wanted = normalize_title(text)
    if not wanted:
        raise NotFoundError(f"{name!r}: empty name; give an id, a title or a label")
    entries = list(source.names(kinds))
    folded = text.casefold()
    rules = (
        lambda e: wanted in e.keys,
        lambda e: e.kind == schema.PAPER and e.prefix == folded,
        lambda e: e.kind == schema.PAPER and folded in e.methods,
        lambda e: any(wanted in key for key in e.keys),
    )
    for rule in rules:
        found = _one(name, [e for e in entries if rule(e)])
        if found:
            return found
    by_key: dict[str, list[NameEntry]] = {}
    for e in entries:
        by_key.setdefault(e.keys[0], []).append(e)
    close = difflib.get_close_matches(wanted, sorted(by_key), n=5, cutoff=FUZZY_CUTOFF)
    found = _one(name, [e for key in close for e in by_key[key]])
    if found:
        return found
    what = "/".join(kinds) if len(kinds) < len(schema.NODES) else "node"
    raise NotFoundError(
        f"no {what} matches {name!r} (try an id, a title, a label or the name before a paper title's colon)"
    )


def resolve_paper(graph: nx.MultiDiGraph | Source, name: str) -> str:
    """The paper node id ``name`` refers to (:func:`resolve_node` restricted to papers)."""
    return resolve_node(graph, name, (schema.PAPER,))


def _df(source: Source, node: str) -> float:
    return float(source.value(node, "df") or 0)


def _with_ancestors(source: Source, techniques: set[str]) -> set[str]:
    found = set(techniques)
    todo = list(techniques)
    while todo:
        for parent in source.targets(todo.pop(), schema.SUBTYPE_OF):
            if parent not in found:
                found.add(parent)
                todo.append(parent)
    return found


def _specific_first(source: Source, nodes: Iterable[str]) -> list[str]:
    """Labels, rarest (most specific) first."""
    return [title for _, title in sorted((_df(source, n), source.title(n)) for n in nodes)]


def _joined(forward: dict[str, str | None], backward: dict[str, str | None], meet: str) -> list[str]:
    path, node = [], meet
    while node is not None:
        path.append(node)
        node = forward[node]
    path.reverse()
    node = backward[meet]
    while node is not None:
        path.append(node)
        node = backward[node]
    return path


def _citation_path(source: Source, a: str, b: str) -> list[str]:
    """A shortest chain of CITES edges from ``a`` to ``b`` ([] when none): breadth first from both ends,
    the smaller frontier first (networkx's bidirectional search), neighbours in id order, so the chain
    chosen among equally short ones is always the same."""
    forward: dict[str, str | None] = {a: None}
    backward: dict[str, str | None] = {b: None}
    ahead, behind = [a], [b]
    while ahead and behind:
        if len(ahead) <= len(behind):
            ahead, meet = _citation_level(ahead, source.targets, forward, backward)
        else:
            behind, meet = _citation_level(behind, source.sources, backward, forward)
        if meet is not None:
            return _joined(forward, backward, meet)
    return []


def _citation_level(
    level: list[str],
    neighbours: Callable[[str, str], Iterable[str]],
    seen: dict[str, str | None],
    other: Mapping[str, Any],
) -> tuple[list[str], str | None]:
    """One level of :func:`_citation_path` from one end: the next frontier (each node's parent recorded in
    ``seen``), and the node where it meets the other end's search (``other``), if it does."""
    frontier: list[str] = []
    for v in level:
        for w in sorted(neighbours(v, schema.CITES)):
            if w not in seen:
                seen[w] = v
                frontier.append(w)
            if w in other:
                return frontier, w
    return frontier, None


def _evidence_path(source: Source, a: str, b: str) -> list[str]:
    """A cheapest path over evidence edges, either direction ([] when none); passing a concept/technique
    costs more the commoner it is (``1 + ln(1 + df(u) + df(v))`` a step). Dijkstra from ``a``; among equally
    cheap paths, nodes are settled in id order, so the answer is always the same (networkx's search, used
    before, followed hash order of node ids: it changed from run to run)."""
    dist, before, done = {a: 0.0}, {a: ""}, set()
    frontier = [(0.0, a)]
    while frontier:
        d, v = heapq.heappop(frontier)
        if v in done:
            continue
        if v == b:
            path = [v]
            while before[path[-1]]:
                path.append(before[path[-1]])
            return path[::-1]
        done.add(v)
        dv = _df(source, v)
        for u in source.neighbours(v):
            cost = d + (1.0 + math.log1p(_df(source, u) + dv))
            if u not in done and (u not in dist or cost < dist[u]):
                dist[u], before[u] = cost, v
                heapq.heappush(frontier, (cost, u))
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
    evidence_weight: float = 0.0
    evidence_text: float = 0.0
    evidence_shared: list[str] = field(default_factory=list)
    evidence_links: bool = False
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
        elif self.evidence_links:
            lines.append("- have specific shared evidence but are not linked (not in each other's top-k)")
        else:
            lines.append("- are not directly related (no specific evidence in common: broad items alone never link)")
        evidence = f"- evidence: summed specificity {self.evidence_weight:g}, text similarity {self.evidence_text:.2f}"
        if self.related_weight is None:
            evidence += f"; shared, most specific first: {', '.join(self.evidence_shared) or 'nothing'}"
        lines.append(evidence)
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


def explain(graph: nx.MultiDiGraph | Source, a: str, b: str) -> Explanation:
    """Explain how papers ``a`` and ``b`` (ids or names, see :func:`resolve_paper`) are related."""
    source = as_source(graph)
    pa, pb = resolve_paper(source, a), resolve_paper(source, b)
    if pa == pb:
        raise ConfigError(f"{a!r} and {b!r} are the same paper ({source.title(pa)})")
    direct_a, direct_b = source.targets(pa, schema.USES_TECHNIQUE), source.targets(pb, schema.USES_TECHNIQUE)
    shared_t = direct_a & direct_b
    via_family = (_with_ancestors(source, direct_a) & _with_ancestors(source, direct_b)) - shared_t
    ubiquitous = source.n_papers() / 2
    shared_c = {
        c
        for c in source.targets(pa, schema.HAS_CONCEPT) & source.targets(pb, schema.HAS_CONCEPT)
        if schema.node_id(schema.TECHNIQUE, source.value(c, "technique") or "") not in shared_t | via_family
        and _df(source, c) <= ubiquitous
    }
    related = source.related(pa, pb)
    citations = [p for p in (_citation_path(source, pa, pb), _citation_path(source, pb, pa)) if p]
    link = source.pair(pa, pb)
    return Explanation(
        a=pa,
        b=pb,
        title_a=source.title(pa),
        title_b=source.title(pb),
        related_weight=related[0] if related else None,
        related_shared=related[1] if related else [],
        evidence_weight=link.weight,
        evidence_text=link.text,
        evidence_shared=link.shared,
        evidence_links=link.links,
        shared_techniques=_specific_first(source, shared_t)
        + [f"{t} (family)" for t in _specific_first(source, via_family)],
        shared_concepts=_specific_first(source, shared_c),
        citations=[[source.title(n) for n in p] for p in citations],
        path=[(source.title(n), str(source.kind_of(n))) for n in _evidence_path(source, pa, pb)],
    )


class Similar(NamedTuple):
    """A paper similar to the one asked about: id, title, ranking ``score``, shared items (most specific
    first), ``weight`` (summed specificity of the shared items), ``text`` (TF-IDF cosine of title+abstract)
    and ``linked`` (whether the evidence is specific enough for a RELATED_TO link)."""

    paper_id: str
    title: str
    score: float
    shared: list[str]
    weight: float
    text: float
    linked: bool


def similar(graph: nx.MultiDiGraph | Source, x: str, k: int = 10) -> list[Similar]:
    """The ``k`` papers most related to paper ``x``, by the rule of :mod:`graph.relatedness` (the one behind
    RELATED_TO): every paper sharing an item with ``x`` or near it by text is scored, best first; ties are
    broken by text similarity, never by id alone. Only answers worth showing
    (:func:`~graph.relatedness.worth_showing`) come back, so there may be fewer than ``k``. The item cuts
    are the build's (recorded in the graph)."""
    from graph.relatedness import worth_showing

    source = as_source(graph)
    paper = resolve_paper(source, x)
    return [
        Similar(
            schema.split_node_id(other)[1],
            source.title(other),
            round(link.score, 4),
            link.shared,
            link.weight,
            link.text,
            link.links,
        )
        for other, link in worth_showing(source.scored(paper))[:k]
    ]


class Ranked(NamedTuple):
    """A node in a top list: its id, display label and the value it was ranked by."""

    node: str
    label: str
    value: float


def top(graph: nx.MultiDiGraph | Source, kind: str = schema.PAPER, by: str = "pagerank", n: int = 10) -> list[Ranked]:
    """The ``n`` nodes of ``kind`` with the highest ``by`` (ties by id).

    ``pagerank``/``betweenness`` need an analysed graph (:func:`graph.analysis.analyze`).
    """
    if kind not in schema.NODES:
        raise ConfigError(f"unknown node kind {kind!r}; choose from {', '.join(sorted(schema.NODES))}")
    if by not in TOP_MEASURES:
        raise ConfigError(f"cannot rank by {by!r}; choose from {', '.join(TOP_MEASURES)}")
    source = as_source(graph)
    values = source.measures(kind, by)
    if values and all(value is None for _, value in values):
        raise ConfigError(f"no {kind} node has {by!r}: analyse the graph first (paperkg build computes it)")
    ranked = sorted(((-(value or 0.0), node) for node, value in values))[:n]
    return [Ranked(node, source.title(node), -negated) for negated, node in ranked]
