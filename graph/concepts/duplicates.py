"""Near-duplicate concepts of one paper: variants that name the same thing with a common word more or less.

Two concept keys of a paper are near-duplicates when their word stems overlap (one's stems contain the
other's, or they share at least two) and every word only one of them has is a common English word
(``wordfreq`` Zipf frequency of at least :data:`COMMON_ZIPF`): "online video streams", "long video
streams" and "online video streaming understanding" are one concept; "MSSL heat switch" and "tungsten
heat switch" are not (the words that differ are specific).

>>> near_duplicate("online video stream", "long video stream")
True
>>> near_duplicate("mssl heat switch", "tungsten heat switch"), near_duplicate("video stream", "video frame")
(False, False)
>>> first_distinct(["online video stream", "video frame", "online streaming video", "long video stream"], 3)
[0, 1]
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from wordfreq import zipf_frequency

from graph.concepts.normalize import singular

COMMON_ZIPF = 4.0


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light stem: singular, without a final "-ing" or "-ed" (on words long enough to keep a stem).

    >>> [stem(w) for w in ["streams", "streaming", "trained", "speed"]]
    ['stream', 'stream', 'train', 'speed']
    """
    word = singular(word)
    for ending in ("ing", "ed"):
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


@lru_cache(maxsize=65536)
def is_common(word: str) -> bool:
    """``True`` for a word common in general English (so it does not make a concept specific)."""
    return zipf_frequency(word, "en") >= COMMON_ZIPF


def near_duplicate(a: str, b: str) -> bool:
    """``True`` when concept keys ``a`` and ``b`` name the same concept up to common words (module doc)."""
    stems_a = {stem(w): w for w in a.split()}
    stems_b = {stem(w): w for w in b.split()}
    shared = stems_a.keys() & stems_b.keys()
    smaller = min(len(stems_a), len(stems_b))
    if not shared or (len(shared) < 2 and len(shared) < smaller):
        return False
    differing = [stems_a[s] for s in stems_a.keys() - shared] + [stems_b[s] for s in stems_b.keys() - shared]
    return all(is_common(word) for word in differing)


def first_distinct(keys: Sequence[str], limit: int) -> list[int]:
    """Indices of the first ``limit`` keys, in order, skipping each near-duplicate of one kept before."""
    kept: list[int] = []
    for index, key in enumerate(keys):
        if len(kept) == limit:
            break
        if not any(near_duplicate(key, keys[k]) for k in kept):
            kept.append(index)
    return kept
