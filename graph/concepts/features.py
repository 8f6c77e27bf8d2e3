"""Per-document concept candidates grouped by canonical key, with their cheap ranking signals.

Signals (all computed from the document alone, so a paper's concepts do not change when others are added):
``length`` (words, capped at 3), ``position`` (1 / (1 + 5 * relative offset of the first occurrence)),
``title`` (1 when it first occurs in the title) and ``frequency`` (occurrences). The embedding similarity
is added by :mod:`graph.concepts.ranking`.

>>> doc = group_candidates("Rectified flow", "We straighten rectified flows. Rectified flow is efficient.")
>>> doc.keys, doc.labels
(['rectified flow'], ['Rectified flow'])
>>> doc.signals.tolist()
[[2.0, 1.0, 1.0, 3.0]]
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from graph.concepts.candidates import MAX_WORDS, Occurrence, candidates, find_acronyms, tokenize
from graph.concepts.normalize import concept_key, display_label
from graph.concepts.rules import ConceptRules

SIGNALS = ("length", "position", "title", "frequency")


@dataclass(frozen=True)
class DocCandidates:
    """The candidate concepts of one document, in order of first occurrence.

    ``labels[i]`` is the most frequent surface of ``keys[i]`` in this document; ``signals[i]`` its row of
    :data:`SIGNALS`.
    """

    keys: list[str]
    labels: list[str]
    signals: np.ndarray


def document_text(title: str, abstract: str) -> str:
    """The text concepts are drawn from: ``title + ". " + abstract`` (the benchmark protocol's input).

    >>> document_text("Flows", "We study flows.")
    'Flows. We study flows.'
    """
    return f"{title}. {abstract}" if title else abstract


def _acronym_keys(text: str) -> dict[str, tuple[str, str]]:
    """Acronym key -> (expansion key, expansion surface) for the acronyms the text defines."""
    return {concept_key(t.acronym): (concept_key(t.expansion), t.expansion) for t in find_acronyms(text)}


def group_candidates(
    title: str, abstract: str, max_words: int = MAX_WORDS, rules: ConceptRules | None = None
) -> DocCandidates:
    """Group a document's candidate occurrences by concept key (acronyms join their expansion, aliases
    their canonical concept); phrases the ``rules`` stop are left out (default: the shipped rules)."""
    rules = rules if rules is not None else default_rules()
    text = document_text(title, abstract)
    n_tokens = max(1, len(tokenize(text)))
    title_tokens = len(tokenize(title + ".")) if title else 0
    acronyms = _acronym_keys(text)
    groups: dict[str, list[Occurrence]] = defaultdict(list)
    for occurrence in candidates(text, max_words):
        key = concept_key(occurrence.surface)
        groups[acronyms[key][0] if key in acronyms else key].append(occurrence)
    for expansion_key, expansion in acronyms.values():
        position = text.find(expansion)
        spelled = any(concept_key(o.surface) == expansion_key for o in groups.get(expansion_key, []))
        if not spelled and position >= 0:
            groups[expansion_key].append(Occurrence(expansion, len(tokenize(text[:position])), len(expansion.split())))
    merged: dict[str, list[Occurrence]] = defaultdict(list)
    for key, occurrences in groups.items():
        if not rules.is_stopped(key):
            merged[rules.canonical(key)].extend(occurrences)
    groups = merged
    keys = sorted(groups, key=lambda k: (min(o.position for o in groups[k]), k))
    labels = [rules.label(k) or _label(groups[k], k) for k in keys]
    rows = [_signals(groups[k], n_tokens, title_tokens) for k in keys]
    return DocCandidates(keys, labels, np.array(rows, dtype=np.float64).reshape(len(keys), len(SIGNALS)))


@lru_cache(maxsize=1)
def default_rules() -> ConceptRules:
    """The shipped rules plus those named in the environment, read once per process."""
    return ConceptRules.load()


def _label(occurrences: list[Occurrence], key: str) -> str:
    """The most frequent surface among those spelling the key itself (not an acronym of it)."""
    spelled = [o.surface for o in occurrences if concept_key(o.surface) == key]
    return display_label(spelled or [o.surface for o in occurrences])


def _signals(occurrences: list[Occurrence], n_tokens: int, title_tokens: int) -> list[float]:
    """The :data:`SIGNALS` row of one concept."""
    first = min(o.position for o in occurrences)
    n_words = max(o.n_words for o in occurrences)
    return [
        float(min(n_words, 3)),
        1.0 / (1.0 + 5.0 * first / n_tokens),
        float(first < title_tokens),
        float(len(occurrences)),
    ]
