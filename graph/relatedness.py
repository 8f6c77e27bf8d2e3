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
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np

from graph import schema
from graph.access import nodes_of_kind
from graph.specificity import is_specific, specificity
from graph.textsim import text_counts, text_matrix

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
    "ItemIndex",
    "ItemTable",
    "Link",
    "citation_items",
    "citation_label",
    "citation_rows",
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
    for pid, found in citation_items(references).items():
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


def citation_items(references: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """Citation items of each paper (ids without node prefix), by the rule of :func:`citation_rows`.

    >>> citation_items({"a": ["x", "b"], "b": []})
    {'a': ['work:a', 'work:b', 'work:x'], 'b': ['citedby:a', 'work:b']}
    """
    papers = sorted(references)
    return dict(zip(papers, citation_rows(references, papers), strict=True))


def citation_rows(references: Mapping[str, Sequence[str]], papers: Sequence[str]) -> Iterator[list[str]]:
    """The citation items of each of ``papers`` (the ids of ``references``, sorted), one list at a time:
    ``work:R`` for every reference R and for the paper itself, ``citedby:C`` for each paper C citing it.
    Who cites whom is held as integer arrays, so the lists can be used as they come.

    >>> list(citation_rows({"a": ["x", "b"], "b": []}, ["a", "b"]))
    [['work:a', 'work:b', 'work:x'], ['citedby:a', 'work:b']]
    """
    number = {pid: i for i, pid in enumerate(papers)}
    cited, citing = array("q"), array("q")
    for i, pid in enumerate(papers):
        for ref in references[pid]:
            j = number.get(ref, i)
            if j != i:
                cited.append(j)
                citing.append(i)
    del number
    order = np.argsort(np.frombuffer(cited, dtype=np.int64), kind="stable")
    by = np.frombuffer(citing, dtype=np.int64)[order]
    bounds = np.searchsorted(np.frombuffer(cited, dtype=np.int64)[order], np.arange(len(papers) + 1))
    for i, pid in enumerate(papers):
        found = {f"{WORK}:{pid}"}
        found.update(f"{WORK}:{ref}" for ref in references[pid] if ref != pid)
        found.update(f"{CITEDBY}:{papers[c]}" for c in by[bounds[i] : bounds[i + 1]].tolist())
        yield sorted(found)


class ItemTable(Mapping[str, list[str]]):
    """Each paper's items as integers, the form relatedness computes on (4 bytes an entry, not a list of
    strings): paper ``papers[i]`` (ids sorted) has the items ``names[x]`` for ``x`` in
    ``items[indptr[i]:indptr[i + 1]]``. It reads as the mapping ``paper id -> item ids`` of
    :attr:`Evidence.items_of`; :class:`ItemIndex` builds one paper at a time.

    >>> table = ItemTable.of({"paper:b": ["concept:x"], "paper:a": ["technique:lora", "concept:x"]})
    >>> table["paper:a"], list(table), table.df().tolist()
    (['technique:lora', 'concept:x'], ['paper:a', 'paper:b'], [1, 2])
    """

    def __init__(self, papers: Sequence[str], names: Sequence[str], indptr: np.ndarray, items: np.ndarray) -> None:
        self.papers, self.names, self.indptr, self.items = papers, names, indptr, items

    @classmethod
    def of(cls, items_of: Mapping[str, Iterable[str]]) -> ItemTable:
        """The table of a mapping ``paper id -> item ids`` (itself when it is one)."""
        if isinstance(items_of, ItemTable):
            return items_of
        index = ItemIndex()
        papers = sorted(items_of)
        for paper in papers:
            index.add(items_of[paper])
        return index.table(papers)

    def row(self, i: int) -> np.ndarray:
        """The item numbers of paper ``papers[i]``."""
        return self.items[self.indptr[i] : self.indptr[i + 1]]

    def df(self) -> np.ndarray:
        """How many papers have each item (by item number)."""
        return np.bincount(self.items, minlength=len(self.names))

    def __getitem__(self, paper: str) -> list[str]:
        i = bisect_left(self.papers, paper)
        if i == len(self.papers) or self.papers[i] != paper:
            raise KeyError(paper)
        return [self.names[x] for x in self.row(i)]

    def __iter__(self) -> Iterator[str]:
        return iter(self.papers)

    def __len__(self) -> int:
        return len(self.papers)


class ItemIndex:
    """Builds an :class:`ItemTable` paper after paper (in sorted id order), numbering items as they come.

    >>> index = ItemIndex(); index.add(["work:x", "concept:y", "work:x"]); index.add(["work:x"])
    >>> index.table(["paper:a", "paper:b"])["paper:a"], index.number("work:x")
    (['work:x', 'concept:y'], 0)
    """

    def __init__(self, numbered: ItemIndex | None = None) -> None:
        """An empty index; with ``numbered``, one that goes on with its item numbers (not its papers)."""
        self.numbers: dict[str, int] = numbered.numbers if numbered else {}
        self.names: list[str] = numbered.names if numbered else []
        self.indptr, self.items = array("q", [0]), array("i")

    def number(self, item: str) -> int:
        """The number of ``item`` (a new one for an item not seen before)."""
        found = self.numbers.get(item)
        if found is None:
            found = self.numbers[item] = len(self.names)
            self.names.append(item)
        return found

    def add(self, items: Iterable[str], numbers: Iterable[int] = ()) -> None:
        """The next paper's items: ids, and numbers of items already numbered (each kept once)."""
        self.items.extend(dict.fromkeys([*numbers, *map(self.number, items)]))
        self.indptr.append(len(self.items))

    def table(self, papers: Sequence[str]) -> ItemTable:
        """The table of the papers added so far (``papers``: their ids, in the order added)."""
        if len(papers) != len(self.indptr) - 1:
            raise ValueError(f"{len(papers)} paper ids for {len(self.indptr) - 1} papers added")
        indptr, items = np.frombuffer(self.indptr, dtype=np.int64), np.frombuffer(self.items, dtype=np.int32)
        return ItemTable(papers, self.names, indptr, items)


@dataclass(frozen=True)
class _Columns:
    """The items that may link papers, as matrix columns in id order (the order sums are taken in)."""

    names: list[str]
    spec: np.ndarray
    column: np.ndarray  # table item number -> column, -1 for an item that cannot link


def _columns(table: ItemTable, evidence: Evidence, cut: Cut) -> _Columns:
    """Items passing ``cut(item, df)`` (an item of one paper links nothing) and their specificities."""
    n, df = len(table), table.df()
    linking = [int(x) for x in np.flatnonzero(df >= 2) if cut(table.names[x], int(df[x]))]
    linking.sort(key=table.names.__getitem__)
    names = [table.names[x] for x in linking]
    spec = np.array([specificity(int(df[x]), n, broad=table.names[x] in evidence.broad) for x in linking], dtype=float)
    column = np.full(len(table.names), -1, dtype=np.int64)
    column[linking] = np.arange(len(linking))
    return _Columns(names, spec, column)


def item_specificities(evidence: Evidence, cut: Cut) -> dict[str, float]:
    """Specificity of every item that may link papers (``cut(item, df)``), from its document frequency."""
    found = _columns(ItemTable.of(evidence.items_of), evidence, cut)
    return dict(zip(found.names, found.spec.tolist(), strict=True))


#: The packed count of a pair's shared specific items: strong ones in the low 32 bits, concepts above.
_STRONG_BITS = 32


def _matrices(
    table: ItemTable, evidence: Evidence, columns: _Columns
) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """Papers x items: sqrt(specificity) (a row product is the summed specificity) and packed indicators of
    specific items (a row product with indicators counts shared strong items and, from bit 32, concepts). Numpy
    arrays throughout: a million papers' items cost bytes per entry, not Python objects."""
    from scipy import sparse

    n = len(table)
    col = columns.column[table.items]
    row = np.repeat(np.arange(n), np.diff(table.indptr))[col >= 0]
    col = col[col >= 0]
    order = np.lexsort((col, row))
    row, col = row[order], col[order]
    specific = np.array([evidence.specific(name, v) for name, v in zip(columns.names, columns.spec, strict=True)],
                        dtype=bool)  # fmt: skip
    strong = np.array([evidence.strong(name) for name in columns.names], dtype=bool)
    packed = np.where(specific & strong, 1, 0) + np.where(specific & ~strong, 1 << _STRONG_BITS, 0)

    def matrix(data: np.ndarray, keep: np.ndarray) -> sparse.csr_matrix:
        indptr = np.concatenate([[0], np.cumsum(np.bincount(row[keep], minlength=n))])
        return sparse.csr_matrix((data[col[keep]], col[keep], indptr), shape=(n, len(columns.names)))

    return matrix(np.sqrt(columns.spec), np.ones(len(col), dtype=bool)), matrix(packed, packed[col] != 0)


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
    texts: Iterable[str] | None = None,
) -> Iterator[list[tuple[str, str, Link]]]:
    """The pairs of :func:`related_pairs`, one block of papers (rows) at a time, each pair once
    (from the first of its two papers to choose it), for writers that stream them; ``texts`` (the papers'
    texts in sorted-id order, read once, e.g. lazily from disk) replaces ``evidence.texts``. A block has at
    most ``block`` papers, fewer when they share items with many papers (:data:`_BLOCK_SHARES`). Each block is
    computed with whole-block array operations: sparse products for the shared evidence, then the text
    cosines of the pairs it leaves (:meth:`graph.textsim.TextCounts.cosines`, the TF-IDF held compactly).
    """
    table = ItemTable.of(evidence.items_of)
    papers = table.papers
    columns = _columns(table, evidence, cut)
    if k == 0 or not columns.names:
        return
    W, M = _matrices(table, evidence, columns)
    WT, MT = W.T.tocsr(), M.T.tocsr()
    MT.data[:] = 1  # M's packed values times the indicators: counts, not products of packed values
    # the in-memory build keeps TF-IDF values (faster rows); a stream of texts (the bulk files) the compact form
    if texts is None:
        T = text_counts((evidence.texts.get(p, "") for p in papers), keep_values=True)
    else:
        T = text_counts(texts)
    n = len(papers)
    chosen = np.full((n, k), -1, dtype=np.int64)  # each row's partners, to emit a pair once
    for start, stop in _row_blocks(W, WT, block):
        i, j, w = _candidates(W[start:stop] @ WT, M[start:stop] @ MT, start, min_weight)
        text = T.cosines(i, j)
        score = w + TEXT_WEIGHT * text
        eligible = (score >= MIN_LINK_SCORE - 1e-9) & (text >= MIN_LINK_TEXT - 1e-9)
        i, j, w, text, score = i[eligible], j[eligible], w[eligible], text[eligible], score[eligible]
        order = np.lexsort((j, -text, -score, i))  # each row's best first, as in the module docstring
        i, j, w, text = i[order], j[order], w[order], text[order]
        rank = np.arange(len(i)) - np.searchsorted(i, i)
        best = rank < k
        i, j, w, text, rank = i[best], j[best], w[best], text[best], rank[best]
        chosen[i, rank] = j
        again = (j < i) & (chosen[j] == i[:, None]).any(axis=1)  # chosen by j first: emitted from j's row
        found: list[tuple[str, str, Link]] = []
        for a, b, wj, tj in zip(i[~again].tolist(), j[~again].tolist(), w[~again], text[~again], strict=True):
            shared = _shared_columns(W, evidence, columns, a, b, n_shared)
            found.append((papers[min(a, b)], papers[max(a, b)], _link(wj, tj, 1, 0, shared)))
        yield found


#: Papers sharing an item with the rows of one block, counted once per shared item: bounds the block's products
#: and pair arrays (about 80 bytes each) whatever the corpus size.
_BLOCK_SHARES = 1 << 20


def _row_blocks(W: sparse.csr_matrix, WT: sparse.csr_matrix, most: int) -> Iterator[tuple[int, int]]:
    """Ranges of rows of at most ``most`` papers and about :data:`_BLOCK_SHARES` shares (one row at least)."""
    shares = np.diff(WT.indptr)[W.indices]  # per entry: how many papers have that item
    before = np.concatenate([[0], np.cumsum(shares)])[W.indptr]  # shares of the rows before each row
    start, n = 0, W.shape[0]
    while start < n:
        stop = int(np.searchsorted(before, before[start] + _BLOCK_SHARES, side="right")) - 1
        stop = min(max(stop, start + 1), start + most, n)
        yield start, stop
        start = stop


def _candidates(
    weights: sparse.csr_matrix, counts: sparse.csr_matrix, start: int, min_weight: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs ``(i, j, weight)`` of a block of rows (from paper ``start``) whose shared evidence may link:
    another paper, weight at least ``min_weight``, a specific strong item or :data:`MIN_CONCEPTS` concepts."""
    i = start + np.repeat(np.arange(weights.shape[0]), np.diff(weights.indptr))
    j, w = weights.indices.astype(np.int64), weights.data
    n = weights.shape[1]
    counts.sort_indices()
    keys = (start + np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))) * n + counts.indices
    packed = counts.data
    wanted = i * n + j
    at = np.minimum(np.searchsorted(keys, wanted), max(0, len(keys) - 1))
    value = np.where(keys[at] == wanted, packed[at], 0) if len(keys) else np.zeros(len(wanted), dtype=np.int64)
    strong, concepts = value & ((1 << _STRONG_BITS) - 1), value >> _STRONG_BITS
    keep = (j != i) & (w >= min_weight - 1e-9) & ((strong >= 1) | (concepts >= MIN_CONCEPTS))
    return i[keep], j[keep], w[keep]


def _shared_columns(W: sparse.csr_matrix, evidence: Evidence, columns: _Columns, a: int, b: int, n: int) -> list[str]:
    """Labels of the items papers ``a`` and ``b`` (rows of ``W``) share, most specific first (as :func:`_shared`)."""
    common = set(W.indices[W.indptr[a] : W.indptr[a + 1]].tolist())
    common &= set(W.indices[W.indptr[b] : W.indptr[b + 1]].tolist())
    labels = [(-columns.spec[c], evidence.label(columns.names[c])) for c in common]
    return [label for _, label in sorted(labels)[:n]]


#: How many nearest papers by text alone ``score_one`` adds to those sharing an item.
TEXT_CANDIDATES = 50


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
    (the reader index, :mod:`graph.readindex`, passes just those). The rule is the module docstring's."""
    common = set(evidence.items_of[a]) & set(evidence.items_of[b]) & spec.keys()
    weight = math.fsum(spec[item] for item in common)
    strong = sum(1 for item in common if evidence.strong(item) and evidence.specific(item, spec[item]))
    concepts = sum(1 for item in common if not evidence.strong(item) and evidence.specific(item, spec[item]))
    return _link(weight, text, strong, concepts, _shared(evidence, spec, a, b, n_shared))


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
            found.append((other, score_known(evidence, spec, paper, other, float(cosine[j]), n_shared)))
    return sorted(found, key=lambda f: (-f[1].score, -f[1].text, f[0]))
