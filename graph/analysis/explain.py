"""Questions about the graph: which paper is meant, why two papers are related, what is similar, what is top.

Papers (and, for views, any node) are named by id (``arxiv:2407.12718`` or ``paper:arxiv:2407.12718``), by
title (case and punctuation ignored), by the name a title introduces (``SlimFlow`` for "SlimFlow: Training
..."), by a unique part of a title, or approximately (difflib): :func:`resolve_node`. Several matches raise
:class:`~graph.errors.AmbiguousNameError` listing them; none raises :class:`~graph.errors.NotFoundError`.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import networkx as nx

from graph import schema
from graph.access import display_name, importance, node_kind, nodes_of_kind, targets
from graph.errors import AmbiguousNameError, ConfigError, NotFoundError
from graph.relatedness import ItemCut, evidence_from_graph, score_one, score_pair, worth_showing
from loaders.records import normalize_title

#: How close (difflib ratio) an approximate title must be to count as a match.
FUZZY_CUTOFF = 0.75

#: Edge kinds a shortest-path explanation may walk (RELATED_TO is derived from these, so it is left out).
PATH_EDGES = (schema.HAS_CONCEPT, schema.USES_TECHNIQUE, schema.CITES, schema.SUBTYPE_OF, schema.AUTHORED)


def _title(G: nx.MultiDiGraph, node: str) -> str:
    return display_name(G, node)


def _candidates(G: nx.MultiDiGraph, nodes: Iterable[str]) -> list[str]:
    """Candidate lines for an ambiguity error, most important first (ties by id)."""
    ordered = sorted(nodes, key=lambda n: (-importance(G, n), n))
    return [f"{_title(G, n)} ({n if node_kind(G, n) != schema.PAPER else schema.split_node_id(n)[1]})" for n in ordered]


def _one(G: nx.MultiDiGraph, name: str, found: list[str]) -> str | None:
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise AmbiguousNameError(name, _candidates(G, found))
    return None


def _prefix_name(title: str) -> str:
    head, sep, _ = title.partition(":")
    return head.strip().casefold() if sep and " " not in head.strip() else ""


def _method_names(G: nx.MultiDiGraph, paper: str) -> set[str]:
    """The names a paper introduces (its ``method`` concepts), case-folded."""
    return {
        str(G.nodes[c].get("label", "")).casefold()
        for _, c, key in G.out_edges(paper, keys=True)
        if key == schema.HAS_CONCEPT and G.nodes[c].get("method")
    }


def resolve_node(G: nx.MultiDiGraph, name: str, kinds: Sequence[str] = ()) -> str:
    """The node id ``name`` refers to, among nodes of ``kinds`` (all kinds when empty). The one name
    resolver of paperkg (``explain``, ``similar``, ``view --focus``); rules, tried in order:

    a node id (``technique:lora``, ``paper:arxiv:1``) or a paper id without prefix (``arxiv:1``);
    ``kind:`` + a name restricts the kinds; the exact title/label/key (case and punctuation ignored);
    the name before a paper title's colon (``SlimFlow``) or another name the paper introduces (``DMD2``,
    its ``method`` concept); a unique part of a title or label;
    an approximate title or label (difflib ratio >= :data:`FUZZY_CUTOFF`). (A unique part of a title is
    any substring of it, case and punctuation ignored.)

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("paper:arxiv:1", kind="paper", title="SlimFlow: Training Smaller One-Step Models")
    >>> G.add_node("technique:lora", kind="technique", label="LoRA")
    >>> [resolve_node(G, n) for n in ("arxiv:1", "slimflow", "technique:LoRA", "Training Smaller",
    ...                                   "Slimflow: Training Smaler One-Step Model")]
    ['paper:arxiv:1', 'paper:arxiv:1', 'technique:lora', 'paper:arxiv:1', 'paper:arxiv:1']
    """
    text = name.strip()
    kinds = tuple(kinds) or tuple(schema.NODES)
    kind, sep, rest = text.partition(":")
    if sep and kind in schema.NODES:
        kinds, text = (kind,), rest.strip()
    for nid in (name.strip(), f"{kinds[0]}:{text}" if len(kinds) == 1 else "", schema.node_id(schema.PAPER, text)):
        if nid in G and node_kind(G, nid) in kinds:
            return nid
    wanted = normalize_title(text)
    if not wanted:
        raise NotFoundError(f"{name!r}: empty name; give an id, a title or a label")
    nodes = [n for n in G.nodes if node_kind(G, n) in kinds]
    keys = {n: {normalize_title(_title(G, n)), normalize_title(str(n).partition(":")[2])} for n in nodes}
    rules = (
        lambda n: wanted in keys[n],
        lambda n: node_kind(G, n) == schema.PAPER and _prefix_name(_title(G, n)) == text.casefold(),
        lambda n: node_kind(G, n) == schema.PAPER and text.casefold() in _method_names(G, n),
        lambda n: any(wanted in key for key in keys[n]),
    )
    for rule in rules:
        found = _one(G, name, [n for n in nodes if rule(n)])
        if found:
            return found
    by_key: dict[str, list[str]] = {}
    for n in nodes:
        by_key.setdefault(normalize_title(_title(G, n)), []).append(n)
    close = difflib.get_close_matches(wanted, sorted(by_key), n=5, cutoff=FUZZY_CUTOFF)
    found = _one(G, name, [n for key in close for n in by_key[key]])
    if found:
        return found
    what = "/".join(kinds) if len(kinds) < len(schema.NODES) else "node"
    raise NotFoundError(
        f"no {what} matches {name!r} (try an id, a title, a label or the name before a paper title's colon)"
    )


def resolve_paper(G: nx.MultiDiGraph, name: str) -> str:
    """The paper node id ``name`` refers to (:func:`resolve_node` restricted to papers)."""
    return resolve_node(G, name, (schema.PAPER,))


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


def explain(G: nx.MultiDiGraph, a: str, b: str) -> Explanation:
    """Explain how papers ``a`` and ``b`` (ids or names, see :func:`resolve_paper`) are related."""
    pa, pb = resolve_paper(G, a), resolve_paper(G, b)
    if pa == pb:
        raise ConfigError(f"{a!r} and {b!r} are the same paper ({_title(G, pa)})")
    direct_a, direct_b = set(targets(G, pa, schema.USES_TECHNIQUE)), set(targets(G, pb, schema.USES_TECHNIQUE))
    shared_t = direct_a & direct_b
    via_family = (_with_ancestors(G, direct_a) & _with_ancestors(G, direct_b)) - shared_t
    ubiquitous = len(nodes_of_kind(G, schema.PAPER)) / 2
    shared_c = {
        c
        for c in set(targets(G, pa, schema.HAS_CONCEPT)) & set(targets(G, pb, schema.HAS_CONCEPT))
        if schema.node_id(schema.TECHNIQUE, G.nodes[c].get("technique", "")) not in shared_t | via_family
        and G.nodes[c].get("df", 0) <= ubiquitous
    }
    u, v = schema.related_pair(pa, pb)
    related = G.get_edge_data(u, v, key=schema.RELATED_TO)
    citations = [p for p in (_citation_path(G, pa, pb), _citation_path(G, pb, pa)) if p]
    path = _evidence_path(G, pa, pb)
    evidence = evidence_from_graph(G)
    link = score_pair(evidence, ItemCut.of_graph(G).for_corpus(len(evidence.items_of)), pa, pb)
    return Explanation(
        a=pa,
        b=pb,
        title_a=_title(G, pa),
        title_b=_title(G, pb),
        related_weight=related["weight"] if related else None,
        related_shared=list(related["shared"]) if related else [],
        evidence_weight=link.weight,
        evidence_text=link.text,
        evidence_shared=link.shared,
        evidence_links=link.links,
        shared_techniques=_specific_first(G, shared_t) + [f"{t} (family)" for t in _specific_first(G, via_family)],
        shared_concepts=_specific_first(G, shared_c),
        citations=[[_title(G, n) for n in p] for p in citations],
        path=[(_title(G, n), str(G.nodes[n]["kind"])) for n in path],
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


def similar(G: nx.MultiDiGraph, x: str, k: int = 10) -> list[Similar]:
    """The ``k`` papers most related to paper ``x``, by the rule of :mod:`graph.relatedness` (the one behind
    RELATED_TO): every paper sharing an item with ``x`` or near it by text is scored, best first; ties are
    broken by text similarity, never by id alone. Only answers worth showing
    (:func:`~graph.relatedness.worth_showing`) come back, so there may be fewer than ``k``. The item cuts
    are the build's (recorded in the graph)."""
    paper = resolve_paper(G, x)
    evidence = evidence_from_graph(G)
    cut = ItemCut.of_graph(G).for_corpus(len(evidence.items_of))
    return [
        Similar(
            schema.split_node_id(other)[1],
            _title(G, other),
            round(link.score, 4),
            link.shared,
            link.weight,
            link.text,
            link.links,
        )
        for other, link in worth_showing(score_one(evidence, cut, paper))[:k]
    ]


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
