"""Corpus + extractions -> the typed NetworkX graph of DESIGN.md §4 (shape from :mod:`graph.schema`).

The graph is a :class:`networkx.MultiDiGraph` keyed by relationship type. Nodes and edges are inserted
in sorted order and carry no ``None`` values, so two builds of the same input serialise identically.

Concepts and techniques are one idea where the vocabulary says so: when ``technique_for_phrase`` maps a
concept (``knowledge distillation``) to a technique (``distillation``), the concept node gets the property
``technique`` and its paper also gets a ``USES_TECHNIQUE`` edge (evidence = the concept's surface form);
in the paper-paper projection the pair counts once, as the technique.

>>> from loaders.records import Paper
>>> from graph.extraction import ConceptHit, PaperExtraction
>>> a = Paper(id="arxiv:1", title="A", abstract="")
>>> b = Paper(id="arxiv:2", title="B", abstract="")
>>> hit = ConceptHit("rectified flow", "rectified flow", 0.7, 1)
>>> G = build_graph([a, b], {"arxiv:1": PaperExtraction("arxiv:1", [hit]),
...                          "arxiv:2": PaperExtraction("arxiv:2", [hit])}, {}, options=BuildOptions(min_weight=0))
>>> sorted(G.nodes)
['concept:rectified flow', 'paper:arxiv:1', 'paper:arxiv:2']
>>> G.edges["paper:arxiv:1", "paper:arxiv:2", "RELATED_TO"]["shared"]
['rectified flow']
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import networkx as nx
import numpy as np
from scipy import sparse

from graph import schema
from graph.errors import ConfigError, InputError
from graph.extraction import ConceptHit, PaperExtraction
from loaders.records import Paper, clean_text, normalize_title

__all__ = ["BuildOptions", "TechniqueInfo", "author_key", "build_graph", "paper_items"]


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
    top-k of either end, so a popular paper can have more); ``min_weight``: weaker links are dropped;
    ``max_concept_df``: concepts used by more than this share of papers link nothing (they still get their
    HAS_CONCEPT edges); ``max_technique_df``: the same for techniques; ``max_item_papers``: an absolute cap
    on the papers an item may have and still link (keeps the projection near-linear on huge corpora);
    ``max_concepts_per_paper``: the best-ranked concepts of each paper that are kept; ``shared_labels``:
    how many shared items a RELATED_TO edge lists; ``mention_citations``: infer CITES edges from names.
    """

    k: int = 10
    min_weight: float = 1.0
    max_concept_df: float = 0.1
    max_technique_df: float = 0.5
    max_item_papers: int = 2000
    max_concepts_per_paper: int = 10
    shared_labels: int = 5
    mention_citations: bool = True

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
        }
    )


@dataclass
class _Concepts:
    """Concept nodes gathered over the corpus: surface-form counts, papers and vocabulary ties."""

    surfaces: dict[str, Counter[str]]
    papers: dict[str, set[str]]
    technique: dict[str, str]

    def attrs(self, key: str) -> dict[str, Any]:
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
) -> _Concepts:
    surfaces: dict[str, Counter[str]] = defaultdict(Counter)
    used_by: dict[str, set[str]] = defaultdict(set)
    for pid, hits in kept.items():
        for hit in hits:
            surfaces[hit.key][hit.surface or hit.key] += 1
            used_by[hit.key].add(pid)
    tied: dict[str, str] = {}
    if technique_for_phrase is not None:
        for key in sorted(surfaces):
            tech = technique_for_phrase(key) or technique_for_phrase(surfaces[key].most_common(1)[0][0])
            if tech is None:
                continue
            if tech not in techniques:
                raise InputError(f"concept {key!r} maps to unknown technique {tech!r}", field="technique")
            tied[key] = tech
    return _Concepts(dict(surfaces), dict(used_by), tied)


def _technique_uses(
    papers: Sequence[Paper],
    extractions: Mapping[str, PaperExtraction],
    kept: Mapping[str, list[ConceptHit]],
    concepts: _Concepts,
) -> dict[str, dict[str, str]]:
    """paper id -> technique key -> evidence (vocabulary hits first, then tied concepts)."""
    uses: dict[str, dict[str, str]] = {}
    for paper in papers:
        found: dict[str, str] = {}
        extraction = extractions.get(paper.id)
        for hit in extraction.techniques if extraction else []:
            found.setdefault(hit.key, hit.evidence)
        for hit in kept[paper.id]:
            tech = concepts.technique.get(hit.key)
            if tech is not None:
                found.setdefault(tech, hit.surface or hit.key)
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


def _technique_attrs(tech: TechniqueInfo, df: int) -> dict[str, Any]:
    return _clean(
        {
            "kind": schema.TECHNIQUE,
            "key": tech.key,
            "label": tech.label or tech.key,
            "family": tech.family,
            "aliases": sorted(set(tech.aliases or [])),
            "parent": tech.parent,
            "df": df,
        }
    )


def paper_items(concept_keys: Iterable[str], technique_keys: Iterable[str], tied: Mapping[str, str]) -> list[str]:
    """The items (node ids) a paper links through: its techniques, and its concepts not tied to one.

    >>> paper_items(["knowledge distillation", "one-step"], ["distillation"],
    ...             {"knowledge distillation": "distillation"})
    ['concept:one-step', 'technique:distillation']
    """
    items = {schema.node_id(schema.TECHNIQUE, t) for t in technique_keys}
    for key in concept_keys:
        if key in tied:
            items.add(schema.node_id(schema.TECHNIQUE, tied[key]))
        else:
            items.add(schema.node_id(schema.CONCEPT, key))
    return sorted(items)


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


def _citations(papers: Sequence[Paper], use_mentions: bool) -> dict[tuple[str, str], dict[str, Any]]:
    """CITES edges between corpus papers: from references, then inferred from name mentions."""
    ids = {p.id for p in papers}
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    for paper in papers:
        for ref in paper.references:
            if ref in ids and ref != paper.id:
                edges[(paper.id, ref)] = {"kind": schema.CITES, "via": schema.CITES_FROM_REFERENCES}
    if use_mentions:
        for citing, cited, name in mention_citations(papers):
            edges.setdefault(
                (citing, cited), {"kind": schema.CITES, "via": schema.CITES_FROM_MENTION, "evidence": name}
            )
    return edges


#: Words at least this frequent in English (wordfreq's Zipf scale: 3 = once per million words) are
#: dictionary words, never method names.
DICTIONARY_ZIPF = 3.0

_TITLE_NAME = re.compile(r"^\s*[\"'“‘`]?([^\s:\"'“”‘’`]+)[\"'”’`]?\s*:\s+\S")
_TOKEN = re.compile(r"\w+(?:[-.]\w+)*")


def is_distinctive_name(name: str) -> bool:
    """Whether a title-prefix name is specific enough to infer a citation from a mention of it.

    Distinctive: not an English dictionary word, and at least 4 characters long or marked as a name by
    mixed case (``ViT``), digits or a hyphen; a short all-caps acronym (``VLM``) is too generic.

    >>> [is_distinctive_name(n) for n in ["SlimFlow", "UNITER", "LLaVA-Med", "ViT", "UNIT", "VLM", "Flow"]]
    [True, True, True, True, False, False, False]
    """
    from wordfreq import zipf_frequency

    if len(name) < 3 or not any(c.isalpha() for c in name):
        return False
    mixed_case = any(c.isupper() for c in name[1:]) and any(c.islower() for c in name)
    marked = mixed_case or "-" in name or any(c.isdigit() for c in name)
    if len(name) < 4 and not marked:
        return False
    return zipf_frequency(name.lower(), "en") < DICTIONARY_ZIPF


def introduced_name(title: str) -> str | None:
    """The method/model name a title introduces in its prefix ("SlimFlow: Training ..."), if distinctive.

    >>> introduced_name("SlimFlow: Training Smaller One-Step Diffusion Models with Rectified Flow")
    'SlimFlow'
    >>> introduced_name("Monitoring: A Survey") is None, introduced_name("Improving Rectified Flows") is None
    (True, True)
    """
    match = _TITLE_NAME.match(title)
    if match is None:
        return None
    name = match.group(1)
    return name if is_distinctive_name(name) else None


def _introducers(papers: Sequence[Paper]) -> dict[str, str]:
    """Distinctive name -> the one paper introducing it (names two papers introduce are dropped)."""
    found: dict[str, list[str]] = defaultdict(list)
    for paper in papers:
        name = introduced_name(paper.title)
        if name:
            found[name].append(paper.id)
    return {name: ids[0] for name, ids in found.items() if len(ids) == 1}


def _mentioned(text: str, names: Mapping[str, str]) -> set[str]:
    """Names (case-sensitive, whole words; ``SlimFlow-based`` mentions ``SlimFlow``) found in ``text``."""
    hits: set[str] = set()
    for token in _TOKEN.findall(text):
        if token in names:
            hits.add(token)
        else:
            head = token.split("-", 1)[0].rstrip(".")
            if head in names:
                hits.add(head)
    return hits


def mention_citations(papers: Sequence[Paper]) -> list[tuple[str, str, str]]:
    """Inferred citations ``(citing id, cited id, name)``: an abstract names what another paper introduces.

    Never a paper citing itself, and never a paper citing one published after it (when both dates exist).
    """
    names = _introducers(papers)
    if not names:
        return []
    by_id = {p.id: p for p in papers}
    found: list[tuple[str, str, str]] = []
    for paper in papers:
        for name in sorted(_mentioned(paper.abstract, names)):
            cited = by_id[names[name]]
            if cited.id == paper.id:
                continue
            if paper.published and cited.published and cited.published[:10] > paper.published[:10]:
                continue
            found.append((paper.id, cited.id, name))
    return sorted(found)


@dataclass
class Projection:
    """What the paper-paper projection reads: each paper's items, display labels, and the df cut."""

    items_of: Mapping[str, Sequence[str]]
    labels: Mapping[str, str]
    links: Callable[[str, int], bool]


def _idf(projection: Projection) -> dict[str, float]:
    """IDF ``log(1 + N / df)`` of every item that passes the df cut."""
    n = len(projection.items_of)
    df = Counter(item for items in projection.items_of.values() for item in set(items))
    return {item: math.log(1 + n / d) for item, d in sorted(df.items()) if projection.links(item, d)}


def _item_matrix(papers: Sequence[str], projection: Projection, idf: Mapping[str, float]) -> sparse.csr_matrix:
    """Papers x linking items, valued sqrt(idf): the product of two rows is their shared IDF sum."""
    column = {item: j for j, item in enumerate(idf)}
    rows: list[int] = []
    cols: list[int] = []
    for i, pid in enumerate(papers):
        for item in sorted(set(projection.items_of[pid])):
            if item in column:
                rows.append(i)
                cols.append(column[item])
    values = np.sqrt(np.array([idf[item] for item in idf], dtype=np.float64))[np.array(cols, dtype=np.int64)]
    return sparse.csr_matrix((values, (rows, cols)), shape=(len(papers), len(idf)))


def _top_k_pairs(X: sparse.csr_matrix, k: int, min_weight: float, block: int = 512) -> set[tuple[int, int]]:
    """Index pairs (i < j) where j is among i's k strongest neighbours or the reverse.

    Candidates come from the inverted index (``X.T``: item -> papers), one block of papers at a time, so
    only pairs that share an item are ever scored. Ties break towards the smaller index.
    """
    XT = X.T.tocsr()
    chosen: set[tuple[int, int]] = set()
    for start in range(0, X.shape[0], block):
        scores = (X[start : start + block] @ XT).tocsr()
        for r in range(scores.shape[0]):
            i = start + r
            lo, hi = scores.indptr[r], scores.indptr[r + 1]
            idx, w = scores.indices[lo:hi], scores.data[lo:hi]
            keep = (idx != i) & (w >= min_weight - 1e-9)
            idx, w = idx[keep], w[keep]
            if len(idx) > k:
                idx = idx[np.lexsort((idx, -w))[:k]]
            chosen.update((min(i, int(j)), max(i, int(j))) for j in idx)
    return chosen


def related_pairs(
    projection: Projection, k: int, min_weight: float, n_shared: int
) -> list[tuple[str, str, float, list[str]]]:
    """Sparse top-k RELATED_TO pairs ``(a, b, weight, shared labels)`` with ``a < b``, sorted.

    ``weight`` is the IDF sum over the items both papers have (rounded to 4 places); ``shared`` the labels
    of the ``n_shared`` most specific of them (highest IDF first).
    """
    if k == 0:
        return []
    papers = sorted(projection.items_of)
    idf = _idf(projection)
    if not idf:
        return []
    pairs = _top_k_pairs(_item_matrix(papers, projection, idf), k, min_weight)
    result: list[tuple[str, str, float, list[str]]] = []
    for i, j in sorted(pairs):
        a, b = papers[i], papers[j]
        common = sorted(
            (set(projection.items_of[a]) & set(projection.items_of[b])) & idf.keys(),
            key=lambda item: (-idf[item], projection.labels.get(item, item)),
        )
        weight = round(math.fsum(idf[item] for item in common), 4)
        if weight >= min_weight:
            labels = [projection.labels.get(item, item) for item in common[:n_shared]]
            result.append((*schema.related_pair(a, b), weight, labels))
    return result


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
    concepts = _gather_concepts(kept, techniques, technique_for_phrase)
    uses = _technique_uses(papers, extractions, kept, concepts)
    tech_df = Counter(t for found in uses.values() for t in found)
    author_names, authored = _authors(papers)

    nodes: dict[str, dict[str, Any]] = {}
    edges: list[tuple[str, str, str, dict[str, Any]]] = []
    items_of: dict[str, list[str]] = {}
    for paper in papers:
        pid = schema.node_id(schema.PAPER, paper.id)
        nodes[pid] = _paper_attrs(paper)
        for hit in kept[paper.id]:
            attrs = {"kind": schema.HAS_CONCEPT, "score": round(float(hit.score), 6), "rank": int(hit.rank)}
            edges.append((pid, schema.node_id(schema.CONCEPT, hit.key), schema.HAS_CONCEPT, attrs))
        for tech, evidence in uses[paper.id].items():
            attrs = _clean({"kind": schema.USES_TECHNIQUE, "evidence": evidence})
            edges.append((pid, schema.node_id(schema.TECHNIQUE, tech), schema.USES_TECHNIQUE, attrs))
        items_of[pid] = paper_items([h.key for h in kept[paper.id]], uses[paper.id], concepts.technique)
    for key in concepts.surfaces:
        nodes[schema.node_id(schema.CONCEPT, key)] = concepts.attrs(key)
    for key in _technique_closure(tech_df, techniques):
        tech = techniques[key]
        nodes[schema.node_id(schema.TECHNIQUE, key)] = _technique_attrs(tech, tech_df.get(key, 0))
        if tech.parent and tech.parent in techniques:
            edges.append(
                (
                    schema.node_id(schema.TECHNIQUE, key),
                    schema.node_id(schema.TECHNIQUE, tech.parent),
                    schema.SUBTYPE_OF,
                    {"kind": schema.SUBTYPE_OF},
                )
            )
    for key, name in author_names.items():
        nodes[schema.node_id(schema.AUTHOR, key)] = {"kind": schema.AUTHOR, "key": key, "name": name}
    for aid, pid, position in authored:
        edges.append((aid, pid, schema.AUTHORED, {"kind": schema.AUTHORED, "position": position}))
    for (citing, cited), attrs in _citations(papers, options.mention_citations).items():
        edges.append((schema.node_id(schema.PAPER, citing), schema.node_id(schema.PAPER, cited), schema.CITES, attrs))
    labels = {nid: attrs.get("label", nid) for nid, attrs in nodes.items() if attrs["kind"] != schema.PAPER}
    projection = Projection(items_of, labels, _cut_for(options, len(papers)))
    for a, b, weight, shared in related_pairs(projection, options.k, options.min_weight, options.shared_labels):
        attrs = {"kind": schema.RELATED_TO, "weight": weight, "shared": shared}
        edges.append((a, b, schema.RELATED_TO, attrs))

    G = nx.MultiDiGraph()
    G.add_nodes_from(sorted(nodes.items()))
    for u, v, key, attrs in sorted(edges, key=lambda e: (e[0], e[1], e[2])):
        G.add_edge(u, v, key=key, **attrs)
    return G


def _cut_for(options: BuildOptions, n_papers: int) -> Callable[[str, int], bool]:
    """Whether an item used by ``df`` papers may link papers (the df cuts of :class:`BuildOptions`)."""

    def links(item: str, df: int) -> bool:
        share = options.max_technique_df if item.startswith(schema.TECHNIQUE + ":") else options.max_concept_df
        return 2 <= df <= options.max_item_papers and df <= max(2.0, share * n_papers)

    return links
