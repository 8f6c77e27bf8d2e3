"""Node positions for the view pages, computed in Python so the browser draws at once (physics off).

Small views use NetworkX's seeded spring layout, one connected component at a time: the components are
packed side by side, largest first, and the isolated nodes sit in a grid block after them, so one loose
node never squeezes the rest into a corner (:func:`main_component` names the nodes a page first zooms to).
Larger ones use a grouped layout that is linear in the number of nodes: each group (community) is a
sunflower (phyllotaxis) disc with its most important members in the middle, the discs are placed along a
size-weighted sunflower spiral (largest in the centre), and the remaining nodes (techniques, concepts) sit
at the mean position of the grouped nodes they link to.

>>> args = (["a", "b", "c"], [("a", "b"), ("b", "c")], {"a": 0, "b": 0, "c": 1})
>>> sorted(positions(*args)), positions(*args) == positions(*args)
(['a', 'b', 'c'], True)
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence

import networkx as nx
import numpy as np

from graph.defaults import SEED

#: Above this many nodes the spring layout (quadratic per iteration) gives way to the grouped layout.
SPRING_LIMIT = 300
#: Distance between neighbouring nodes in a sunflower disc, in vis-network pixels.
SPACING = 38.0
GOLDEN_ANGLE = math.pi * (3.0 - math.sqrt(5.0))

Position = tuple[float, float]


def positions(
    ids: Sequence[str],
    links: Iterable[tuple[str, str]],
    groups: Mapping[str, Hashable],
    *,
    seed: int = SEED,
) -> dict[str, Position]:
    """Positions of ``ids``: spring layout up to :data:`SPRING_LIMIT` nodes, grouped layout above.

    ``ids`` are ordered most important first; ``groups`` maps the nodes that belong to a group
    (papers -> community) and ``links`` are the drawn edges (direction ignored).
    """
    links = list(links)
    if len(ids) <= SPRING_LIMIT:
        return spring_positions(ids, links, seed=seed)
    return grouped_positions(ids, links, groups)


def spring_positions(
    ids: Sequence[str], links: Sequence[tuple[str, str]], *, seed: int = SEED
) -> dict[str, Position]:
    """Seeded Fruchterman-Reingold layout of each connected component, scaled to vis-network pixels,
    the components packed side by side (largest first) and the isolated nodes in a grid after them.

    >>> pos = spring_positions(["a", "b", "c", "lone"], [("a", "b"), ("b", "c")])
    >>> max(abs(x) for x, _ in pos.values()) < 400   # the isolated node stays close by
    True
    """
    graph = _graph(ids, links)
    parts = components(graph, ids)
    boxes = [_component_layout(graph.subgraph(part), part, seed) for part in parts if len(part) > 1]
    lone = [part[0] for part in parts if len(part) == 1]
    if lone:
        boxes.append(_grid(lone))
    return _pack(boxes)


def components(graph: nx.Graph, ids: Sequence[str]) -> list[list[str]]:
    """Connected components (nodes in ``ids`` order), largest first, ties by their first node's order."""
    order = {node: i for i, node in enumerate(ids)}
    parts = [sorted(part, key=order.__getitem__) for part in nx.connected_components(graph)]
    return sorted(parts, key=lambda part: (-len(part), order[part[0]]))


def main_component(ids: Sequence[str], links: Iterable[tuple[str, str]]) -> list[str]:
    """The largest connected component of the drawn graph (the part a page first zooms to).

    >>> main_component(["a", "b", "c"], [("b", "c")])
    ['b', 'c']
    """
    graph = _graph(ids, links)
    return components(graph, ids)[0] if ids else []


def _graph(ids: Sequence[str], links: Iterable[tuple[str, str]]) -> nx.Graph:
    graph = nx.Graph()
    graph.add_nodes_from(ids)
    graph.add_edges_from((u, v) for u, v in links if u != v)
    return graph


def _component_layout(graph: nx.Graph, part: Sequence[str], seed: int) -> dict[str, Position]:
    """Spring layout of one component, its scale growing with the square root of its size."""
    scale = 60.0 * math.sqrt(len(part)) + 40.0
    layout = nx.spring_layout(graph, seed=seed, scale=scale)
    return {node: (float(layout[node][0]), float(layout[node][1])) for node in part}


def _grid(nodes: Sequence[str]) -> dict[str, Position]:
    """Nodes in a square grid, :data:`SPACING` * 2 apart, row by row."""
    width = math.ceil(math.sqrt(len(nodes)))
    step = 2 * SPACING
    return {node: (step * (i % width), step * (i // width)) for i, node in enumerate(nodes)}


def _pack(boxes: Sequence[Mapping[str, Position]]) -> dict[str, Position]:
    """Place the layouts left to right in rows (shelves) no wider than about twice the first one, with a
    gap of :data:`SPACING` * 2; the first layout is centred on the origin."""
    placed: dict[str, Position] = {}
    gap = 2 * SPACING
    x = y = shelf = 0.0
    limit = None
    for box in boxes:
        xs = [p[0] for p in box.values()]
        ys = [p[1] for p in box.values()]
        width, height = max(xs) - min(xs), max(ys) - min(ys)
        if limit is None:
            limit = max(2.0 * width, 4 * gap)
        elif x + width > limit:
            x, y, shelf = 0.0, y + shelf + gap, 0.0
        for node, (px, py) in box.items():
            placed[node] = (px - min(xs) + x, py - min(ys) + y)
        x += width + gap
        shelf = max(shelf, height)
    if not placed:
        return {}
    first = boxes[0]
    cx = sum(placed[n][0] for n in first) / len(first)
    cy = sum(placed[n][1] for n in first) / len(first)
    return {node: _rounded((px - cx, py - cy)) for node, (px, py) in placed.items()}


def sunflower(count: int, spacing: float = SPACING) -> np.ndarray:
    """``count`` points of a phyllotaxis disc, first point in the centre, evenly spread.

    >>> sunflower(3).shape
    (3, 2)
    """
    index = np.arange(count, dtype=float)
    radius = spacing * np.sqrt(index) * 0.6
    angle = index * GOLDEN_ANGLE
    return np.column_stack((radius * np.cos(angle), radius * np.sin(angle)))


def disc_radius(count: int, spacing: float = SPACING) -> float:
    """Radius of a sunflower disc of ``count`` points."""
    return spacing * 0.6 * math.sqrt(max(count - 1, 0)) + spacing / 2


def group_centres(sizes: Sequence[int], spacing: float = SPACING) -> np.ndarray:
    """Centres of discs of the given sizes (largest first): a spiral whose radius grows with the
    area already placed, so discs rarely overlap and the layout stays linear in the number of groups.
    """
    radii = np.array([disc_radius(size, spacing) for size in sizes])
    placed_area = np.concatenate(([0.0], np.cumsum(np.pi * radii**2)[:-1]))
    distance = 1.6 * np.sqrt(placed_area / np.pi) + np.where(placed_area > 0, radii + spacing, 0.0)
    angle = np.arange(len(sizes)) * GOLDEN_ANGLE
    return np.column_stack((distance * np.cos(angle), distance * np.sin(angle)))


def grouped_positions(
    ids: Sequence[str], links: Sequence[tuple[str, str]], groups: Mapping[str, Hashable]
) -> dict[str, Position]:
    """Sunflower discs per group, discs on a spiral, ungrouped nodes at their neighbours' mean."""
    members: dict[Hashable, list[str]] = defaultdict(list)
    for node in ids:
        if node in groups:
            members[groups[node]].append(node)
    order = sorted(members, key=lambda g: (-len(members[g]), str(g)))
    centres = group_centres([len(members[g]) for g in order])
    placed: dict[str, Position] = {}
    for centre, group in zip(centres, order, strict=True):
        points = sunflower(len(members[group])) + centre
        placed.update((node, _rounded(point)) for node, point in zip(members[group], points, strict=True))
    placed.update(_anchored(ids, links, placed))
    return placed


def _anchored(
    ids: Sequence[str], links: Sequence[tuple[str, str]], placed: Mapping[str, Position]
) -> dict[str, Position]:
    """Positions of the nodes not in ``placed``: mean of their placed neighbours (fanned out a little),
    or a ring around everything for nodes with no placed neighbour."""
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for u, v in links:
        for node, other in ((u, v), (v, u)):
            if node not in placed and other in placed:
                acc = sums[node]
                acc[0] += placed[other][0]
                acc[1] += placed[other][1]
                acc[2] += 1
    loose = [node for node in ids if node not in placed]
    extent = max((math.hypot(x, y) for x, y in placed.values()), default=0.0) + 2 * SPACING
    out: dict[str, Position] = {}
    for j, node in enumerate(loose):
        angle = j * GOLDEN_ANGLE
        if node in sums:
            x, y, n = sums[node]
            out[node] = _rounded(
                (x / n + 0.7 * SPACING * math.cos(angle), y / n + 0.7 * SPACING * math.sin(angle))
            )
        else:
            ring = 2 * math.pi * j / max(len(loose), 1)
            out[node] = _rounded((extent * math.cos(ring), extent * math.sin(ring)))
    return out


def _rounded(point: Sequence[float]) -> Position:
    return round(float(point[0]), 1), round(float(point[1]), 1)
