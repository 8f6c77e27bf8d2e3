"""Keyphrase scoring as in the keyphrase-extraction literature (Inspec protocol of ``shared/bench``).

Both predictions and gold are lower-cased, split into alphanumeric tokens, Porter-stemmed (nltk's
``PorterStemmer``, which needs no data download) and joined with one space. A prediction matches when its
normalised string equals a gold one; duplicate predictions count once (the first is kept). F1@k takes
precision over k (even if fewer were predicted) and recall over all gold phrases; figures are macro
averages over documents, in percent. nltk is an optional dependency (``pip install 'paperkg[evaluation]'``).

>>> round(f1_at_k(["neural networks", "Neural-Network", "graph"], ["neural network", "trees"], k=2), 3)
0.5
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from graph.errors import ConfigError

_ALNUM = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=1)
def _stemmer():  # nltk has no type hints
    """nltk's Porter stemmer; nltk is the optional ``evaluation`` extra, so without it this says how to add it."""
    try:
        from nltk.stem import PorterStemmer
    except ImportError as exc:
        raise ConfigError("keyphrase scoring needs nltk: pip install 'paperkg[evaluation]'") from exc
    return PorterStemmer()


@lru_cache(maxsize=200_000)
def _stem(token: str) -> str:
    return _stemmer().stem(token)


def normalize_phrase(phrase: str) -> str:
    """Lower-case, alphanumeric tokens, Porter stems, one space.

    >>> normalize_phrase("Neural-Networks")
    'neural network'
    """
    return " ".join(_stem(t) for t in _ALNUM.findall(phrase.lower()))


def dedupe(phrases: Sequence[str]) -> list[str]:
    """Normalised predictions with later duplicates (and empty ones) removed, order kept.

    >>> dedupe(["Graphs", "graph", "", "trees"])
    ['graph', 'tree']
    """
    seen: dict[str, None] = {}
    for phrase in phrases:
        norm = normalize_phrase(phrase)
        if norm:
            seen.setdefault(norm, None)
    return list(seen)


def f1_at_k(predicted: Sequence[str], gold: Sequence[str], k: int) -> float:
    """F1 of the top ``k`` (deduplicated) predictions against all gold phrases of one document (0..1).

    >>> f1_at_k(["a b", "c"], ["a b"], k=2)
    0.6666666666666666
    >>> f1_at_k([], ["x"], k=5)
    0.0
    """
    gold_set = {normalize_phrase(g) for g in gold} - {""}
    top = dedupe(predicted)[:k]
    hits = sum(p in gold_set for p in top)
    if not hits:
        return 0.0
    precision = hits / k
    recall = hits / len(gold_set)
    return 2 * precision * recall / (precision + recall)


def macro_f1(predictions: Sequence[Sequence[str]], golds: Sequence[Sequence[str]], k: int) -> float:
    """Mean F1@k over documents, in percent.

    >>> macro_f1([["a"], ["b"]], [["a"], ["c"]], k=1)
    50.0
    """
    if len(predictions) != len(golds):
        raise ValueError(f"{len(predictions)} predictions for {len(golds)} gold lists")
    if not golds:
        return 0.0
    return 100 * sum(f1_at_k(p, g, k) for p, g in zip(predictions, golds, strict=True)) / len(golds)


def candidate_recall(candidate_lists: Sequence[Sequence[str]], golds: Sequence[Sequence[str]]) -> float:
    """Share of all gold phrases (normalised) found among the candidates of their document, in percent.

    >>> candidate_recall([["neural nets", "graph"]], [["Neural net", "tree"]])
    50.0
    """
    found = total = 0
    for cands, gold in zip(candidate_lists, golds, strict=True):
        cand_set = set(dedupe(cands))
        gold_set = {normalize_phrase(g) for g in gold} - {""}
        found += len(gold_set & cand_set)
        total += len(gold_set)
    return 100 * found / total if total else 0.0
