"""Questions about the graph (which paper is meant, why two papers are related, what is similar, what is top).

They are defined in :mod:`graph.questions`, outside this package, so that the readers (``paperkg explain``,
``similar``, ``top``) import no analysis code; :mod:`graph.analysis` re-exports them from here.

>>> explain is questions.explain
True
"""

from __future__ import annotations

from graph import questions
from graph.questions import (
    FUZZY_CUTOFF,
    PATH_EDGES,
    TOP_MEASURES,
    Explanation,
    Ranked,
    Similar,
    explain,
    resolve_node,
    resolve_paper,
    similar,
    top,
)

__all__ = [
    "FUZZY_CUTOFF",
    "PATH_EDGES",
    "TOP_MEASURES",
    "Explanation",
    "Ranked",
    "Similar",
    "explain",
    "questions",
    "resolve_node",
    "resolve_paper",
    "similar",
    "top",
]
