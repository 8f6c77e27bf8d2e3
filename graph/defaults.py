"""Defaults shared by several stages, defined once so that every caller agrees.

>>> SEED
42
"""

from __future__ import annotations

#: Seed of every seeded step (communities, sampled betweenness, view layouts, GDS sampling), so the same
#: input and options always give the same graph, communities and files.
SEED = 42
