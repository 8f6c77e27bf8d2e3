"""Shared fixtures: the real bundled sample and the seeds beside the checkout."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The seed pages as the team received them (../shared/seeds)."""
    path = SHARED / "seeds"
    if not path.is_dir():
        pytest.skip(f"{path} not found: the shared folder must sit beside the checkout")
    return path
