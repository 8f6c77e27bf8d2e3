"""Which papers are related, and how strongly: the ONE rule behind RELATED_TO, ``similar`` and ``explain``.

Two papers share evidence when they have an item in common: a technique they both *use*, a concept, the
method name one introduces, a reference both cite (bibliographic coupling; citing the other paper counts
too) or a corpus paper citing both (co-citation). Each item has a :mod:`specificity <graph.specificity>`.

* A pair **links** (RELATED_TO) only when the shared evidence is specific: at least one specific technique,
  method name or citation item, or at least :data:`MIN_CONCEPTS` specific concepts. Broad items alone
  (transformers, LLMs, fine-tuning) never link.
* Its ``weight`` is the sum of the specificities of the shared items; ``shared`` lists them most specific
  first. ``text`` is the TF-IDF cosine of the two titles + abstracts.
* Pairs are ranked by ``score = weight + TEXT_WEIGHT * text``: the graph evidence and the plain text
  similarity together, so ties in one are broken by the other, never by id. A pair scoring under
  :data:`MIN_LINK_SCORE`, or whose texts are less alike than :data:`MIN_LINK_TEXT`, is not linked; under
  :data:`MIN_SCORE` it is not a ``similar`` answer either.

Items a paper has are node ids (``technique:lora``, ``concept:online video stream``) or citation items
(``work:<paper id>``: the cited work; ``citedby:<paper id>``: a corpus paper citing it). Everything is
computed in sparse blocks from an inverted index (item -> papers), and an item used by too many papers links
nothing (the caller's ``cut``), so no step is quadratic in the number of papers.

>>> ev = Evidence(
...     items_of={"paper:a": ["technique:lora", "technique:transformers"], "paper:b": ["technique:lora"],
...               "paper:c": ["technique:transformers"], "paper:d": ["concept:x"]},
...     labels={"technique:lora": "LoRA", "technique:transformers": "Transformers"},
...     broad=frozenset({"technique:transformers"}),
...     texts={"paper:a": "low-rank adapters", "paper:b": "low-rank adapters for vision", "paper:c": "t",
...            "paper:d": "x"})
>>> [(a, b, link.shared) for a, b, link in related_pairs(ev, lambda item, df: df >= 2, k=5)]
[('paper:a', 'paper:b', ['LoRA'])]
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np

from graph import schema
from graph.access import nodes_of_kind
from graph.specificity import is_specific, specificity
from graph.textsim import text_matrix

if TYPE_CHECKING:  # scipy is imported by the functions that build matrices, not by readers of the graph
    from scipy import sparse

__all__ = [
    "MIN_CONCEPTS",
    "MIN_LINK_SCORE",
    "MIN_LINK_TEXT",
    "MIN_SCORE",
    "TEXT_WEIGHT",
    "Evidence",
    "ItemCut",
    "Link",
    "citation_items",
    "citation_label",
    "evidence_from_graph",
    "paper_items",
    "related_blocks",
    "related_pairs",
    "score_candidates",
    "score_known",
    "score_one",
    "score_pair",
    "text_matrix",
    "worth_showing",
]

#: How many specific concepts (and nothing more specific) make a link.
MIN_CONCEPTS = 2

#: How much the text cosine (0..1) counts next to the summed specificities.
TEXT_WEIGHT = 8.0

#: The lowest score of a RELATED_TO link or a ``similar`` answer: weaker evidence is not shown as related
#: work (measured on tests/data/judged, docs/graph.md; about one specific technique plus a tenth of text
#: similarity, or a quarter of text similarity alone).
MIN_SCORE = 1.3

#: The lowest score of a RELATED_TO link: stricter than a ``similar`` answer, because a link is shown on its
#: own (in views, communities, Cypher) without the ranked list around it.
MIN_LINK_SCORE = 1.5

#: The lowest text cosine of a RELATED_TO link: specific shared items are not enough when the two abstracts
#: do not read alike at all. A method family used as a tool in unrelated problems (LoRA in a sticker
#: generator and in a state-space model, knowledge distillation in ASR and in transfer learning) shares the
#: item but little else; papers on the same problem share its words. Measured on 40 random links of the
#: sample judged by hand (docs/links.md): 6 of the 8 unrelated links fell under 0.1, 6 of the 32 related.
MIN_LINK_TEXT = 0.1

#: ``similar`` also shows answers scoring at least this share of the best answer's score (and at least
#: :data:`MIN_ANSWER_SCORE`), so a paper whose related work is described in other words still gets some.
RELATIVE_SCORE = 0.8
MIN_ANSWER_SCORE = 1.2

#: Item id prefixes of citation evidence.
WORK, CITEDBY = "work", "citedby"

#: Kinds of item that are evidence on their own when specific (concepts need company).
_STRONG_KINDS = (schema.TECHNIQUE, WORK, CITEDBY)

Cut = Callable[[str, int], bool]


@dataclass(frozen=True)
class ItemCut:
    """Which items may link papers, by how many papers have them (too common says nothing and is costly).

    Techniques used by more than ``max_technique_df`` of the papers, other items (concepts, references,
    citing papers) by more than ``max_concept_df``, and any item of more than ``max_item_papers`` papers
    link nothing; an item of one paper links nothing either.

    >>> cut = ItemCut(); cut("technique:lora", 40, 483), cut("concept:x", 60, 483), cut("work:x", 1, 483)
    (True, False, False)
    """

    max_concept_df: float = 0.1
    max_technique_df: float = 0.5
    max_item_papers: int = 2000

    def __call__(self, item: str, df: int, n_papers: int) -> bool:
        share = self.max_technique_df if item.startswith(schema.TECHNIQUE + ":") else self.max_concept_df
        return 2 <= df <= self.max_item_papers and df <= max(2.0, share * n_papers)

    def for_corpus(self, n_papers: int) -> Cut:
        """The cut as a function of (item, df) for a corpus of ``n_papers``."""
        return lambda item, df: self(item, df, n_papers)

    def to_graph(self, G: nx.Graph) -> None:
        """Record the cut in the graph's attributes, so ``similar``/``explain`` apply the build's cut."""
        G.graph.update({f"related_{name}": getattr(self, name) for name in _CUT_FIELDS})

    @classmethod
    def of_graph(cls, G: nx.Graph) -> ItemCut:
        """The cut a graph was built with (the defaults for a graph that does not say)."""
        found = {name: G.graph[f"related_{name}"] for name in _CUT_FIELDS if f"related_{name}" in G.graph}
        return cls(**found)


_CUT_FIELDS = ("max_concept_df", "max_technique_df", "max_item_papers")


@dataclass(frozen=True)
class Evidence:
    """What relatedness reads: each paper's items, item labels, broad items, method names and paper texts."""

    items_of: Mapping[str, Sequence[str]]
    labels: Mapping[str, str]
    broad: frozenset[str] = frozenset()
    methods: frozenset[str] = frozenset()
    texts: Mapping[str, str] = field(default_factory=dict)

    def strong(self, item: str) -> bool:
        """Whether ``item`` is evidence on its own when specific (technique, method name, citation)."""
        return item in self.methods or item.partition(":")[0] in _STRONG_KINDS

    def label(self, item: str) -> str:
        return self.labels.get(item, item)

    def specific(self, item: str, value: float) -> bool:
        """Whether ``item`` (of specificity ``value``) is specific evidence: rare enough in the corpus, or a
        vocabulary technique not flagged broad (a named method family is specific in any corpus size)."""
        return is_specific(value) or (item.startswith(schema.TECHNIQUE + ":") and item not in self.broad)


@dataclass(frozen=True)
class Link:
    """The shared evidence of one pair: summed specificity, text cosine, shared labels, whether it links."""

    weight: float
    text: float
    shared: list[str]
    links: bool

    @property
    def score(self) -> float:
        """The ranking score: graph evidence plus weighted text similarity."""
        return self.weight + TEXT_WEIGHT * self.text

    @property
    def related(self) -> bool:
        """Whether the evidence is strong enough to show the pair as related work (:data:`MIN_SCORE`)."""
        return self.score >= MIN_SCORE - 1e-9


def worth_showing(found: Sequence[tuple[str, Link]]) -> list[tuple[str, Link]]:
    """The answers of :func:`score_one` worth showing as related work: those that are :attr:`Link.related`,
    and those within :data:`RELATIVE_SCORE` of the best answer (scoring at least :data:`MIN_ANSWER_SCORE`).

    >>> strong, weak = Link(1.0, 0.1, [], True), Link(0.0, 0.05, [], False)
    >>> [name for name, _ in worth_showing([("a", strong), ("b", weak)])]
    ['a']
    """
    if not found:
        return []
    best = max(link.score for _, link in found)
    floor = max(MIN_ANSWER_SCORE, RELATIVE_SCORE * best)
    return [(pid, link) for pid, link in found if link.related or link.score >= floor - 1e-9]


def paper_items(concept_keys: Iterable[str], technique_keys: Iterable[str], tied: Mapping[str, str]) -> list[str]:
    """The items (node ids) a paper links through: the techniques it uses, and its concepts not tied to one.

    A concept tied to a technique counts as that technique only when the paper uses it (``technique_keys``).

    >>> paper_items(["knowledge distillation", "one-step", "gan"], ["distillation"],
    ...             {"knowledge distillation": "distillation", "gan": "gan"})
    ['concept:one-step', 'technique:distillation']
    """
    used = set(technique_keys)
    items = {schema.node_id(schema.TECHNIQUE, t) for t in used}
    for key in concept_keys:
        if key not in tied:
            items.add(schema.node_id(schema.CONCEPT, key))
        elif tied[key] in used:
            items.add(schema.node_id(schema.TECHNIQUE, tied[key]))
    return sorted(items)


def evidence_from_graph(G: nx.MultiDiGraph) -> Evidence:
    """The :class:`Evidence` of a built graph: concepts, techniques used (role ``uses``), citation items
    from each paper's ``references`` and its CITES edges, labels (titles for cited corpus papers), texts."""
    papers = sorted(nodes_of_kind(G, schema.PAPER))
    ties = {
        schema.split_node_id(n)[1]: str(d["technique"])
        for n, d in G.nodes(data=True)
        if d.get("kind") == schema.CONCEPT and "technique" in d
    }
    items_of: dict[str, list[str]] = {}
    references: dict[str, list[str]] = {}
    for pid in papers:
        concepts, used, cited = [], [], list(G.nodes[pid].get("references", []))
        for _, target, key, data in G.out_edges(pid, keys=True, data=True):
            if key == schema.HAS_CONCEPT:
                concepts.append(schema.split_node_id(target)[1])
            elif key == schema.USES_TECHNIQUE and data.get("role", "uses") == "uses":
                used.append(schema.split_node_id(target)[1])
            elif key == schema.CITES:
                cited.append(schema.split_node_id(target)[1])
        items_of[pid] = paper_items(concepts, used, ties)
        references[schema.split_node_id(pid)[1]] = cited
    titles = {schema.split_node_id(p)[1]: str(G.nodes[p].get("title", p)) for p in papers}
    labels = {n: str(d.get("label", n)) for n, d in G.nodes(data=True) if d.get("kind") != schema.PAPER}
    for pid, found in citation_items(references, set(references)).items():
        items_of[schema.node_id(schema.PAPER, pid)] += found
        for item in found:
            labels.setdefault(item, citation_label(item, titles))
    broad = frozenset(n for n, d in G.nodes(data=True) if d.get("kind") == schema.TECHNIQUE and d.get("broad"))
    methods = frozenset(n for n, d in G.nodes(data=True) if d.get("kind") == schema.CONCEPT and d.get("method"))
    texts = {p: f"{G.nodes[p].get('title', '')}. {G.nodes[p].get('abstract', '')}" for p in papers}
    return Evidence(items_of, labels, broad, methods, texts)


def citation_label(item: str, titles: Mapping[str, str]) -> str:
    """The label of a citation item: ``cites: <title>`` or ``cited by: <title>`` (the id when untitled).

    >>> citation_label("work:arxiv:1", {"arxiv:1": "SlimFlow"}), citation_label("citedby:x", {})
    ('cites: SlimFlow', 'cited by: x')
    """
    kind, _, ref = item.partition(":")
    return f"{'cites' if kind == WORK else 'cited by'}: {titles.get(ref, ref)}"


def citation_items(references: Mapping[str, Sequence[str]], corpus: set[str]) -> dict[str, list[str]]:
    """Citation items of each paper (ids without node prefix): ``work:R`` for every reference R and for
    the paper itself, ``citedby:C`` for each corpus paper C citing it.

    >>> citation_items({"a": ["x", "b"], "b": []}, {"a", "b"})
    {'a': ['work:a', 'work:b', 'work:x'], 'b': ['citedby:a', 'work:b']}
    """
    items: dict[str, set[str]] = {pid: {f"{WORK}:{pid}"} for pid in references}
    for pid, refs in references.items():
        for ref in refs:
            if ref == pid:
                continue
            items[pid].add(f"{WORK}:{ref}")
            if ref in corpus:
                items.setdefault(ref, {f"{WORK}:{ref}"}).add(f"{CITEDBY}:{pid}")
    return {pid: sorted(found) for pid, found in sorted(items.items())}


def item_specificities(evidence: Evidence, cut: Cut) -> dict[str, float]:
    """Specificity of every item that may link papers (``cut(item, df)``), from its document frequency."""
    n = len(evidence.items_of)
    df = Counter(item for items in evidence.items_of.values() for item in set(items))
    return {item: specificity(d, n, broad=item in evidence.broad) for item, d in sorted(df.items()) if cut(item, d)}


def _matrices(
    papers: Sequence[str], evidence: Evidence, spec: Mapping[str, float]
) -> tuple[sparse.csr_matrix, sparse.csr_matrix, sparse.csr_matrix]:
    """Papers x items: sqrt(specificity) (a row product is the summed specificity), strong-specific
    indicators and concept-specific indicators (row products count them). Built from numpy arrays, so a
    million papers' items cost bytes per entry, not Python objects."""
    from scipy import sparse

    column = {item: j for j, item in enumerate(spec)}
    rows, cols = array("q"), array("q")
    for i, pid in enumerate(papers):
        found = sorted(column[item] for item in set(evidence.items_of[pid]) if item in column)
        rows.extend([i] * len(found))
        cols.extend(found)
    row, col = np.frombuffer(rows, dtype=np.int64), np.frombuffer(cols, dtype=np.int64)
    values = np.fromiter(spec.values(), dtype=np.float64, count=len(spec))
    specific = np.array([evidence.specific(item, v) for item, v in spec.items()], dtype=bool)
    strong = np.array([evidence.strong(item) for item in spec], dtype=bool)
    shape = (len(papers), len(spec))

    def matrix(data: np.ndarray) -> sparse.csr_matrix:
        return sparse.csr_matrix((data[col], (row, col)), shape=shape)

    return matrix(np.sqrt(values)), matrix((specific & strong) * 1.0), matrix((specific & ~strong) * 1.0)


def _shared(evidence: Evidence, spec: Mapping[str, float], a: str, b: str, n_shared: int) -> list[str]:
    common = (set(evidence.items_of[a]) & set(evidence.items_of[b])) & spec.keys()
    ordered = sorted(common, key=lambda item: (-spec[item], evidence.label(item)))
    return [evidence.label(item) for item in ordered[:n_shared]]


def _link(weight: float, text: float, strong: float, concepts: float, shared: list[str]) -> Link:
    links = (strong >= 1 or concepts >= MIN_CONCEPTS) and text >= MIN_LINK_TEXT - 1e-9
    return Link(round(float(weight), 4), round(float(text), 4), shared, bool(links))


def related_pairs(
    evidence: Evidence, cut: Cut, k: int, min_weight: float = 0.0, n_shared: int = 5, block: int = 512
) -> list[tuple[str, str, Link]]:
    """RELATED_TO pairs ``(a, b, link)`` with ``a < b``, sorted: each paper's ``k`` best-scored linking pairs
    (a pair is kept when it is in the top-k of either end); ``min_weight`` drops weaker ones.
    """
    found = [pair for pairs in related_blocks(evidence, cut, k, min_weight, n_shared, block) for pair in pairs]
    return sorted(found, key=lambda pair: (pair[0], pair[1]))


def related_blocks(
    evidence: Evidence,
    cut: Cut,
    k: int,
    min_weight: float = 0.0,
    n_shared: int = 5,
    block: int = 512,
    texts: Sequence[str] | None = None,
) -> Iterator[list[tuple[str, str, Link]]]:
    """The pairs of :func:`related_pairs`, one block of ``block`` papers (rows) at a time, each pair once
    (from the first of its two papers to choose it), for writers that stream them; ``texts`` (the papers'
    texts in sorted-id order, e.g. read lazily from disk) replaces ``evidence.texts``.
    """
    papers = sorted(evidence.items_of)
    spec = item_specificities(evidence, cut)
    if k == 0 or not spec:
        return
    W, S, C = _matrices(papers, evidence, spec)
    WT, ST, CT = W.T.tocsr(), S.T.tocsr(), C.T.tocsr()
    T = text_matrix(texts if texts is not None else [evidence.texts.get(p, "") for p in papers])
    chosen = np.full((len(papers), k), -1, dtype=np.int64)  # each row's partners, to emit a pair once
    for start in range(0, len(papers), block):
        stop = min(start + block, len(papers))
        weights, strong, concepts = ((M[start:stop] @ MT).tocsr() for M, MT in ((W, WT), (S, ST), (C, CT)))
        found: list[tuple[str, str, Link]] = []
        for r in range(stop - start):
            i = start + r
            lo, hi = weights.indptr[r], weights.indptr[r + 1]
            idx, w = weights.indices[lo:hi], weights.data[lo:hi]
            keep = (idx != i) & (w >= min_weight - 1e-9)
            idx, w = idx[keep], w[keep]
            if len(idx) == 0:
                continue
            s = strong[r].toarray().ravel()[idx]
            c = concepts[r].toarray().ravel()[idx]
            ok = (s >= 1) | (c >= MIN_CONCEPTS)
            idx, w = idx[ok], w[ok]
            if len(idx) == 0:
                continue
            text = (T[idx] @ T[i].T).toarray().ravel()
            score = w + TEXT_WEIGHT * text
            eligible = (score >= MIN_LINK_SCORE - 1e-9) & (text >= MIN_LINK_TEXT - 1e-9)
            best = np.lexsort((idx, -text, -score))
            best = best[eligible[best]][:k]
            chosen[i, : len(best)] = idx[best]
            for j, wj, tj in zip(idx[best], w[best], text[best], strict=True):
                if j < i and i in chosen[j]:
                    continue
                a, b = papers[min(i, int(j))], papers[max(i, int(j))]
                found.append((a, b, _link(wj, tj, 1, 0, _shared(evidence, spec, a, b, n_shared))))
        yield found


#: How many nearest papers by text alone ``score_one`` adds to those sharing an item.
TEXT_CANDIDATES = 50


def _scored(evidence: Evidence, spec: Mapping[str, float], a: str, b: str, text: float, n_shared: int) -> Link:
    """The :class:`Link` of papers ``a`` and ``b`` (text cosine given), by the rule of the module docstring."""
    common = set(evidence.items_of[a]) & set(evidence.items_of[b]) & spec.keys()
    weight = math.fsum(spec[item] for item in common)
    strong = sum(1 for item in common if evidence.strong(item) and evidence.specific(item, spec[item]))
    concepts = sum(1 for item in common if not evidence.strong(item) and evidence.specific(item, spec[item]))
    return _link(weight, text, strong, concepts, _shared(evidence, spec, a, b, n_shared))


def _cosines(evidence: Evidence, papers: Sequence[str], paper: str) -> np.ndarray:
    """TF-IDF cosine of ``paper`` with each of ``papers`` (the vocabulary fitted on all of them)."""
    T = text_matrix([evidence.texts.get(p, "") for p in papers])
    return (T @ T[papers.index(paper)].T).toarray().ravel()


def score_pair(evidence: Evidence, cut: Cut, a: str, b: str, n_shared: int = 10) -> Link:
    """The shared evidence of papers ``a`` and ``b``, by the same rule as :func:`related_pairs`."""
    papers = sorted(evidence.items_of)
    cosine = _cosines(evidence, papers, a)[papers.index(b)]
    return score_known(evidence, item_specificities(evidence, cut), a, b, float(cosine), n_shared)


def score_known(
    evidence: Evidence, spec: Mapping[str, float], a: str, b: str, text: float, n_shared: int = 10
) -> Link:
    """:func:`score_pair` given its inputs: the specificities of the items that may link (``spec``, from
    :func:`item_specificities`) and the text cosine; ``evidence`` needs the items of ``a`` and ``b`` only
    (the reader index, :mod:`graph.readindex`, passes just those)."""
    return _scored(evidence, spec, a, b, text, n_shared)


def score_one(evidence: Evidence, cut: Cut, paper: str, n_shared: int = 5) -> list[tuple[str, Link]]:
    """Every paper sharing evidence with ``paper`` (an item, or being among its :data:`TEXT_CANDIDATES`
    nearest by text), scored by the same rule as :func:`related_pairs`, best first (ties by text, then id).
    :func:`worth_showing` keeps the answers worth showing."""
    papers = sorted(evidence.items_of)
    spec = item_specificities(evidence, cut)
    mine = {item for item in evidence.items_of[paper] if item in spec}
    sharing = [j for j, other in enumerate(papers) if not mine.isdisjoint(evidence.items_of[other])]
    return score_candidates(evidence, spec, paper, papers, _cosines(evidence, papers, paper), sharing, n_shared)


def score_candidates(
    evidence: Evidence,
    spec: Mapping[str, float],
    paper: str,
    papers: Sequence[str],
    cosine: np.ndarray,
    sharing: Iterable[int],
    n_shared: int = 5,
) -> list[tuple[str, Link]]:
    """:func:`score_one` given its inputs: ``papers`` (every paper id, sorted), ``cosine`` (the text cosine
    of ``paper`` with each of them), ``sharing`` (positions in ``papers`` of the papers sharing an item of
    ``spec`` with it); ``evidence`` needs the items of ``paper`` and of the candidates only (the reader
    index, :mod:`graph.readindex`, loads just those)."""
    near = np.argsort(-cosine, kind="stable")[: TEXT_CANDIDATES + 1]
    found = []
    for j in sorted({*near.tolist(), *sharing}):
        other = papers[j]
        if other != paper:
            found.append((other, _scored(evidence, spec, paper, other, float(cosine[j]), n_shared)))
    return sorted(found, key=lambda f: (-f[1].score, -f[1].text, f[0]))
