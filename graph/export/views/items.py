"""Turn typed graph nodes and edges (graph/schema.py) into vis-network items for the view pages.

Each item carries vis styling (shape, colour, size, label, position) and an ``info`` record (a name and
``[key, value]`` rows of plain text) that the page shows in tooltips and the details panel. No HTML is
built here: the page puts every string into the DOM as text.

>>> colors = community_colors({0: 40, 1: 12, 7: 1})
>>> colors[0], community_color(1, colors), community_color(None, colors)
('#4e79a7', '#f28e2b', '#c8c8c8')
>>> short("Consistency Models Made Easy and Fast", 20)
'Consistency Models…'
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from graph import schema
from graph.access import community_of, display_name, importance, node_kind, targets

#: Community colours: Tableau 10 (without its grey), then colours picked so that any two differ by at
#: least 30 CIELAB units, and each from the neutral grey and the white page by at least 24
#: (tests/test_views.py checks it). The largest communities get them in order of size.
PALETTE = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
    "#1111d4", "#ef39d1", "#39ef39", "#1d2587", "#ad7bf4", "#970c69", "#c1ef39", "#39efc1", "#877e1d",
    "#cdd897", "#97460c", "#7bf485", "#762d3f", "#3985ef", "#f47bcc", "#d41111", "#b239ef", "#800c97",
    "#f4ad7b", "#3957ef", "#2d7658",
)  # fmt: skip
#: Papers in no community, or in one past the palette.
NEUTRAL = "#c8c8c8"


@dataclass(frozen=True)
class KindStyle:
    """How one node kind looks: vis shape, legend glyph, fill colour (papers use community colours)."""

    shape: str
    glyph: str
    color: str
    name: str


KIND_STYLES: dict[str, KindStyle] = {
    schema.PAPER: KindStyle("dot", "\u25cf", "#4e79a7", "Paper (colour = community, size = PageRank)"),
    schema.TECHNIQUE: KindStyle("diamond", "\u25c6", "#f2b705", "Technique (size = papers using it)"),
    schema.CONCEPT: KindStyle("triangle", "\u25b2", "#6baed6", "Concept (size = papers using it)"),
    schema.AUTHOR: KindStyle("square", "\u25a0", "#9467bd", "Author"),
}

#: Page-only relationship of the technique map: two techniques used by the same papers.
CO_USED = "CO_USED"


@dataclass(frozen=True)
class EdgeStyle:
    color: str
    arrows: str
    name: str


EDGE_STYLES: dict[str, EdgeStyle] = {
    schema.RELATED_TO: EdgeStyle("rgba(110,110,110,0.45)", "", "related (shared concepts/techniques)"),
    schema.CITES: EdgeStyle("#333333", "to", "cites"),
    schema.USES_TECHNIQUE: EdgeStyle("rgba(214,150,0,0.45)", "", "uses technique"),
    schema.SUBTYPE_OF: EdgeStyle("#8a6d00", "to", "subtype of"),
    schema.HAS_CONCEPT: EdgeStyle("rgba(70,130,190,0.45)", "", "has concept"),
    schema.AUTHORED: EdgeStyle("rgba(148,103,189,0.5)", "to", "authored"),
    CO_USED: EdgeStyle("rgba(200,130,0,0.55)", "", "used together (same papers)"),
}

MIN_SIZE, MAX_SIZE = 8.0, 34.0
TOP_TERMS = 5
SNIPPET = 280


def community_colors(sizes: Mapping[int, int]) -> dict[int, str]:
    """Colours of the real communities (id -> number of papers): the largest get :data:`PALETTE` in
    order of size (ties by id); the rest have none (they are drawn :data:`NEUTRAL`)."""
    order = sorted(sizes, key=lambda c: (-sizes[c], c))
    return dict(zip(order, PALETTE, strict=False))


def community_color(community: int | None, colors: Mapping[int, str]) -> str:
    """The colour of a community id in ``colors`` (:func:`community_colors`), else :data:`NEUTRAL`."""
    return NEUTRAL if community is None else colors.get(community, NEUTRAL)


def community_name(community: int | None, labels: Mapping[int, str]) -> str:
    """``"3: diffusion · one-step"``, or ``"3"`` without a label, or ``"none"``."""
    if community is None:
        return "none"
    label = labels.get(community)
    return f"{community}: {label}" if label else str(community)


def short(text: str, limit: int = 38) -> str:
    """``text`` with its whitespace folded, cut to ``limit`` characters with an ellipsis.

    Only the start of a long text is folded: folding a prefix gives a prefix of the folded text, so when
    it is already longer than ``limit`` the rest cannot change the result.

    >>> short("  a   b  ", 5), short("word " * 100, 12), short("x" + " " * 500 + "y", 4)
    ('a b', 'word word w…', 'x y')
    """
    head = " ".join(text[: 4 * limit].split())
    if len(head) <= limit and len(text) > 4 * limit:
        head = " ".join(text.split())
    return head if len(head) <= limit else head[: limit - 1].rstrip() + "\u2026"


def sizes(G: nx.Graph, ids: Sequence[str]) -> dict[str, float]:
    """Node sizes: square root of importance, scaled per kind to [MIN_SIZE, MAX_SIZE]."""
    scores = {nid: max(importance(G, nid), 0.0) for nid in ids}
    top: dict[str, float] = {}
    for nid, score in scores.items():
        kind = node_kind(G, nid)
        top[kind] = max(top.get(kind, 0.0), score)
    out = {}
    for nid, score in scores.items():
        peak = top[node_kind(G, nid)]
        share = math.sqrt(score / peak) if peak > 0 else 0.0
        out[nid] = round(MIN_SIZE + (MAX_SIZE - MIN_SIZE) * share, 1)
    return out


def top_terms(G: nx.MultiDiGraph, nid: str) -> tuple[list[str], list[str]]:
    """A paper's top concepts (by rank) and its techniques (by name), as display names."""
    ranked = [
        (G.get_edge_data(nid, c, schema.HAS_CONCEPT).get("rank") or math.inf, c)
        for c in targets(G, nid, schema.HAS_CONCEPT)
    ]
    if len(ranked) > TOP_TERMS:  # names (and ties by name) are needed only down to the TOP_TERMS-th rank
        cut = sorted(rank for rank, _ in ranked)[TOP_TERMS - 1]
        ranked = [(rank, c) for rank, c in ranked if rank <= cut]
    concepts = sorted((rank, display_name(G, c)) for rank, c in ranked)
    techniques = sorted(display_name(G, t) for t in targets(G, nid, schema.USES_TECHNIQUE))
    return [name for _, name in concepts[:TOP_TERMS]], techniques


def _text(value: Any) -> str | None:
    """A property as page text (lists joined), or None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) or None
    if isinstance(value, float):
        return f"{value:.4g}" if math.isfinite(value) else None
    return str(value)


def _http_url(value: Any) -> str | None:
    """``value`` if it is an http(s) URL (anything else, e.g. ``javascript:``, is dropped)."""
    if isinstance(value, str) and value.strip().lower().startswith(("http://", "https://")):
        return value.strip()
    return None


def node_info(G: nx.MultiDiGraph, nid: str, labels: Mapping[int, str]) -> dict[str, Any]:
    """The tooltip/details record of a node: name, kind, rows of plain text, snippet, link."""
    attrs = G.nodes[nid]
    kind = node_kind(G, nid)
    key = str(nid).partition(":")[2]
    info: dict[str, Any] = {"name": display_name(G, nid), "kindLabel": schema.LABELS[kind]}
    if kind == schema.PAPER:
        concepts, techniques = top_terms(G, nid)
        year = attrs.get("year") or (str(attrs.get("published") or "")[:4] or None)
        rows = [
            ("year", year),
            ("community", community_name(community_of(attrs), labels)),
            ("top concepts", concepts),
            ("techniques", techniques),
            ("PageRank", attrs.get("pagerank")),
            ("id", key),
        ]
        abstract = str(attrs.get("abstract") or "")
        info["snippet"] = short(abstract, SNIPPET) if abstract.strip() else None
        info["url"] = _http_url(attrs.get("url")) or _http_url(attrs.get("code_url"))
    elif kind == schema.TECHNIQUE:
        rows = [
            ("family", attrs.get("family")),
            ("parent", attrs.get("parent")),
            ("papers", attrs.get("df")),
            ("aliases", attrs.get("aliases")),
            ("key", key),
        ]
    elif kind == schema.CONCEPT:
        rows = [("papers", attrs.get("df")), ("aliases", attrs.get("aliases")), ("key", key)]
    else:
        rows = [("papers", G.out_degree(nid))]
    info["rows"] = [[name, text] for name, value in rows if (text := _text(value)) is not None]
    return info


def node_items(
    G: nx.MultiDiGraph,
    ids: Sequence[str],
    positions: Mapping[str, tuple[float, float]],
    labels: Mapping[int, str],
    *,
    palette: Mapping[int, str],
    colors: Mapping[str, str] | None = None,
    pinned: Iterable[str] = (),
) -> list[dict[str, Any]]:
    """vis node items of ``ids`` (in that order); papers take their community's colour in ``palette``
    (:func:`community_colors`) and ``colors`` overrides fill colours by node id.

    Canvas labels start empty: the page shows ``text`` for as many nodes as fit without overlapping at
    the current zoom, ``pinned`` nodes first, then by size (importance); see assets/view.js.
    """
    keep = set(pinned)
    size = sizes(G, ids)
    items = []
    for nid in ids:
        kind = node_kind(G, nid)
        style = KIND_STYLES[kind]
        fill = style.color
        if kind == schema.PAPER:
            fill = community_color(community_of(G.nodes[nid]), palette)
        if colors and nid in colors:
            fill = colors[nid]
        x, y = positions[nid]
        items.append(
            {
                "id": nid,
                "label": "",
                "text": short(display_name(G, nid)),
                "pinned": nid in keep,
                "shape": style.shape,
                "size": size[nid],
                "color": {"background": fill, "border": "#333333" if kind != schema.PAPER else "#ffffff"},
                "borderWidth": 1,
                "x": x,
                "y": y,
                "info": node_info(G, nid, labels),
            }
        )
    return items


def edge_info(kind: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """The tooltip record of an edge: its relationship name and property rows."""
    rows: list[tuple[str, Any]]
    if kind == schema.RELATED_TO:
        rows = [("weight", data.get("weight")), ("shared", data.get("shared"))]
    elif kind == schema.CITES:
        rows = [("via", data.get("via")), ("evidence", data.get("evidence"))]
    elif kind == schema.USES_TECHNIQUE:
        rows = [("evidence", data.get("evidence"))]
    elif kind == schema.HAS_CONCEPT:
        rows = [("score", data.get("score")), ("rank", data.get("rank"))]
    elif kind == CO_USED:
        rows = [("papers using both", data.get("weight")), ("examples", data.get("shared"))]
    else:
        rows = [(name, data.get(name)) for name in sorted(data) if name != "kind"]
    return {
        "name": EDGE_STYLES[kind].name if kind in EDGE_STYLES else kind,
        "rows": [[name, text] for name, value in rows if (text := _text(value)) is not None],
    }


def edge_items(edges: Sequence[tuple[str, str, str, Mapping[str, Any]]]) -> list[dict[str, Any]]:
    """vis edge items of ``(source, target, kind, data)`` tuples; widths scale with ``weight``."""
    peak: dict[str, float] = {}
    for _, _, kind, data in edges:
        weight = data.get("weight")
        if isinstance(weight, (int, float)) and math.isfinite(weight):
            peak[kind] = max(peak.get(kind, 0.0), float(weight))
    items = []
    for i, (u, v, kind, data) in enumerate(edges):
        style = EDGE_STYLES.get(kind, EdgeStyle("#999999", "", kind))
        weight = data.get("weight")
        width = 1.0
        if isinstance(weight, (int, float)) and math.isfinite(weight) and peak.get(kind, 0) > 0:
            width = round(1.0 + 2.5 * float(weight) / peak[kind], 2)
        item = {
            "id": f"e{i}",
            "from": u,
            "to": v,
            "color": style.color,
            "width": width,
            "info": edge_info(kind, data),
        }
        if style.arrows:
            item["arrows"] = style.arrows
        items.append(item)
    return items


def induced_edges(
    G: nx.MultiDiGraph, ids: Iterable[str], kinds: Iterable[str]
) -> list[tuple[str, str, str, dict[str, Any]]]:
    """The edges of ``kinds`` between nodes of ``ids``, sorted for a deterministic page."""
    keep = set(ids)
    wanted = set(kinds)
    out = []
    for u in keep:
        for v, keyed in G.succ[u].items():
            if v not in keep:
                continue
            for key, data in keyed.items():
                kind = data.get("kind", key)
                if kind in wanted:
                    out.append((u, v, kind, data))
    out.sort(key=lambda e: (e[0], e[1], e[2]))
    return out
