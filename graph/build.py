"""Corpus + extractions -> the typed NetworkX graph of DESIGN.md §4 (shape from :mod:`graph.schema`).

The graph is a :class:`networkx.MultiDiGraph` keyed by relationship type. Nodes and edges are inserted
in sorted order and carry no ``None`` values, so two builds of the same input serialise identically.

Concepts and techniques are one idea where the vocabulary says so: when ``technique_for_phrase`` maps a
concept (``knowledge distillation``) to a technique (``distillation``), the concept node gets the property
``technique`` and its paper also gets a ``USES_TECHNIQUE`` edge (evidence = the concept's surface form);
in the paper-paper projection the pair counts once, as the technique.

Every concept and technique node has a ``specificity`` (:mod:`graph.specificity`), technique nodes a
``broad`` flag from the vocabulary, and each ``USES_TECHNIQUE`` edge a ``role`` (``uses``, ``compares``,
``mentions``). The name a paper introduces (:mod:`graph.names`) is a concept node with ``method: true``.
RELATED_TO follows :mod:`graph.relatedness`: only techniques a paper *uses* count, and broad evidence
alone never links.

>>> from loaders.records import Paper
>>> from graph.extraction import ConceptHit, PaperExtraction
>>> titles = ["Protein folding", "Rectified flow for one-step generation", "One-step rectified flow"]
>>> a, b, c = (Paper(id=f"arxiv:{i}", title=t, abstract="") for i, t in enumerate(titles))
>>> hits = [ConceptHit("rectified flow", "rectified flow", 0.7, 1), ConceptHit("one-step", "one-step", 0.6, 2)]
>>> G = build_graph([a, b, c], {"arxiv:1": PaperExtraction("arxiv:1", hits),
...                             "arxiv:2": PaperExtraction("arxiv:2", hits)}, {})
>>> sorted(G.nodes)
['concept:one-step', 'concept:rectified flow', 'paper:arxiv:0', 'paper:arxiv:1', 'paper:arxiv:2']
>>> G.edges["paper:arxiv:1", "paper:arxiv:2", "RELATED_TO"]["shared"]
['one-step', 'rectified flow']
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, Protocol

import networkx as nx

from graph import schema
from graph.defaults import MAX_CONCEPT_DF, MIN_WEIGHT, RELATED_K
from graph.errors import ConfigError, InputError
from graph.extraction import ROLES, ConceptHit, PaperExtraction
from graph.names import introduced_names, mention_citations
from graph.relatedness import ItemCut, evidence_from_graph, paper_items, related_pairs
from graph.specificity import specificity
from loaders.records import Paper, clean_text, normalize_title

__all__ = ["BuildOptions", "TechniqueInfo", "author_key", "build_graph"]


class TechniqueInfo(Protocol):
    """What the build reads of a vocabulary technique (``graph.techniques.Technique`` fits)."""

    key: str
    label: str
    family: str
    aliases: list[str]
    parent: str | None


@dataclass(frozen=True)
class BuildOptions:
    """Parameters of the build.

    ``k``: RELATED_TO links each paper keeps to its strongest neighbours (an edge is kept when it is in the
    top-k of either end, so a popular paper can have more); ``min_weight``: links whose summed specificity
    is lower are dropped (the evidence rule of :mod:`graph.relatedness` applies first);
    ``max_concept_df``: concepts used by more than this share of papers link nothing (they still get their
    HAS_CONCEPT edges); ``max_technique_df``: the same for techniques; ``max_item_papers``: an absolute cap
    on the papers an item may have and still link (keeps the projection near-linear on huge corpora);
    ``max_concepts_per_paper``: the best-ranked concepts of each paper that are kept; ``shared_labels``:
    how many shared items a RELATED_TO edge lists; ``mention_citations``: infer CITES edges from names.
    """

    k: int = RELATED_K
    min_weight: float = MIN_WEIGHT
    max_concept_df: float = MAX_CONCEPT_DF
    max_technique_df: float = 0.5
    max_item_papers: int = 2000
    max_concepts_per_paper: int = 10
    shared_labels: int = 5
    mention_citations: bool = True

    def item_cut(self) -> ItemCut:
        """The df cuts of these options (which items may link papers)."""
        return ItemCut(self.max_concept_df, self.max_technique_df, self.max_item_papers)

    def validate(self) -> None:
        """Raise :class:`ConfigError` for values outside their range."""
        checks = [
            (self.k >= 0, "k", "must be >= 0"),
            (self.min_weight >= 0, "min_weight", "must be >= 0"),
            (0 <= self.max_concept_df <= 1, "max_concept_df", "must be a share between 0 and 1"),
            (0 <= self.max_technique_df <= 1, "max_technique_df", "must be a share between 0 and 1"),
            (self.max_item_papers >= 2, "max_item_papers", "must be >= 2"),
            (self.max_concepts_per_paper >= 0, "max_concepts_per_paper", "must be >= 0"),
            (self.shared_labels >= 0, "shared_labels", "must be >= 0"),
        ]
        for ok, name, why in checks:
            if not ok:
                raise ConfigError(f"build option {name}={getattr(self, name)!r} {why}")


def author_key(name: str) -> str:
    """The stable key of an author: a hash of the normalised name.

    >>> author_key("Jane  DOE") == author_key("jane doe")
    True
    """
    return hashlib.sha1(normalize_title(name).encode("utf-8")).hexdigest()[:16]


def _clean(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """Drop missing values (None, empty strings and lists): GraphML/GEXF/Neo4j cannot hold None."""
    return {k: v for k, v in attrs.items() if v is not None and v != "" and v != []}


def _paper_attrs(paper: Paper) -> dict[str, Any]:
    return _clean(
        {
            "kind": schema.PAPER,
            "id": paper.id,
            "title": paper.title,
            "abstract": paper.abstract,
            "published": paper.published,
            "year": paper.year,
            "n_authors": paper.n_authors,
            "upvotes": paper.upvotes,
            "url": paper.urls.get("paper"),
            "code_url": paper.urls.get("code"),
            "sources": [str(s) for s in paper.sources],
            "references": list(paper.references),
        }
    )


@dataclass
class _Concepts:
    """Concept nodes gathered over the corpus: surface-form counts, papers and vocabulary ties."""

    surfaces: dict[str, Counter[str]]
    papers: dict[str, set[str]]
    technique: dict[str, str]
    methods: set[str]

    def attrs(self, key: str, spec: float) -> dict[str, Any]:
        counts = self.surfaces[key]
        label = min(counts, key=lambda s: (-counts[s], s))
        return _clean(
            {
                "kind": schema.CONCEPT,
                "key": key,
                "label": label,
                "aliases": sorted(s for s in counts if s != label),
                "df": len(self.papers[key]),
                "technique": self.technique.get(key),
                "specificity": round(spec, 4),
                "method": True if key in self.methods else None,
            }
        )


def _check_inputs(
    papers: Sequence[Paper], extractions: Mapping[str, PaperExtraction], techniques: Mapping[str, Any]
) -> None:
    seen: set[str] = set()
    for paper in papers:
        if paper.id in seen:
            raise InputError(f"paper id {paper.id!r} appears twice (merge duplicates first)", field="id")
        seen.add(paper.id)
    for pid, extraction in extractions.items():
        if pid not in seen:
            raise InputError(f"extraction for unknown paper {pid!r}", field="paper_id")
        for hit in extraction.techniques:
            if hit.key not in techniques:
                raise InputError(
                    f"paper {pid!r} uses technique {hit.key!r} that the vocabulary lacks", field="techniques"
                )
            if hit.role not in ROLES:
                raise InputError(f"paper {pid!r}: technique {hit.key!r} has unknown role {hit.role!r}", field="role")


def _kept_concepts(extraction: PaperExtraction | None, limit: int) -> list[ConceptHit]:
    """A paper's ``limit`` best-ranked concepts, one hit per key."""
    if extraction is None:
        return []
    best: dict[str, ConceptHit] = {}
    for hit in sorted(extraction.concepts, key=lambda h: (h.rank, h.key)):
        best.setdefault(hit.key, hit)
    return list(best.values())[:limit]


def _gather_concepts(
    kept: Mapping[str, list[ConceptHit]],
    techniques: Mapping[str, Any],
    technique_for_phrase: Callable[[str], str | None] | None,
    methods: Mapping[str, list[tuple[str, str]]],
) -> _Concepts:
    surfaces: dict[str, Counter[str]] = defaultdict(Counter)
    used_by: dict[str, set[str]] = defaultdict(set)
    for pid, hits in kept.items():
        for hit in hits:
            surfaces[hit.key][hit.surface or hit.key] += 1
            used_by[hit.key].add(pid)
    method_keys: set[str] = set()
    for pid, names in methods.items():
        for key, name in names:
            surfaces[key][name] += 1
            used_by[key].add(pid)
            method_keys.add(key)
    tied: dict[str, str] = {}
    if technique_for_phrase is not None:
        for key in sorted(surfaces):
            if key in method_keys:
                continue
            tech = technique_for_phrase(key) or technique_for_phrase(surfaces[key].most_common(1)[0][0])
            if tech is None:
                continue
            if tech not in techniques:
                raise InputError(f"concept {key!r} maps to unknown technique {tech!r}", field="technique")
            tied[key] = tech
    return _Concepts(dict(surfaces), dict(used_by), tied, method_keys)


def _technique_uses(
    papers: Sequence[Paper],
    extractions: Mapping[str, PaperExtraction],
    kept: Mapping[str, list[ConceptHit]],
    concepts: _Concepts,
) -> dict[str, dict[str, tuple[str, str]]]:
    """paper id -> technique key -> (evidence, role): vocabulary hits first, then tied concepts (``uses``)."""
    uses: dict[str, dict[str, tuple[str, str]]] = {}
    for paper in papers:
        found: dict[str, tuple[str, str]] = {}
        extraction = extractions.get(paper.id)
        for hit in extraction.techniques if extraction else []:
            found.setdefault(hit.key, (hit.evidence, hit.role))
        for hit in kept[paper.id]:
            tech = concepts.technique.get(hit.key)
            if tech is not None:
                found.setdefault(tech, (hit.surface or hit.key, "uses"))
        uses[paper.id] = found
    return uses


def _technique_closure(used: Iterable[str], techniques: Mapping[str, TechniqueInfo]) -> list[str]:
    """The used techniques plus their ancestors (so SUBTYPE_OF chains stay whole), sorted."""
    keep: set[str] = set()
    for key in used:
        while key and key in techniques and key not in keep:
            keep.add(key)
            key = techniques[key].parent or ""
    return sorted(keep)


def _technique_attrs(tech: TechniqueInfo, df: int, spec: float) -> dict[str, Any]:
    return _clean(
        {
            "kind": schema.TECHNIQUE,
            "key": tech.key,
            "label": tech.label or tech.key,
            "family": tech.family,
            "aliases": sorted(set(tech.aliases or [])),
            "parent": tech.parent,
            "df": df,
            "specificity": round(spec, 4),
            "broad": True if _is_broad(tech) else None,
        }
    )


def _is_broad(tech: TechniqueInfo) -> bool:
    return bool(getattr(tech, "broad", False))


def _authors(papers: Sequence[Paper]) -> tuple[dict[str, str], list[tuple[str, str, int]]]:
    """Author nodes (key -> most frequent spelling) and AUTHORED triples (author id, paper id, position)."""
    names: dict[str, Counter[str]] = defaultdict(Counter)
    authored: list[tuple[str, str, int]] = []
    for paper in papers:
        for position, raw in enumerate(paper.authors, start=1):
            name = clean_text(raw)
            if not normalize_title(name):
                continue
            key = author_key(name)
            names[key][name] += 1
            authored.append((schema.node_id(schema.AUTHOR, key), schema.node_id(schema.PAPER, paper.id), position))
    best = {key: min(c, key=lambda s: (-c[s], s)) for key, c in names.items()}
    return best, authored


def _citations(
    papers: Sequence[Paper], introduced: Mapping[str, list[str]] | None
) -> dict[tuple[str, str], dict[str, Any]]:
    """CITES edges between corpus papers: from references, then, when ``introduced`` (paper id -> the names
    it introduces) is given, inferred from those names."""
    ids = {p.id for p in papers}
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    for paper in papers:
        for ref in paper.references:
            if ref in ids and ref != paper.id:
                edges[(paper.id, ref)] = {"kind": schema.CITES, "via": schema.CITES_FROM_REFERENCES}
    if introduced is not None:
        for citing, cited, name in mention_citations(papers, introduced):
            edges.setdefault(
                (citing, cited), {"kind": schema.CITES, "via": schema.CITES_FROM_MENTION, "evidence": name}
            )
    return edges


def _method_concepts(introduced: Mapping[str, list[str]]) -> dict[str, list[tuple[str, str]]]:
    """paper id -> (concept key, name) of the method names it introduces (``introduced``: paper id -> names)."""
    from graph.concepts.normalize import concept_key

    found: dict[str, list[tuple[str, str]]] = {}
    for pid, names in introduced.items():
        found[pid] = [(concept_key(name), name) for name in names if concept_key(name)]
    return found


def build_graph(
    papers: Sequence[Paper],
    extractions: Mapping[str, PaperExtraction],
    techniques: Mapping[str, TechniqueInfo],
    technique_for_phrase: Callable[[str], str | None] | None = None,
    options: BuildOptions | None = None,
) -> nx.MultiDiGraph:
    """The typed graph of ``papers`` (DESIGN.md §4); see the module docstring for concept/technique ties.

    Raises :class:`InputError` for duplicate paper ids, extractions of unknown papers and techniques the
    vocabulary lacks, and :class:`ConfigError` for invalid options.
    """
    options = options or BuildOptions()
    options.validate()
    _check_inputs(papers, extractions, techniques)
    papers = sorted(papers, key=lambda p: p.id)
    kept = {p.id: _kept_concepts(extractions.get(p.id), options.max_concepts_per_paper) for p in papers}
    introduced = {p.id: introduced_names(p.title, p.abstract) for p in papers}  # title prefix, "we propose NAME"
    methods = _method_concepts(introduced)
    concepts = _gather_concepts(kept, techniques, technique_for_phrase, methods)
    uses = _technique_uses(papers, extractions, kept, concepts)
    tech_df = Counter(t for found in uses.values() for t in found)
    author_names, authored = _authors(papers)

    nodes: dict[str, dict[str, Any]] = {}
    edges: list[tuple[str, str, str, dict[str, Any]]] = []
    item_df: Counter[str] = Counter()
    for paper in papers:
        pid = schema.node_id(schema.PAPER, paper.id)
        nodes[pid] = _paper_attrs(paper)
        for hit in kept[paper.id]:
            attrs = {"kind": schema.HAS_CONCEPT, "score": round(float(hit.score), 6), "rank": int(hit.rank)}
            edges.append((pid, schema.node_id(schema.CONCEPT, hit.key), schema.HAS_CONCEPT, attrs))
        extracted = {h.key for h in kept[paper.id]}
        for rank, (key, _) in enumerate(methods[paper.id], start=len(kept[paper.id]) + 1):
            if key not in extracted:
                attrs = {"kind": schema.HAS_CONCEPT, "score": 1.0, "rank": rank}
                edges.append((pid, schema.node_id(schema.CONCEPT, key), schema.HAS_CONCEPT, attrs))
        for tech, (evidence, role) in uses[paper.id].items():
            attrs = _clean({"kind": schema.USES_TECHNIQUE, "evidence": evidence, "role": role})
            edges.append((pid, schema.node_id(schema.TECHNIQUE, tech), schema.USES_TECHNIQUE, attrs))
        concept_keys = [h.key for h in kept[paper.id]] + [key for key, _ in methods[paper.id]]
        used = [t for t, (_, role) in uses[paper.id].items() if role == "uses"]
        for item in paper_items(concept_keys, used, concepts.technique):
            item_df[item] += 1
    n = len(papers)
    for key in concepts.surfaces:
        nid = schema.node_id(schema.CONCEPT, key)
        nodes[nid] = concepts.attrs(key, specificity(item_df.get(nid, len(concepts.papers[key])), n))
    for key in _technique_closure(tech_df, techniques):
        tech = techniques[key]
        nid = schema.node_id(schema.TECHNIQUE, key)
        spec = specificity(item_df.get(nid, tech_df.get(key, 0)), n, broad=_is_broad(tech))
        nodes[nid] = _technique_attrs(tech, tech_df.get(key, 0), spec)
        if tech.parent and tech.parent in techniques:
            edges.append(
                (nid, schema.node_id(schema.TECHNIQUE, tech.parent), schema.SUBTYPE_OF, {"kind": schema.SUBTYPE_OF})
            )
    for key, name in author_names.items():
        nodes[schema.node_id(schema.AUTHOR, key)] = {"kind": schema.AUTHOR, "key": key, "name": name}
    for aid, pid, position in authored:
        edges.append((aid, pid, schema.AUTHORED, {"kind": schema.AUTHORED, "position": position}))
    cites = _citations(papers, introduced if options.mention_citations else None)
    for (citing, cited), attrs in cites.items():
        edges.append((schema.node_id(schema.PAPER, citing), schema.node_id(schema.PAPER, cited), schema.CITES, attrs))
    edges.sort(key=_EDGE_ORDER)  # in order once: the final graph's sort then only merges in RELATED_TO
    evidence = evidence_from_graph(_graph(nodes, edges))
    cut = options.item_cut().for_corpus(n)
    for a, b, link in related_pairs(evidence, cut, options.k, options.min_weight, options.shared_labels):
        attrs = {"kind": schema.RELATED_TO, "weight": link.weight, "text": link.text, "shared": link.shared}
        edges.append((a, b, schema.RELATED_TO, attrs))
    G = _graph(nodes, edges)
    options.item_cut().to_graph(G)
    return G


Edge = tuple[str, str, str, dict[str, Any]]

#: The order edges are inserted in: source, target, relationship type.
_EDGE_ORDER = itemgetter(0, 1, 2)


def _graph(nodes: Mapping[str, dict[str, Any]], edges: Iterable[Edge]) -> nx.MultiDiGraph:
    """The graph of ``nodes`` and ``edges``, inserted in sorted order (so serialisations are stable); an edge
    listed twice is one edge with the properties of both, the later winning (as ``add_edge`` does).

    Edges between known nodes go straight into the adjacency dicts ``add_edge`` fills (``_succ``/``_pred``: the
    same dicts, in the same order): ``add_edge`` per edge was most of this function's time at 10k papers.

    >>> G = _graph({"a": {"kind": "x"}, "b": {}}, [("b", "a", "R", {"w": 1}), ("a", "b", "R", {"w": 2}),
    ...                                            ("a", "b", "R", {"v": 3}), ("a", "c", "S", {})])
    >>> list(G.edges(keys=True, data=True)), list(G.nodes)
    ([('a', 'b', 'R', {'w': 2, 'v': 3}), ('a', 'c', 'S', {}), ('b', 'a', 'R', {'w': 1})], ['a', 'b', 'c'])
    """
    G = nx.MultiDiGraph()
    G.add_nodes_from(sorted(nodes.items()))
    succ, pred = G._succ, G._pred
    for u, v, key, attrs in sorted(edges, key=_EDGE_ORDER):
        if u not in succ or v not in succ:
            G.add_edge(u, v, key=key, **attrs)  # adds the missing node as add_edge does
            continue
        keys = succ[u].get(v)
        if keys is None:
            keys = succ[u][v] = pred[v][u] = {}
        keys.setdefault(key, {}).update(attrs)
    return G
