"""Text similarity of titles + abstracts: row-normalised TF-IDF, the plain-text evidence of relatedness.

The numbers are scikit-learn's ``TfidfVectorizer(stop_words="english", sublinear_tf=True, token_pattern=...)``
exactly (lower-cased tokens, its English stop words removed, ``1 + ln(tf)``, smoothed ``ln((1 + n) / (1 + df)) + 1``,
L2-normalised rows; ``tests/test_textsim.py`` compares them), computed here with numpy and scipy because importing
``sklearn.feature_extraction.text`` takes about 2 s: most of a cached rebuild's graph stage and of every
``paperkg similar`` / ``explain``.

>>> T = text_matrix(["rectified flow distillation", "one-step rectified flow", "quantum circuits"])
>>> [round(float(x), 2) for x in (T @ T.T).toarray()[0]]
[1.0, 0.54, 0.0]
"""

from __future__ import annotations

import ast
import importlib.util
import math
import re
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from scipy import sparse

__all__ = ["TextCounts", "english_stop_words", "text_counts", "text_matrix"]

#: Tokens: a letter, then letters, digits or hyphens (two characters at least), on lower-cased text.
WORDS = re.compile(r"(?u)\b[a-zA-Z][a-zA-Z0-9-]+\b")


@lru_cache(maxsize=1)
def english_stop_words() -> frozenset[str]:
    """scikit-learn's English stop words, read from its source file without importing the package (the import is
    the slow part); through the import when the file is not where it was.

    >>> {"the", "and", "of"} <= english_stop_words(), "flow" in english_stop_words()
    (True, False)
    """
    spec = importlib.util.find_spec("sklearn")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        words = _literal_stop_words(Path(folder) / "feature_extraction" / "_stop_words.py")
        if words:
            return words
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


def _literal_stop_words(path: Path) -> frozenset[str] | None:
    """The string list in ``ENGLISH_STOP_WORDS = frozenset([...])`` of ``path``, or None."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return None
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "ENGLISH_STOP_WORDS" for t in node.targets)
            and isinstance(node.value, ast.Call)
            and node.value.args
        ):
            try:
                words = ast.literal_eval(node.value.args[0])
            except ValueError:
                return None
            return frozenset(words) if all(isinstance(w, str) for w in words) else None
    return None


def _term_counts(text: str, stop: frozenset[str]) -> Counter[str]:
    """How often each token of ``text`` that is not a stop word occurs (the tokens of :data:`WORDS`, lower-cased).

    >>> dict(_term_counts("Flow matching and flow distillation", frozenset({"and"})))
    {'flow': 2, 'matching': 1, 'distillation': 1}
    """
    return Counter(w for w in WORDS.findall(text.lower()) if w not in stop)


def _tf(n: int) -> float:
    """Sublinear term frequency of a term ``n`` times in a text: ``1 + ln(n)``."""
    return 1.0 + math.log(n)


def _idf(n_texts: int, df: np.ndarray) -> np.ndarray:
    """Smoothed inverse document frequency of terms in ``df`` of ``n_texts`` texts: ``ln((1 + n) / (1 + df)) + 1``."""
    return np.log((1.0 + n_texts) / (1.0 + df)) + 1.0


def text_matrix(texts: Sequence[str]) -> sparse.csr_matrix:
    """Row-normalised TF-IDF of ``texts`` (one row each; a text without words is a row of zeros)."""
    from scipy import sparse

    stop = english_stop_words()
    vocabulary: dict[str, int] = {}
    rows, cols, counts = array("q"), array("q"), array("d")
    for i, text in enumerate(texts):
        for word, n in _term_counts(text, stop).items():
            rows.append(i)
            cols.append(vocabulary.setdefault(word, len(vocabulary)))
            counts.append(_tf(n))
    shape = (len(texts), max(1, len(vocabulary)))
    col = np.frombuffer(cols, dtype=np.int64)
    df = np.bincount(col, minlength=shape[1]).astype(np.float64)
    idf = _idf(len(texts), df)
    values = np.frombuffer(counts, dtype=np.float64) * idf[col]
    T = sparse.csr_matrix((values, (np.frombuffer(rows, dtype=np.int64), col)), shape=shape)
    norms = np.sqrt(np.asarray(T.multiply(T).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ T)


class TextCounts:
    """The TF-IDF of :func:`text_matrix` held compactly, for corpora whose matrix is too big to hold: each text's
    term ids and counts (6 bytes an entry instead of 12), the idf and the row norms; :meth:`rows` rebuilds any
    rows bit for bit as :func:`text_matrix` computes them. Made by :func:`text_counts` in one pass over the texts.

    >>> texts = ["rectified flow distillation", "one-step rectified flow", "quantum circuits"]
    >>> C, T = text_counts(texts), text_matrix(texts)
    >>> bool((C.rows(np.array([2, 0])) != T[[2, 0]]).nnz == 0), C.cosines(np.array([0]), np.array([1])).round(2)
    (True, array([0.54]))
    """

    def __init__(
        self, indptr: np.ndarray, terms: np.ndarray, counts: np.ndarray, n_terms: int, keep_values: bool = False
    ) -> None:
        self.indptr, self.terms, self.counts = indptr, terms, counts
        n = len(indptr) - 1
        df = np.bincount(terms, minlength=n_terms).astype(np.float64)
        self.idf = _idf(n, df)
        self.logs = np.array([0.0] + [_tf(c) for c in range(1, int(counts.max(initial=0)) + 1)])
        self.inverse_norms = np.empty(n)
        for start in range(0, n, _TEXT_BLOCK):
            self._normalise(start, min(n, start + _TEXT_BLOCK))
        #: With ``keep_values``, every entry's TF-IDF value (8 bytes an entry more), computed as :meth:`rows`
        #: computes it, so a row is a gather: where memory allows (the in-memory build), rows come 2x faster.
        every = np.arange(n)
        self.values = self._values(every, slice(None), np.diff(indptr)) if keep_values else None

    def _values(self, idx: np.ndarray, take: np.ndarray | slice, lengths: np.ndarray) -> np.ndarray:
        """The normalised TF-IDF values of the entries ``take`` of rows ``idx`` (``lengths`` entries each)."""
        values = self.logs[self.counts[take]] * self.idf[self.terms[take]]
        return np.repeat(self.inverse_norms[idx], lengths) * values

    def _raw(self, idx: np.ndarray, counts: bool = False) -> sparse.csr_matrix:
        """Rows ``idx`` before normalisation as :func:`text_matrix` builds them (each text's words in order), or
        with the same structure, their counts (``counts``)."""
        from scipy import sparse

        take, lengths = _gather(self.indptr, idx)
        terms, found = self.terms[take], self.counts[take]
        values = found.astype(np.float64) if counts else self.logs[found] * self.idf[terms]
        row = np.repeat(np.arange(len(idx)), lengths)
        return sparse.csr_matrix((values, (row, terms)), shape=(len(idx), max(1, len(self.idf))))

    def _normalise(self, start: int, stop: int) -> None:
        """Norms of texts ``start:stop``, and their entries put in the order of :func:`text_matrix`'s rows."""
        from scipy import sparse

        block = np.arange(start, stop)
        T = self._raw(block)
        norms = np.sqrt(np.asarray(T.multiply(T).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        self.inverse_norms[start:stop] = 1.0 / norms
        ordered = sparse.csr_matrix(sparse.diags(np.ones(stop - start)) @ self._raw(block, counts=True))
        lo, hi = self.indptr[start], self.indptr[stop]
        self.terms[lo:hi] = ordered.indices
        self.counts[lo:hi] = ordered.data

    def rows(self, idx: np.ndarray) -> sparse.csr_matrix:
        """Rows ``idx`` of the TF-IDF matrix, equal bit for bit to ``text_matrix(texts)[idx]``."""
        from scipy import sparse

        take, lengths = _gather(self.indptr, idx)
        terms = self.terms[take]
        values = self.values[take] if self.values is not None else self._values(idx, take, lengths)
        indptr = np.concatenate([[0], np.cumsum(lengths)])
        return sparse.csr_matrix((values, terms, indptr), shape=(len(idx), max(1, len(self.idf))))

    def cosines(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """The cosine of texts ``left[p]`` and ``right[p]`` for each p, the same float as ``T[right] @ T[left].T``
        (a sum over ``right``'s terms in order): a few ``left`` rows are spread into a dense scratch vector
        (one slot per term) and each pair's ``right`` row is one sparse row times it. Pairs go in groups of
        about :data:`_PAIR_ENTRIES` entries, so the scratch matrices stay small whatever the number of pairs."""
        from scipy import sparse

        width = max(1, len(self.idf))
        found = np.zeros(len(left))
        order = np.argsort(left, kind="stable")
        ordered = left[order]
        scratch = np.zeros(max(1, min(64, _SCRATCH // width)) * width)
        for lo, hi in self._groups(ordered, right[order], len(scratch) // width):
            pick, chunk = order[lo:hi], np.unique(ordered[lo:hi])
            mine = self.rows(chunk)
            slots = np.repeat(np.arange(len(chunk)) * width, np.diff(mine.indptr)) + mine.indices
            scratch[slots] = mine.data
            partners, position = np.unique(right[pick], return_inverse=True)
            theirs = self.rows(partners)  # each partner's row once; pairs take copies of its entries
            take, lengths = _gather(theirs.indptr, position)
            shift = np.repeat(np.searchsorted(chunk, left[pick]) * width, lengths)
            indptr = np.concatenate([[0], np.cumsum(lengths)])
            spread = sparse.csr_matrix((theirs.data[take], theirs.indices[take] + shift, indptr),
                                       shape=(len(pick), len(scratch)))  # fmt: skip
            found[pick] = spread @ scratch
            scratch[slots] = 0.0
        return found

    def _groups(self, left: np.ndarray, right: np.ndarray, most: int) -> Iterator[tuple[int, int]]:
        """Ranges of pairs (``left`` sorted) of at most ``most`` distinct left texts and about
        :data:`_PAIR_ENTRIES` entries of right texts, never splitting one left text's pairs."""
        starts = np.flatnonzero(np.r_[True, left[1:] != left[:-1]])  # each left text's first pair
        entries = np.r_[0, np.cumsum(self.indptr[right + 1] - self.indptr[right])]
        lo = 0
        while lo < len(starts):
            hi = min(lo + most, int(np.searchsorted(entries[starts], entries[starts[lo]] + _PAIR_ENTRIES, "right")))
            hi = max(hi, lo + 1)
            yield int(starts[lo]), int(starts[hi]) if hi < len(starts) else len(left)
            lo = hi


#: Entries of the texts paired in one step of :meth:`TextCounts.cosines` (about 40 bytes each while it runs).
_PAIR_ENTRIES = 1 << 20

#: Scratch slots (8 bytes each) for :meth:`TextCounts.cosines`: 64 texts at a time, fewer for a vocabulary over
#: 131,072 words.
_SCRATCH = 1 << 23

#: Texts normalised per step of :class:`TextCounts` (bounds the scratch matrices).
_TEXT_BLOCK = 4096


def _gather(indptr: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the entries of rows ``idx`` of a CSR ``indptr`` (row after row), and each row's length."""
    starts, lengths = indptr[idx], indptr[idx + 1] - indptr[idx]
    offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
    return offsets + np.arange(int(lengths.sum())), lengths


def text_counts(texts: Iterable[str], keep_values: bool = False) -> TextCounts:
    """:class:`TextCounts` of ``texts`` (read once, in order; the vocabulary is dropped after the pass);
    ``keep_values``: see :attr:`TextCounts.values`."""
    stop = english_stop_words()
    vocabulary: dict[str, int] = {}
    indptr, terms, counts = array("q", [0]), array("i"), array("H")
    for text in texts:
        for word, n in _term_counts(text, stop).items():
            terms.append(vocabulary.setdefault(word, len(vocabulary)))
            if n > 0xFFFF and counts.typecode == "H":
                counts = array("I", counts)
            counts.append(n)
        indptr.append(len(terms))
    n_terms = len(vocabulary)
    del vocabulary
    kind = np.uint16 if counts.typecode == "H" else np.uint32
    return TextCounts(np.frombuffer(indptr, dtype=np.int64), np.frombuffer(terms, dtype=np.int32),
                      np.frombuffer(counts, dtype=kind), n_terms, keep_values)
