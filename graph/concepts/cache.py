"""Embedding caches: vectors stored by (model name, text) so each distinct text is embedded once.

The workspace (``graph/store.py``) implements the same :class:`EmbeddingCache` protocol on SQLite, so
re-runs and ``paperkg add`` only embed what is new. :class:`MemoryEmbeddingCache` keeps them in a dict.

>>> import numpy as np
>>> cache = MemoryEmbeddingCache()
>>> cache.put_many("m", {"flow": np.ones(2, dtype=np.float32)})
>>> sorted(cache.get_many("m", ["flow", "step"]))
['flow']
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class EmbeddingCache(Protocol):
    """Where embeddings live between runs, keyed by model name and exact text."""

    def get_many(self, model: str, texts: list[str]) -> dict[str, np.ndarray]:
        """The cached vectors of those ``texts`` that are cached (missing ones are simply absent)."""
        ...

    def put_many(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        """Store vectors (replacing any cached for the same model and text)."""
        ...


class MemoryEmbeddingCache:
    """An :class:`EmbeddingCache` in a dict (tests, one-off runs)."""

    def __init__(self) -> None:
        self._vectors: dict[tuple[str, str], np.ndarray] = {}

    def get_many(self, model: str, texts: list[str]) -> dict[str, np.ndarray]:
        """The cached vectors among ``texts``."""
        return {t: self._vectors[(model, t)] for t in texts if (model, t) in self._vectors}

    def put_many(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        """Store copies of ``vectors``."""
        for text, vector in vectors.items():
            self._vectors[(model, text)] = np.array(vector, dtype=np.float32, copy=True)

    def __len__(self) -> int:
        return len(self._vectors)
