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
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from scipy import sparse

__all__ = ["english_stop_words", "text_matrix"]

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


def text_matrix(texts: Sequence[str]) -> sparse.csr_matrix:
    """Row-normalised TF-IDF of ``texts`` (one row each; a text without words is a row of zeros)."""
    from scipy import sparse

    stop = english_stop_words()
    vocabulary: dict[str, int] = {}
    rows, cols, counts = array("q"), array("q"), array("d")
    for i, text in enumerate(texts):
        tally = Counter(w for w in WORDS.findall(text.lower()) if w not in stop)
        for word, n in tally.items():
            rows.append(i)
            cols.append(vocabulary.setdefault(word, len(vocabulary)))
            counts.append(1.0 + math.log(n))
    shape = (len(texts), max(1, len(vocabulary)))
    col = np.frombuffer(cols, dtype=np.int64)
    df = np.bincount(col, minlength=shape[1]).astype(np.float64)
    idf = np.log((1.0 + len(texts)) / (1.0 + df)) + 1.0
    values = np.frombuffer(counts, dtype=np.float64) * idf[col]
    T = sparse.csr_matrix((values, (np.frombuffer(rows, dtype=np.int64), col)), shape=shape)
    norms = np.sqrt(np.asarray(T.multiply(T).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ T)
