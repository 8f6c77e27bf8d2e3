"""Specificity: how much sharing an item (concept, technique, reference) says about two papers.

Specificity is the corpus document frequency turned into a number between 0 and 1 (an IDF normalised by
its maximum): an item only two papers of a thousand have is near 1, one every paper has is 0. Umbrella
techniques flagged ``broad: true`` in the vocabulary (transformers, LLMs, fine-tuning ...) are capped at
:data:`BROAD_CAP` whatever their frequency, as are items too frequent to link papers at all.

>>> round(specificity(2, 483), 2), round(specificity(48, 483), 2), round(specificity(2, 483, broad=True), 2)
(0.89, 0.37, 0.15)
>>> is_specific(specificity(2, 483)), is_specific(specificity(100, 483))
(True, False)
"""

from __future__ import annotations

import math

__all__ = ["BROAD_CAP", "SPECIFIC", "is_specific", "specificity"]

#: The highest specificity a broad (umbrella) item can have.
BROAD_CAP = 0.15

#: Items at least this specific are evidence on their own (with N papers: used by at most ~sqrt(N) of them).
SPECIFIC = 0.5


def specificity(df: int, n_papers: int, broad: bool = False) -> float:
    """``log((N + 1) / df) / log(N + 1)`` for an item ``df`` of ``N`` papers have, capped for broad items."""
    if df <= 0 or n_papers <= 0:
        return 0.0
    value = max(0.0, math.log((n_papers + 1) / df) / math.log(n_papers + 1))
    return min(value, BROAD_CAP) if broad else value


def is_specific(value: float) -> bool:
    """Whether an item of this specificity is evidence on its own."""
    return value >= SPECIFIC
