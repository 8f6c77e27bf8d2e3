"""Render a prepared view (nodes, edges, legend, header) into one self-contained HTML page.

The page draws with vis-network, the JS/CSS bundled inside the installed pyvis package: read from pyvis's
package folder, found without importing pyvis (``pyvis.network`` imports IPython: half a second on every
build), and inlined, so the page needs no CDN, no ``lib/`` folder in the current directory, no network at
all. The page is our own template (``assets/view.html.j2``), whose only template syntax is ``{{ name }}``
placeholders, filled by :func:`render_page` (the page title HTML-escaped, as Jinja's autoescaping did).
The vis-network options start from the defaults a PyVis ``Network`` sets (:data:`PYVIS_DEFAULTS`, checked
against the installed pyvis by tests/test_views.py). Plain PyVis does not build the page: its ``add_node``
is quadratic and its templates reference CDNs (see docs/views.md).

All data reaches the page as JSON inside ``<script type="application/json">`` blocks, escaped by
:func:`script_json`, and is put into the DOM by ``assets/view.js`` with ``textContent`` only.

>>> script_json({"title": "</script><script>alert(1)</script>"})
'{"title":"\\\\u003c/script\\\\u003e\\\\u003cscript\\\\u003ealert(1)\\\\u003c/script\\\\u003e"}'
"""

from __future__ import annotations

import copy
import json
import re
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from markupsafe import escape

from graph.errors import ConfigError
from loaders.atomicio import atomic_write

#: vis-network version shipped inside pyvis (``pyvis/templates/lib/vis-<version>/``).
VIS_VERSION = "9.1.2"
TEMPLATE = "view.html.j2"
#: A placeholder of the page template.
_PLACEHOLDER = re.compile(r"\{\{ (\w+) \}\}")
#: Canvas label font (assets/view.js sizes it per zoom so labels keep one size on screen).
LABEL_FONT = "system-ui, sans-serif"
ASSETS = Path(__file__).with_name("assets")

#: The vis-network options a PyVis ``Network(directed=True)`` sets (pyvis 0.3.2, ``net.options.to_json()``)
#: with physics off; :func:`vis_options` replaces ``edges`` and parts of ``physics``/``interaction``.
PYVIS_DEFAULTS: dict[str, Any] = {
    "configure": {"enabled": False},
    "edges": {"color": {"inherit": True}, "smooth": {"enabled": True, "type": "dynamic"}},
    "interaction": {"dragNodes": True, "hideEdgesOnDrag": False, "hideNodesOnDrag": False},
    "physics": {
        "enabled": False,
        "stabilization": {
            "enabled": True,
            "fit": True,
            "iterations": 1000,
            "onlyDynamicEdges": False,
            "updateInterval": 50,
        },
    },
}

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
    spec = find_spec("pyvis")  # finds the package folder without running pyvis/__init__.py
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError("pyvis is not installed (need pyvis>=0.3.2,<0.4): it ships the vis-network the pages use")
    lib = Path(next(iter(spec.submodule_search_locations))) / "templates" / "lib" / f"vis-{VIS_VERSION}"
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
    """vis-network options, built on a PyVis ``Network``'s defaults (:data:`PYVIS_DEFAULTS`).

    Positions are precomputed, so physics is off unless asked for (the page has a toggle); when on,
    Barnes-Hut runs without a long stabilisation. Edges are straight (no smoothing support nodes).

    >>> vis_options(10)["physics"]["enabled"], vis_options(10)["edges"]["smooth"]
    (False, False)
    """
    options = copy.deepcopy(PYVIS_DEFAULTS)
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
    the node ids the first view zooms to; all when empty), rendered from ``assets/view.html.j2``.
    """
    options = vis_options(len(nodes), physics)
    vis_js, vis_css = vis_assets()
    view_js, view_css = view_assets()
    data = {
        "meta": page["meta"],
        "legend": page["legend"],
        "fit": page.get("fit", []),
        "nodes": nodes,
        "edges": edges,
    }
    values = {
        "page_title": str(escape(page["meta"]["title"])),
        "data_json": script_json(data),
        "options_json": script_json(options),
        "vis_js": vis_js,
        "vis_css": vis_css,
        "view_js": view_js,
        "view_css": view_css,
    }
    return "".join(values[part] if i % 2 else part for i, part in enumerate(page_template()))


@lru_cache(maxsize=1)
def page_template() -> list[str]:
    """``assets/view.html.j2`` cut at its ``{{ name }}`` placeholders: text, name, text, ..., name, text
    (its one final newline left out, as a Jinja template renders).

    >>> parts = page_template()
    >>> parts[1], "<title>" in parts[0], len(parts) % 2
    ('page_title', True, 1)
    """
    text = (ASSETS / TEMPLATE).read_text(encoding="utf-8")
    return _PLACEHOLDER.split(text.removesuffix("\n"))


def write_page(path: str | Path, html: str) -> Path:
    """Write ``html`` to ``path`` atomically (parents created), returning the path."""
    target = Path(path)
    if target.suffix.lower() not in {".html", ".htm"}:
        raise ConfigError(f"{target}: a view must be written to an .html file")
    return atomic_write(target, html)
