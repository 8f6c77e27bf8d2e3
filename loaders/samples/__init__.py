"""The bundled sample corpus: five saved Hugging Face papers listing pages (the three seed layouts).

>>> [p.name for p in sample_paths()][:2]
['000_00d6905c99699f98.txt', '001_d8829a0779a8d458.txt']
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def sample_paths() -> list[Path]:
    """Paths of the bundled sample pages, sorted by name (what ``paperkg build`` reads with no inputs)."""
    root = files("loaders.samples")
    return sorted(Path(str(entry)) for entry in root.iterdir() if entry.name.endswith(".txt"))
