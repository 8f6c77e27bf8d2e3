"""Render a prepared view (nodes, edges, legend, header) into one self-contained HTML page.

PyVis is kept for what it does well: the :class:`pyvis.network.Network` object holds the node and
edge lists, the vis-network options and the Jinja environment. Its slow and leaky parts are bypassed:
node/edge lists are assigned in bulk (``Network.add_node`` is quadratic), and the page comes from our
own template (``assets/view.html.j2``) that inlines the vis-network JS/CSS bundled inside the installed
pyvis package, so the page needs no CDN, no ``lib/`` folder in the current directory, no network at all.

All data reaches the page as JSON inside ``<script type="application/json">`` blocks, escaped by
:func:`script_json`, and is put into the DOM by ``assets/view.js`` with ``textContent`` only.

>>> script_json({"title": "</script><script>alert(1)</script>"})
'{"title":"\\\\u003c/script\\\\u003e\\\\u003cscript\\\\u003ealert(1)\\\\u003c/script\\\\u003e"}'
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from markupsafe import Markup
from pyvis.network import Network

from graph.errors import ConfigError
from loaders.atomicio import atomic_write

#: vis-network version shipped inside pyvis (``pyvis/templates/lib/vis-<version>/``).
VIS_VERSION = "9.1.2"
TEMPLATE = "view.html.j2"
#: Canvas label font (assets/view.js sizes it per zoom so labels keep one size on screen).
LABEL_FONT = "system-ui, sans-serif"
ASSETS = Path(__file__).with_name("assets")

_SCRIPT_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def script_json(value: Any) -> str:
    """JSON text that is safe inside an HTML ``<script>`` element.

    ``<``, ``>`` and ``&`` (so ``</script>`` and ``<!--`` cannot occur) and U+2028/U+2029 are written
    as ``\\uXXXX`` escapes, which JSON.parse reads back as the same characters. NaN and infinities
    are refused (ValueError): the item builders turn them into missing values first.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for raw, escaped in _SCRIPT_ESCAPES.items():
        text = text.replace(raw, escaped)
    return text


@lru_cache(maxsize=1)
def vis_assets() -> tuple[str, str]:
    """The vis-network ``(js, css)`` text bundled inside the installed pyvis package."""
    lib = resources.files("pyvis") / "templates" / "lib" / f"vis-{VIS_VERSION}"
    try:
        js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
        css = (lib / "vis-network.css").read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(
            f"{lib}: vis-network {VIS_VERSION} is not bundled in the installed pyvis (need pyvis>=0.3.2,<0.4)"
        ) from exc
    if "</script" in js.lower():
        raise ConfigError(f"{lib}/vis-network.min.js contains '</script' and cannot be inlined")
    return js, css


@lru_cache(maxsize=1)
def view_assets() -> tuple[str, str]:
    """Our own page ``(js, css)`` from ``graph/export/views/assets``."""
    return (
        (ASSETS / "view.js").read_text(encoding="utf-8"),
        (ASSETS / "view.css").read_text(encoding="utf-8"),
    )


def vis_options(n_nodes: int, physics: bool = False) -> dict[str, Any]:
    """vis-network options, built on a PyVis :class:`Network`'s defaults.

    Positions are precomputed, so physics is off unless asked for (the page has a toggle); when on,
    Barnes-Hut runs without a long stabilisation. Edges are straight (no smoothing support nodes).

    >>> vis_options(10)["physics"]["enabled"], vis_options(10)["edges"]["smooth"]
    (False, False)
    """
    net = Network(directed=True)
    net.toggle_physics(physics)
    options: dict[str, Any] = json.loads(net.options.to_json())
    options["physics"].update(
        {
            "enabled": physics,
            "solver": "barnesHut",
            "barnesHut": {"gravitationalConstant": -3000, "springLength": 120, "avoidOverlap": 0.1},
            "stabilization": {"enabled": False},
        }
    )
    options["edges"] = {"smooth": False, "color": {"inherit": False}, "selectionWidth": 2}
    options["nodes"] = {"font": {"size": 14, "face": LABEL_FONT, "strokeWidth": 3, "strokeColor": "#ffffff"}}
    options["interaction"].update(
        {
            "hover": True,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": n_nodes > 1000,
            "hideEdgesOnZoom": n_nodes > 3000,
            "multiselect": False,
        }
    )
    options["layout"] = {"improvedLayout": False, "randomSeed": 0}
    return options


def render_page(
    nodes: list[dict[str, Any]],
    edges: list[dict[str, Any]],
    page: dict[str, Any],
    *,
    physics: bool = False,
) -> str:
    """The HTML text of a view: ``nodes``/``edges`` as vis items, ``page`` = {meta, legend, fit} (``fit``:
    the node ids the first view zooms to; all when empty).

    The lists are handed to a PyVis :class:`Network` in bulk and rendered through its Jinja
    environment, pointed at ``assets/`` with autoescaping switched on.
    """
    net = Network(height="100%", directed=True, cdn_resources="in_line")
    net.set_template_dir(f"{ASSETS}/", TEMPLATE)
    net.templateEnv.autoescape = True
    net.nodes, net.edges = nodes, edges
    net.options = vis_options(len(nodes), physics)
    vis_js, vis_css = vis_assets()
    view_js, view_css = view_assets()
    data = {
        "meta": page["meta"],
        "legend": page["legend"],
        "fit": page.get("fit", []),
        "nodes": net.nodes,
        "edges": net.edges,
    }
    return net.templateEnv.get_template(net.path).render(
        page_title=page["meta"]["title"],
        data_json=Markup(script_json(data)),
        options_json=Markup(script_json(net.options)),
        vis_js=Markup(vis_js),
        vis_css=Markup(vis_css),
        view_js=Markup(view_js),
        view_css=Markup(view_css),
    )


def write_page(path: str | Path, html: str) -> Path:
    """Write ``html`` to ``path`` atomically (parents created), returning the path."""
    target = Path(path)
    if target.suffix.lower() not in {".html", ".htm"}:
        raise ConfigError(f"{target}: a view must be written to an .html file")
    return atomic_write(target, html)
