"""Defaults and choices shared by several stages (and the CLI), defined once so that every caller agrees.

>>> SEED
42
"""

from __future__ import annotations

import os
from pathlib import Path

#: Seed of every seeded step (communities, sampled betweenness, view layouts, GDS sampling), so the same
#: input and options always give the same graph, communities and files.
SEED = 42

#: Where the embedding model may run (``--device``); ``auto`` picks a GPU when there is one.
DEVICES = ("auto", "cpu", "cuda")
#: The keyphrase extractors ``paperkg concepts --extractor`` offers (:mod:`graph.concepts.extractors`).
EXTRACTORS = ("paperkg", "keybert-plain", "yake")
#: Texts per embedding-model batch (concept extraction and ``paperkg concepts``).
BATCH_SIZE = 64
#: Concepts kept per paper (``--top-concepts``) and keyphrases per document (``paperkg concepts --top``).
TOP_CONCEPTS = 10

#: Defaults of :class:`graph.build.BuildOptions` that ``build``/``add`` show as options (``--related-k``,
#: ``--min-weight``, ``--max-concept-df``), here so that the CLI reads them without importing the graph stage.
RELATED_K = 10
MIN_WEIGHT = 0.0
MAX_CONCEPT_DF = 0.1

#: Threads of Neo4j GDS Louvain (``paperkg analyze --concurrency``); 1 keeps communities reproducible.
GDS_CONCURRENCY = 1

#: Most nodes on an overview or community view page (vis-network stays fluid; more are aggregated away).
VIEW_BUDGET = 1500
#: Most nodes on a focus view page: a neighbourhood a reader can follow.
FOCUS_BUDGET = 120


def env_paths(variable: str) -> list[Path]:
    """The user files named in environment variable ``variable`` (``os.pathsep``-separated, empty entries
    skipped): how ``$PAPERKG_TECHNIQUES``, ``$PAPERKG_CONCEPT_STOPLIST`` and ``$PAPERKG_CONCEPT_ALIASES`` are read.

    >>> env_paths("PAPERKG_NO_SUCH_VARIABLE")
    []
    """
    return [Path(p) for p in os.environ.get(variable, "").split(os.pathsep) if p.strip()]
