"""Canonical concept keys and display labels.

:func:`concept_key` maps the surface variants of one concept to one key: case, hyphens/slashes/spaces
("one-step", "one step"), small numbers ("1-step"), joined prefixes ("pre-training", "pre training",
"pretraining"), possessives and the plural of the head noun ("diffusion models").

>>> concept_key("Diffusion Models") == concept_key("diffusion model")
True
>>> concept_key("1-step") == concept_key("one step") == concept_key("One-Step")
True
>>> concept_key("pre-training") == concept_key("pretraining") == concept_key("pre training")
True
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

from graph.concepts.lexicon import word_set

_SEPARATORS = re.compile(r"[\s\-‐‑‒–—/_]+")
_NUMBERS = {
    "1": "one", "2": "two", "3": "three", "4": "four", "5": "five",
    "6": "six", "7": "seven", "8": "eight", "9": "nine", "10": "ten",
}  # fmt: skip
_PREFIXES = word_set(
    "pre post multi non co re sub semi inter intra anti meta bi tri uni cross self auto de mis over under"
)
_INVARIANT = word_set(
    """
    series species analysis basis thesis hypothesis synthesis diagnosis axis crisis emphasis ellipsis
    physics mathematics statistics dynamics kinetics robotics graphics electronics economics genetics
    linguistics semantics optics mechanics informatics ethics logistics news lens gas bias corpus status
    virus campus bus plus focus consensus radius stimulus apparatus census chaos canvas atlas
    """
)
_IRREGULAR_PLURALS = {
    "analyses": "analysis", "bases": "basis", "criteria": "criterion", "phenomena": "phenomenon",
    "indices": "index", "matrices": "matrix", "vertices": "vertex", "data": "data", "media": "media",
    "hypotheses": "hypothesis", "theses": "thesis", "syntheses": "synthesis", "diagnoses": "diagnosis",
    "axes": "axis", "children": "child", "men": "man", "women": "woman", "people": "people",
    "feet": "foot", "teeth": "tooth", "mice": "mouse", "geese": "goose", "leaves": "leaf",
    "lives": "life", "knives": "knife", "halves": "half", "shelves": "shelf", "wolves": "wolf",
    "corpora": "corpus", "formulae": "formula", "schemata": "schema", "stimuli": "stimulus",
    "radii": "radius", "nuclei": "nucleus", "foci": "focus", "appendices": "appendix",
}  # fmt: skip
_CHE_NOUNS = ("cache", "niche", "avalanche", "headache", "psyche", "cliche", "moustache")


def singular(word: str) -> str:
    """The singular of an English noun (rule-based, lower-case input).

    >>> [singular(w) for w in ["models", "studies", "processes", "matrices", "analysis", "boxes", "gas"]]
    ['model', 'study', 'process', 'matrix', 'analysis', 'box', 'gas']
    >>> [singular(w) for w in ["caches", "approaches", "patches"]]
    ['cache', 'approach', 'patch']
    """
    if word in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[word]
    if len(word) <= 3 or word in _INVARIANT or not word.isalpha() or word.endswith(("ss", "us", "is", "ics")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word[:-1].endswith(_CHE_NOUNS):
        return word[:-1]
    if word.endswith(("sses", "xes", "ches", "shes", "zzes")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


def _unicode_fold(text: str) -> str:
    """Unicode-fold and lower-case: "Ｆlow" and "ﬂow" and "Flow" become "flow"."""
    return unicodedata.normalize("NFKC", text).lower().replace("’", "'")


def _join_prefixes(words: list[str]) -> list[str]:
    """Attach separated prefixes to the next word: ["pre", "training"] -> ["pretraining"]."""
    joined: list[str] = []
    for word in words:
        if joined and joined[-1] in _PREFIXES:
            joined[-1] += word
        else:
            joined.append(word)
    return joined


def concept_key(surface: str) -> str:
    """The canonical key of a phrase: lower-case words joined by single spaces (see module doc).

    Deterministic and idempotent: ``concept_key(concept_key(s)) == concept_key(s)``.

    >>> concept_key("Vision-Language Pre-Training")
    'vision language pretraining'
    >>> concept_key("Newton's methods")
    'newton method'
    """
    text = re.sub(r"'s\b", "", _unicode_fold(surface))
    words = [w for w in _SEPARATORS.split(re.sub(r"[^\w\s\-‐‑‒–—/]", " ", text)) if w]
    words = [_NUMBERS.get(w, w) for w in words]
    words = _join_prefixes(words)
    if words:
        words[-1] = singular(words[-1])
    return " ".join(words)


def display_label(surfaces: Iterable[str]) -> str:
    """The most frequent surface form; ties go to the form seen first.

    >>> display_label(["Diffusion models", "diffusion model", "diffusion models", "diffusion model"])
    'diffusion model'
    >>> display_label(["one-step", "one step", "one-step"])
    'one-step'
    """
    counts: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    for index, surface in enumerate(surfaces):
        counts[surface] += 1
        first_seen.setdefault(surface, index)
    if not counts:
        raise ValueError("display_label needs at least one surface form")
    return min(counts, key=lambda s: (-counts[s], first_seen[s]))


def aliases(surfaces: Iterable[str]) -> list[str]:
    """The distinct surface forms other than the display label, sorted.

    >>> aliases(["one-step", "one step", "1-step", "one-step"])
    ['1-step', 'one step']
    """
    seen = list(surfaces)
    label = display_label(seen)
    return sorted({s for s in seen if s != label})
