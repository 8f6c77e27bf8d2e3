"""The four kinds of view page (overview, focus, community, technique map); see the package docstring."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import networkx as nx

from graph import __version__, schema
from graph.access import communities as community_records
from graph.access import community_of, display_name, node_kind
from graph.defaults import FOCUS_BUDGET, SEED
from graph.defaults import VIEW_BUDGET as DEFAULT_BUDGET
from graph.errors import ConfigError
from graph.export.views import select as view_select
from graph.export.views.html import render_page, write_page
from graph.export.views.items import (
    EDGE_STYLES,
    KIND_STYLES,
    NEUTRAL,
    community_color,
    community_colors,
    community_name,
    edge_items,
    induced_edges,
    node_items,
)
from graph.export.views.layout import SPRING_LIMIT, main_component, positions

__all__ = [
    "DEFAULT_BUDGET",
    "FOCUS_BUDGET",
    "view_file_name",
    "write_community",
    "write_focus",
    "write_overview",
    "write_technique_map",
    "write_view",
]


Edge = tuple[str, str, str, Mapping[str, Any]]


def write_overview(
    G: nx.MultiDiGraph,
    path: str | Path,
    communities: Mapping[int, str] | None = None,
    budget: int = DEFAULT_BUDGET,
) -> Path:
    """Write the overview page (papers + techniques) to ``path``; aggregate above ``budget`` nodes."""
    selection = view_select.overview(G, budget)
    edges = induced_edges(G, selection.ids, view_select.MAP_EDGES)
    return _write(G, path, selection, edges, communities or {}, "overview", "the whole graph")


def write_focus(
    G: nx.MultiDiGraph,
    path: str | Path,
    focus: str,
    radius: int = 1,
    communities: Mapping[int, str] | None = None,
    budget: int = FOCUS_BUDGET,
) -> Path:
    """Write the ego network of ``focus`` (``technique:<key>``, ``paper:<id or title>``, a node id or
    a bare title/label) within ``radius`` hops, every relationship type included, at most ``budget``
    nodes (the page says what it left out)."""
    centre = view_select.resolve(G, focus)
    selection = view_select.ego(G, centre, radius, budget)
    edges = induced_edges(G, selection.ids, schema.RELATIONSHIPS)
    name = display_name(G, centre)
    kind = schema.LABELS[node_kind(G, centre)].lower()
    how = f"the nodes within {radius} hop(s) of {kind} \u201c{name}\u201d"
    return _write(G, path, selection, edges, communities or {}, f"focus: {name}", how)


def write_community(
    G: nx.MultiDiGraph,
    path: str | Path,
    community: int,
    communities: Mapping[int, str] | None = None,
    budget: int = DEFAULT_BUDGET,
) -> Path:
    """Write community ``community``: its papers and the techniques they use."""
    labels = communities or {}
    selection = view_select.community(G, community, budget)
    edges = induced_edges(G, selection.ids, view_select.MAP_EDGES)
    title = f"community {community_name(community, labels)}"
    return _write(G, path, selection, edges, labels, title, f"the papers of community {community}")


def write_technique_map(
    G: nx.MultiDiGraph,
    path: str | Path,
    communities: Mapping[int, str] | None = None,
    top_links: int = 8,
) -> Path:
    """Write the technique map: techniques linked when papers use both (width = number of papers),
    each keeping its ``top_links`` strongest links; colour = the community using it most."""
    labels = communities or {}
    selection, edges, dominant = view_select.technique_map(G, top_links)
    palette = _palette(G)
    colors = {t: community_color(c, palette) for t, c in dominant.items()}
    how = (
        f"techniques linked when the same papers use both (each keeps its {top_links} strongest links); "
        "colour = the community whose papers use it most"
    )
    return _write(G, path, selection, edges, labels, "technique map", how, colors=colors, groups=dominant)


def view_file_name(
    G: nx.MultiDiGraph,
    *,
    focus: str | None = None,
    radius: int = 1,
    community: int | None = None,
    technique_map: bool = False,
    budget: int | None = None,
) -> str:
    """The file name a view gets in the output folder (``graph.html`` for the overview).

    The name holds every option that shapes the page, so a view with other options never overwrites an
    earlier one: a focus's node and ``radius`` (``-r<radius>``), and ``budget`` (``-b<budget>``) when it is
    not the view's default (:data:`FOCUS_BUDGET` for a focus, else :data:`DEFAULT_BUDGET`; the technique
    map has no budget). The same options give the same name in every build.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("technique:lora", kind="technique", label="LoRA")
    >>> view_file_name(G, focus="technique:lora"), view_file_name(G, focus="technique:lora", radius=2, budget=300)
    ('view-technique-lora-r1-4505efd5.html', 'view-technique-lora-r2-b300-4505efd5.html')
    >>> view_file_name(G, community=3), view_file_name(G, community=3, budget=40), view_file_name(G, budget=40)
    ('view-community-3.html', 'view-community-3-b40.html', 'view-overview-b40.html')
    """
    if technique_map:
        return "view-technique-map.html"
    if community is not None:
        return f"view-community-{community}{_budget_part(budget, DEFAULT_BUDGET)}.html"
    if focus is not None:
        centre = view_select.resolve(G, focus)
        slug = re.sub(r"[^a-z0-9]+", "-", display_name(G, centre).lower()).strip("-")[:48] or "node"
        digest = hashlib.sha1(centre.encode("utf-8")).hexdigest()[:8]
        return f"view-{node_kind(G, centre)}-{slug}-r{radius}{_budget_part(budget, FOCUS_BUDGET)}-{digest}.html"
    extra = _budget_part(budget, DEFAULT_BUDGET)
    return f"view-overview{extra}.html" if extra else "graph.html"


def _budget_part(budget: int | None, default: int) -> str:
    """``-b<budget>`` for a budget other than the view's ``default``, else nothing (part of a file name)."""
    return "" if budget is None or budget == default else f"-b{budget}"


def write_view(
    G: nx.MultiDiGraph,
    out: str | Path,
    communities: Mapping[int, str] | None = None,
    *,
    focus: str | None = None,
    radius: int = 1,
    community: int | None = None,
    technique_map: bool = False,
    budget: int | None = None,
) -> Path:
    """Write the view the options ask for into folder ``out`` (one view per call) and return its path.
    ``budget`` None: the view's own default (:data:`FOCUS_BUDGET` for a focus, else :data:`DEFAULT_BUDGET`)."""
    chosen = sum((focus is not None, community is not None, technique_map))
    if chosen > 1:
        raise ConfigError("choose one of --focus, --community and --technique-map per view")
    name = view_file_name(
        G, focus=focus, radius=radius, community=community, technique_map=technique_map, budget=budget
    )
    path = Path(out) / name
    if technique_map:
        return write_technique_map(G, path, communities)
    if community is not None:
        return write_community(G, path, community, communities, budget or DEFAULT_BUDGET)
    if focus is not None:
        return write_focus(G, path, focus, radius, communities, budget or FOCUS_BUDGET)
    return write_overview(G, path, communities, budget or DEFAULT_BUDGET)


def _write(
    G: nx.MultiDiGraph,
    path: str | Path,
    selection: view_select.Selection,
    edges: Sequence[Edge],
    labels: Mapping[int, str],
    title: str,
    what: str,
    *,
    colors: Mapping[str, str] | None = None,
    groups: Mapping[str, int | None] | None = None,
) -> Path:
    """Lay out, style and render one view, then write it."""
    ids = selection.ids
    labels = {**labels, **{c: str(r.get("label") or "") for c, r in community_records(G).items()}}
    if groups is None:
        groups = {nid: community_of(G.nodes[nid]) for nid in ids if node_kind(G, nid) == schema.PAPER}
    links = [(u, v) for u, v, _, _ in edges]
    layout = positions(ids, links, groups, seed=SEED)
    palette = _palette(G)
    nodes = node_items(G, ids, layout, labels, palette=palette, colors=colors, pinned=selection.pinned)
    page = {
        "meta": _meta(G, title, what, ids, edges, selection.note),
        "legend": _legend(G, ids, edges, labels, groups, palette),
        "fit": main_component(ids, links) if len(ids) <= SPRING_LIMIT else [],
    }
    return write_page(path, render_page(nodes, edge_items(edges), page))


def _palette(G: nx.MultiDiGraph) -> dict[int, str]:
    """Colours of the graph's real communities (the analysis' records in ``G.graph``; without them, every
    community of two or more papers), largest first; the same on every page of the graph."""
    records = community_records(G)
    if records:
        sizes = {c: int(r.get("size") or 0) for c, r in records.items() if c >= 0}
    else:
        counted = Counter(community_of(G.nodes[n]) for n in view_select.by_kind(G).get(schema.PAPER, []))
        sizes = {c: n for c, n in counted.items() if c is not None and c >= 0 and n >= 2}
    return community_colors(sizes)


def _meta(
    G: nx.MultiDiGraph, title: str, what: str, ids: Sequence[str], edges: Sequence[Edge], note: str | None
) -> dict[str, Any]:
    """The page header: title, counts (shown vs. whole graph), how the view was made, aggregation note."""
    shown = Counter(node_kind(G, nid) for nid in ids)
    total = Counter({kind: len(members) for kind, members in view_select.by_kind(G).items()})
    layout = (
        f"seeded spring layout (NetworkX, seed {SEED})"
        if len(ids) <= SPRING_LIMIT
        else "grouped layout (one sunflower disc per community, largest in the centre)"
    )
    return {
        "title": f"paperkg \u00b7 {title}",
        "counts": f"Shown: {_counts(shown)}, {len(edges):,} links. Whole graph: {_counts(total)}.",
        "how": f"paperkg {__version__} view of {what}. Positions precomputed in Python ({layout}); "
        "physics is off (tick \u201cphysics\u201d to let nodes move). Hover a node or link for details, "
        "click a node to pin them.",
        "aggregated": note,
    }


def _counts(counter: Counter[str]) -> str:
    parts = [
        f"{counter[kind]:,} {schema.LABELS[kind].lower()}{'' if counter[kind] == 1 else 's'}"
        for kind in schema.NODES
        if counter[kind]
    ]
    return ", ".join(parts) or "nothing"


def _legend(
    G: nx.MultiDiGraph,
    ids: Sequence[str],
    edges: Sequence[Edge],
    labels: Mapping[int, str],
    groups: Mapping[str, int | None],
    palette: Mapping[int, str],
) -> dict[str, Any]:
    """Legend entries: the coloured communities present (largest first), one neutral row for the rest,
    node kinds and relationship kinds shown."""
    sizes = Counter(groups[nid] for nid in ids if nid in groups)
    real = sorted((c for c in sizes if c in palette), key=lambda c: (-sizes[c], c))
    rows = [{"name": f"{community_name(c, labels)} ({sizes[c]:,})", "color": palette[c]} for c in real]
    rest = sum(n for c, n in sizes.items() if c not in palette)
    kinds_shown = {node_kind(G, nid) for nid in ids}
    edge_kinds = sorted({kind for _, _, kind, _ in edges})
    return {
        "communities": rows,
        "others": {"name": f"no community, or a small one ({rest:,})", "color": NEUTRAL} if rest else None,
        "kinds": [
            {"name": style.name, "glyph": style.glyph, "color": style.color}
            for kind, style in KIND_STYLES.items()
            if kind in kinds_shown
        ],
        "edges": [{"name": EDGE_STYLES[kind].name, "color": EDGE_STYLES[kind].color} for kind in edge_kinds],
    }
